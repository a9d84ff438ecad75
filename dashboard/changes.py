"""What changed this quarter (本季度变化): a reporting period set against the one before it.

A project's state at the end of a period is its latest report up to that period (carried
forward when it did not report; ``not started, 0%`` before its first report), so the page reads
reports, not today's project fields, and any past period can be shown. Its lag is the lag rule
(``projects.progress.is_lagging``) applied to that state on the period's last day, so a project
can become newly lagging without a report, because the straight line moved on.

Indicators are yearly: an indicator changed when the status (``indicators.progress.status``) of
its latest value up to the period's year differs from that of the value before it.

One query for the projects' states (the period's report joined, one correlated subquery for
the state before it, plain rows), one for the projects the lists show, three for the
indicators, two for the returned reports, whatever the plan's size; the lists are cut at
``LIMIT`` rows.
"""

from dataclasses import dataclass
from functools import lru_cache

from django.db.models import CharField, FilteredRelation, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast, Concat

from indicators.models import Indicator
from indicators.progress import STATUS_LABELS
from indicators.selectors import progress_of, with_progress_data
from plan.figures_cache import INDICATORS, cached
from plan.models import Plan
from plan.periods import Period
from projects.models import Project, ProjectStatus, ProjectUpdate
from projects.progress import is_lagging
from supervision.models import ReviewState, TaskReport

LIMIT = 100  # rows per list; the page says when there are more


@dataclass
class ProjectChange:
    project_id: int
    was_status: str | None  # None: no report up to the previous period
    was_percent: int | None
    now_status: str | None
    now_percent: int | None
    lagging_before: bool
    lagging_now: bool
    project: Project | None = None  # filled in for the rows a list shows (``with_projects``)

    # Before its first report a project counts as not started at 0%, so a first report that
    # says just that is no change.

    @property
    def status_changed(self) -> bool:
        return (self.was_status or ProjectStatus.NOT_STARTED) != self.now_status

    @property
    def percent_changed(self) -> bool:
        return (self.was_percent or 0) != self.now_percent

    @property
    def was_label(self):
        return ProjectStatus(self.was_status).label if self.was_status else None

    @property
    def now_label(self):
        return ProjectStatus(self.now_status).label if self.now_status else None


@dataclass
class IndicatorChange:
    indicator: Indicator
    before_year: int
    before_status: str
    now_year: int
    now_status: str

    @property
    def before_label(self):
        return STATUS_LABELS[self.before_status]

    @property
    def now_label(self):
        return STATUS_LABELS[self.now_status]


@dataclass
class Bounded:
    """A list cut at ``LIMIT`` rows, with the full count."""

    rows: list
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


def bounded(rows: list) -> Bounded:
    return Bounded(rows[:LIMIT], len(rows))


@dataclass
class Changes:
    period: Period
    previous: Period
    changed: Bounded  # status or percent changed
    newly_lagging: Bounded
    newly_completed: Bounded
    indicators: Bounded
    returned_project_reports: Bounded
    returned_task_reports: Bounded


def _up_to(period: Period) -> Q:
    return Q(year__lt=period.year) | Q(year=period.year, quarter__lte=period.quarter)


def _state(packed: str | None) -> tuple[str | None, int | None]:
    """A report's ``status:percent`` as packed by ``project_changes``' query."""
    if packed is None:
        return None, None
    status, percent = packed.rsplit(":", 1)
    return status, int(percent)


def was_annotation(period: Period, approved: bool = False) -> dict:
    """``was``: a project's latest report's ``status:percent`` up to the period before
    ``period`` (from approved reports only with ``approved``), to annotate a query of projects
    with. Its state at the end of ``period`` needs no second subquery: it is the period's own
    report where there is one (a project has at most one a period), else ``was``
    (``now_of``)."""
    reports = ProjectUpdate.objects.filter(_up_to(period.previous()), project=OuterRef("pk"))
    if approved:
        reports = reports.filter(review_state=ReviewState.APPROVED)
    # Status and percent in one subquery (one index probe a project instead of two).
    packed = Concat("status", Value(":"), Cast("percent_complete", CharField()),
                    output_field=CharField())  # fmt: skip
    return {
        "was": Subquery(
            reports.order_by("-year", "-quarter").annotate(packed=packed).values("packed")[:1]
        )
    }


