"""The reporting cycle after the due date: periods close, units ask to reopen, reviewers decide,
and reviewers send reminders (催办). Every write is one function in one transaction.

A period closes ``Plan.close_after_days`` after its reports were due (0: never). After that the
submit services (project reports, task reports and summaries, indicator values) call
``require_open``, which refuses unless a reviewer granted a reopening in force for the unit and
that period: for the whole period of the unit, or for the one task, project or indicator.
A grant allows edits through ``open_until`` (inclusive); ``reopen_expire`` marks elapsed grants as
expired, so that the expiry shows in the audit trail (the daily ``send_reminders`` runs it).
"""

import datetime as dt
from dataclasses import dataclass
from types import SimpleNamespace

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from plan.models import Plan, Unit
from plan.periods import Period
from plan.permissions import can_report_on, can_review
from plan.textlimits import change_reason, clip, limit, require_within

from .models import ReminderNotice, ReopenRequest, ReopenScope, ReopenState

GRANT_DAYS_DEFAULT = 7
GRANT_DAYS_MAX = 60


def _reopenings(unit_id: int, period: Period, scope: str, object_id: int | None, today):
    whole = Q(scope=ReopenScope.PERIOD)
    one = Q(scope=scope, object_id=object_id) if scope != ReopenScope.PERIOD else Q(pk__in=[])
    return ReopenRequest.objects.in_force(today).filter(
        whole | one, unit_id=unit_id, year=period.year, quarter=period.quarter
    )


@dataclass(frozen=True)
class PeriodStatus:
    """Whether reports of a period can be changed for one unit and subject, and why."""

    period: Period
    closed_on: dt.date | None  # the last day it was open; None when it never closes
    closed: bool  # past the close date
    open_until: dt.date | None  # a grant in force allows edits through this day
    plan_state: str = ""  # set when the plan's state (ended, archived) closes it, not the date

    @property
    def editable(self) -> bool:
        return not self.closed or self.open_until is not None


def period_status(
    *, plan: Plan, unit_id: int, period: Period, scope: str, object_id: int | None, today
) -> PeriodStatus:
    """Where ``period`` stands for ``unit_id``'s ``scope``/``object_id`` on ``today`` (one query
    when the period is closed, none otherwise)."""
    if not plan.takes_reports(values=scope == ReopenScope.INDICATOR):
        # An ended (or archived) plan takes no more reports of this kind: no grant reopens it.
        changed = plan.state_changed_at
        on = timezone.localtime(changed).date() if changed else today
        return PeriodStatus(period, on, True, None, plan_state=plan.get_state_display())
    closed = plan.is_closed(period, today)
    open_until = None
    if closed:
        grant = _reopenings(unit_id, period, scope, object_id, today).order_by("-open_until")
        open_until = grant.values_list("open_until", flat=True).first()
    return PeriodStatus(period, plan.close_date(period), closed, open_until)


def require_open(
    *, plan: Plan, unit_id: int, period: Period, scope: str, object_id: int | None, today,
    field: str = "__all__",
) -> None:  # fmt: skip
    """Refuse (``ValidationError`` on ``field``) a change to a closed period without a grant."""
    status = period_status(
        plan=plan, unit_id=unit_id, period=period, scope=scope, object_id=object_id, today=today
    )
    if not status.editable:
        raise ValidationError({field: closed_message(status)})


def period_statuses(
    *, plan: Plan, period: Period, scope: str, subjects, today
) -> dict[tuple[int, int], PeriodStatus]:  # fmt: skip
    """``period_status`` for many ``(unit_id, object_id)`` subjects of one ``scope`` at once (an
    import of thousands of rows): one query when the period is closed, none otherwise."""
    subjects = list(subjects)
    if not plan.takes_reports(values=scope == ReopenScope.INDICATOR):
        changed = plan.state_changed_at
        on = timezone.localtime(changed).date() if changed else today
        status = PeriodStatus(period, on, True, None, plan_state=plan.get_state_display())
        return dict.fromkeys(subjects, status)
    closed_on = plan.close_date(period)
    if not plan.is_closed(period, today):
        return dict.fromkeys(subjects, PeriodStatus(period, closed_on, False, None))
    whole, one = {}, {}
    grants = ReopenRequest.objects.in_force(today).filter(
        Q(scope=ReopenScope.PERIOD) | Q(scope=scope),
        unit_id__in={unit for unit, _object in subjects}, year=period.year,
        quarter=period.quarter,
    )  # fmt: skip
    for unit_id, grant_scope, object_id, until in grants.values_list(
        "unit_id", "scope", "object_id", "open_until"
    ):
        target = whole if grant_scope == ReopenScope.PERIOD else one
        key = unit_id if grant_scope == ReopenScope.PERIOD else (unit_id, object_id)
        target[key] = max(until, target.get(key, until))
    statuses = {}
    for unit_id, object_id in subjects:
        until = [d for d in (whole.get(unit_id), one.get((unit_id, object_id))) if d]
        statuses[(unit_id, object_id)] = PeriodStatus(
            period, closed_on, True, max(until) if until else None
        )
    return statuses


