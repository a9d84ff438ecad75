"""Who has reported and who is late: the completeness matrix, as pure arithmetic.

The caller says what each unit owes (``obligations``: unit id -> keys such as task or project
ids) and what has come in (``submissions``: (unit id, key, period) -> first submission date, a
reference to the report and, optionally, its review state and whether it was edited after an
approval); this module works out each cell, row and column. It runs no query, so
a page's query count does not depend on how many units or periods the matrix has. A matrix is
not changed once built, so its cells, rows and totals compute their counts once (a page reads
each several times).
"""

import datetime as dt
from collections import Counter
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from functools import cached_property

from plan.periods import Period, ReportState, report_state

from .colours import Colour, blue_days, obligation_colour, worst


@dataclass
class Item:
    """One expected report: what it is about, where it stands, and the report if any."""

    key: Hashable
    state: str
    ref: object = None
    review: str | None = None  # submitted / approved / returned, for a report that came in
    edited: bool = False  # changed by its unit after an approval
    colour: str = Colour.NONE  # three-colour supervision (supervision.colours)


@dataclass
class Cell:
    unit: object
    period: Period
    items: list[Item] = field(default_factory=list)

    @cached_property
    def counts(self) -> Counter:
        return Counter(item.state for item in self.items)

    @cached_property
    def state(self) -> str | None:
        """The worst state in the cell (overdue before late before not due before submitted)."""
        states = {item.state for item in self.items}
        return next((s for s in ReportState.ORDER if s in states), None)

    @cached_property
    def colour(self) -> str:
        """The most urgent colour in the cell (red before yellow before blue)."""
        return worst(item.colour for item in self.items)

    @property
    def received(self) -> int:
        counts = self.counts
        return counts[ReportState.SUBMITTED] + counts[ReportState.LATE]

    @cached_property
    def review_counts(self) -> Counter:
        """Reports in the cell by review state, plus ``"edited"`` for those edited after an
        approval."""
        counts = Counter(item.review for item in self.items if item.review)
        counts["edited"] = sum(item.edited for item in self.items)
        return counts


@dataclass
class Row:
    unit: object
    cells: list[Cell]
    # A collective unit's roll-up line: its cells hold its members' items, and the matrix's
    # totals skip it (the members' own rows count them). ``collective`` is set on a member's row.
    rollup: bool = False
    collective: object = None
    members: list = field(default_factory=list)

    @cached_property
    def totals(self) -> Counter:
        return sum((cell.counts for cell in self.cells), Counter())

    @cached_property
    def review_totals(self) -> Counter:
        return sum((cell.review_counts for cell in self.cells), Counter())


@dataclass
class Matrix:
    periods: list[Period]
    rows: list[Row]

    @cached_property
    def unit_rows(self) -> list[Row]:
        """The rows of units that owe reports themselves (not the collectives' roll-ups)."""
        return [row for row in self.rows if not row.rollup]

    @cached_property
    def period_totals(self) -> list[Counter]:
        return [
            sum((row.cells[i].counts for row in self.unit_rows), Counter())
            for i in range(len(self.periods))
        ]

    @cached_property
    def totals(self) -> Counter:
        return sum((row.totals for row in self.unit_rows), Counter())

    @cached_property
    def review_totals(self) -> Counter:
        return sum((row.review_totals for row in self.unit_rows), Counter())


def build_matrix(
    *,
    units: Iterable,
    periods: list[Period],
    obligations: dict[int, list[Hashable]],
    submissions: dict[tuple[int, Hashable, Period], tuple],
    due_dates: dict[Period, dt.date],
    today: dt.date,
    returned: frozenset | set = frozenset(),
    days: int | None = None,
    periods_of: dict | None = None,
) -> Matrix:
    """A row for every unit that owes anything, a cell for every period, an item for every
    expected report. ``units`` are objects with a ``pk``, in the order the rows should take.
    ``returned`` holds the (unit id, key, period) of reports the reviewer returned; ``days`` is
    the blue window of the three colours (default: the setting). ``periods_of`` limits a
    (unit id, key) to the periods it is owed in (a member unit owes the quarters of its
    membership, ``plan.members``); a pair not in it is owed in every period."""
    periods_of = periods_of or {}
    days = blue_days() if days is None else days
    # An item's colour and state depend only on its period's due date, its submission day and
    # whether it was returned: judged once for each such triple, not once an item (200,000
    # items at all years of 50,000 projects; issue 22).
    judged: dict[tuple, tuple[str, str]] = {}

    def judge(due, submitted_on, was_returned) -> tuple[str, str]:
        found = judged.get((due, submitted_on, was_returned))
        if found is None:
            colour = obligation_colour(submitted=submitted_on is not None, returned=was_returned,
                                       due=due, today=today, days=days)  # fmt: skip
            found = judged[due, submitted_on, was_returned] = (
                colour, report_state(submitted_on, due, today)
            )  # fmt: skip
        return found

    rows = []
    for unit in units:
        keys = obligations.get(unit.pk)
        if not keys:
            continue
        cells = []
        for period in periods:
            cell = Cell(unit, period)
            due = due_dates[period]
            for key in keys:
                owed_in = periods_of.get((unit.pk, key))
                if owed_in is not None and period not in owed_in:
                    continue
                submitted_on, ref, *review = submissions.get((unit.pk, key, period), (None, None))
                review_state, edited = (*review, None, False)[:2]
                colour, state = judge(
                    due, submitted_on,
                    review_state == "returned" or (unit.pk, key, period) in returned,
                )  # fmt: skip
                cell.items.append(
                    Item(key, state, ref, review=review_state, edited=bool(edited), colour=colour)
                )
            cells.append(cell)
        rows.append(Row(unit, cells))
    return Matrix(periods, rows)
