"""Pure arithmetic of project progress: the straight-line path, lag and roll-ups.

Nothing here touches the database, so it is tested on its own. ``ProjectQuerySet.with_lag``
computes the same lag rule in SQL so that tables can filter and sort on it; a test holds the
two to the same answers.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from plan.periods import Period, plan_periods, reporting_period
from supervision.colours import Colour, obligation_colour, worst

__all__ = [
    "LAG_TOLERANCE", "Colour", "Period", "Rollup", "expected_percent", "is_lagging",
    "plan_periods", "project_colour", "reporting_period", "rollup", "rollup_from_sums",
]  # fmt: skip

LAG_TOLERANCE = 10  # points behind the straight line before a project counts as lagging


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


def project_colour(
    *,
    status: str,
    percent: int,
    start: dt.date | None,
    end: dt.date | None,
    today: dt.date,
    reported: bool,
    returned: bool,
    due: dt.date,
    days: int,
    completed_status: str = "completed",
) -> str:
    """A project's three-colour mark (三色督办), worst first:

    - red: past its planned end and not completed, or its report for the reporting period is
      missing after the due date (``due``);
    - yellow: it lags by the lag rule (``is_lagging``: status 滞后 or behind the straight line),
      or its report for the reporting period was returned;
    - blue: that report is not in yet and is due within ``days`` days;
    - none otherwise.

    On its planned end day a project is not yet past its end (but the straight line is at 100%,
    so under 90% it is yellow).
    """
    past_end = end is not None and today > end and status != completed_status
    lagging = is_lagging(status=status, percent=percent, start=start, end=end, today=today,
                         completed_status=completed_status)  # fmt: skip
    report = obligation_colour(
        submitted=reported, returned=returned, due=due, today=today, days=days
    )
    return worst([
        Colour.RED if past_end else Colour.NONE,
        Colour.YELLOW if lagging else Colour.NONE,
        report,
    ])  # fmt: skip


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
