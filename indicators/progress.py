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

    ORDER = [BEHIND, WARNING, ON_TRACK, MET, UNKNOWN, NO_DATA]


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
}
