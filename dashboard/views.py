"""The overview at / and the pages that join the plan with its projects: tasks and units.

They live here, not in ``plan``, because they show project progress, and ``plan`` imports
neither ``projects`` nor ``indicators`` (DESIGN.md). Their URLs keep the ``plan`` namespace.
"""

import datetime as dt
from functools import partial

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch, Subquery
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.functional import SimpleLazyObject, cached_property
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView, TemplateView

from indicators.charts import SafeJSONView
from indicators.models import Indicator, Target
from indicators.progress import STATUS_LABELS, Status
from plan import permissions
from plan.deadlines import deadline_text, is_overdue
from plan.figures_cache import INDICATORS, cached
from plan.figures_cache import PROJECTS as PROJECT_FIGURES
from plan.members import with_member_flags
from plan.mixins import ALL, APPROVED, FIGURES, CurrentPlanMixin, FiguresMixin
from plan.models import PlanState, Responsibility, Task, Unit
from plan.periods import Period, reporting_period
from plan.selectors import current_plan
from plan.spreadsheets import file_name, table_workbook, xlsx_response
from projects.models import Annex, Project, ProjectStatus, ProjectUpdate
from projects.progress import project_colour, rollup
from supervision import reminders
from supervision.colours import blue_days, obligation_colour
from supervision.matrix_views import CellLinks
from supervision.members import collective_board, member_report_buttons, member_shares
from supervision.models import ReviewState, TaskReport, TaskSummary
from supervision.reporting import TASKS, task_matrix, todo_for

from . import audit, changes, cockpit
from .audit import AuditFilter
from .models import FrozenEvaluation


class PlanPageMixin(CurrentPlanMixin):
    def rollups(self, approved: bool = False) -> dict:
        """Progress rolled up from projects, for every task of the plan, in one query."""
        return Project.objects.filter(annex__plan=self.plan).rollup_by_task(self.today, approved)

    def tasks_with_rollups(self, *prefetch, rollups=None, approved: bool | None = None) -> list:
        """The plan's tasks in order, each with ``rollup`` from its projects (two queries; one
        when the caller has the ``rollups`` already), in the page's view of the figures unless
        ``approved`` says which."""
        if approved is None:
            approved = getattr(self, "approved_only", False)
        if rollups is None:
            rollups = self.rollups(approved)
        tasks = list(self.plan.tasks.prefetch_related(*prefetch).order_by("number"))
        for task in tasks:
            task.rollup = rollups.get(task.pk)
        return tasks


def shown_as(projects, approved: bool) -> list:
    """``projects`` as a list, each showing its status and percent in the view of the figures:
    as last approved with ``approved``, else as last reported."""
    projects = list(projects)
    if approved:
        for project in projects:
            project.status, project.percent_complete = (
                project.approved_status, project.approved_percent
            )  # fmt: skip
    return projects


def ordered_responsibilities(**filters):
    queryset = Responsibility.objects.filter(**filters).select_related("unit", "task")
    return Prefetch("responsibilities", queryset=queryset.order_by("task__number", "order"))


class OverviewView(PlanPageMixin, FiguresMixin, TemplateView):
    """The plan as published: goals, tasks, annexes, indicators named, safeguards."""

    template_name = "dashboard/overview.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan = current_plan(self.request)
        if plan is None:
            return context
        context["tasks"] = self.tasks_with_rollups(ordered_responsibilities(order=1))
        context["annexes"] = (
            Annex.objects.filter(plan=plan).with_project_counts().order_by("number")
        )
        context["safeguards"] = plan.safeguards.select_related("responsible").order_by("number")
        context["indicators"] = Indicator.objects.filter(plan=plan).prefetch_related(
            Prefetch(
                "targets", queryset=Target.objects.filter(year=plan.end_year), to_attr="end_targets"
            )
        )
        context["period"] = self.period
        return context


