"""Three-colour supervision of report obligations: the pure rule, its edges and precedence."""

import datetime as dt

import pytest
from django.test import override_settings

from plan.periods import Period, due_date
from supervision.colours import Colour, blue_days, in_blue_window, obligation_colour, worst

D = dt.date
DUE = due_date(Period(2025, 4), 10)  # 2026-01-10: the due date crosses the year boundary


def colour(today, submitted=False, returned=False, days=10):
    return obligation_colour(submitted=submitted, returned=returned, due=DUE, today=today,
                             days=days)  # fmt: skip


def test_the_due_date_of_a_fourth_quarter_falls_in_the_next_year():
    assert D(2026, 1, 10) == DUE


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (D(2025, 12, 30), Colour.NONE),  # eleven days before: not yet
        (D(2025, 12, 31), Colour.BLUE),  # ten days before, across the new year
        (D(2026, 1, 9), Colour.BLUE),
        (D(2026, 1, 10), Colour.BLUE),  # due today: still blue, not overdue
        (D(2026, 1, 11), Colour.RED),  # the day after: overdue
        (D(2026, 11, 26), Colour.RED),
    ],
)
def test_a_missing_report_turns_blue_within_n_days_and_red_after_the_due_date(today, expected):
    assert colour(today) == expected


@pytest.mark.parametrize("today", [D(2025, 12, 1), D(2026, 1, 10), D(2026, 3, 1)])
def test_a_submitted_report_has_no_colour_unless_returned(today):
    assert colour(today, submitted=True) == Colour.NONE
    assert colour(today, submitted=True, returned=True) == Colour.YELLOW


def test_n_is_configurable():
    assert colour(D(2025, 12, 20), days=30) == Colour.BLUE
    assert colour(D(2026, 1, 10), days=0) == Colour.BLUE
    assert colour(D(2026, 1, 9), days=0) == Colour.NONE
    with override_settings(WARNING_BLUE_DAYS=3):
        assert blue_days() == 3
    assert blue_days() == 10


def test_blue_window_edges():
    assert in_blue_window(D(2026, 1, 10), D(2026, 1, 10), 10)
    assert not in_blue_window(D(2026, 1, 10), D(2026, 1, 11), 10)
    assert not in_blue_window(D(2026, 1, 10), D(2025, 12, 30), 10)


def test_precedence_is_red_then_yellow_then_blue():
    assert worst([Colour.BLUE, Colour.YELLOW, Colour.RED, Colour.NONE]) == Colour.RED
    assert worst([Colour.BLUE, Colour.YELLOW]) == Colour.YELLOW
    assert worst([Colour.NONE, Colour.BLUE]) == Colour.BLUE
    assert worst([]) == Colour.NONE
