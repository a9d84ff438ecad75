"""Peer values typed in the browser: one row per member of the group in a year, saved as one
batch that the coordinating office reviews whole (the same batches as the workbook import).

Rules (README, "Peer values typed in the browser"):

- the form is the year's whole table: what it shows when saved is the year's values, from the
  one source it names (a blank row has no value; a value saved before and blanked is removed),
  so a year's ranks never mix two sources;
- each place appears once and must be a member of the group in that year; a value is a number
  (a published rank a whole number from 1; a percentage between 0 and 100);
- the home city's value is typed like every peer's, from the same source, and is required (a
  rank needs it). The form offers the indicator's own value for that year when the year has no
  peer value yet, and shows the unit's own value beside it; the two may differ (a yearbook
  against the unit's report), and the page shows both;
- the year's values are saved into its batch still waiting for review (submitted or returned:
  a returned batch is resubmitted, and the reviewer sees what changed); otherwise into a new
  batch. The values as the user saw them guard the write: if someone changed the year
  meanwhile, nothing is saved and the form keeps what was typed.
"""

import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from plan.permissions import can_report_on
from supervision.models import ReviewState
from supervision.review import mark_resubmitted

from .models import Indicator, PeerBatch, PeerGroup, PeerValue, current_batch, shown

NOTE_MAX = 2000


class PeerValuesChanged(Exception):
    """The year's values changed since the form was opened: nothing was saved."""


@dataclass(frozen=True)
class PeerEntry:
    year: int
    source: str
    values: tuple[tuple[str, Decimal | int | None], ...]  # (place, value or rank)
    note: str = ""


def entry_years(indicator: Indicator, today) -> list[int]:
    """The years values may be typed for, newest first: from the baseline year (or the plan's
    first) to the plan's last year, not beyond the current one."""
    plan = indicator.plan
    first = min(indicator.baseline_year or plan.start_year, plan.start_year)
    last = min(plan.end_year, today.year)
    return list(range(last, first - 1, -1))


def year_values(indicator: Indicator, year: int, lock: bool = False) -> dict[str, PeerValue]:
    """The year's table as it now stands: its latest batch's values, whatever their review
    state. ``lock``: the year's batches are locked first (inside a transaction), so that two
    writes of one year follow each other."""
    if lock:
        list(PeerBatch.objects.select_for_update().filter(indicator=indicator, year=year))
    rows = PeerValue.objects.filter(indicator=indicator, year=year).filter(current_batch(False))
    return {v.place: v for v in rows.select_related("batch")}


def stamp(values: dict[str, PeerValue], measure: str) -> str:
    """The year's values as the user saw them, as a short fingerprint."""
    seen = sorted((place, shown(getattr(v, measure)), v.batch_id) for place, v in values.items())
    return hashlib.sha256(json.dumps(seen, ensure_ascii=False).encode()).hexdigest()[:32]


def open_batch(indicator: Indicator, year: int) -> PeerBatch | None:
    """The year's batch still waiting for review (submitted or returned), newest first."""
    return (
        PeerBatch.objects.filter(
            indicator=indicator,
            year=year,
            review_state__in=(ReviewState.SUBMITTED, ReviewState.RETURNED),
        )
        .order_by("-pk")
        .first()
    )


