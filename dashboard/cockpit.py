"""The cockpit's figures and chart data: a handful of fixed queries, whatever the plan's size."""

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    FilteredRelation,
    OuterRef,
    Q,
    Subquery,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.models import Indicator, Observation
from indicators.selectors import progress_of, with_progress_data
from plan.figures_cache import TASKS, cached
from plan.models import Plan
from plan.periods import Period, ReportState, reporting_period
from projects.models import COLOUR_REPORT, Project, ProjectStatus, ProjectUpdate
from projects.progress import is_lagging, rollup, rollup_from_sums
from supervision.colours import Colour, blue_days, in_blue_window
from supervision.members import task_report_counts
from supervision.models import ReviewState, TaskReport

from . import changes, chart_words


@dataclass
class Completeness:
    received: int
    expected: int
    late: int
    overdue: int
    returned: int = 0
    due_soon: int = 0  # missing, and due within the blue window of the three colours
    waiting: int = 0  # received and waiting for review: what the approved view leaves out

    @property
    def colours(self) -> dict[str, int]:
        """This period's reports by the three colours (supervision.colours): red overdue, yellow
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
        .with_colour(plan, today, approved=approved)
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


def _late_from(plan: Plan, period: Period) -> dt.datetime:
    """A report submitted from this moment on is late for ``period``."""
    due = plan.due_date(period)
    return timezone.make_aware(dt.datetime.combine(due + dt.timedelta(days=1), dt.time()))


def project_figures(
    plan: Plan, today, period: Period | None = None, approved: bool = False
) -> tuple[Counter, dict]:
    """``project_counts`` and ``{task_id: Rollup}`` together, from one grouped query (per task
    and status): the cockpit needs both, and they read the same rows. With ``period``, the
    counts also hold ``"reported"``, ``"reported_late"`` and ``"reported_returned"``: projects
    with a report for it (a project has at most one a period, so the joined report adds no
    rows). With ``approved``, status, percent and lag are the latest approved report's; the
    colours (``"colour_red"``...) judge the projects as last reported either way."""
    projects = Project.objects.filter(annex__plan=plan)
    extra = {f"colour_{c}": Count("pk", filter=Q(colour=c)) for c in Colour.MARKED}
    if period is not None:
        # The colours join the reporting period's reports already (``with_colour``): for that
        # period, count on the same join rather than join the same rows twice.
        joined = COLOUR_REPORT
        if period != reporting_period(today, plan.start_year, plan.end_year):
            joined = "period_report"
            projects = projects.annotate(
                period_report=FilteredRelation(
                    "updates",
                    condition=Q(updates__year=period.year, updates__quarter=period.quarter),
                )
            )
        late = Q(**{f"{joined}__submitted_at__gte": _late_from(plan, period)})
        returned = Q(**{f"{joined}__review_state": ReviewState.RETURNED})
        waiting = Q(**{f"{joined}__review_state": ReviewState.SUBMITTED})
        extra.update(
            reported=Count(joined),
            reported_late=Count(joined, filter=late),
            reported_returned=Count(joined, filter=returned),
            reported_waiting=Count(joined, filter=waiting),
        )
    counts, sums = Counter(), {}
    rows = projects.task_status_sums(today, approved=approved, colour_plan=plan)
    for row in rows.annotate(**extra):
        task_id, status = row.pop("task_id"), row.pop("project_status")
        for key in extra:
            counts[key] += row.pop(key)
        counts[status] += row["projects"]
        counts["lagging_rule"] += row["lagging"]
        counts["all"] += row["projects"]
        total = sums.setdefault(task_id, dict.fromkeys(row, 0))
        for key, value in row.items():
            total[key] += value or 0
    return counts, {task_id: rollup_from_sums(**total) for task_id, total in sums.items()}


# The query of ``project_figures_with_changes``, built once for what its SQL depends on and
# cloned for each use: building it (a dozen annotations, each cloning the query) took a quarter
# of the function at 1,000 projects, every time a project report made the cockpit count again.
# A stored queryset is never evaluated itself, as a view's ``queryset`` attribute.
_ROWS_WITH_CHANGES: dict = {}


def _rows_with_changes(plan: Plan, today, period: Period, approved: bool):
    late_from = _late_from(plan, period)  # the period's due date, in the current time zone
    key = (plan.pk, plan.start_year, plan.end_year, today, period, late_from, blue_days(), approved)
    rows = _ROWS_WITH_CHANGES.get(key)
    if rows is not None:
        return rows
    status, percent = ("approved_status", "approved_percent") if approved else (
        "status", "percent_complete"
    )  # fmt: skip
    rows = (
        Project.objects.filter(annex__plan=plan)
        .with_lag(today, approved)
        .with_colour(plan, today, approved=approved)
        .annotate(
            **changes.was_annotation(period, approved),
            # late or not, decided by the database: no moment converted a project in Python
            report_late=ExpressionWrapper(
                Q(**{f"{COLOUR_REPORT}__submitted_at__gte": late_from}),
                output_field=BooleanField(),
            ),
        )
        .order_by()
        .values_list(
            "annex__column__task", status, percent, "total_investment", "is_lagging", "colour",
            f"{COLOUR_REPORT}__id", "report_late",
            f"{COLOUR_REPORT}__review_state", "pk", "planned_start", "planned_end", "was",
            f"{COLOUR_REPORT}__status", f"{COLOUR_REPORT}__percent_complete",
        )
    )  # fmt: skip
    if len(_ROWS_WITH_CHANGES) >= 64:  # a day's plans and views; older days are dropped
        _ROWS_WITH_CHANGES.clear()
    _ROWS_WITH_CHANGES[key] = rows
    return rows


def project_figures_with_changes(plan: Plan, today, approved: bool = False):
    """``project_figures`` for the reporting period on ``today`` (its status counts, colours,
    reports in, late, returned and waiting, and the task roll-ups) together with the counts of
    this quarter's changes (``changes.change_counts``), from one query of a row a project
    instead of two: the cockpit's query budget holds it. The sums are added up here, the way
    ``task_status_sums`` adds them up in SQL."""
    period = reporting_period(today, plan.start_year, plan.end_year)
    rows = _rows_with_changes(plan, today, period, approved).all()
    counts, sums = Counter(), {}
    moved = {"changed": 0, "newly_lagging": 0, "newly_completed": 0}
    days = changes.last_days(period)
    for row in rows:
        task_id, state, done, investment, lagging, colour, report, late, review = row[:9]
        done = done or 0
        counts[state] += 1
        counts["all"] += 1
        counts["lagging_rule"] += bool(lagging)
        if colour in Colour.MARKED:
            counts[f"colour_{colour}"] += 1
        if report is not None:
            counts["reported"] += 1
            counts["reported_late"] += bool(late)
            counts["reported_returned"] += review == ReviewState.RETURNED
            counts["reported_waiting"] += review == ReviewState.SUBMITTED
        total = sums.setdefault(task_id, {
            "projects": 0, "percent_sum": 0, "investment_sum": 0, "weighted_percent_sum": 0,
            "without_investment": 0, "lagging": 0,
        })  # fmt: skip
        total["projects"] += 1
        total["percent_sum"] += done
        total["lagging"] += bool(lagging)
        if investment is None:
            total["without_investment"] += 1
        else:
            total["investment_sum"] += investment
            total["weighted_percent_sum"] += done * investment
        _pk, start, end, was, report_status, report_percent = row[9:]
        now = changes.now_of(was, report_status, report_percent, review, approved)
        changed, lagging_now, completed = changes.change_flags(start, end, was, now, days)
        moved["changed"] += changed
        moved["newly_lagging"] += lagging_now
        moved["newly_completed"] += completed
    for key in ("reported", "reported_late", "reported_returned", "reported_waiting",
                *(f"colour_{c}" for c in Colour.MARKED)):  # fmt: skip
        counts[key] += 0  # present even when none
    rollups = {task_id: rollup_from_sums(**total) for task_id, total in sums.items()}
    return counts, rollups, moved


def reporting_completeness(plan: Plan, period: Period, today, projects: Counter | None = None):
    """This period's reports in, late and overdue, for tasks and projects: the same figures as
    the matrix's totals for the period. Tasks take one aggregate query; projects come from
    ``project_figures(plan, today, period)``, which the cockpit runs anyway and passes in as
    ``projects`` (EXPLAIN, PG 10k: probing each project for a report was 35 ms of subplan
    loops; the joined report is one hash join inside a query already run)."""
    due = plan.due_date(period)
    late_from = _late_from(plan, period)
    # Each member of a collective unit counts as the unit it is (supervision.members).
    # Task reports only (and the plan's units): kept while the task figures stand, so that a
    # project report, the commonest write, does not count them again (plan.figures_cache).
    tasks = cached(plan, "task-report-counts", [TASKS], [period],
                   lambda: task_report_counts(plan, period, late_from))  # fmt: skip
    if projects is None:
        projects, _rollups = project_figures(plan, today, period)
    due_soon = in_blue_window(due, today, blue_days())

    def figures(expected, received, late, returned, waiting) -> Completeness:
        missing = expected - received
        return Completeness(received, expected, late, missing if today > due else 0, returned,
                            missing if due_soon else 0, waiting)  # fmt: skip

    return {
        "tasks": figures(tasks["expected"], tasks["received"], tasks["late"], tasks["returned"],
                         tasks["waiting"]),
        "projects": figures(projects["all"], projects["reported"], projects["reported_late"],
                            projects["reported_returned"], projects["reported_waiting"]),
    }  # fmt: skip


def indicator_progress(
    plan: Plan, latest_only: bool = True, approved: bool = False, every_value: bool = False
) -> list:
    """Every indicator's progress; by default only as of its latest value (the cockpit's
    needs), or year by year for the evaluation; with ``approved``, approved values only. With
    ``every_value``, judged as of the latest value but fetched with every yearly value, so
    that ``changes.indicator_changes_of`` can read the same rows (the cockpit's
    "what changed" figures)."""
    fetch_latest = latest_only and not every_value
    indicators = with_progress_data(Indicator.objects.filter(plan=plan), fetch_latest, approved)
    return [progress_of(i, latest_only) for i in indicators]


STATUS_KEYS = [s for s, _label in ProjectStatus.choices]


def project_status_chart(counts: Counter) -> dict:
    # The status each project's report gives (not the lag rule, counted apart as "lagging"):
    # the chart says so, and its slices add up to the projects.
    labels = [str(label) for _key, label in ProjectStatus.choices]
    values = [counts.get(key, 0) for key in STATUS_KEYS]
    return {
        "title": _("Projects by reported status"),
        "labels": labels,
        "keys": STATUS_KEYS,
        "values": values,
        "summary": chart_words.project_status_summary(labels, values),
    }


def task_progress_chart(tasks) -> dict:
    values = [
        round(t.rollup.percent, 1) if t.rollup and t.rollup.percent is not None else None
        for t in tasks
    ]
    return {
        "title": _("Progress by task, from its projects"),
        "label": _("Percent complete"),
        "unit": "%",
        # A task without projects is said so, not drawn as a 0% bar.
        "labels": [
            f"{t.number}. {t.short_title}"
            if t.rollup and t.rollup.projects
            else f"{t.number}. {t.short_title}（{_('no projects')}）"
            for t in tasks
        ],  # fmt: skip
        "empty_label": _("no projects"),
        "values": values,
        "legend": False,
        "summary": chart_words.task_progress_summary(tasks, values),
    }


def indicator_completion_chart(rows) -> dict:
    judged = [r for r in rows if r.completion is not None]
    labels = [r.indicator.name for r in judged]
    values = [round(float(r.completion) * 100, 1) for r in judged]
    return {
        "title": _("Indicator completion against the target in force"),
        "label": _("Completion"),
        "unit": "%",
        "labels": labels,
        "values": values,
        "summary": chart_words.indicator_completion_summary(labels, values),
        # The 100% line is drawn only where there are bars to set it against.
        **({"goal": 100, "goal_label": _("Target (100%)")} if judged else {}),
    }


def awaiting_review(plan: Plan, besides: Period | None = None) -> int:
    """Reports of the plan submitted but not yet approved (returned ones are with their units):
    what the "approved only" figures leave out. With ``besides``, not that period's task and
    project reports: the cockpit counts those beside the period's reports in (the same
    population as "54/57 task reports in", ``Completeness.waiting``) and these apart, as
    earlier periods' reports and indicator values. One query (a count over a UNION)."""
    state = ReviewState.SUBMITTED
    projects = ProjectUpdate.objects.filter(project__annex__plan=plan, review_state=state)
    tasks = TaskReport.objects.filter(task__plan=plan, review_state=state)
    values = Observation.objects.filter(indicator__plan=plan, review_state=state)
    if besides is not None:
        in_period = Q(year=besides.year, quarter=besides.quarter)
        projects, tasks = projects.exclude(in_period), tasks.exclude(in_period)
    return (
        projects.order_by()
        .values_list("pk")
        .union(tasks.order_by().values_list("pk"), values.order_by().values_list("pk"), all=True)
        .count()
    )


