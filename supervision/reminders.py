"""Reminders (催办): what a staff member's units owe, as one digest e-mail per person per run,
and the reviewers' one-click notices from the report matrix.

A digest lists, for the current plan: reports due within ``within_days``; reports overdue in
periods still open (when the plan's periods never close, only the current reporting period's,
so that a digest does not list every quarter since the plan began); reports a reviewer returned
that wait for the unit; and reviewers' notices sent since the start of the previous day. Each
sent digest is logged with a fingerprint of its items: a run does not send a person a digest
whose items were already sent to them that day, but a changed state (a report returned, a new
notice, a report in) the same day sends an updated digest with the complete list.
"""

import datetime as dt
import hashlib
import smtplib
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from plan import permissions
from plan.members import units_and_collectives
from plan.periods import Period, reporting_period
from plan.urlplans import plan_url
from supervision.models import ReminderLog, ReminderNotice, ReviewState

from . import registry
from .reporting import todo_for

DUE_SOON, OVERDUE, RETURNED, NOTICE = "due_soon", "overdue", "returned", "notice"
NOTICE_DAYS_ON_TODO = 14


def matrix_context(user, plan, matrix, period: Period) -> dict:
    """What the report matrix needs for its reminder buttons (one query for reviewers, none
    for others): whether the user may remind, the period preselected, and each row's latest
    notice (``row.last_notice``)."""
    if not permissions.can_review(user) or not matrix.rows:
        return {"can_remind": False}
    years = {p.year for p in matrix.periods}
    last = dict(
        ReminderNotice.objects.filter(plan=plan, year__in=years)
        .values("unit_id")
        .annotate(last=Max("sent_at"))
        .values_list("unit_id", "last")
    )
    for row in matrix.rows:
        row.last_notice = last.get(row.unit.pk)
    chosen = period if period in matrix.periods else matrix.periods[-1]
    return {"can_remind": True, "remind_period": chosen}


def todo_notices(unit_ids, plan, today: dt.date) -> list:
    """Reviewers' notices to the units of the last two weeks, newest first (one query)."""
    since = _start_of(today - dt.timedelta(days=NOTICE_DAYS_ON_TODO))
    return list(
        ReminderNotice.objects.filter(
            units_and_collectives("unit_id", unit_ids), plan=plan, sent_at__gte=since
        )
        .select_related("unit", "sent_by")
        .order_by("-sent_at")[:10]
    )


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@dataclass(frozen=True)
class DigestItem:
    section: str
    text: str
    url: str
    key: str  # what identifies the item and its state, for the fingerprint


@dataclass
class Digest:
    items: list[DigestItem] = field(default_factory=list)

    def section(self, name: str) -> list[DigestItem]:
        return [item for item in self.items if item.section == name]

    @property
    def fingerprint(self) -> str:
        keys = "\n".join(sorted(item.key for item in self.items))
        return hashlib.sha256(keys.encode()).hexdigest()


def _periods(plan, today: dt.date, within_days: int) -> list[tuple[Period, str]]:
    """The periods whose missing reports a digest lists, with the section they go in."""
    current = Period.containing(today)
    latest = reporting_period(today, plan.start_year, plan.end_year)
    chosen = []
    for period in plan.reporting_periods:
        if period > current:
            break
        due = plan.due_date(period)
        if today <= due <= today + dt.timedelta(days=within_days):
            chosen.append((period, DUE_SOON))
        elif (
            due < today
            and not plan.is_closed(period, today)
            and (plan.close_after_days or period == latest)
        ):
            chosen.append((period, OVERDUE))
    return chosen


def digest_for(user, unit_ids, plan, today: dt.date, within_days: int) -> Digest:
    """Everything ``unit_ids`` owe on ``today``, as digest items with absolute links."""
    base = settings.SITE_URL.rstrip("/")
    items = []
    for period, section in _periods(plan, today, within_days):
        todo = todo_for(user, unit_ids, plan, period)
        due = todo.due.isoformat()
        for r in todo.task_reports:
            args = [r.task.number, r.unit_id, str(period)]
            items.append(DigestItem(section, _(
                "%(period)s report on task %(task)s for %(unit)s (due %(due)s)") % {
                "period": period, "task": r.task, "unit": r.unit.name, "due": due},
                base + plan_url(plan, "supervision:task-report", *args),
                f"{section}:task:{r.task_id}:{r.unit_id}:{period}"))  # fmt: skip
        for r in todo.summaries:
            items.append(DigestItem(section, _(
                "%(period)s lead unit's summary of task %(task)s (due %(due)s)") % {
                "period": period, "task": r.task, "due": due},
                base + plan_url(plan, "supervision:task-summary", r.task.number, str(period)),
                f"{section}:summary:{r.task_id}:{period}"))  # fmt: skip
        for kind, subjects in todo.owed:
            for s in subjects:
                items.append(DigestItem(
                    section, kind.digest_text(s, period, due), base + kind.report_url(s, period),
                    f"{section}:{kind.key}:{s.pk}:{period}"))  # fmt: skip
    # Obligations with a deadline of their own (supervision items), overdue or due soon.
    soon = today + dt.timedelta(days=within_days)
    for kind in registry.deadline_kinds():
        for d in kind.deadlines(plan, today, within_days, unit_ids):
            if d.due <= soon:
                section = OVERDUE if d.due < today else DUE_SOON
                items.append(DigestItem(section, d.text, base + d.url, d.key))
    # Reports returned to the units, of every registered kind.
    for kind in registry.kinds():
        returned = kind.model.objects.filter(
            **{kind.plan_path: plan, f"{kind.unit_id_path}__in": unit_ids},
            **kind.state_filter([ReviewState.RETURNED]),
        ).select_related(*kind.related)
        for report in returned:
            items.append(_returned(base, kind, report))
    since = _start_of(today - dt.timedelta(days=1))
    # A reminder to a collective (各县(市)区和开发区) reaches its members' staff too.
    notices = ReminderNotice.objects.filter(
        units_and_collectives("unit_id", unit_ids), plan=plan, sent_at__gte=since
    )
    for n in notices.select_related("unit", "sent_by").order_by("sent_at"):
        items.append(DigestItem(NOTICE, _(
            "%(who)s of the coordinating office reminded %(unit)s of the %(period)s reports on "
            "%(day)s.") % {"who": n.sent_by.get_full_name() or n.sent_by.username,
                           "unit": n.unit.name, "period": n.period,
                           "day": timezone.localtime(n.sent_at).strftime("%Y-%m-%d %H:%M")},
            base + plan_url(plan, "supervision:unit-period-reports", n.unit_id, str(n.period)),
            f"notice:{n.pk}"))  # fmt: skip
    return Digest(items)


