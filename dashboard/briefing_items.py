"""The briefing's section on supervision items (督办件, issue 25 item 5): the items closed in the
period, those overdue, and those whose deadline was extended, with the original and the new
deadline.

Read from the items' history (``SupervisionItem.history``: every transition of
``supervision.items`` saves one row), so that a past quarter's section reads the same later: the
window runs from the period's first day to its last for a past period, and to today for the
period being reported now (a briefing is written after its quarter ends; its overdue items are
then the cockpit's red ones today). One query.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from plan.models import Plan, Unit
from plan.periods import Period
from supervision.colours import Colour
from supervision.items import item_colour
from supervision.models import ItemState, SupervisionItem

ITEM_LIMIT = 30  # rows of each list; the rest are counted


@dataclass
class ItemLine:
    """One item as it stood at the end of the window (a historical row of the item)."""

    pk: int
    instruction: str
    lead_unit: str
    deadline: dt.date | None
    original_deadline: dt.date | None = None  # for an extension: the deadline before it
    closed_on: dt.date | None = None
    days_overdue: int = 0


@dataclass
class ItemSection:
    start: dt.date
    end: dt.date
    closed: list = field(default_factory=list)
    overdue: list = field(default_factory=list)
    extended: list = field(default_factory=list)
    counts: dict = field(default_factory=dict)  # "closed" / "overdue" / "extended" -> total

    def more(self, key: str) -> int:
        return self.counts[key] - len(getattr(self, key))


def _moment(day: dt.date) -> dt.datetime:
    """The start of ``day`` in the project's time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def item_section(plan: Plan, period: Period, current: bool, today: dt.date) -> ItemSection:
    """The items closed between the period's first day and the window's end, overdue at its
    end, and extended within it (each extension granted: its deadline before and after)."""
    start, end = period.first_day, today if current else period.last_day
    rows = (
        SupervisionItem.history.filter(plan=plan, history_date__lt=_moment(end + dt.timedelta(1)))
        .order_by("id", "history_date", "history_id")
        .values_list("id", "history_date", "history_type", "instruction", "lead_unit_id",
                     "state", "deadline", "original_deadline", "closed_at")
    )  # fmt: skip
    last, extended = {}, []
    previous_deadline = {}
    for pk, at, kind, instruction, lead, state, deadline, original, closed_at in rows:
        was = previous_deadline.get(pk)
        previous_deadline[pk] = deadline
        if kind == "-":
            last.pop(pk, None)
            continue
        last[pk] = (instruction, lead, state, deadline, closed_at)
        granted = original is not None and was is not None and deadline != was
        if granted and start <= timezone.localtime(at).date() <= end:
            extended.append(ItemLine(pk, instruction, lead, deadline, original_deadline=was))
    closed, overdue = [], []
    for pk, (instruction, lead, state, deadline, closed_at) in last.items():
        line = ItemLine(pk, instruction, lead, deadline)
        if state == ItemState.CLOSED:
            closed_on = closed_at and timezone.localtime(closed_at).date()
            if closed_on and start <= closed_on <= end:
                line.closed_on = closed_on
                closed.append(line)
        elif item_colour(_State(state, deadline), end) == Colour.RED:
            line.days_overdue = (end - deadline).days
            overdue.append(line)
    closed.sort(key=lambda x: (x.closed_on, x.pk))
    overdue.sort(key=lambda x: (-x.days_overdue, x.pk))
    section = ItemSection(start, end)
    section.counts = {"closed": len(closed), "overdue": len(overdue), "extended": len(extended)}
    section.closed = closed[:ITEM_LIMIT]
    section.overdue = overdue[:ITEM_LIMIT]
    section.extended = extended[:ITEM_LIMIT]
    shown = section.closed + section.overdue + section.extended
    names = dict(Unit.objects.filter(pk__in={x.lead_unit for x in shown}).values_list("pk", "name"))
    for line in shown:
        line.lead_unit = names.get(line.lead_unit, "—")
    return section


@dataclass(frozen=True)
class _State:
    """What ``item_colour`` reads of an item."""

    state: str
    deadline: dt.date | None
