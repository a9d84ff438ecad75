"""Reads of indicator progress that several pages share: one queryset, arithmetic in Python."""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.db.models import (
    CharField,
    DecimalField,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
)

from supervision.models import ReviewState

from .models import (
    Indicator,
    Observation,
    PeerGroup,
    PeerMember,
    PeerValue,
    Target,
    current_batch,
)
from .progress import (
    Course,
    Standing,
    Status,
    completion,
    expected,
    milestone_status,
    published_standing,
    rank_status,
    standing,
    status,
)


@dataclass
class YearRow:
    year: int
    target: Decimal | None  # the year's target in force, or the straight path
    original: Decimal | None  # the same from the original targets
    actual: Observation | None
    completion: Decimal | None
    original_completion: Decimal | None
    status: str
    standing: Standing | None = None  # a rank indicator's place in its group that year

    @property
    def rank(self) -> int | None:
        """The rank the status is judged by: computed from the group's values where there are
        any, else the rank the unit reported."""
        if self.standing is not None:
            return self.standing.rank
        return self.actual.rank if self.actual is not None else None

    @property
    def has_data(self) -> bool:
        return self.actual is not None or (
            self.standing is not None and self.standing.rank is not None
        )


@dataclass
class IndicatorProgress:
    indicator: Indicator
    end_target: Target | None
    course: Course
    original_course: Course
    years: list[YearRow] = field(default_factory=list)
    # A rank indicator's baseline year, when it lies before the plan's years and the group has
    # values for it: the start of the straight line the status is judged on, shown beside the
    # yearly ranks.
    baseline_row: YearRow | None = None

    @property
    def latest(self) -> YearRow | None:
        return next((row for row in reversed(self.years) if row.has_data), None)

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
    # Without the review's JSON (what a returned value looked like), which no progress reads:
    # decoding it for every value was a fixed cost of every indicator page (issue 22).
    values = Observation.objects.filter(quarter=None, **reviewed).defer(
        "returned_fields", "returned_values"
    )
    if latest_only:
        newest = (
            Observation.objects.filter(indicator=OuterRef("indicator"), quarter=None, **reviewed)
            .order_by("-year")
            .values("year")[:1]
        )
        values = values.filter(year=Subquery(newest))
    return (
        queryset.select_related("plan", "responsible_unit", "peer_group")
        .prefetch_related(
            Prefetch("observations", queryset=values.order_by("year"), to_attr="yearly"),
        )
        .after_fetch(lambda indicators: attach_targets_and_peers(indicators, approved))
    )


class PeerRow(NamedTuple):
    """A member's value (or published rank) for a year, from an approved batch as asked."""

    place: str
    value: Decimal | None
    rank: int | None
    year: int
    is_home: bool


TARGET_COLUMNS = (
    "id", "indicator_id", "year", "value", "rank", "original_value", "original_rank",
    "statement", "original_statement", "reason", "reading_note",
)  # fmt: skip


def attach_targets_and_peers(indicators, approved: bool) -> None:
    """Give each indicator ``target_list`` (its targets by year) and ``peer_list`` (the values
    of its group's members, each counted in the years it was a member) in one query, a UNION
    of both: the cockpit stays within its query budget with ranked indicators on it.

    A peer row is (place, value, rank, year, is_home), from the year's latest batch (its
    latest approved batch with ``approved``)."""
    by_pk = {indicator.pk: indicator for indicator in indicators}
    for indicator in indicators:
        indicator.target_list, indicator.peer_list = [], []
    if not by_pk:
        return
    targets = (
        Target.objects.filter(indicator_id__in=by_pk)
        .annotate(row_kind=Value("t", output_field=CharField()))
        .values_list("row_kind", *TARGET_COLUMNS)
        .order_by()
    )
    member = PeerMember.objects.filter(
        Q(from_year=None) | Q(from_year__lte=OuterRef("year")),
        Q(until_year=None) | Q(until_year__gte=OuterRef("year")),
        group_id=OuterRef("indicator__peer_group_id"),
        place=OuterRef("place"),
    )
    # Only a ranked indicator is judged by its peers (``progress_of``, and the indicator page
    # shows peers for ranked ones only): half the rows of the benchmark's plan.
    ranked = [pk for pk, i in by_pk.items() if i.kind == Indicator.Kind.RANK]
    # each year's table in force: its latest batch's (its latest approved batch's)
    peers = PeerValue.objects.filter(indicator_id__in=ranked).filter(Exists(member))
    peers = peers.filter(current_batch(approved))
    peers = (
        peers.annotate(
            row_kind=Value("p", output_field=CharField()),
            no_rank=Value(None, output_field=IntegerField()),
            blank=Value("", output_field=CharField()),
        )
        .values_list(
            "row_kind",
            "id",
            "indicator_id",
            "year",
            "value",
            "rank",
            "value",
            "no_rank",
            "place",
            "blank",
            "blank",
            "blank",
        )  # fmt: skip
        .order_by()
    )
    # The home city of each group, marked in Python: a subquery a peer row asking whether its
    # place is the home member was most of the query's time (80,000 probes at 10,000 projects).
    # A group has one home member, and a row is a member's of that year already.
    groups = {i.peer_group_id for i in indicators if i.peer_group_id is not None}
    homes = (
        PeerMember.objects.filter(group_id__in=groups, is_home=True)
        .annotate(
            row_kind=Value("h", output_field=CharField()),
            no_number=Value(None, output_field=DecimalField()),
            no_rank=Value(None, output_field=IntegerField()),
            blank=Value("", output_field=CharField()),
        )
        .values_list(
            "row_kind",
            "id",
            "group_id",
            "no_rank",
            "no_number",
            "no_rank",
            "no_number",
            "no_rank",
            "place",
            "blank",
            "blank",
            "blank",
        )  # fmt: skip
        .order_by()
    )
    home_of, peer_rows = {}, []
    for row in targets.union(peers, homes, all=True):
        kind = row[0]
        if kind == "p":  # tens of thousands: kept as they come, read below
            peer_rows.append(row)
        elif kind == "t":
            (_kind, pk, indicator_id, year, value, rank, original_value, original_rank,
             statement, original_statement, reason, reading_note) = row  # fmt: skip
            by_pk[indicator_id].target_list.append(
                Target(id=pk, indicator_id=indicator_id, year=year, value=value, rank=rank,
                       original_value=original_value, original_rank=original_rank,
                       statement=statement, original_statement=original_statement,
                       reason=reason, reading_note=reading_note)
            )  # fmt: skip
        else:  # a group's home member: the group's id in the indicator's column
            home_of[row[2]] = row[8]
    for row in peer_rows:
        indicator, place = by_pk[row[2]], row[8]
        home = home_of.get(indicator.peer_group_id) == place
        indicator.peer_list.append(PeerRow(place, row[4], row[5], row[3], home))
    for indicator in indicators:
        indicator.target_list.sort(key=lambda t: t.year)


