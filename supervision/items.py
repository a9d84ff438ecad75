"""Supervision items (督办件): who may do what to one, its colour, and every transition.

The cycle (立项 → 交办 → 跟踪 → 反馈 → 办结)::

    registered --assign--> assigned --progress--> in progress --answer--> answered --close--> closed
                                 \\________________answer_______________/      |
                                                                  returned <--return (comment)
    returned --progress/answer--> in progress / answered

- **write** (``create_item``): a leader (or an administrator; the office too, for a meeting's
  decision or a document) writes the instruction in one step. It is *registered* and waits in the
  office's queue, unless ``settings.LEADERS_ASSIGN_ITEMS`` lets a leader name the lead unit and
  the deadline at once, when it is *assigned* straight away.
- **assign** (``assign_item``): the office (reviewers, administrators; leaders when the setting is
  on) names the lead unit, the co-units and the deadline; a registered or assigned item.
- **progress** (``add_note``): staff of the lead unit write a progress note (the item is then
  *in progress*); staff of a co-unit add their part to the lead unit's answer (no state change).
- **answer** (``answer_item``): staff of the lead unit give the answer (办理情况), with evidence
  files checked by the evidence rules (``supervision.evidence.check_upload``).
- **close** / **return** (``close_item``, ``return_item``): a reviewer outside the lead unit
  accepts the answer or returns it with a comment.

Every service runs in one transaction, locks the item's row, refuses (``PermissionDenied``) a user
who may not, refuses (``ItemConflict``) a change made against an older ``version`` (someone else
changed the item since the page was opened) and (``ValidationError``) a move the state does not
allow, and changes nothing when it refuses. Each change is saved through the model (so
simple-history records it, with who and a change reason, and the audit trail lists it).

What an item is about is a *subject kind* that the app holding it registers (``register_subject``),
the way report kinds register: ``supervision`` imports nothing from ``projects`` or
``indicators``. It registers the plan's own tasks itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from plan import permissions
from plan.textlimits import change_reason

from .colours import Colour, blue_days, deadline_colour
from .evidence import CheckedFile, check_upload
from .models import Evidence, ItemNote, ItemSource, ItemState, SupervisionItem

# ---------------------------------------------------------------- subjects


@dataclass(frozen=True)
class SubjectKind:
    """Something in a plan an item can be about: a project, a task, an indicator."""

    key: str  # "project"
    label: Any  # "project", translated lazily
    model: type
    plan_path: str  # from the subject to its plan's id, e.g. "annex__plan_id"
    unit_path: str  # to its responsible unit's id (the suggested lead unit); "" for none
    name: Callable[[Any], str]  # the subject -> what the item shows
    url: Callable[[int], str]  # the subject's id -> its page


_SUBJECTS: dict[str, SubjectKind] = {}


def register_subject(kind: SubjectKind) -> None:
    """Add a kind of subject; an app calls this from its ``AppConfig.ready()``."""
    _SUBJECTS[kind.key] = kind


def subject_kinds() -> list[SubjectKind]:
    return list(_SUBJECTS.values())


def subject_kind(key: str) -> SubjectKind | None:
    return _SUBJECTS.get(key)


@dataclass(frozen=True)
class Subject:
    kind: SubjectKind
    pk: int
    name: str
    plan_id: int
    unit_id: int | None


def find_subject(key: str, pk) -> Subject | None:
    """The subject ``key``/``pk`` names, or None when there is no such thing."""
    kind = _SUBJECTS.get(key or "")
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    if kind is None:
        return None
    obj = kind.model.objects.filter(pk=pk).first()
    if obj is None:
        return None
    plan_id = kind.model.objects.filter(pk=pk).values_list(kind.plan_path, flat=True).first()
    unit_id = getattr(obj, kind.unit_path) if kind.unit_path else None
    return Subject(kind, pk, kind.name(obj), plan_id, unit_id)


def subject_url(item: SupervisionItem) -> str:
    kind = _SUBJECTS.get(item.subject_kind)
    if kind is None or item.subject_id is None:
        return ""
    return kind.url(item.subject_id)


# ---------------------------------------------------------------- who may


def can_write(user) -> bool:
    """May ``user`` write an instruction? Leaders and administrators, and the office (which
    registers meetings' decisions and documents too)."""
    return user.is_authenticated and (
        permissions.is_leader(user)
        or permissions.is_administrator(user)
        or permissions.is_reviewer(user)
    )


def can_assign(user) -> bool:
    """May ``user`` assign items? The office; leaders too when ``LEADERS_ASSIGN_ITEMS``."""
    if not user.is_authenticated:
        return False
    if permissions.is_reviewer(user) or permissions.is_administrator(user):
        return True
    return permissions.is_leader(user) and settings.LEADERS_ASSIGN_ITEMS


def is_lead_staff(user, item) -> bool:
    return (
        item.lead_unit_id is not None
        and permissions.is_staff_member(user)
        and item.lead_unit_id in permissions.unit_ids(user)
    )


def co_unit_ids_of(user, item) -> set[int]:
    """The co-units of ``item`` that ``user`` is staff of."""
    if not permissions.is_staff_member(user):
        return set()
    return {u.pk for u in item.co_units.all()} & set(permissions.unit_ids(user))


def can_close(user, item) -> bool:
    """Accept or return an answer: a reviewer (or administrator) outside the lead unit."""
    return item.lead_unit_id is not None and permissions.can_review(
        user, _UnitOf(item.lead_unit_id)
    )


@dataclass(frozen=True)
class _UnitOf:
    unit_id: int


# ---------------------------------------------------------------- colour


def item_colour(item, today: dt.date | None = None) -> str:
    """Three colours like every other obligation (``colours.deadline_colour``): red when open
    past its deadline (an answer given in time is not red), yellow when returned to the unit,
    blue when unanswered and due within the blue window; none when closed, answered or not due
    soon."""
    return deadline_colour(
        done=item.state == ItemState.CLOSED,
        answered=item.state == ItemState.ANSWERED,
        returned=item.state == ItemState.RETURNED,
        due=item.deadline,
        today=today or timezone.localdate(),
        days=blue_days(),
    )


def colour_q(colour: str, today: dt.date):
    """The SQL twin of ``item_colour``: a ``Q`` for the items of ``colour`` (red, yellow, blue)."""
    from django.db.models import Q

    open_ = Q(deadline__isnull=False) & ~Q(state=ItemState.CLOSED)
    late = open_ & Q(deadline__lt=today) & ~Q(state=ItemState.ANSWERED)
    if colour == Colour.RED:
        return late
    if colour == Colour.YELLOW:
        return open_ & Q(state=ItemState.RETURNED) & ~late
    soon = Q(deadline__gte=today, deadline__lte=today + dt.timedelta(days=blue_days()))
    return open_ & soon & ~Q(state__in=[ItemState.ANSWERED, ItemState.RETURNED])


def colour_filter(queryset, colour: str, today: dt.date):
    """The items of ``queryset`` that show ``colour``; any other value filters nothing."""
    if colour not in Colour.MARKED:
        return queryset
    return queryset.filter(colour_q(colour, today))


def counts(plan, today: dt.date) -> dict:
    """The plan's items by state and by colour, in one query (the cockpit's figures)."""
    from django.db.models import Count, Q

    aggregates = {state: Count("pk", filter=Q(state=state)) for state in ItemState.values}
    aggregates |= {colour: Count("pk", filter=colour_q(colour, today)) for colour in Colour.MARKED}
    return SupervisionItem.objects.filter(plan=plan).aggregate(**aggregates)


# ---------------------------------------------------------------- services


class ItemConflict(ValidationError):
    """Someone else changed the item after the page was opened."""


def _locked(item, version) -> SupervisionItem:
    current = SupervisionItem.objects.select_for_update().get(pk=item.pk)
    if version is not None and int(version) != current.version:
        raise ItemConflict(
            _(
                "Someone else changed this item after you opened it (now version %(now)s, yours "
                "%(yours)s). Reload the page to see the change; what you typed is kept below."
            )
            % {"now": current.version, "yours": version}
        )
    return current


def _require_state(item, *states) -> None:
    if item.state not in states:
        raise ValidationError(
            _("This item is %(state)s: it cannot be changed that way now.")
            % {"state": item.get_state_display()}
        )


def _save(item, user, reason: str) -> SupervisionItem:
    item.version += 1
    item._history_user = user
    item._change_reason = change_reason(reason)
    item.save()
    return item


def _clean_text(text: str, what) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Write the %(what)s.") % {"what": what})
    return text


def _check_assignment(lead_unit, co_units, deadline, today) -> None:
    if lead_unit is None:
        raise ValidationError(_("Choose the lead unit."))
    if deadline is None:
        raise ValidationError(_("Give a deadline."))
    if deadline < today:
        raise ValidationError(_("The deadline is in the past."))
    if any(u.pk == lead_unit.pk for u in co_units):
        raise ValidationError(_("The lead unit cannot also be a co-unit."))


@transaction.atomic
def create_item(
    *,
    user,
    plan,
    instruction: str,
    subject: Subject | None = None,
    source: str = ItemSource.INSTRUCTION,
    given_by_name: str = "",
    given_on: dt.date | None = None,
    lead_unit=None,
    co_units=(),
    deadline=None,
) -> SupervisionItem:
    """Write an instruction. Registered, or assigned at once when the writer may assign and
    names a lead unit and a deadline."""
    if not can_write(user):
        raise PermissionDenied(_("Only leaders and the coordinating office write instructions."))
    instruction = _clean_text(instruction, _("instruction"))
    if subject is not None and subject.plan_id != plan.pk:
        plan = type(plan).objects.get(pk=subject.plan_id)
    assign_now = lead_unit is not None or deadline is not None
    today = timezone.localdate()
    if assign_now:
        if not can_assign(user):
            raise PermissionDenied(_("Only the coordinating office assigns items."))
        _check_assignment(lead_unit, co_units, deadline, today)
    item = SupervisionItem(
        plan=plan,
        source=source,
        instruction=instruction,
        given_by=user,
        given_by_name=given_by_name.strip(),
        given_on=given_on or today,
        subject_kind=subject.kind.key if subject else "",
        subject_id=subject.pk if subject else None,
        subject_name=subject.name[:300] if subject else "",
    )
    if assign_now:
        item.state = ItemState.ASSIGNED
        item.lead_unit = lead_unit
        item.deadline = deadline
        item.assigned_by, item.assigned_at = user, timezone.now()
    item._history_user = user
    item._change_reason = change_reason(_("written"))
    item.save()
    if assign_now and co_units:
        item.co_units.set(co_units)
        _save(item, user, _assign_reason(lead_unit, co_units, deadline))
    return item


def _assign_reason(lead_unit, co_units, deadline) -> str:
    co = "、".join(u.name for u in co_units) or "—"
    return _("assigned to %(lead)s, co-units %(co)s, deadline %(deadline)s") % {
        "lead": lead_unit.name,
        "co": co,
        "deadline": deadline.isoformat(),
    }


@transaction.atomic
def assign_item(*, item, user, version, lead_unit, co_units=(), deadline) -> SupervisionItem:
    """The office names the lead unit, the co-units and the deadline (交办)."""
    if not can_assign(user):
        raise PermissionDenied(_("Only the coordinating office assigns items."))
    current = _locked(item, version)
    _require_state(current, ItemState.REGISTERED, ItemState.ASSIGNED)
    _check_assignment(lead_unit, co_units, deadline, timezone.localdate())
    current.lead_unit = lead_unit
    current.deadline = deadline
    current.state = ItemState.ASSIGNED
    current.assigned_by, current.assigned_at = user, timezone.now()
    current.co_units.set(co_units)
    return _save(current, user, _assign_reason(lead_unit, co_units, deadline))


@transaction.atomic
def add_note(*, item, user, version, text: str) -> ItemNote:
    """A progress note by the lead unit (the item is then in progress), or a co-unit's part."""
    current = _locked(item, version)
    _require_state(current, ItemState.ASSIGNED, ItemState.IN_PROGRESS, ItemState.RETURNED)
    text = _clean_text(text, _("note"))
    if is_lead_staff(user, current):
        kind, unit_id = ItemNote.Kind.PROGRESS, current.lead_unit_id
    else:
        mine = co_unit_ids_of(user, current)
        if not mine:
            raise PermissionDenied(_("Only staff of the lead unit or a co-unit may write here."))
        kind, unit_id = ItemNote.Kind.PART, min(mine)
    note = ItemNote(item=current, kind=kind, unit_id=unit_id, text=text, written_by=user)
    note._history_user = user
    note.save()
    if kind == ItemNote.Kind.PROGRESS and current.state != ItemState.RETURNED:
        current.state = ItemState.IN_PROGRESS
    _save(
        current, user, _("progress note") if kind == ItemNote.Kind.PROGRESS else _("co-unit's part")
    )
    return note


@transaction.atomic
def remind_item(*, item, user, today: dt.date | None = None) -> ItemNote:
    """The office reminds the units of an open item with one click (催办): an e-mail with the
    item's link to every active member of the lead unit and the co-units who has an address, and
    a note on the item's timeline saying who was reminded. Once a day per item; the item itself
    (its state, its version) does not change, so nobody's open form goes stale."""
    if not can_assign(user):
        raise PermissionDenied(_("Only the coordinating office reminds units of an item."))
    current = SupervisionItem.objects.select_for_update().get(pk=item.pk)
    _require_state(current, ItemState.ASSIGNED, ItemState.IN_PROGRESS, ItemState.RETURNED)
    today = today or timezone.localdate()
    start = timezone.make_aware(dt.datetime.combine(today, dt.time()))
    if current.notes.filter(kind=ItemNote.Kind.REMINDER, written_at__gte=start).exists():
        raise ValidationError(_("The units were already reminded of this item today."))
    unit_ids = [current.lead_unit_id, *current.co_units.values_list("pk", flat=True)]
    people = list(
        get_user_model()
        .objects.filter(is_active=True, unit_memberships__unit_id__in=unit_ids)
        .exclude(email="")
        .distinct()
        .order_by("username")
    )
    if not people:
        raise ValidationError(
            _("Nobody in the lead unit or the co-units has an e-mail address to remind.")
        )
    link = settings.SITE_URL.rstrip("/") + current.get_absolute_url()
    deadline = current.deadline.isoformat() if current.deadline else "—"
    subject = _("Reminder: supervision item due %(deadline)s") % {"deadline": deadline}
    body = _(
        "The coordinating office reminds you of this supervision item (督办件), due "
        "%(deadline)s:\n\n%(instruction)s\n\n%(link)s"
    ) % {"deadline": deadline, "instruction": current.instruction, "link": link}
    for person in people:
        send_mail(subject, body, None, [person.email])
    note = ItemNote(
        item=current,
        kind=ItemNote.Kind.REMINDER,
        unit_id=current.lead_unit_id,
        text=_("Reminded by e-mail: %(names)s")
        % {"names": "、".join(p.get_full_name() or p.username for p in people)},
        written_by=user,
    )
    note._history_user = user
    note.save()
    return note


@transaction.atomic
def answer_item(*, item, user, version, answer: str, uploads=()) -> SupervisionItem:
    """The lead unit's answer (办理情况), with evidence files; all of it or nothing."""
    if not is_lead_staff(user, item):
        raise PermissionDenied(_("Only staff of the lead unit answer this item."))
    current = _locked(item, version)
    _require_state(current, ItemState.ASSIGNED, ItemState.IN_PROGRESS, ItemState.RETURNED)
    answer = _clean_text(answer, _("answer"))
    checked = [u if isinstance(u, CheckedFile) else check_upload(u) for u in uploads]
    limit = settings.EVIDENCE_MAX_REPORT_BYTES
    if sum(c.size for c in checked) > limit:
        raise ValidationError(_("The files come to more than an item may hold."))
    current.answer = answer
    current.answered_by, current.answered_at = user, timezone.now()
    current.state = ItemState.ANSWERED
    _save(current, user, _("answered"))
    storage = Evidence._meta.get_field("file").storage
    stored = []
    try:
        for c in checked:
            row = Evidence(
                report=current,
                unit_id=current.lead_unit_id,
                name=c.name,
                size=c.size,
                media_type=c.media_type,
                uploaded_by=user,
            )
            c.upload.seek(0)
            row.file.save(f"evidence.{c.extension}", c.upload, save=False)
            stored.append(row.file.name)
            row._history_user = user
            row.save()
    except Exception:
        for name in stored:
            storage.delete(name)
        raise
    return current


@transaction.atomic
def close_item(*, item, user, version) -> SupervisionItem:
    """The office accepts the answer (办结)."""
    if not can_close(user, item):
        raise PermissionDenied(_("Only a reviewer outside the lead unit may close this item."))
    current = _locked(item, version)
    _require_state(current, ItemState.ANSWERED)
    current.state = ItemState.CLOSED
    current.closed_by, current.closed_at = user, timezone.now()
    return _save(current, user, _("closed"))


@transaction.atomic
def return_item(*, item, user, version, comment: str) -> SupervisionItem:
    """The office returns the answer to the lead unit with a comment."""
    if not can_close(user, item):
        raise PermissionDenied(_("Only a reviewer outside the lead unit may return this item."))
    current = _locked(item, version)
    _require_state(current, ItemState.ANSWERED)
    current.office_comment = _clean_text(comment, _("comment"))
    current.state = ItemState.RETURNED
    return _save(current, user, _("returned: %(comment)s") % {"comment": current.office_comment})


@transaction.atomic
def request_extension(*, item, user, version, until: dt.date, reason: str) -> SupervisionItem:
    """The lead unit asks for a later deadline, with a reason; the office grants or refuses."""
    if not is_lead_staff(user, item):
        raise PermissionDenied(_("Only staff of the lead unit ask for an extension."))
    current = _locked(item, version)
    _require_state(current, ItemState.ASSIGNED, ItemState.IN_PROGRESS, ItemState.RETURNED)
    if current.extension_until is not None:
        raise ValidationError(_("An extension is already waiting for the office's decision."))
    reason = _clean_text(reason, _("reason"))
    if until is None or current.deadline is None or until <= current.deadline:
        raise ValidationError(_("Ask for a date after the present deadline."))
    current.extension_until, current.extension_reason = until, reason
    return _save(current, user, _("extension asked until %(until)s") % {"until": until})


@transaction.atomic
def decide_extension(*, item, user, version, grant: bool) -> SupervisionItem:
    """The office grants the extension (the original deadline is kept beside the new one) or
    refuses it (the deadline stays)."""
    if not can_assign(user):
        raise PermissionDenied(_("Only the coordinating office decides on extensions."))
    current = _locked(item, version)
    if current.extension_until is None:
        raise ValidationError(_("No extension is waiting for a decision."))
    until = current.extension_until
    if grant:
        current.original_deadline = current.original_deadline or current.deadline
        current.deadline = until
        reason = _("extension granted until %(until)s") % {"until": until}
    else:
        reason = _("extension refused")
    current.extension_until = None
    return _save(current, user, reason)


# ---------------------------------------------------------------- lists


def todo_items(user):
    """Open items of the user's units, as lead unit or co-unit."""
    from django.db.models import Q

    ids = permissions.unit_ids(user)
    return (
        SupervisionItem.objects.exclude(state__in=[ItemState.REGISTERED, ItemState.CLOSED])
        .filter(Q(lead_unit_id__in=ids) | Q(co_units__in=ids))
        .distinct()
    )