def now_of(was, status, percent, review_state, approved: bool = False) -> str | None:
    """A project's state at the end of a period, packed like ``was``: the period's report
    (``status``, ``percent``, ``review_state``: ``None`` without one; in the approved view
    only an approved one counts), else its state before the period."""
    if status is None or (approved and review_state != ReviewState.APPROVED):
        return was
    return f"{status}:{percent}"


def change_of(pk, start, end, was, now, period: Period) -> ProjectChange:
    """A project's change over ``period`` from its states before and at the end of it
    (``was_annotation``, ``now_of``) and its planned dates, its lag by the lag rule on each
    period's last day."""
    (was_status, was_percent), (now_status, now_percent) = _state(was), _state(now)
    before, after = last_days(period)
    return ProjectChange(
        pk, was_status, was_percent, now_status, now_percent,
        lagging_before=_lags(was_status, was_percent, start, end, before),
        lagging_now=_lags(now_status, now_percent, start, end, after),
    )  # fmt: skip


def change_flags(start, end, was, now, days: tuple) -> tuple[bool, bool, bool]:
    """Whether a project is in each of the page's three project lists (changed, newly lagging,
    newly completed), from the same inputs as ``change_of`` (``days``: ``last_days`` of the
    period) and by the same rules (``is_changed``, ``is_newly_lagging``,
    ``is_newly_completed``), without building a ``ProjectChange``: the cockpit counts every
    project of the plan after every project report. ``tests/dashboard/test_one_truth.py`` holds
    the counts to the page's lists."""
    before, after = days
    was_status, was_percent = _state(was)
    # most projects have no report in the period: the same state, read once
    now_status, now_percent = (was_status, was_percent) if now == was else _state(now)
    newly_lagging = _lags(now_status, now_percent, start, end, after) and not _lags(
        was_status, was_percent, start, end, before
    )
    return (
        _changed(was_status, was_percent, now_status, now_percent),
        newly_lagging,
        _completed(was_status, now_status),
    )


def _lags(status, percent, start, end, day) -> bool:
    """The lag rule on ``day`` for a state (no report yet: not started, 0 %)."""
    return is_lagging(status=status or ProjectStatus.NOT_STARTED, percent=percent or 0,
                      start=start, end=end, today=day)  # fmt: skip


def _changed(was_status, was_percent, now_status, now_percent) -> bool:
    """Reported in the period with another status or percent than before it."""
    return bool(now_status) and (
        (was_status or ProjectStatus.NOT_STARTED) != now_status or (was_percent or 0) != now_percent
    )


def _completed(was_status, now_status) -> bool:
    return now_status == ProjectStatus.COMPLETED and was_status != ProjectStatus.COMPLETED


@lru_cache(maxsize=64)
def last_days(period: Period) -> tuple:
    """The last days of the period before ``period`` and of ``period``: worked out once, not
    once a project (two new periods a call were most of the changes' Python time)."""
    return period.previous().last_day, period.last_day


def project_changes(plan: Plan, period: Period, approved: bool = False) -> list[ProjectChange]:
    """Every project of ``plan`` with its state at the end of ``period`` and of the one before
    (one query, of plain rows: at 10,000 projects, building a model instance a project was
    most of the page's time; ``with_projects`` fetches the ones the page shows). With
    ``approved``, from approved reports only (the approved view of the figures)."""
    joined = FilteredRelation(
        "updates", condition=Q(updates__year=period.year, updates__quarter=period.quarter)
    )
    rows = (
        Project.objects.filter(annex__plan=plan)
        .order_by("annex__number", "order")
        .annotate(period_report=joined, **was_annotation(period, approved))
        .values_list("pk", "planned_start", "planned_end", "was", "period_report__status",
                     "period_report__percent_complete", "period_report__review_state")
    )  # fmt: skip
    return [
        change_of(pk, start, end, was, now_of(was, *report, approved), period)
        for pk, start, end, was, *report in rows
    ]


def with_projects(lists: list[Bounded]) -> None:
    """Put the full projects (with unit and annex) into the rows the lists show (one query)."""
    shown = [row for rows in lists for row in rows.rows]
    projects = Project.objects.filter(pk__in={row.project_id for row in shown}).for_list()
    by_pk = {project.pk: project for project in projects}
    for row in shown:
        row.project = by_pk[row.project_id]