def validate_entry(indicator: Indicator, entry: PeerEntry, members, years) -> dict:
    """Every problem, keyed by place (a row of the form) or by field; empty when all is well."""
    errors: dict[str, list[str]] = {}
    if entry.year not in years:
        errors.setdefault("year", []).append(
            _("Choose a year from %(first)s to %(last)s.") % {"first": years[-1], "last": years[0]}
        )
    if not entry.source.strip():
        errors.setdefault("source", []).append(
            _("Name the source of the values: the bulletin or yearbook and its year.")
        )
    elif len(entry.source.strip()) > 200:
        errors.setdefault("source", []).append(_("At most 200 characters."))
    if len(entry.note) > NOTE_MAX:
        errors.setdefault("note", []).append(_("At most %(n)s characters.") % {"n": NOTE_MAX})
    places = {m.place for m in members}
    home = next((m.place for m in members if m.is_home), None)
    seen = set()
    for place, value in entry.values:
        if place in seen:
            errors.setdefault(place, []).append(_("%(place)s appears twice.") % {"place": place})
            continue
        seen.add(place)
        if place not in places:
            errors.setdefault(place, []).append(
                _("%(place)s is not a member of %(group)s in %(year)s.")
                % {"place": place, "group": indicator.peer_group, "year": entry.year}
            )
        elif value is None:
            continue
        elif indicator.published_ranks:
            if value != int(value) or value < 1:
                errors.setdefault(place, []).append(_("A rank is a whole number from 1."))
        elif indicator.is_percentage and not 0 <= value <= 100:
            errors.setdefault(place, []).append(_("A percentage lies between 0 and 100."))
    typed = {place for place, value in entry.values if value is not None}
    if home is None:
        errors.setdefault("__all__", []).append(
            _("The group has no home city: an administrator marks it first.")
        )
    elif home not in typed and home not in errors:
        errors.setdefault(home, []).append(
            _("Enter the home city's value from the same source: the rank needs it.")
        )
    if not typed - {home}:
        errors.setdefault("__all__", []).append(_("Enter the values of the peers too."))
    return errors


@transaction.atomic
def peer_values_enter(
    *, indicator: Indicator, user, entry: PeerEntry, seen: str, years: list[int]
) -> PeerBatch:
    """Save the year's values as typed, as one batch waiting for review, or nothing at all
    (``ValidationError`` keyed by place or field; ``PeerValuesChanged``)."""
    if not can_report_on(user, indicator):
        raise PermissionDenied(_("Only administrators or the responsible unit enter values."))
    if indicator.peer_group_id is None:
        raise ValidationError({"__all__": _("The indicator has no peer group.")})
    members = PeerGroup.members_in(indicator.peer_group.members.all(), entry.year)
    errors = validate_entry(indicator, entry, members, years)
    if errors:
        raise ValidationError(errors)
    measure = "rank" if indicator.published_ranks else "value"
    existing = year_values(indicator, entry.year, lock=True)
    if stamp(existing, measure) != seen:
        raise PeerValuesChanged(indicator.name)
    typed = {place: value for place, value in entry.values if value is not None}
    source, note = entry.source.strip(), entry.note.strip()
    batch = open_batch(indicator, entry.year)
    before = {p: shown(getattr(v, measure)) for p, v in existing.items()}
    after = {p: shown(int(v) if indicator.published_ranks else v) for p, v in typed.items()}
    unchanged = before == after and {v.batch.source for v in existing.values()} == {source}
    if unchanged and (batch is None or batch.review_state != ReviewState.RETURNED):
        raise ValidationError({"__all__": _("These are the values already saved: nothing to do.")})
    return write_year(indicator=indicator, year=entry.year, values=typed, source=source,
                      note=note, file_name="", user=user, batch=batch)  # fmt: skip


def write_year(*, indicator, year, values: dict, source, note, file_name, user, batch=None):
    """Write the year's whole table (place -> value or rank) as a batch waiting for review: into
    ``batch`` (the year's batch still waiting, revised and resubmitted) or a new one. The
    batches before it keep their values: the approved figures show the latest approved one's
    until this one is approved. The caller holds the year's lock (``year_values(lock=True)``)."""
    if batch is None:
        batch = PeerBatch(indicator=indicator, year=year)
    mark_resubmitted(batch)
    batch.source, batch.note, batch.file_name, batch.entered_by = source, note, file_name, user
    batch._history_user = user
    batch.save()
    kept = {v.place: v for v in batch.values.all()}
    for place, row in kept.items():
        if place not in values:
            row._history_user = user
            row.delete()
    for place, value in values.items():
        row = kept.get(place) or PeerValue(batch=batch, indicator=indicator, year=year, place=place)
        number = (None, int(value)) if indicator.published_ranks else (Decimal(value), None)
        if row.pk is not None and (row.value, row.rank) == number:
            continue
        row.value, row.rank = number
        row._history_user = user
        row.save()
    return batch
