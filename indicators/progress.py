"""Pure arithmetic of indicator progress: completion, the straight path, a status per year.

Decisions on the edge cases (each tested):
- completion = (actual - baseline) / (target - baseline); it is direction-aware because a
  lower-is-better target lies below its baseline, so both signs flip together. It is not capped:
  a value past the target gives more than 1 (pages cap the bar, not the number).
- target equal to baseline: completion is 1 when the target is met, else 0; no path to fall
  behind, so the status is MET or BEHIND.
- no baseline: no completion and no path; the status is MET when the target is met, otherwise
  UNKNOWN (we cannot say whether it is on course).
- no value yet: NO_DATA. No numeric target (a statement only): UNKNOWN unless met is impossible
  to judge, so UNKNOWN.
- ranks are numbers where lower is better (1st beats 5th); the same rules apply to them.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy

WARNING_SHARE = Decimal("0.10")  # behind the path by up to 10% of the distance: a warning

Number = Decimal | int | float


class Status:
    MET = "met"  # 已达标
    ON_TRACK = "on_track"  # 正常: on or ahead of the path
    WARNING = "warning"  # 预警: behind the path by up to 10% of the distance
    BEHIND = "behind"  # 滞后: further behind
    NO_DATA = "no_data"  # no value yet
    UNKNOWN = "unknown"  # cannot be judged: no baseline or no numeric target
    NOT_QUANTIFIED = "not_quantified"  # a rank target in words (前列) with no top-N set yet

    ORDER = [BEHIND, WARNING, ON_TRACK, MET, NOT_QUANTIFIED, UNKNOWN, NO_DATA]


@dataclass(frozen=True)
class Course:
    """What progress is measured against: where it started and where it must end."""

    baseline: Decimal | None
    baseline_year: int | None
    target: Decimal | None
    target_year: int
    lower_is_better: bool = False

    def met(self, actual: Decimal) -> bool:
        if self.target is None:
            return False
        return actual <= self.target if self.lower_is_better else actual >= self.target


def _d(value: Number | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def completion(actual: Number | None, course: Course) -> Decimal | None:
    """Share of the way from baseline to target covered by ``actual`` (1 = there)."""
    actual = _d(actual)
    if actual is None or course.baseline is None or course.target is None:
        return None
    if course.target == course.baseline:
        return Decimal(1) if course.met(actual) else Decimal(0)
    return (actual - course.baseline) / (course.target - course.baseline)


def expected(year: int, course: Course) -> Decimal | None:
    """The value on the straight path from the baseline to the target in ``year``."""
    if course.baseline is None or course.target is None or course.baseline_year is None:
        return None
    span = course.target_year - course.baseline_year
    if span <= 0 or year >= course.target_year:
        return course.target
    if year <= course.baseline_year:
        return course.baseline
    return (
        course.baseline + (course.target - course.baseline) * (year - course.baseline_year) / span
    )


def status(
    actual: Number | None, year: int, course: Course, path_value: Number | None = None
) -> str:
    """The status of ``actual`` in ``year``: met, on track, warning, behind, no data, unknown.

    ``path_value`` is the expected value for the year where a yearly target sets it; by default
    the straight path."""
    actual = _d(actual)
    if actual is None:
        return Status.NO_DATA
    if course.target is None:
        return Status.UNKNOWN
    if course.met(actual):
        return Status.MET
    if course.baseline is None:
        return Status.UNKNOWN
    distance = abs(course.target - course.baseline)
    if distance == 0:
        return Status.BEHIND
    on_path = _d(path_value) if path_value is not None else expected(year, course)
    if on_path is None:
        return Status.UNKNOWN
    behind = (actual - on_path) if course.lower_is_better else (on_path - actual)
    if behind <= 0:
        return Status.ON_TRACK
    if behind <= WARNING_SHARE * distance:
        return Status.WARNING
    return Status.BEHIND


STATUS_LABELS = {
    Status.MET: gettext_lazy("met"),
    Status.ON_TRACK: gettext_lazy("on track"),
    Status.WARNING: gettext_lazy("warning"),
    Status.BEHIND: gettext_lazy("behind"),
    Status.NO_DATA: gettext_lazy("no value yet"),
    Status.UNKNOWN: gettext_lazy("cannot be judged"),
    Status.NOT_QUANTIFIED: gettext_lazy("target not yet quantified"),
}


# Ranks in a peer group ------------------------------------------------------------------------


@dataclass(frozen=True)
class Standing:
    """The home city's place in its group in one year: "第 rank / counted"."""

    rank: int | None  # None: the home city has no value that year
    counted: int  # peers with a value that year (the denominator)
    missing: tuple  # members without a value that year, not counted
    median: Decimal | None
    best: Decimal | None