def indicator_changes(plan: Plan, period: Period, approved: bool = False) -> list[IndicatorChange]:
    """Indicators whose two latest yearly values up to ``period``'s year differ in status
    (three queries)."""
    indicators = with_progress_data(Indicator.objects.filter(plan=plan), approved=approved)
    return indicator_changes_of(indicators, period)


def indicator_changes_of(indicators, period: Period) -> list[IndicatorChange]:
    """``indicator_changes`` of indicators fetched already with every yearly value
    (``with_progress_data``): the cockpit counts them from its own fetch."""
    changes = []
    for indicator in indicators:
        # Only the two latest years with a value up to the period's year are compared: judged
        # alone (a year's status does not depend on the other years' values).
        in_plan = indicator.plan.years
        compared = sorted(
            o.year for o in indicator.yearly if o.year <= period.year and o.year in in_plan
        )[-2:]
        if len(compared) < 2:
            continue
        years = progress_of(indicator, years=compared).years
        if years[-1].status != years[-2].status:
            before, now = years[-2], years[-1]
            # The page shows the indicator's name and link: a bare copy goes into the cache
            # (plan.figures_cache), without the values, targets and plan fetched with it.
            bare = Indicator(pk=indicator.pk, plan_id=indicator.plan_id, code=indicator.code,
                             name=indicator.name)  # fmt: skip
            changes.append(IndicatorChange(bare, before.year, before.status, now.year,
                                           now.status))  # fmt: skip
    return changes


def indicators_cached(plan: Plan, period: Period, approved: bool, compute) -> Bounded:
    """The indicators whose status changed, cached on their own (plan.figures_cache): after a
    project report, the commonest write, they have not changed. The changes page and the
    cockpit share the entry; ``compute`` gives the list."""
    return cached(plan, "changes-indicators", [INDICATORS], [period, approved],
                  lambda: bounded(compute()))  # fmt: skip


# What each list of the page holds, from ``project_changes``' rows: the cockpit counts them with
# the same rules.


def is_changed(c: ProjectChange) -> bool:
    return _changed(c.was_status, c.was_percent, c.now_status, c.now_percent)


def is_newly_lagging(c: ProjectChange) -> bool:
    return c.lagging_now and not c.lagging_before


def is_newly_completed(c: ProjectChange) -> bool:
    return _completed(c.was_status, c.now_status)


def change_counts(rows) -> dict:
    """How many of ``rows`` (``ProjectChange``) each of the page's project lists holds: the
    cockpit's figures of this quarter's changes."""
    counts = {"changed": 0, "newly_lagging": 0, "newly_completed": 0}
    for row in rows:
        counts["changed"] += is_changed(row)
        counts["newly_lagging"] += is_newly_lagging(row)
        counts["newly_completed"] += is_newly_completed(row)
    return counts


def changes(plan: Plan, period: Period, approved: bool = False) -> Changes:
    """What changed in ``period`` against the period before it (seven queries), from approved
    reports only with ``approved``."""
    projects = project_changes(plan, period, approved)
    in_period = {"year": period.year, "quarter": period.quarter,
                 "review_state": ReviewState.RETURNED}  # fmt: skip
    returned_updates = (
        ProjectUpdate.objects.filter(project__annex__plan=plan, **in_period)
        .select_related("project__unit", "project__annex")
        .order_by("project__annex__number", "project__order")
    )
    returned_reports = (
        TaskReport.objects.filter(task__plan=plan, **in_period)
        .select_related("task", "unit")
        .order_by("task__number", "unit__sort_order")
    )
    changed = bounded([c for c in projects if is_changed(c)])
    newly_lagging = bounded([c for c in projects if is_newly_lagging(c)])
    newly_completed = bounded([c for c in projects if is_newly_completed(c)])
    with_projects([changed, newly_lagging, newly_completed])
    return Changes(
        period=period,
        previous=period.previous(),
        changed=changed,
        newly_lagging=newly_lagging,
        newly_completed=newly_completed,
        indicators=indicators_cached(
            plan, period, approved, lambda: indicator_changes(plan, period, approved)
        ),
        returned_project_reports=bounded(list(returned_updates[: LIMIT + 1])),
        returned_task_reports=bounded(list(returned_reports[: LIMIT + 1])),
    )