def closed_message(status: PeriodStatus) -> str:
    if status.plan_state:
        return _(
            "This plan is %(state)s since %(date)s: it takes no more reports of this kind."
        ) % {"state": status.plan_state, "date": status.closed_on.isoformat()}
    return _(
        "%(period)s is closed for reporting since %(date)s: its reports can no longer be "
        "changed. Ask a reviewer to reopen it for your unit."
    ) % {"period": status.period, "date": status.closed_on.isoformat()}


@transaction.atomic
def reopen_request_submit(
    *, plan: Plan, unit: Unit, period: Period, scope: str, object_id: int | None, subject: str,
    reason: str, user, today=None,
) -> ReopenRequest:  # fmt: skip
    """A unit asks to change reports of a closed period. Staff of the unit (or administrators)
    only; the period must be closed and not already reopened, and the same request not already
    waiting; the reason is required."""
    if not can_report_on(user, SimpleNamespace(unit_id=unit.pk)):
        raise PermissionDenied(_("Only staff of the unit may ask to reopen its reports."))
    today = today or timezone.localdate()
    errors = {}
    if not reason.strip():
        errors["reason"] = _("Say why the reports must change: the reason is required.")
    if scope not in ReopenScope.values or (scope != ReopenScope.PERIOD and object_id is None):
        errors["__all__"] = _("Say what should be reopened.")
    elif period not in plan.reporting_periods:
        errors["period"] = _("%(period)s is not a reporting period of this plan.") % {
            "period": period
        }
    elif not plan.is_closed(period, today):
        errors["period"] = _("%(period)s is still open: change the reports directly.") % {
            "period": period
        }
    elif _reopenings(unit.pk, period, scope, object_id, today).exists():
        errors["period"] = _("This is already reopened: change the reports directly.")
    elif (
        ReopenRequest.objects.waiting()
        .filter(
            unit=unit, year=period.year, quarter=period.quarter, scope=scope, object_id=object_id
        )
        .exists()
    ):
        errors["period"] = _("The same request is already waiting for a reviewer.")
    if errors:
        raise ValidationError(errors)
    require_within("supervision.ReopenRequest", reason=reason.strip())
    row = ReopenRequest(
        plan=plan, unit=unit, year=period.year, quarter=period.quarter, scope=scope,
        object_id=object_id if scope != ReopenScope.PERIOD else None,
        subject=clip(subject, limit("supervision.ReopenRequest", "subject")),
        reason=reason.strip(), requested_by=user, requested_at=timezone.now(),
    )  # fmt: skip
    row._history_user = user
    # The history's reason column holds 100 characters: a shortened copy; the reason is in full
    # in the row's own field.
    row._change_reason = change_reason(_("requested: %(reason)s") % {"reason": row.reason})
    row.save()
    return row


def _waiting_for_decision(request_id: int, user) -> ReopenRequest:
    row = ReopenRequest.objects.select_for_update().get(pk=request_id)
    if not can_review(user, row):
        raise PermissionDenied(
            _("Only a reviewer or an administrator outside the unit may decide on reopening.")
        )
    if row.state != ReopenState.OPEN:
        raise ValidationError(
            {"__all__": _("This request was already decided: %(state)s.")
             % {"state": row.get_state_display()}}
        )  # fmt: skip
    return row


@transaction.atomic
def reopen_grant(
    *, request_id: int, user, days: int = GRANT_DAYS_DEFAULT, comment: str = "", today=None
) -> ReopenRequest:
    """Grant a waiting request: the unit may change the reports it covers for ``days`` days,
    today included."""
    if not 1 <= days <= GRANT_DAYS_MAX:
        raise ValidationError(
            {"days": _("A reopening lasts 1 to %(max)s days.") % {"max": GRANT_DAYS_MAX}}
        )
    row = _waiting_for_decision(request_id, user)
    today = today or timezone.localdate()
    row.state = ReopenState.GRANTED
    row.open_until = today + dt.timedelta(days=days - 1)
    return _decide(row, user, comment, _("granted until %(day)s") % {"day": row.open_until})