def _returned(base, kind, report) -> DigestItem:
    comment = getattr(report, kind.comment_field)
    text = _("%(what)s, returned: %(comment)s") % {
        "what": kind.returned_text(report), "comment": comment,
    }  # fmt: skip
    stamped = getattr(report, kind.returned_stamp_field)
    stamp = stamped.isoformat() if stamped else ""
    return DigestItem(RETURNED, text, base + report.get_absolute_url(),
                      f"returned:{kind.key}:{report.pk}:{stamp}")  # fmt: skip


def recipients():
    """Active unit staff (填报员) who belong to at least one unit."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=permissions.STAFF,
                        unit_memberships__isnull=False)
        .distinct()
        .order_by("username")
    )  # fmt: skip


@dataclass
class RunResult:
    sent: list = field(default_factory=list)  # (user, number of items, update?)
    unchanged: list = field(default_factory=list)  # users whose digest was already sent today
    without_email: list = field(default_factory=list)
    failed: list = field(default_factory=list)  # (user, error): not logged, so tried next run
    nothing_owed: int = 0


def digest_for_plans(user, unit_ids, plans, today: dt.date, within_days: int) -> Digest:
    """One digest of what ``unit_ids`` owe in every plan of ``plans``; with several plans each
    item names its plan (and its key does too, so that two plans' items never merge)."""
    if len(plans) == 1:
        return digest_for(user, unit_ids, plans[0], today, within_days)
    items = []
    for plan in plans:
        for item in digest_for(user, unit_ids, plan, today, within_days).items:
            items.append(DigestItem(item.section, f"【{plan.code}】{item.text}", item.url,
                                    f"{plan.pk}:{item.key}"))  # fmt: skip
    return Digest(items)


def send_digests(
    *, today: dt.date, within_days: int, dry_run: bool = False, plans=None, plan=None
) -> RunResult:
    """Send each staff member one digest of what their units owe in ``plans`` (every active
    plan; ``plan`` for one), unless the same digest went to them today; log each one sent.
    ``dry_run`` decides and reports without sending."""
    plans = list(plans) if plans is not None else [plan]
    result = RunResult()
    by_units: dict[frozenset, Digest] = {}
    with translation.override(settings.LANGUAGE_CODE):
        for user in recipients():
            units = permissions.unit_ids(user)
            if units not in by_units:
                by_units[units] = digest_for_plans(user, units, plans, today, within_days)
            digest = by_units[units]
            if not digest.items:
                result.nothing_owed += 1
                continue
            sent_today = list(
                ReminderLog.objects.filter(user=user, day=today).values_list(
                    "fingerprint", flat=True
                )
            )
            if digest.fingerprint in sent_today:
                result.unchanged.append(user)
                continue
            if not user.email:
                result.without_email.append(user)
                continue
            update = bool(sent_today)
            if not dry_run:
                try:
                    _send(user, digest, plans, today, update)
                except (OSError, smtplib.SMTPException) as error:
                    # One unreachable mailbox must not stop everyone else's reminder.
                    result.failed.append((user, error))
                    continue
                ReminderLog.objects.create(
                    user=user, day=today, fingerprint=digest.fingerprint,
                    items=len(digest.items), sent_at=timezone.now(),
                )  # fmt: skip
            result.sent.append((user, len(digest.items), update))
    return result


def _send(user, digest: Digest, plans, today, update: bool) -> None:
    plan = plans[0]
    sections = [
        (_("Due soon"), digest.section(DUE_SOON)),
        (_("Overdue"), digest.section(OVERDUE)),
        (_("Returned by a reviewer: waiting for your unit"), digest.section(RETURNED)),
        (_("Reminders from the coordinating office"), digest.section(NOTICE)),
    ]
    context = {
        "user": user, "plan": plan, "plans": plans, "today": today, "update": update,
        "sections": [(title, items) for title, items in sections if items],
        "count": len(digest.items), "site_url": settings.SITE_URL.rstrip("/"),
    }  # fmt: skip
    if update:
        subject = _("[Reminder, updated] %(count)s items for your unit(s) · %(plan)s")
    else:
        subject = _("[Reminder] %(count)s items for your unit(s) · %(plan)s")
    message = EmailMultiAlternatives(
        subject=subject
        % {
            "count": len(digest.items),
            "plan": plan.title[:40] if len(plans) == 1 else "、".join(p.code for p in plans),
        },
        body=render_to_string("supervision/email/digest.txt", context),
        to=[user.email],
    )
    message.attach_alternative(
        render_to_string("supervision/email/digest.html", context), "text/html"
    )
    message.send()
