"""Reporting periods: quarters of a plan's years, and the one staff report for now.

Pure arithmetic, shared by every app that reports by quarter (projects now, task reports next).
"""

import datetime as dt
from dataclasses import dataclass


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


def due_date(period: Period, days: int) -> dt.date:
    """When a period's reports are due: ``days`` after the quarter's last day."""
    return period.last_day + dt.timedelta(days=days)


class ReportState:
    """Where one expected report stands, worst first (the order a matrix cell takes)."""

    OVERDUE = "overdue"  # missing, and the due date has passed
    LATE = "late"  # submitted after the due date
    NOT_DUE = "not_due"  # missing, but not due yet
    SUBMITTED = "submitted"  # submitted by the due date

    ORDER = [OVERDUE, LATE, NOT_DUE, SUBMITTED]


def report_state(submitted_on: dt.date | None, due: dt.date, today: dt.date) -> str:
    """The state of one expected report, from the day it was first submitted (or ``None``)."""
    if submitted_on is None:
        return ReportState.OVERDUE if today > due else ReportState.NOT_DUE
    return ReportState.LATE if submitted_on > due else ReportState.SUBMITTED


def close_date(period: Period, due_days: int, close_after_days: int) -> dt.date | None:
    """The last day a period's reports can be changed: ``close_after_days`` after its due date.

    ``close_after_days == 0`` means the plan's periods never close (``None``).
    """
    if not close_after_days:
        return None
    return due_date(period, due_days) + dt.timedelta(days=close_after_days)


def is_closed(period: Period, today: dt.date, due_days: int, close_after_days: int) -> bool:
    """Whether ``period`` is closed for reporting on ``today`` (the close date itself is open)."""
    closes = close_date(period, due_days, close_after_days)
    return closes is not None and today > closes


def value_period(year: int, quarter: int | None) -> Period:
    """The period an indicator value belongs to for closing: its quarter, or for a value of the
    whole year the year's fourth quarter (a yearly value closes with Q4's reports)."""
    return Period(year, quarter or 4)
