"""The pure arithmetic of progress: periods, the straight line, lag and roll-ups."""

import datetime as dt
from decimal import Decimal

import pytest

from projects.progress import (
    Period,
    Rollup,
    expected_percent,
    is_lagging,
    plan_periods,
    reporting_period,
    rollup,
)

D = dt.date


def test_periods_order_step_and_parse():
    assert Period(2024, 4).next() == Period(2025, 1)
    assert Period(2025, 1).previous() == Period(2024, 4)
    assert Period(2023, 4) < Period(2024, 1) < Period(2024, 2)
    assert Period.parse(" 2025q3 ") == Period(2025, 3)
    assert str(Period(2025, 3)) == "2025Q3"
    assert Period.containing(D(2024, 12, 31)) == Period(2024, 4)
    assert (Period(2024, 2).first_day, Period(2024, 2).last_day) == (D(2024, 4, 1), D(2024, 6, 30))
    assert len(plan_periods(2022, 2025)) == 16


@pytest.mark.parametrize("text", ["2025", "2025Q5", "2025Q0", "Q3", "abcQ1", ""])
def test_bad_periods_are_refused(text):
    with pytest.raises(ValueError):
        Period.parse(text)


@pytest.mark.parametrize(
    ("today", "period"),
    [
        (D(2024, 5, 20), Period(2024, 1)),  # reports describe the quarter that has ended
        (D(2024, 1, 15), Period(2023, 4)),  # across the year boundary
        (D(2022, 2, 1), Period(2022, 1)),  # before the first quarter ends: the first quarter
        (D(2026, 11, 26), Period(2025, 4)),  # after the plan: its last quarter
    ],
)
def test_reporting_period(today, period):
    assert reporting_period(today, 2022, 2025) == period


def test_expected_percent_on_the_straight_line():
    start, end = D(2024, 1, 1), D(2024, 12, 31)
    assert expected_percent(start, end, D(2023, 6, 1)) == 0
    assert expected_percent(start, end, D(2025, 6, 1)) == 100
    assert expected_percent(start, end, D(2024, 7, 1)) == pytest.approx(100 * 182 / 365)


START, END = D(2024, 1, 1), D(2025, 1, 1)  # 366 days; 2024-07-01 is 182 days in (49.7%)


@pytest.mark.parametrize(
    ("status", "percent", "start", "end", "today", "lagging"),
    [
        ("lagging", 90, START, END, D(2024, 2, 1), True),  # the status says so
        ("lagging", 0, None, None, D(2024, 2, 1), True),
        ("completed", 100, START, END, D(2026, 1, 1), False),
        ("in_progress", 99, START, END, D(2025, 1, 2), True),  # past the planned end, not done
        ("in_progress", 38, START, END, D(2024, 7, 1), True),  # 11.7 points behind
        ("in_progress", 40, START, END, D(2024, 7, 1), False),  # 9.7 points behind
        ("not_started", 0, START, END, D(2023, 12, 1), False),  # not yet begun
        ("in_progress", 0, None, None, D(2030, 1, 1), False),  # no planned dates: status only
        ("suspended", 10, START, END, D(2024, 7, 1), True),  # suspended still counts time
    ],
)
def test_lag_rule(status, percent, start, end, today, lagging):
    got = is_lagging(status=status, percent=percent, start=start, end=end, today=today)
    assert got is lagging


def test_rollup_weights_by_investment_when_every_project_has_one():
    got = rollup([(100, Decimal(300), False), (0, Decimal(100), True)])
    assert got == Rollup(projects=2, percent=75.0, weighted=True, lagging=1)


def test_rollup_takes_the_plain_mean_when_one_project_has_no_investment():
    got = rollup([(100, Decimal(300), False), (0, None, False), (50, Decimal(1), True)])
    assert got == Rollup(projects=3, percent=50.0, weighted=False, lagging=1)


def test_rollup_of_nothing_and_of_zero_investment():
    assert rollup([]) == Rollup(0, None, False, 0)
    assert rollup([(20, Decimal(0), False), (40, Decimal(0), False)]).percent == 30.0
