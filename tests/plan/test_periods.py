"""Deadlines and report states, pure: on time, late, overdue, not yet due, across a year end."""

import datetime as dt

import pytest

from plan.periods import Period, ReportState, due_date, report_state

D = dt.date


@pytest.mark.parametrize(
    ("period", "due"),
    [
        (Period(2024, 1), D(2024, 4, 10)),
        (Period(2024, 2), D(2024, 7, 10)),
        (Period(2024, 3), D(2024, 10, 10)),
        (Period(2024, 4), D(2025, 1, 10)),  # a Q4 report is due in the next year
    ],
)
def test_due_ten_days_after_the_quarter_ends(period, due):
    assert due_date(period, 10) == due


def test_due_days_are_set_per_plan():
    assert due_date(Period(2024, 4), 20) == D(2025, 1, 20)
    assert due_date(Period(2024, 1), 0) == D(2024, 3, 31)


DUE = D(2025, 1, 10)  # 2024Q4


@pytest.mark.parametrize(
    ("submitted", "today", "state"),
    [
        (D(2025, 1, 3), D(2025, 6, 1), ReportState.SUBMITTED),
        (D(2025, 1, 10), D(2025, 6, 1), ReportState.SUBMITTED),  # on the due date is on time
        (D(2024, 12, 20), D(2024, 12, 21), ReportState.SUBMITTED),  # early, before the year ends
        (D(2025, 1, 11), D(2025, 6, 1), ReportState.LATE),
        (None, D(2025, 1, 11), ReportState.OVERDUE),
        (None, D(2025, 1, 10), ReportState.NOT_DUE),
        (None, D(2024, 12, 31), ReportState.NOT_DUE),  # the quarter is not even over
    ],
)
def test_report_state(submitted, today, state):
    assert report_state(submitted, DUE, today) == state


def test_worst_state_comes_first():
    assert ReportState.ORDER == ["overdue", "late", "not_due", "submitted"]