def standings_of(indicator: Indicator, members=None) -> dict[int, Standing]:
    """A rank indicator's standing in its group for each year with peer values (attached by
    ``with_progress_data``: members of that year only, the home city's value from the same
    source as its peers'). With ``members`` (the group's, fetched), members without a value
    are listed as missing; without, only the rank and its denominator are known."""
    if indicator.peer_group_id is None or not indicator.peer_list:
        return {}
    by_year: dict[int, dict] = {}
    home = None
    for peer in indicator.peer_list:
        by_year.setdefault(peer.year, {})[peer.place] = (
            peer.rank if indicator.published_ranks else peer.value
        )
        if peer.is_home:
            home = peer.place
    if members is not None:
        home = next((m.place for m in members if m.is_home), home)
    lower = indicator.direction == Indicator.Direction.LOWER
    result = {}
    for year, values in sorted(by_year.items()):
        places = (
            [m.place for m in PeerGroup.members_in(members, year)] if members is not None
            else list(values)
        )  # fmt: skip
        if indicator.published_ranks:
            result[year] = published_standing(values, places, home)
        else:
            result[year] = standing(values, places, home, lower_is_better=lower)
    return result


def _rank_row(indicator, year, actual, standings, end_target, baseline_rank) -> YearRow:
    row = YearRow(year=year, target=None, original=None, actual=actual, completion=None,
                  original_completion=None, status=Status.NO_DATA,
                  standing=standings.get(year))  # fmt: skip
    target_rank = end_target.rank if end_target else None
    original_rank = end_target.original_rank if end_target else None
    row.target = None if target_rank is None else Decimal(target_rank)
    row.original = None if original_rank is None else Decimal(original_rank)
    row.status = rank_status(row.rank, year, target_rank, indicator.plan.end_year,
                             baseline_rank, indicator.baseline_year)  # fmt: skip
    return row


def progress_of(
    indicator: Indicator, latest_only: bool = False, years: list[int] | None = None
) -> IndicatorProgress:
    """Year-by-year progress of one indicator (its targets and values already prefetched);
    with ``latest_only``, just the years of its values fetched (its latest, as fetched by
    ``with_progress_data(latest_only=True)``); with ``years``, those years only.

    A rank indicator is judged by its rank in its group (``standings_of``) with
    ``progress.rank_status``; a milestone by its latest dated judgement."""
    targets = {t.year: t for t in indicator.target_list}
    values = {o.year: o for o in indicator.yearly}
    end_target = targets.get(indicator.plan.end_year)
    course, original_course = (
        _course(indicator, end_target, False),
        _course(indicator, end_target, True),
    )
    result = IndicatorProgress(indicator, end_target, course, original_course)
    if indicator.kind == Indicator.Kind.RANK:
        # Judged once a fetch: the cockpit reads an indicator's progress twice (its status,
        # and this quarter's change).
        if not hasattr(indicator, "_standings"):
            indicator._standings = standings_of(indicator)
        standings = indicator._standings
        baseline = standings.get(indicator.baseline_year)
        baseline_rank = (
            baseline.rank if baseline is not None and baseline.rank is not None
            else indicator.baseline_value
        )  # fmt: skip
        if years is None:
            years = sorted(set(values) | set(standings)) if latest_only else indicator.plan.years
        for year in years:
            result.years.append(
                _rank_row(indicator, year, values.get(year), standings, end_target, baseline_rank)
            )
        first = indicator.baseline_year
        if baseline is not None and first not in {row.year for row in result.years}:
            result.baseline_row = _rank_row(
                indicator, first, values.get(first), standings, end_target, baseline_rank
            )
        result.standings = standings
        return result
    result.standings = {}
    if years is None:
        years = sorted(values) if latest_only else indicator.plan.years
    for year in years:
        actual = values.get(year)
        if indicator.kind == Indicator.Kind.MILESTONE:
            result.years.append(
                YearRow(year=year, target=None, original=None, actual=actual, completion=None,
                        original_completion=None,
                        status=milestone_status(actual.judgement if actual else None))
            )  # fmt: skip
            continue
        yearly = targets.get(year)
        explicit = yearly.value if yearly else None
        explicit_original = yearly.original_value if yearly else None
        path = Decimal(explicit) if explicit is not None else expected(year, course)
        original_path = (
            Decimal(explicit_original) if explicit_original is not None
            else expected(year, original_course)
        )  # fmt: skip
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