def indicator_counts(rows) -> Counter:
    return Counter(r.status for r in rows)


def as_at_cutoff(plan: Plan, period: Period) -> dt.datetime:
    """The moment a past period's figures are taken at: the end of the last day its reports
    could be changed (``Plan.close_date``); in a plan whose periods never close, the end of the
    quarter after it, the last day it is the period being reported (``reporting_period``), so
    that its briefing reads the same before and after it becomes a past one, late reports
    included."""
    day = plan.close_date(period) or period.next().last_day
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))


def project_states_as_at(plan: Plan, period: Period, approved: bool = False) -> list:
    """Every project of ``plan`` as at the end of ``period``: its latest report up to that
    period (the changes page's rule) that was submitted, and with ``approved`` approved, by
    ``as_at_cutoff``; ``not started, 0%`` before any. One query, a row a project:
    ``(pk, task_id, total_investment, start, end, status, percent, lagging)``, the lag rule
    applied on the period's last day. Later reports and approvals leave it as it was."""
    cutoff = as_at_cutoff(plan, period)
    reports = ProjectUpdate.objects.filter(
        Q(year__lt=period.year) | Q(year=period.year, quarter__lte=period.quarter),
        project=OuterRef("pk"),
        submitted_at__lt=cutoff,
    )
    if approved:
        reports = reports.filter(review_state=ReviewState.APPROVED, reviewed_at__lt=cutoff)
    latest = reports.order_by("-year", "-quarter")
    rows = (
        Project.objects.filter(annex__plan=plan)
        .order_by("annex__number", "order")
        .annotate(
            as_at_status=Subquery(latest.values("status")[:1]),
            as_at_percent=Subquery(latest.values("percent_complete")[:1]),
        )
        .values_list("pk", "annex__column__task", "total_investment", "planned_start",
                     "planned_end", "as_at_status", "as_at_percent")
    )  # fmt: skip
    day, states = period.last_day, []
    for pk, task_id, investment, start, end, status, percent in rows:
        status, percent = status or ProjectStatus.NOT_STARTED, percent or 0
        lagging = is_lagging(status=status, percent=percent, start=start, end=end, today=day)
        states.append((pk, task_id, investment, start, end, status, percent, lagging))
    return states


def project_figures_as_at(plan: Plan, period: Period, approved: bool = False):
    """``project_figures``' status counts, ``"lagging_rule"`` and task roll-ups, as at the end of
    a past ``period`` (``project_states_as_at``), with the states themselves."""
    states = project_states_as_at(plan, period, approved)
    counts, by_task = Counter(), {}
    for _pk, task_id, investment, _start, _end, status, percent, lagging in states:
        counts[status] += 1
        counts["all"] += 1
        counts["lagging_rule"] += lagging
        by_task.setdefault(task_id, []).append((percent, investment, lagging))
    return counts, {task: rollup(rows) for task, rows in by_task.items()}, states
