"""Reads of indicator progress that several pages share: one queryset, arithmetic in Python."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import OuterRef, Prefetch, Subquery

from supervision.models import ReviewState

from .models import Indicator, Observation, Target
from .progress import Course, Status, completion, expected, status


@dataclass
class YearRow:
    year: int
    target: Decimal | None  # the year's target in force, or the straight path
    original: Decimal | None  # the same from the original targets
    actual: Observation | None
    completion: Decimal | None
    original_completion: Decimal | None
    status: str


@dataclass
class IndicatorProgress:
    indicator: Indicator
    end_target: Target | None
    course: Course
    original_course: Course
    years: list[YearRow] = field(default_factory=list)

    @property
    def latest(self) -> YearRow | None:
        return next((row for row in reversed(self.years) if row.actual is not None), None)

    @property
    def status(self) -> str:
        latest = self.latest
        return latest.status if latest else Status.NO_DATA

    @property
    def completion(self):
        return self.latest.completion if self.latest else None

    @property
    def original_completion(self):
        return self.latest.original_completion if self.latest else None

    @property
    def target_moved(self) -> bool:
        return self.end_target is not None and self.end_target.revised


def _measure(indicator, observation):
    if observation is None:
        return None
    return observation.rank if indicator.kind == Indicator.Kind.RANK else observation.value


def _course(indicator, end_target, original: bool) -> Course:
    lower = (
        indicator.kind == Indicator.Kind.RANK or indicator.direction == Indicator.Direction.LOWER
    )
    if end_target is None:
        goal = None
    elif indicator.kind == Indicator.Kind.RANK:
        goal = end_target.original_rank if original else end_target.rank
    else:
        goal = end_target.original_value if original else end_target.value
    return Course(
        baseline=indicator.baseline_value,
        baseline_year=indicator.baseline_year,
        target=None if goal is None else Decimal(goal),
        target_year=indicator.plan.end_year,
        lower_is_better=lower,
    )


def with_progress_data(queryset, latest_only: bool = False, approved: bool = False):
    """Indicators with their targets and yearly values prefetched: three queries in all.

    ``latest_only`` fetches each indicator's latest yearly value alone: what tables and the
    cockpit show, at a tenth of the rows for a ten-year plan. ``approved`` leaves out values
    the coordinating office has not approved (what leadership pages show by default)."""
    reviewed = {"review_state": ReviewState.APPROVED} if approved else {}
    values = Observation.objects.filter(quarter=None, **reviewed)
    if latest_only:
        newest = (
            Observation.objects.filter(indicator=OuterRef("indicator"), quarter=None, **reviewed)
            .order_by("-year")
            .values("year")[:1]
        )
        values = values.filter(year=Subquery(newest))
    return queryset.select_related("plan", "responsible_unit").prefetch_related(
        # to_attr: a plain list. Into ``targets`` Django builds a filtered queryset per
        # indicator, which at 500 indicators was a third of the cockpit's indicator time.
        Prefetch("targets", queryset=Target.objects.order_by("year"), to_attr="target_list"),
        Prefetch("observations", queryset=values.order_by("year"), to_attr="yearly"),
    )


def progress_of(indicator: Indicator, latest_only: bool = False) -> IndicatorProgress:
    """Year-by-year progress of one indicator (its targets and values already prefetched);
    with ``latest_only``, just the year of its latest value."""
    targets = {t.year: t for t in indicator.target_list}
    values = {o.year: o for o in indicator.yearly}
    end_target = targets.get(indicator.plan.end_year)
    course, original_course = (
        _course(indicator, end_target, False),
        _course(indicator, end_target, True),
    )
    result = IndicatorProgress(indicator, end_target, course, original_course)
    years = sorted(values) if latest_only else indicator.plan.years
    for year in years:
        yearly = targets.get(year)
        rank = indicator.kind == Indicator.Kind.RANK
        explicit = (yearly.rank if rank else yearly.value) if yearly else None
        explicit_original = (
            (yearly.original_rank if rank else yearly.original_value) if yearly else None
        )
        path = Decimal(explicit) if explicit is not None else expected(year, course)
        original_path = (
            Decimal(explicit_original) if explicit_original is not None
            else expected(year, original_course)
        )  # fmt: skip
        actual = values.get(year)
        measure = _measure(indicator, actual)
        result.years.append(
            YearRow(
                year=year, target=path, original=original_path, actual=actual,
                completion=completion(measure, course),
                original_completion=completion(measure, original_course),
                status=status(measure, year, course, path),
            )
        )  # fmt: skip
    return result
