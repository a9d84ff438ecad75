"""Writes to targets and values: one function each, in one transaction, with history.

Targets are revised, never overwritten: each change leaves a ``TargetRevision`` with the old and
new value, the reason, who and when, and the target keeps its original value beside the current.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from plan.periods import value_period
from plan.permissions import can_report_on, is_administrator
from plan.textlimits import LIMITS, too_long
from supervision.cycle import require_open
from supervision.models import ReopenScope
from supervision.review import mark_resubmitted
from supervision.services import locked_at_version, save_first

from .models import Indicator, Observation, Target, TargetRevision


@transaction.atomic
def target_revise(
    *,
    target_id: int,
    user,
    value: Decimal | None,
    rank: int | None,
    statement: str,
    reason: str,
    reading_note: str | None = None,
) -> Target:
    """Change a target, keeping the old value and the reason in a revision.

    A rank set on a target the plan states in words (前列) needs ``reading_note``, how the
    words were read ("前列 read as top 5"); ``None`` keeps the note there is."""
    if not is_administrator(user):
        raise PermissionDenied(_("Only administrators may change targets."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the target changes.")})
    target = Target.objects.select_for_update().get(pk=target_id)
    _check_target(target.indicator, value, rank)
    note = target.reading_note if reading_note is None else reading_note.strip()
    if rank is not None and statement and not note:
        raise ValidationError(
            {"reading_note": _("Say how the plan's words were read as this rank.")}
        )
    before = (target.value, target.rank, target.statement, target.reading_note)
    if before == (value, rank, statement, note):
        raise ValidationError({"value": _("This is the target already in force.")})
    TargetRevision.objects.create(
        target=target, old_value=target.value, new_value=value, old_rank=target.rank,
        new_rank=rank, old_statement=target.statement, new_statement=statement,
        reason=reason.strip(), changed_by=user,
    )  # fmt: skip
    target.value, target.rank, target.statement, target.reason = value, rank, statement, reason
    target.reading_note = note
    target._history_user = user
    target.save()
    return target


@transaction.atomic
def target_set(
    *, indicator: Indicator, year: int, user, value=None, rank=None, statement: str = ""
) -> Target:
    """Set a target for a year that has none; it is also the original target."""
    if not is_administrator(user):
        raise PermissionDenied(_("Only administrators may change targets."))
    plan = indicator.plan
    if not plan.start_year <= year <= plan.end_year:
        raise ValidationError({"year": _("The year must lie inside the plan.")})
    _check_target(indicator, value, rank)
    target = Target(
        indicator=indicator, year=year, value=value, rank=rank, statement=statement,
        original_value=value, original_rank=rank, original_statement=statement,
    )  # fmt: skip
    target._history_user = user
    target.save()
    return target


def _check_target(indicator, value, rank):
    if indicator.kind == Indicator.Kind.RANK and rank is not None and rank < 1:
        raise ValidationError({"rank": _("A rank is a whole number from 1.")})
    if indicator.is_percentage and value is not None and not 0 <= value <= 100:
        raise ValidationError({"value": _("A percentage lies between 0 and 100.")})


@dataclass(frozen=True)
class ValueInput:
    year: int
    quarter: int | None = None
    value: Decimal | None = None
    rank: int | None = None
    text: str = ""
    source: str = ""
    note: str = ""
    judgement: str = ""
    judged_on: dt.date | None = None


def validate_value(indicator: Indicator, data: ValueInput, today: dt.date) -> None:
    """Check a value against the indicator's kind and the plan; every problem on its field."""
    errors: dict[str, list[str]] = {}
    plan = indicator.plan
    if not plan.start_year <= data.year <= plan.end_year:
        errors.setdefault("year", []).append(
            _("The year must lie inside the plan (%(first)s-%(last)s).")
            % {"first": plan.start_year, "last": plan.end_year}
        )
    elif data.year > today.year:
        errors.setdefault("year", []).append(_("%(year)s has not begun yet.") % {"year": data.year})
    if data.quarter is not None and not indicator.quarterly:
        errors.setdefault("quarter", []).append(_("This indicator is reported once a year."))
    kind = indicator.kind
    if kind == Indicator.Kind.NUMERIC:
        if data.value is None:
            errors.setdefault("value", []).append(_("Enter the value as a number."))
        elif indicator.is_percentage and not 0 <= data.value <= 100:
            errors.setdefault("value", []).append(_("A percentage lies between 0 and 100."))
    elif kind == Indicator.Kind.RANK:
        # the unit's own value (kept beside the rank computed from the group's values) or,
        # with no group's values, the rank as the unit reports it
        bad = data.rank < 1 if data.rank is not None else data.value is None
        if bad:
            errors.setdefault("rank", []).append(_("A rank is a whole number from 1."))
    elif kind == Indicator.Kind.MILESTONE:
        if data.judgement not in Observation.Judgement.values:
            errors.setdefault("judgement", []).append(
                _("Judge the milestone: met, partly met or not met.")
            )
        if data.judged_on is None:
            errors.setdefault("judged_on", []).append(_("Give the date of the judgement."))
        elif data.judged_on > today:
            errors.setdefault("judged_on", []).append(_("The date lies in the future."))
        if not data.text.strip() and not data.source.strip():
            errors.setdefault("text", []).append(_("Give the evidence of the judgement."))
    elif not data.text.strip():
        errors.setdefault("text", []).append(_("Describe where the indicator stands."))
    for name, maximum in LIMITS["Observation"].items():
        text = getattr(data, name) or ""
        if len(text) > maximum:
            errors.setdefault(name, []).append(too_long(maximum, len(text)))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def observation_submit(
    *, indicator: Indicator, user, data: ValueInput, expected_version: int,
    today: dt.date | None = None,
) -> Observation:  # fmt: skip
    """Enter or correct a year's (or quarter's) actual value; the version guards the row."""
    if not can_report_on(user, indicator):
        raise PermissionDenied(_("Only staff of the responsible unit may enter values."))
    today = today or timezone.localdate()
    validate_value(indicator, data, today)
    require_open(plan=indicator.plan, unit_id=indicator.responsible_unit_id,
                 period=value_period(data.year, data.quarter), scope=ReopenScope.INDICATOR,
                 object_id=indicator.pk, today=today, field="year")  # fmt: skip
    lookup = {"indicator": indicator, "year": data.year, "quarter": data.quarter}
    row = locked_at_version(Observation, expected_version, **lookup)
    if row is None:
        row = Observation(indicator=indicator, year=data.year, quarter=data.quarter, version=1)
    else:
        row.version += 1
    for name in Observation.REPORTED_FIELDS:
        setattr(row, name, getattr(data, name))
    row.entered_by = user
    row._history_user = user
    mark_resubmitted(row)
    save_first(row, expected_version, **lookup)
    return row
