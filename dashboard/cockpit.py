"""The cockpit's figures and chart data: a handful of fixed queries, whatever the plan's size."""

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.models import Indicator, Observation
from indicators.selectors import progress_of, with_progress_data
from plan.models import Plan, Responsibility, ReviewState, TaskReport
from plan.periods import Period, ReportState
from plan.warnings import Colour, blue_days, in_blue_window
from projects.models import Project, ProjectStatus, ProjectUpdate


@dataclass
class Completeness:
    received: int
    expected: int
    late: int
    overdue: int
    returned: int = 0
    due_soon: int = 0  # missing, and due within the blue window of the three colours

    @property
    def colours(self) -> dict[str, int]:
        """This period's reports by the three colours (plan.warnings): red overdue, yellow
        returned, blue due soon."""
        return {Colour.RED: self.overdue, Colour.YELLOW: self.returned,
                Colour.BLUE: self.due_soon}  # fmt: skip

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


def project_counts(plan: Plan, today, approved: bool = False) -> Counter:
    """Projects by status, plus ``"lagging_rule"`` for how many lag by the lag rule and
    ``"colour_red"`` / ``"colour_yellow"`` / ``"colour_blue"`` by the three colours (one query);
    with ``approved``, status and lag by the state of each project's latest approved report (the
    colours judge the projects as last reported: they say what to chase)."""
    status = "approved_status" if approved else "status"
    colours = {f"colour_{c}": Count("pk", filter=Q(colour=c)) for c in Colour.MARKED}
    rows = (
        Project.objects.filter(annex__plan=plan)
        .with_lag(today, approved)
        .with_colour(plan, today)
        .order_by()
        .values(status)
        .annotate(n=Count("pk"), lagging=Count("pk", filter=Q(is_lagging=True)), **colours)
    )
    counts = Counter()
    for row in rows:
        counts[row[status]] += row["n"]
        counts["lagging_rule"] += row["lagging"]
        counts["all"] += row["n"]
        for key in colours:
            counts[key] += row[key]
    return counts


def reporting_completeness(plan: Plan, period: Period, today) -> dict:
    """This period's reports in, late and overdue, for tasks and projects: two aggregate
    queries, the same figures as the matrix's totals for the period."""
    due = plan.due_date(period)
    late_from = timezone.make_aware(dt.datetime.combine(due + dt.timedelta(days=1), dt.time()))
    in_period = {"year": period.year, "quarter": period.quarter}

    def figures(queryset, reports) -> Completeness:
        counts = queryset.aggregate(
            expected=Count("pk"),
            received=Count("pk", filter=Q(Exists(reports))),
            late=Count("pk", filter=Q(Exists(reports.filter(submitted_at__gte=late_from)))),
            returned=Count(
                "pk", filter=Q(Exists(reports.filter(review_state=ReviewState.RETURNED)))
            ),
        )
        missing = counts["expected"] - counts["received"]
        return Completeness(counts["received"], counts["expected"], counts["late"],
                            missing if today > due else 0, counts["returned"],
                            missing if in_blue_window(due, today, blue_days()) else 0)  # fmt: skip

    task_reports = TaskReport.objects.filter(
        task=OuterRef("task"), unit=OuterRef("unit"), **in_period
    )
    project_reports = ProjectUpdate.objects.filter(project=OuterRef("pk"), **in_period)
    return {
        "tasks": figures(Responsibility.objects.filter(task__plan=plan), task_reports),
        "projects": figures(Project.objects.filter(annex__plan=plan), project_reports),
    }


def indicator_progress(plan: Plan, latest_only: bool = True, approved: bool = False) -> list:
    """Every indicator's progress; by default only as of its latest value (the cockpit's
    needs), or year by year for the evaluation; with ``approved``, approved values only."""
    indicators = with_progress_data(Indicator.objects.filter(plan=plan), latest_only, approved)
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


def awaiting_review(plan: Plan) -> int:
    """Reports of the plan submitted but not yet approved (returned ones are with their units):
    what the "approved only" figures leave out. One query (a count over a UNION)."""
    state = ReviewState.SUBMITTED
    projects = ProjectUpdate.objects.filter(project__annex__plan=plan, review_state=state)
    tasks = TaskReport.objects.filter(task__plan=plan, review_state=state)
    values = Observation.objects.filter(indicator__plan=plan, review_state=state)
    return (
        projects.order_by()
        .values_list("pk")
        .union(tasks.order_by().values_list("pk"), values.order_by().values_list("pk"), all=True)
        .count()
    )


def indicator_counts(rows) -> Counter:
    return Counter(r.status for r in rows)
