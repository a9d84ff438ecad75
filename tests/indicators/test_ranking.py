"""Ranks in a peer group, pure: ties, direction, missing peers, membership by year, milestones."""

from decimal import Decimal as D

import pytest

from indicators.progress import (
    Judgement,
    Status,
    competition_ranks,
    milestone_status,
    published_standing,
    rank_status,
    standing,
)


def test_ties_share_a_rank_and_the_next_rank_is_skipped():
    ranks = competition_ranks({"a": 10, "b": 8, "c": 8, "d": 5})
    assert ranks == {"a": 1, "b": 2, "c": 2, "d": 4}


def test_lower_is_better_ranks_the_smallest_first():
    ranks = competition_ranks({"a": 10, "b": 8, "c": 8, "d": 5}, lower_is_better=True)
    assert ranks == {"d": 1, "b": 2, "c": 2, "a": 4}


def test_a_peer_missing_a_year_is_shown_missing_and_not_counted():
    result = standing({"吉林": 3, "长春": 4, "四平": None}, ["吉林", "长春", "四平"], "吉林")
    assert (result.rank, result.counted, result.missing) == (2, 2, ("四平",))


def test_a_peer_that_is_not_a_member_that_year_is_ignored():
    values = {"吉林": 3, "长春": 4, "大连": 9}
    before = standing(values, ["吉林", "长春"], "吉林")
    after = standing(values, ["吉林", "长春", "大连"], "吉林")  # 大连 added to the group
    assert (before.rank, before.counted, before.missing) == (2, 2, ())
    assert (after.rank, after.counted) == (3, 3)


def test_the_home_city_missing_its_value_has_no_rank_but_the_others_are_counted():
    result = standing({"吉林": None, "长春": 4, "四平": 2}, ["吉林", "长春", "四平"], "吉林")
    assert result.rank is None
    assert result.counted == 2 and result.missing == ("吉林",)


def test_median_and_best_of_the_group():
    result = standing({"a": 1, "b": 3, "c": 2, "d": 10}, "abcd", "a")
    assert result.median == D("2.5") and result.best == 10
    lower = standing({"a": 1, "b": 3, "c": 2}, "abc", "a", lower_is_better=True)
    assert lower.median == 2 and lower.best == 1 and lower.rank == 1


def test_published_ranks_are_taken_as_published():
    result = published_standing({"吉林": 12, "长春": 3}, ["吉林", "长春", "沈阳"], "吉林")
    assert (result.rank, result.counted, result.missing) == (12, 2, ("沈阳",))


@pytest.mark.parametrize(
    ("rank", "year", "expected"),
    [
        (5, 2023, Status.MET),  # within the target
        (3, 2025, Status.MET),
        (8, 2023, Status.ON_TRACK),  # path 2021: 11 -> 2025: 5; 2023 on path is 8
        (9, 2023, Status.BEHIND),  # distance 6, warning up to 0.6 behind the path
        (6, 2025, Status.BEHIND),
        (None, 2023, Status.NO_DATA),
    ],
)
def test_rank_status_is_the_numeric_rule_on_the_rank_scale(rank, year, expected):
    assert rank_status(rank, year, 5, 2025, 11, 2021) == expected


def test_rank_status_warning_within_a_tenth_of_the_distance_behind():
    # baseline 25 in 2021, target 5 in 2025: path in 2023 is 15, warning up to 2 behind
    assert rank_status(17, 2023, 5, 2025, 25, 2021) == Status.WARNING
    assert rank_status(18, 2023, 5, 2025, 25, 2021) == Status.BEHIND


def test_a_rank_target_in_words_is_not_yet_quantified():
    assert rank_status(7, 2024, None, 2025, 11, 2021) == Status.NOT_QUANTIFIED
    assert rank_status(None, 2024, None, 2025, 11, 2021) == Status.NO_DATA


@pytest.mark.parametrize(
    ("judgement", "expected"),
    [
        (Judgement.MET, Status.MET),
        (Judgement.PARTLY, Status.WARNING),
        (Judgement.NOT_MET, Status.BEHIND),
        ("", Status.NO_DATA),
        (None, Status.NO_DATA),
    ],
)
def test_milestone_is_judged_by_its_dated_value(judgement, expected):
    assert milestone_status(judgement) == expected