@transaction.atomic
def reopen_refuse(*, request_id: int, user, comment: str) -> ReopenRequest:
    """Refuse a waiting request, saying why."""
    if not comment.strip():
        raise ValidationError({"comment": _("Say why the request is refused.")})
    row = _waiting_for_decision(request_id, user)
    row.state = ReopenState.REFUSED
    return _decide(row, user, comment, _("refused"))


def _decide(row, user, comment, what) -> ReopenRequest:
    require_within(
        "supervision.ReopenRequest",
        {"decision_comment": "comment"},
        decision_comment=comment.strip(),
    )
    row.decided_by = user
    row.decided_at = timezone.now()
    row.decision_comment = comment.strip()
    row._history_user = user
    reason = f"{what}: {row.decision_comment}" if row.decision_comment else what
    row._change_reason = change_reason(reason)  # the comment is in full in decision_comment
    row.save()
    return row


@transaction.atomic
def reopen_expire(*, today=None) -> int:
    """Mark grants whose last day has passed as expired (for the audit trail); how many."""
    today = today or timezone.localdate()
    rows = ReopenRequest.objects.select_for_update().filter(
        state=ReopenState.GRANTED, open_until__lt=today
    )
    count = 0
    for row in rows:
        row.state = ReopenState.EXPIRED
        row._change_reason = change_reason(_("expired after %(day)s") % {"day": row.open_until})
        row.save()
        count += 1
    return count


@transaction.atomic
def reminder_notice_send(*, plan: Plan, unit: Unit, period: Period, kind: str, user):
    """A reviewer reminds a unit (催办) of a period's reports: shown on the unit's to-do and in
    its staff's next reminder e-mail, and recorded in the audit trail."""
    if not can_review(user, SimpleNamespace(unit_id=unit.pk)):
        raise PermissionDenied(
            _("Only a reviewer or an administrator outside the unit may send reminders.")
        )
    if period not in plan.reporting_periods:
        raise ValidationError(
            {"period": _("%(period)s is not a reporting period of this plan.") % {"period": period}}
        )
    notice = ReminderNotice(
        plan=plan, unit=unit, year=period.year, quarter=period.quarter, kind=kind[:12],
        sent_by=user, sent_at=timezone.now(),
    )  # fmt: skip
    notice._history_user = user
    notice._change_reason = change_reason(_("reminder for %(period)s") % {"period": period})
    notice.save()
    return notice


@dataclass(frozen=True)
class Closing:
    """What a report form says before the user types: which of its periods are closed for this
    unit and subject (``locked``), which are closed but reopened (``reopened``), and where to ask
    for a reopening (``request_query``: the query string of the request page)."""

    locked: list[PeriodStatus]
    reopened: list[PeriodStatus]
    request_query: str

    def __bool__(self):
        return bool(self.locked or self.reopened)

    def is_locked(self, period: Period) -> bool:
        return any(s.period == period for s in self.locked)


def closing(
    *, plan: Plan, unit_id: int, scope: str, object_id: int | None, periods, today
) -> Closing:
    """The ``Closing`` of a form offering ``periods`` (at most one query)."""
    closed = [p for p in periods if plan.is_closed(p, today)]
    grants: dict[Period, dt.date] = {}
    if closed:
        rows = ReopenRequest.objects.in_force(today).filter(
            Q(scope=ReopenScope.PERIOD) | Q(scope=scope, object_id=object_id), unit_id=unit_id
        )
        for year, quarter, until in rows.values_list("year", "quarter", "open_until"):
            period = Period(year, quarter)
            grants[period] = max(until, grants.get(period, until))
    statuses = [PeriodStatus(p, plan.close_date(p), True, grants.get(p)) for p in closed]
    query = f"unit={unit_id}&scope={scope}" + (f"&object={object_id}" if object_id else "")
    if closed:
        query += f"&period={closed[-1]}"
    return Closing(
        locked=[s for s in statuses if not s.editable],
        reopened=[s for s in statuses if s.editable],
        request_query=query,
    )