class TaskListView(PlanPageMixin, FiguresMixin, TemplateView):
    template_name = "plan/task_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["tasks"] = self.tasks_with_rollups(ordered_responsibilities())
        return context


class TaskDetailView(PlanPageMixin, FiguresMixin, DetailView):
    template_name = "plan/task_detail.html"
    context_object_name = "task"
    slug_field = "number"
    slug_url_kwarg = "number"

    def get_queryset(self):
        return Task.objects.filter(plan=self.plan).prefetch_related(
            ordered_responsibilities(), "columns__annexes"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        task = self.object
        projects = Project.objects.filter(annex__column__task=task)
        approved = self.approved_only
        context["projects"] = shown_as(projects.for_list().with_lag(self.today, approved), approved)
        context["rollup"] = projects.rollup_by_task(self.today, approved).get(task.pk)
        periods = [p for p in self.plan.reporting_periods if p.year == self.period.year]
        matrix, link = task_matrix(self.plan, periods, self.today, task), CellLinks(TASKS)
        for row in matrix.rows:
            for cell in row.cells:
                cell.url = link(row.unit, cell)
        context["matrix"] = matrix
        context["summary"] = task.summaries.select_related("written_by").first()
        context["lead"] = next((r for r in task.responsibilities.all() if r.is_lead), None)
        context["may_report"] = [
            r for r in task.responsibilities.all()
            if permissions.can_report_on(self.request.user, r)
        ]  # fmt: skip
        context["may_report"] += member_report_buttons(
            self.request.user, self.plan, task, self.period
        )
        context["period"] = self.period
        return context


class UnitListView(PlanPageMixin, ListView):
    template_name = "plan/unit_list.html"
    context_object_name = "units"

    def get_queryset(self):
        return Unit.objects.with_plan_counts(self.plan)


class UnitDetailView(PlanPageMixin, FiguresMixin, DetailView):
    template_name = "plan/unit_detail.html"
    context_object_name = "unit"
    queryset = with_member_flags(Unit.objects.all())  # collectives and members (issue 26)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        unit = self.object
        reports = TaskReport.objects.filter(
            task=OuterRef("task"), unit=OuterRef("unit"),
            year=self.period.year, quarter=self.period.quarter,
        )  # fmt: skip
        responsibilities = list(
            Responsibility.objects.filter(unit=unit, task__plan=self.plan)
            .select_related("task")
            .order_by("task__number")
            .annotate(
                reported=Exists(reports),
                returned=Exists(reports.filter(review_state=ReviewState.RETURNED)),
            )
        )
        due, days = self.plan.due_date(self.period), blue_days()
        for r in responsibilities:
            r.colour = obligation_colour(submitted=r.reported, returned=r.returned, due=due,
                                         today=self.today, days=days)  # fmt: skip
        context["responsibilities"] = responsibilities
        approved = self.approved_only
        context["projects"] = shown_as(
            Project.objects.filter(unit=unit, annex__plan=self.plan)
            .for_list()
            .with_lag(self.today, approved)
            .with_colour(self.plan, self.today, approved=approved),
            approved,
        )
        context["period"] = self.period
        context["members"] = unit.members.filter(is_active=True).order_by("username")
        board = context["collective_board"] = collective_board(
            self.plan, unit, self.period, self.today
        )
        if board:  # a collective's tasks take their colour from its members' reports
            board.colour_tasks(responsibilities)
        context["member_shares"] = member_shares(self.plan, unit, self.period)
        return context


class CockpitFigures:
    """The cockpit's plan-wide figures, each computed once, on first use."""

    def __init__(self, view, plan):
        self.view, self.plan, self.today, self.period = view, plan, view.today, view.period
        self.approved = view.approved_only

    @cached_property
    def _project_figures(self):
        """Counts, roll-ups and this quarter's change counts of the projects, from one query
        for the reporting period; for another (the briefing of a past quarter) counts and
        roll-ups only, the changes then counted on demand (``changes``)."""
        if self.period == reporting_period(self.today, self.plan.start_year, self.plan.end_year):
            return cockpit.project_figures_with_changes(self.plan, self.today, self.approved)
        counts, rollups = cockpit.project_figures(self.plan, self.today, self.period, self.approved)
        return counts, rollups, None

    @cached_property
    def projects(self):
        return self._project_figures[0]

    @cached_property
    def tasks(self):
        return self.view.tasks_with_rollups(rollups=self._project_figures[1])

    @cached_property
    def indicator_parts(self):
        """``(total, [(status filter, label, count)...])`` for the headline's indicator card:
        met, on track, behind or warned, the rest (not quantified, not judged, no value)."""
        counts = self.indicator_counts
        trouble = counts.get(Status.BEHIND, 0) + counts.get(Status.WARNING, 0)
        parts = [
            (Status.MET, STATUS_LABELS[Status.MET], counts.get(Status.MET, 0)),
            (Status.ON_TRACK, STATUS_LABELS[Status.ON_TRACK], counts.get(Status.ON_TRACK, 0)),
            ("trouble", _("behind or warned"), trouble),
        ]
        if counts.get(Status.NOT_QUANTIFIED):
            label = _("ranked indicators whose target is not yet quantified")
            parts.append((Status.NOT_QUANTIFIED, label, counts[Status.NOT_QUANTIFIED]))
        for status in (Status.UNKNOWN, Status.NO_DATA):
            if counts.get(status):
                parts.append((status, STATUS_LABELS[status], counts[status]))
        return sum(counts.values()), parts

    @cached_property
    def project_statuses(self):
        """``(status, label, count)`` for every status: they add up to the projects."""
        return [(key, label, self.projects.get(key, 0)) for key, label in ProjectStatus.choices]

    @cached_property
    def indicators(self):
        # Fetched with every yearly value: this quarter's indicator changes read the same rows.
        rows = cockpit.indicator_progress(self.plan, approved=self.approved, every_value=True)
        for row in rows:
            row.status_label = STATUS_LABELS[row.status]
        return rows

    @cached_property
    def indicator_counts(self):
        # Cached on their own: the headline holding them is rendered again after every project
        # or task report, which leaves the indicators (and their fragment) as they were.
        return cached(self.plan, "cockpit-indicator-counts", [INDICATORS], [self.approved],
                      lambda: cockpit.indicator_counts(self.indicators))  # fmt: skip

    @cached_property
    def in_trouble(self):
        return [r for r in self.indicators if r.status in (Status.BEHIND, Status.WARNING)]

    @cached_property
    def lagging_projects(self):
        """The eight projects furthest behind, with their colours."""
        return self.lagging(8)

    def lagging(self, limit: int, with_problems: bool = False) -> list:
        """The ``limit`` projects furthest behind, with their colours (and, for the quarterly
        briefing, the latest report's problems). The colour is judged in Python from the
        period's report, fetched by a subquery that PostgreSQL evaluates for the rows shown
        only: ``with_colour`` joins the period's reports of every project before the sort
        (16 -> 5 ms at 10,000 projects)."""
        approved, plan, today = self.approved, self.plan, self.today
        period_report = ProjectUpdate.objects.filter(
            project=OuterRef("pk"), year=self.period.year, quarter=self.period.quarter
        )
        queryset = (
            Project.objects.filter(annex__plan=plan)
            .for_list()
            .with_lag(today, approved)
            .filter(is_lagging=True)
            .annotate(period_review=Subquery(period_report.values("review_state")[:1]))
        )
        if with_problems:
            latest = ProjectUpdate.objects.filter(project=OuterRef("pk")).order_by(
                "-year", "-quarter"
            )
            queryset = queryset.annotate(latest_problems=Subquery(latest.values("problems")[:1]))
        lagging = list(
            queryset.order_by("approved_percent" if approved else "percent_complete",
                              "annex__number", "order")[:limit]
        )  # fmt: skip
        due, days = plan.due_date(self.period), blue_days()
        for project in lagging:
            if approved:  # shown, and coloured, as last approved
                project.status, project.percent_complete = (
                    project.approved_status, project.approved_percent
                )  # fmt: skip
            project.colour = project_colour(
                status=project.status, percent=project.percent_complete,
                start=project.planned_start, end=project.planned_end, today=today,
                reported=project.period_review is not None,
                returned=project.period_review == ReviewState.RETURNED, due=due, days=days,
            )  # fmt: skip
        return lagging

    @cached_property
    def changes(self) -> dict:
        """This quarter's changes as figures, each the length of its list on the changes page:
        projects changed, newly lagging and newly completed (from the projects' figures),
        indicators whose status changed (from the indicators the cockpit fetched, or the
        changes page's cached list) and reports returned (the completeness figures')."""
        moved = self._project_figures[2]
        if moved is None:
            moved = changes.change_counts(
                changes.project_changes(self.plan, self.period, self.approved)
            )
        counts = dict(moved)
        indicators = changes.indicators_cached(
            self.plan, self.period, self.approved,
            lambda: changes.indicator_changes_of([r.indicator for r in self.indicators],
                                                 self.period),
        )  # fmt: skip
        returned = self.completeness
        counts.update(
            indicators=indicators.total,
            returned=returned["projects"].returned + returned["tasks"].returned,
        )
        return counts

    @cached_property
    def completeness(self):
        return cockpit.reporting_completeness(self.plan, self.period, self.today, self.projects)

    @cached_property
    def status_chart(self):
        return cockpit.project_status_chart(self.projects)

    @cached_property
    def task_chart(self):
        return cockpit.task_progress_chart(self.tasks)

    @cached_property
    def indicator_chart(self):
        return cockpit.indicator_completion_chart(self.indicators)


class CockpitView(PlanPageMixin, FiguresMixin, TemplateView):
    """The leadership cockpit: headline figures, tasks, what lags, indicators, charts; from
    approved reports only or from every report (``FiguresMixin``)."""

    template_name = "dashboard/cockpit.html"

    @property
    def figures_choice_shown(self) -> str:
        return APPROVED if self.approved_only else ALL

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan = current_plan(self.request)
        if plan is None:
            return context
        # Each figure is computed when the page renders it, which it does not while the cached
        # fragment holding them is fresh ({% figures_cache %}, plan.figures_cache).
        figures = CockpitFigures(self, plan)
        lazy = {name: SimpleLazyObject(partial(getattr, figures, name)) for name in (
            "tasks", "projects", "project_statuses", "indicator_parts", "indicators",
            "indicator_counts", "in_trouble", "lagging_projects", "completeness", "status_chart",
            "task_chart", "indicator_chart", "changes",
        )}  # fmt: skip
        # The period's task and project reports waiting for review are counted beside the
        # reports in (``Completeness.waiting``); the note counts the rest apart.
        # Asked for when the cached fragment holding it renders, like the figures.
        waiting = SimpleLazyObject(lambda: {
            "elsewhere": cockpit.awaiting_review(plan, besides=self.period)
            if self.approved_only else 0
        })  # fmt: skip
        changes_query = f"period={self.period}&{FIGURES}={self.figures_choice_shown}"
        context.update(lazy, period=self.period, waiting=waiting, changes_query=changes_query)
        unit_ids = permissions.reportable_unit_ids(self.request.user)
        if unit_ids:
            context["todo"] = todo = todo_for(self.request.user, unit_ids, plan, self.period)
            todo.notices = reminders.todo_notices(unit_ids, plan, self.today)
            todo.deadline = deadline_text(todo.due, self.today)
            todo.overdue = is_overdue(todo.due, self.today)
            if plan.is_closed(self.period, self.today):
                todo.closed_on = plan.close_date(self.period)
        return context


class ChangesView(PlanPageMixin, FiguresMixin, TemplateView):
    """What changed this quarter, for leadership: a reporting period (``?period=2025Q3``,
    by default the current one) against the one before it."""

    template_name = "dashboard/changes.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        choices = [p for p in self.plan.reporting_periods if p <= self.period]
        try:
            period = Period.parse(self.request.GET.get("period", ""))
        except ValueError:
            period = self.period
        if period not in choices:
            period = self.period
        # Worked out when the page renders it, which it does not while the cached page body for
        # the period is fresh ({% figures_cache %}, plan.figures_cache).
        found = SimpleLazyObject(partial(changes.changes, self.plan, period, self.approved_only))
        context.update(changes=found, period=period,
                       periods=list(reversed(choices)), limit=changes.LIMIT)  # fmt: skip
        return context


class CockpitChartView(PlanPageMixin, FiguresMixin, SafeJSONView):
    """JSON for one of the cockpit's charts (the page passes its ``figures`` choice on)."""

    keeps_figures_choice = False

    # What each chart reads (plan.figures_cache): each cockpit view asks for all three.
    CHARTS = {"project-status": [PROJECT_FIGURES], "task-progress": [PROJECT_FIGURES],
              "indicator-completion": [INDICATORS]}  # fmt: skip

    def get_context_data(self, **kwargs):
        chart = self.kwargs["chart"]
        if chart not in self.CHARTS:
            raise Http404("no such chart")
        approved = self.approved_only
        return cached(self.plan, f"chart-{chart}", self.CHARTS[chart], [approved],
                      partial(self.chart, chart, approved))  # fmt: skip

    def chart(self, chart, approved) -> dict:
        if chart == "project-status":
            counts = cockpit.project_counts(self.plan, self.today, approved)
            return cockpit.project_status_chart(counts)
        if chart == "task-progress":
            return cockpit.task_progress_chart(self.tasks_with_rollups(approved=approved))
        rows = cockpit.indicator_progress(self.plan, approved=approved)
        return cockpit.indicator_completion_chart(rows)


class EvaluationView(PlanPageMixin, FiguresMixin, TemplateView):
    """The final evaluation (终期评估): every indicator's last value against its original and
    current target, and every task's projects and reports over the whole plan."""

    template_name = "dashboard/evaluation.html"

    def get(self, request, *args, **kwargs):
        # An ended plan's evaluation is the record of the day it ended (issue 18), unless the
        # live figures are asked for (?live=1); ?download=1 gives the record as a file.
        frozen = None
        if self.plan.state in (PlanState.ENDED, PlanState.ARCHIVED) and not request.GET.get("live"):
            frozen = FrozenEvaluation.objects.filter(
                plan=self.plan, approved_only=self.approved_only
            ).first()
        if frozen is None:
            return super().get(request, *args, **kwargs)
        context = self.get_context_data(frozen=frozen, **kwargs)
        if request.GET.get("download"):
            response = TemplateResponse(request, "dashboard/evaluation_file.html", context)
            view = "approved" if frozen.approved_only else "all"
            name = f"{self.plan.code}-final-evaluation-{view}.html"
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
        return TemplateResponse(request, "dashboard/evaluation_frozen.html", context)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if "frozen" in kwargs:
            return context
        plan = self.plan
        indicators = cockpit.indicator_progress(
            plan, latest_only=False, approved=self.approved_only
        )
        for row in indicators:
            # The evaluation judges the target year itself: without a value for it, the status
            # is "no value for <year>", never an older year's.
            row.final = row.years[-1] if row.years else None
            if row.final is not None and row.final.has_data:
                row.final_status = row.final.status
                row.status_label = STATUS_LABELS[row.final.status]
            else:
                row.final_status = Status.NO_DATA
                row.status_label = _("no value for %(year)s") % {"year": plan.end_year}
        matrix = task_matrix(plan, plan.reporting_periods, self.today)
        by_task = {}
        for row in matrix.unit_rows:  # not the collectives' roll-ups (supervision.members)
            for cell in row.cells:
                for item in cell.items:
                    by_task.setdefault(item.key, []).append(item.state)
        approved = self.approved_only
        projects = (
            Project.objects.filter(annex__plan=plan).for_list().with_lag(self.today, approved)
        )
        projects_by_task = {}
        for project in projects.select_related("annex__column"):
            if approved:  # shown as last approved, not as last reported
                project.status, project.percent_complete = (
                    project.approved_status, project.approved_percent
                )  # fmt: skip
            projects_by_task.setdefault(project.annex.column.task_id, []).append(project)
        summaries = {}
        for summary in TaskSummary.objects.filter(task__plan=plan).order_by("year", "quarter"):
            summaries[summary.task_id] = summary  # the latest wins
        # The page lists every project anyway: roll them up here rather than in another query.
        rollups = {
            task_id: rollup((p.percent_complete, p.total_investment, p.is_lagging) for p in rows)
            for task_id, rows in projects_by_task.items()
        }
        tasks = self.tasks_with_rollups(ordered_responsibilities(order=1), rollups=rollups)
        for task in tasks:
            task.project_list = projects_by_task.get(task.pk, [])
            states = by_task.get(task.pk, [])
            task.reports_received = sum(s in ("submitted", "late") for s in states)
            task.reports_expected = len(states)
            task.latest_summary = summaries.get(task.pk)
        context.update(indicators=indicators, tasks=tasks, periods=plan.reporting_periods)
        return context


class AuditView(TemplateView):
    """Every recorded change, for the audit administrator (审计管理员) only: filter by user,
    unit, kind and dates. Read-only: no page deletes or edits history (plan.history_admin)."""

    template_name = "dashboard/audit.html"
    per_page = 50

    def dispatch(self, request, *args, **kwargs):
        if not permissions.can_read_audit(request.user):
            raise PermissionDenied(_("Only the audit administrator reads the audit trail."))
        return super().dispatch(request, *args, **kwargs)

    def audit_filter(self) -> AuditFilter:
        params = self.request.GET

        def number(name):
            return int(params[name]) if params.get(name, "").isdigit() else None

        def day(name):
            try:
                return dt.date.fromisoformat(params.get(name, ""))
            except ValueError:
                return None

        kinds = {s.key for s in audit.sources()}
        return AuditFilter(user_id=number("user"), unit_id=number("unit"),
                           kind=params.get("kind") if params.get("kind") in kinds else None,
                           since=day("since"), until=day("until"))  # fmt: skip

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        f = self.audit_filter()
        total = audit.count(f)
        page = Paginator(range(total), self.per_page).get_page(self.request.GET.get("page"))
        offset = (page.number - 1) * self.per_page
        context.update(
            entries=audit.entries(f, offset, self.per_page), page_obj=page, total=total,
            filter=f, kinds=[(s.key, s.label) for s in audit.sources()],
            users=get_user_model().objects.order_by("username").only("username"),
            units=Unit.objects.order_by("sort_order", "name").only("name"),
            query=self.request.GET.urlencode(),
        )  # fmt: skip
        return context


class AuditExportView(AuditView):
    """The filtered audit trail as an Excel file (at most 50,000 rows)."""

    limit = 50_000

    def get(self, request, *args, **kwargs):
        rows = audit.entries(self.audit_filter(), 0, self.limit)
        headers = [_("When"), _("Who"), _("Kind"), _("Action"), _("Plan"), _("Object"), _("Note")]
        content = table_workbook(
            str(_("Audit trail")),
            [str(h) for h in headers],
            ([e.when, e.who.username if e.who else "", e.kind, e.action, e.plan, e.name, e.reason]
             for e in rows),
        )  # fmt: skip
        return xlsx_response(content, file_name("审计记录"))
