"""Selectors for the reporting cycle: who owes which reports, and what has come in.

Each function runs a fixed number of queries (``values_list`` rows, no per-unit queries) and
hands the rows to ``plan.completeness``, so the matrix page costs the same for 25 units or 200.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from plan.completeness import Matrix, build_matrix
from plan.models import Plan, Responsibility, Task, TaskReport, TaskSummary, Unit
from plan.periods import Period
from projects.models import Project, ProjectUpdate

from .review import returned_to

TASKS = "tasks"
PROJECTS = "projects"


def _periods_filter(periods: list[Period]) -> dict:
    return {"year__gte": periods[0].year, "year__lte": periods[-1].year}


def _local_date(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def task_matrix(
    plan: Plan, periods: list[Period], today: dt.date, task: Task | None = None
) -> Matrix:
    """Units down, periods across: each unit owes a report on every task it shares."""
    responsibilities = Responsibility.objects.filter(task__plan=plan)
    reports = TaskReport.objects.filter(task__plan=plan, **_periods_filter(periods))
    if task is not None:
        responsibilities = responsibilities.filter(task=task)
        reports = reports.filter(task=task)
    obligations: dict[int, list[int]] = {}
    for unit_id, task_id in responsibilities.order_by("task__number").values_list(
        "unit_id", "task_id"
    ):
        obligations.setdefault(unit_id, []).append(task_id)
    submissions = {
        (unit_id, task_id, Period(year, quarter)): (_local_date(at), pk, review, edited)
        for unit_id, task_id, year, quarter, at, pk, review, edited in reports.values_list(
            "unit_id", "task_id", "year", "quarter", "submitted_at", "pk", "review_state",
            "edited_after_approval",
        )
    }  # fmt: skip
    units = Unit.objects.filter(pk__in=responsibilities.values("unit_id")).order_by(
        "sort_order", "name"
    )
    return build_matrix(
        units=units,
        periods=periods,
        obligations=obligations,
        submissions=submissions,
        due_dates={p: plan.due_date(p) for p in periods},
        today=today,
    )


def project_matrix(
    plan: Plan, periods: list[Period], today: dt.date, task: Task | None = None
) -> Matrix:
    """Units down, periods across: each unit owes a report on every project it answers for."""
    projects = Project.objects.filter(annex__plan=plan)
    if task is not None:
        projects = projects.filter(annex__column__task=task)
    obligations: dict[int, list[int]] = {}
    for unit_id, project_id in projects.order_by("annex__number", "order").values_list(
        "unit_id", "pk"
    ):
        obligations.setdefault(unit_id, []).append(project_id)
    updates = ProjectUpdate.objects.filter(project__in=projects, **_periods_filter(periods))
    submissions = {
        (unit_id, project_id, Period(year, quarter)): (_local_date(at), project_id, review, edited)
        for unit_id, project_id, year, quarter, at, review, edited in updates.values_list(
            "project__unit_id", "project_id", "year", "quarter", "submitted_at", "review_state",
            "edited_after_approval",
        )
    }  # fmt: skip
    units = Unit.objects.filter(pk__in=projects.values("unit_id")).order_by("sort_order", "name")
    return build_matrix(
        units=units,
        periods=periods,
        obligations=obligations,
        submissions=submissions,
        due_dates={p: plan.due_date(p) for p in periods},
        today=today,
    )


@dataclass
class ToDo:
    """What a staff member's units still owe for one period."""

    period: Period
    due: dt.date
    task_reports: list  # Responsibility rows without a report
    summaries: list  # lead Responsibility rows without a summary
    projects: list  # Project rows without a report
    returned: list = field(default_factory=list)  # reports returned to the units, any period
    notices: list = field(default_factory=list)  # reviewers' reminders (催办) to the units
    closed_on: dt.date | None = None  # the period is closed for reporting since this day

    @property
    def count(self) -> int:
        owed = len(self.task_reports) + len(self.summaries) + len(self.projects)
        return owed + len(self.returned)


def todo_for(user, unit_ids, plan: Plan, period: Period) -> ToDo:
    """The reports ``user``'s units have not yet submitted for ``period``, and those returned
    to them by the reviewers (three queries: owed task reports and summaries together, owed
    projects, returned reports)."""
    in_period = {"year": period.year, "quarter": period.quarter}
    responsibilities = (
        Responsibility.objects.filter(task__plan=plan, unit_id__in=unit_ids)
        .select_related("task", "unit")
        .order_by("task__number", "order")
    )
    # Reports and lead summaries owed, in one query: each responsibility says which it owes.
    owing = list(
        responsibilities.annotate(
            has_report=Exists(
                TaskReport.objects.filter(task=OuterRef("task"), unit=OuterRef("unit"), **in_period)
            ),
            has_summary=Exists(TaskSummary.objects.filter(task=OuterRef("task"), **in_period)),
        ).filter(Q(has_report=False) | Q(order=1, has_summary=False))
    )
    owed_reports = [r for r in owing if not r.has_report]
    owed_summaries = [r for r in owing if r.order == 1 and not r.has_summary]
    owed_projects = (
        Project.objects.filter(annex__plan=plan, unit_id__in=unit_ids)
        .exclude(Exists(ProjectUpdate.objects.filter(project=OuterRef("pk"), **in_period)))
        .select_related("annex", "unit")
        .order_by("annex__number", "order")
    )
    return ToDo(
        period=period,
        due=plan.due_date(period),
        task_reports=list(owed_reports),
        summaries=list(owed_summaries),
        projects=list(owed_projects),
        returned=returned_to(unit_ids, plan),
    )
