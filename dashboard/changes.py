"""What changed this quarter (本季度变化): a reporting period set against the one before it.

A project's state at the end of a period is its latest report up to that period (carried
forward when it did not report; ``not started, 0%`` before its first report), so the page reads
reports, not today's project fields, and any past period can be shown. Its lag is the lag rule
(``projects.progress.is_lagging``) applied to that state on the period's last day, so a project
can become newly lagging without a report, because the straight line moved on.

Indicators are yearly: an indicator changed when the status (``indicators.progress.status``) of
its latest value up to the period's year differs from that of the value before it.

One query for the projects (four correlated subqueries), three for the indicators, two for the
returned reports, whatever the plan's size; the lists are cut at ``LIMIT`` rows.
"""

from dataclasses import dataclass

from django.db.models import OuterRef, Q, Subquery

from indicators.models import Indicator
from indicators.progress import STATUS_LABELS
from indicators.selectors import progress_of, with_progress_data
from plan.models import Plan, ReviewState, TaskReport
from plan.periods import Period
from projects.models import Project, ProjectStatus, ProjectUpdate
from projects.progress import is_lagging

LIMIT = 100  # rows per list; the page says when there are more


@dataclass
class ProjectChange:
    project: Project
    was_status: str | None  # None: no report up to the previous period
    was_percent: int | None
    now_status: str | None
    now_percent: int | None
    lagging_before: bool
    lagging_now: bool

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


def project_changes(plan: Plan, period: Period) -> list[ProjectChange]:
    """Every project of ``plan`` with its state at the end of ``period`` and of the one before
    (one query)."""
    previous = period.previous()

    def latest(up_to: Period, name: str):
        reports = ProjectUpdate.objects.filter(_up_to(up_to), project=OuterRef("pk"))
        return Subquery(reports.order_by("-year", "-quarter").values(name)[:1])

    projects = (
        Project.objects.filter(annex__plan=plan)
        .for_list()
        .annotate(
            was_status=latest(previous, "status"),
            was_percent=latest(previous, "percent_complete"),
            now_status=latest(period, "status"),
            now_percent=latest(period, "percent_complete"),
        )
    )
    rows = []
    for p in projects:

        def lags(status, percent, day, p=p):
            return is_lagging(status=status or ProjectStatus.NOT_STARTED, percent=percent or 0,
                              start=p.planned_start, end=p.planned_end, today=day)  # fmt: skip

        rows.append(ProjectChange(
            p, p.was_status, p.was_percent, p.now_status, p.now_percent,
            lagging_before=lags(p.was_status, p.was_percent, previous.last_day),
            lagging_now=lags(p.now_status, p.now_percent, period.last_day),
        ))  # fmt: skip
    return rows


def indicator_changes(plan: Plan, period: Period) -> list[IndicatorChange]:
    """Indicators whose two latest yearly values up to ``period``'s year differ in status
    (three queries)."""
    changes = []
    for indicator in with_progress_data(Indicator.objects.filter(plan=plan)):
        years = [
            row for row in progress_of(indicator).years
            if row.actual is not None and row.year <= period.year
        ]  # fmt: skip
        if len(years) >= 2 and years[-1].status != years[-2].status:
            before, now = years[-2], years[-1]
            changes.append(IndicatorChange(indicator, before.year, before.status, now.year,
                                           now.status))  # fmt: skip
    return changes


def changes(plan: Plan, period: Period) -> Changes:
    """What changed in ``period`` against the period before it (six queries)."""
    projects = project_changes(plan, period)
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
    return Changes(
        period=period,
        previous=period.previous(),
        changed=bounded(
            [c for c in projects if c.now_status and (c.status_changed or c.percent_changed)]
        ),
        newly_lagging=bounded([c for c in projects if c.lagging_now and not c.lagging_before]),
        newly_completed=bounded(
            [
                c
                for c in projects
                if c.now_status == ProjectStatus.COMPLETED
                and c.was_status != ProjectStatus.COMPLETED
            ]
        ),  # fmt: skip
        indicators=bounded(indicator_changes(plan, period)),
        returned_project_reports=bounded(list(returned_updates[: LIMIT + 1])),
        returned_task_reports=bounded(list(returned_reports[: LIMIT + 1])),
    )