def competition_ranks(values: dict, lower_is_better: bool = False) -> dict:
    """Rank of each key by its value, ties shared ("1, 2, 2, 4"); keys whose value is None get
    no rank and are not counted."""
    present = {key: _d(value) for key, value in values.items() if value is not None}
    ordered = sorted(present.values(), reverse=not lower_is_better)
    first = {}  # a value's first place in the order: ties share the best place
    for place, value in enumerate(ordered, start=1):
        first.setdefault(value, place)
    ranks = {key: first[value] for key, value in present.items()}
    return ranks


def _median(numbers: list[Decimal]) -> Decimal | None:
    if not numbers:
        return None
    ordered = sorted(numbers)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def standing(values: dict, members, home, lower_is_better: bool = False) -> Standing:
    """The home city's standing among ``members`` (the group as it was that year) from
    ``values`` (place -> value or None, all from one source). Values of places outside the
    year's membership are ignored; members without a value are listed as missing."""
    members = list(members)
    in_group = {place: values.get(place) for place in members}
    ranks = competition_ranks(in_group, lower_is_better)
    numbers = [_d(v) for v in in_group.values() if v is not None]
    best = (min(numbers) if lower_is_better else max(numbers)) if numbers else None
    return Standing(
        rank=ranks.get(home),
        counted=len(ranks),
        missing=tuple(place for place in members if in_group[place] is None),
        median=_median(numbers),
        best=best,
    )


def published_standing(ranks: dict, members, home) -> Standing:
    """The standing where only published ranks exist (营商环境): the ranks as published, the
    denominator the members with a rank."""
    members = list(members)
    present = {place: ranks[place] for place in members if ranks.get(place) is not None}
    return Standing(
        rank=present.get(home),
        counted=len(present),
        missing=tuple(place for place in members if place not in present),
        median=None,
        best=None,
    )


def rank_status(
    rank: int | None,
    year: int,
    target_rank: int | None,
    target_year: int,
    baseline_rank: int | None,
    baseline_year: int | None,
) -> str:
    """The numeric rule on the rank scale (lower is better): met within the target rank; else on
    track, warning or behind against the straight line from the baseline year's rank to the
    target rank. No top-N set yet: NOT_QUANTIFIED, whatever the rank."""
    if target_rank is None:
        return Status.NOT_QUANTIFIED if rank is not None else Status.NO_DATA
    course = Course(
        baseline=_d(baseline_rank),
        baseline_year=baseline_year,
        target=_d(target_rank),
        target_year=target_year,
        lower_is_better=True,
    )
    return status(rank, year, course)


class Judgement:
    """A milestone's judgement by its dated value."""

    MET = "met"
    PARTLY = "partly"
    NOT_MET = "not_met"


MILESTONE_STATUS = {
    Judgement.MET: Status.MET,
    Judgement.PARTLY: Status.WARNING,
    Judgement.NOT_MET: Status.BEHIND,
}


def milestone_status(judgement: str | None) -> str:
    """Met, partly met (a warning) or not met (behind); no judged value yet: NO_DATA."""
    if not judgement:
        return Status.NO_DATA
    return MILESTONE_STATUS[judgement]
