"""Pure arithmetic of project progress: periods, the straight-line path, lag and roll-ups.

Nothing here touches the database, so it is tested on its own. ``ProjectQuerySet.with_lag``
computes the same lag rule in SQL so that tables can filter and sort on it; a test holds the
two to the same answers.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

LAG_TOLERANCE = 10  # points behind the straight line before a project counts as lagging


@dataclass(frozen=True, order=True)
class Period:
    """A reporting period: one quarter of one year."""

    year: int
    quarter: int

    def __post_init__(self):
        if not 1 <= self.quarter <= 4:
            raise ValueError(f"quarter must be 1-4, not {self.quarter}")

    def __str__(self):
        return f"{self.year}Q{self.quarter}"

    @classmethod
    def containing(cls, day: dt.date) -> "Period":
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, 3 * self.quarter - 2, 1)

    @property
    def last_day(self) -> dt.date:
        return self.next().first_day - dt.timedelta(days=1)

    def next(self) -> "Period":
        return (
            Period(self.year + 1, 1) if self.quarter == 4 else Period(self.year, self.quarter + 1)
        )

    def previous(self) -> "Period":
        return (
            Period(self.year - 1, 4) if self.quarter == 1 else Period(self.year, self.quarter - 1)
        )

    @classmethod
    def parse(cls, text: str) -> "Period":
        """Read ``2024Q3`` (case-insensitive); raise ``ValueError`` otherwise."""
        year, sep, quarter = text.strip().upper().partition("Q")
        if not sep or not year.isdigit() or not quarter.isdigit():
            raise ValueError(f"not a period: {text!r}")
        return cls(int(year), int(quarter))


def plan_periods(start_year: int, end_year: int) -> list[Period]:
    """Every quarter of a plan running from ``start_year`` to ``end_year`` inclusive."""
    return [Period(y, q) for y in range(start_year, end_year + 1) for q in range(1, 5)]


def reporting_period(today: dt.date, start_year: int, end_year: int) -> Period:
    """The period staff report for now: the last quarter that has ended, kept inside the plan.

    Reports are due after the quarter they describe, so in November the period is Q3. Before the
    plan's first quarter has ended it is that first quarter; after the plan it stays on the last.
    """
    period = Period.containing(today).previous()
    first, last = Period(start_year, 1), Period(end_year, 4)
    return max(first, min(period, last))


def expected_percent(start: dt.date, end: dt.date, day: dt.date) -> float:
    """Percent complete on ``day`` on the straight line from 0 at ``start`` to 100 at ``end``."""
    if day <= start:
        return 0.0
    if day >= end:
        return 100.0
    return 100.0 * (day - start).days / (end - start).days


def is_lagging(
    *,
    status: str,
    percent: int,
    start: dt.date | None,
    end: dt.date | None,
    today: dt.date,
    lagging_status: str = "lagging",
    completed_status: str = "completed",
) -> bool:
    """A project lags when its status says so, when it is past its planned end and not done,
    or when its percent is more than ``LAG_TOLERANCE`` points behind the straight line."""
    if status == lagging_status:
        return True
    if status == completed_status:
        return False
    if end is not None and today > end:
        return True
    if start is None or end is None:
        return False
    return expected_percent(start, end, today) - percent > LAG_TOLERANCE


@dataclass(frozen=True)
class Rollup:
    """A task's progress rolled up from its projects."""

    projects: int
    percent: float | None
    weighted: bool
    lagging: int


def rollup_from_sums(
    *,
    projects: int,
    percent_sum: float,
    investment_sum: Decimal | float | None,
    weighted_percent_sum: Decimal | float | None,
    without_investment: int,
    lagging: int,
) -> Rollup:
    """Combine per-task sums: weighted by total investment where every project has one (and
    they add up to more than zero), otherwise the plain mean of the percents."""
    if projects == 0:
        return Rollup(0, None, False, 0)
    if without_investment == 0 and investment_sum:
        return Rollup(projects, float(weighted_percent_sum) / float(investment_sum), True, lagging)
    return Rollup(projects, float(percent_sum) / projects, False, lagging)


def rollup(rows: Iterable[tuple[int, Decimal | None, bool]]) -> Rollup:
    """Roll up ``(percent, total_investment, lagging)`` rows the way ``rollup_from_sums`` does."""
    rows = list(rows)
    return rollup_from_sums(
        projects=len(rows),
        percent_sum=sum(p for p, _, _ in rows),
        investment_sum=sum((i for _, i, _ in rows if i is not None), Decimal(0)),
        weighted_percent_sum=sum((p * i for p, i, _ in rows if i is not None), Decimal(0)),
        without_investment=sum(1 for _, i, _ in rows if i is None),
        lagging=sum(1 for _, _, lag in rows if lag),
    )
