"""The cockpit's figures and chart data: a handful of fixed queries, whatever the plan's size."""

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.models import Indicator
from indicators.selectors import progress_of, with_progress_data
from plan.models import Plan, Responsibility, TaskReport
from plan.periods import Period, ReportState
from projects.models import Project, ProjectStatus, ProjectUpdate
from projects.progress import rollup_from_sums


@dataclass
class Completeness:
    received: int
    expected: int
    late: int
    overdue: int

    @property
    def share(self) -> float | None:
        return self.received / self.expected if self.expected else None


def completeness(matrix) -> Completeness:
    totals = matrix.totals
    received = totals[ReportState.SUBMITTED] + totals[ReportState.LATE]
    return Completeness(
        received=received,
        expected=sum(totals.values()),
        late=totals[ReportState.LATE],
        overdue=totals[ReportState.OVERDUE],
    )


def project_counts(plan: Plan, today) -> Counter:
    """Projects by status, plus ``"lagging_rule"`` for how many lag by the lag rule (one query)."""
    rows = (
        Project.objects.filter(annex__plan=plan)
        .with_lag(today)
        .order_by()
        .values("status")
        .annotate(n=Count("pk"), lagging=Count("pk", filter=Q(is_lagging=True)))
    )
    counts = Counter()
    for row in rows:
        counts[row["status"]] += row["n"]
        counts["lagging_rule"] += row["lagging"]
        counts["all"] += row["n"]
    return counts


def project_figures(plan: Plan, today) -> tuple[Counter, dict]:
    """``project_counts`` and ``{task_id: Rollup}`` together, from one grouped query (per task
    and status): the cockpit needs both, and they read the same rows."""
    counts, sums = Counter(), {}
    for row in Project.objects.filter(annex__plan=plan).task_status_sums(today):
        task_id, status = row.pop("task_id"), row.pop("project_status")
        counts[status] += row["projects"]
        counts["lagging_rule"] += row["lagging"]
        counts["all"] += row["projects"]
        total = sums.setdefault(task_id, dict.fromkeys(row, 0))
        for key, value in row.items():
            total[key] += value or 0
    return counts, {task_id: rollup_from_sums(**total) for task_id, total in sums.items()}


def _count(queryset, **filters):
    """``COUNT(*)`` of ``queryset`` as a scalar subquery (no GROUP BY: always one row)."""
    counted = queryset.filter(**filters).order_by().annotate(one=Value(1)).values("one")
    return Subquery(counted.annotate(n=Count("pk")).values("n"), output_field=IntegerField())


def reporting_completeness(plan: Plan, period: Period, today) -> dict:
    """This period's reports in, late and overdue, for tasks and projects, in one query: the
    same figures as the matrix's totals for the period.

    A project has at most one report a period (``unique_update_per_period``), so its reports
    in are counted from the period's reports, joined to the plan's projects, rather than by
    probing every project for one (EXPLAIN at 10,000 projects: 35 ms -> a hash join)."""
    due = plan.due_date(period)
    late_from = timezone.make_aware(dt.datetime.combine(due + dt.timedelta(days=1), dt.time()))
    in_period = {"year": period.year, "quarter": period.quarter}
    task_reports = TaskReport.objects.filter(
        task=OuterRef("task"), unit=OuterRef("unit"), **in_period
    )
    responsibilities = Responsibility.objects.filter(task__plan=OuterRef("pk"))
    updates = ProjectUpdate.objects.filter(project__annex__plan=OuterRef("pk"), **in_period)
    counts = (
        Plan.objects.filter(pk=plan.pk)
        .annotate(
            tasks_expected=_count(responsibilities),
            tasks_received=_count(responsibilities.filter(Exists(task_reports))),
            tasks_late=_count(
                responsibilities.filter(Exists(task_reports.filter(submitted_at__gte=late_from)))
            ),
            projects_expected=_count(Project.objects.filter(annex__plan=OuterRef("pk"))),
            projects_received=_count(updates),
            projects_late=_count(updates, submitted_at__gte=late_from),
        )
        .values(
            "tasks_expected",
            "tasks_received",
            "tasks_late",
            "projects_expected",
            "projects_received",
            "projects_late",
        )
        .get()
    )

    def figures(kind) -> Completeness:
        expected, received = counts[f"{kind}_expected"], counts[f"{kind}_received"]
        return Completeness(received, expected, counts[f"{kind}_late"],
                            expected - received if today > due else 0)  # fmt: skip

    return {"tasks": figures("tasks"), "projects": figures("projects")}


def indicator_progress(plan: Plan, latest_only: bool = True) -> list:
    """Every indicator's progress; by default only as of its latest value (the cockpit's
    needs), or year by year for the evaluation."""
    indicators = with_progress_data(Indicator.objects.filter(plan=plan), latest_only)
    return [progress_of(i, latest_only) for i in indicators]


STATUS_KEYS = [s for s, _label in ProjectStatus.choices]


def project_status_chart(counts: Counter) -> dict:
    return {
        "title": _("Projects by status"),
        "labels": [str(label) for _key, label in ProjectStatus.choices],
        "keys": STATUS_KEYS,
        "values": [counts.get(key, 0) for key in STATUS_KEYS],
    }


def task_progress_chart(tasks) -> dict:
    return {
        "title": _("Progress by task, from its projects"),
        "label": _("Percent complete"),
        "unit": "%",
        "labels": [f"{t.number}. {t.short_title}" for t in tasks],
        "values": [
            round(t.rollup.percent, 1) if t.rollup and t.rollup.percent is not None else None
            for t in tasks
        ],  # fmt: skip
        "legend": False,
    }


def indicator_completion_chart(rows) -> dict:
    judged = [r for r in rows if r.completion is not None]
    return {
        "title": _("Indicator completion against the target in force"),
        "label": _("Completion"),
        "unit": "%",
        "labels": [r.indicator.name for r in judged],
        "values": [round(float(r.completion) * 100, 1) for r in judged],
        "goal": 100,
        "goal_label": _("Target (100%)"),
    }


def indicator_counts(rows) -> Counter:
    return Counter(r.status for r in rows)
