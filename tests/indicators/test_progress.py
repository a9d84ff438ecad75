"""Indicator progress arithmetic, pure: completion, the straight path, statuses, edge cases."""

from decimal import Decimal as D

import pytest

from indicators.progress import Course, Status, completion, expected, status

UP = Course(baseline=D(100), baseline_year=2021, target=D(200), target_year=2025)
DOWN = Course(baseline=D(50), baseline_year=2021, target=D(30), target_year=2025,
              lower_is_better=True)  # fmt: skip
RANK = Course(
    baseline=D(8), baseline_year=2021, target=D(5), target_year=2025, lower_is_better=True
)


def test_completion_is_the_share_of_the_way():
    assert completion(150, UP) == D("0.5")
    assert completion(100, UP) == 0
    assert completion(90, UP) == D("-0.1")  # went backwards


def test_completion_past_the_target_is_not_capped():
    assert completion(220, UP) == D("1.2")


def test_lower_is_better_flips_both_signs():
    assert completion(40, DOWN) == D("0.5")
    assert completion(55, DOWN) == D("-0.25")
    assert status(29, 2025, DOWN) == Status.MET


def test_expected_value_on_the_straight_path():
    assert expected(2021, UP) == 100
    assert expected(2023, UP) == 150
    assert expected(2025, UP) == 200
    assert expected(2030, UP) == 200
    assert expected(2023, DOWN) == 40


@pytest.mark.parametrize(
    ("actual", "year", "state"),
    [
        (200, 2025, Status.MET),
        (210, 2023, Status.MET),  # past the final target early
        (150, 2023, Status.ON_TRACK),  # exactly on the path
        (160, 2023, Status.ON_TRACK),  # ahead of it
        (140, 2023, Status.WARNING),  # 10 behind = 10% of the distance
        (139, 2023, Status.BEHIND),
        (None, 2023, Status.NO_DATA),
    ],
)
def test_status_against_the_path(actual, year, state):
    assert status(actual, year, UP) == state


def test_status_uses_a_yearly_target_where_one_is_set():
    assert status(150, 2023, UP, path_value=170) == Status.BEHIND


def test_ranks_count_down_to_the_target():
    assert expected(2023, RANK) == D("6.5")
    assert status(6, 2023, RANK) == Status.ON_TRACK
    assert status(7, 2023, RANK) == Status.BEHIND  # 0.5 behind > 10% of 3
    assert status(5, 2024, RANK) == Status.MET
    assert completion(6, RANK) == D(2) / D(3)


def test_target_equal_to_baseline():
    flat = Course(baseline=D(10), baseline_year=2021, target=D(10), target_year=2025)
    assert completion(10, flat) == 1 and completion(9, flat) == 0
    assert status(10, 2023, flat) == Status.MET
    assert status(9, 2023, flat) == Status.BEHIND


def test_no_baseline_can_only_say_met():
    blind = Course(baseline=None, baseline_year=None, target=D(10), target_year=2025)
    assert completion(5, blind) is None and expected(2023, blind) is None
    assert status(12, 2023, blind) == Status.MET
    assert status(5, 2023, blind) == Status.UNKNOWN


def test_no_numeric_target_cannot_be_judged():
    stated = Course(baseline=D(1), baseline_year=2021, target=None, target_year=2025)
    assert status(3, 2024, stated) == Status.UNKNOWN
    assert completion(3, stated) is None
