"""The reporting matrix (who has reported: units down, periods across), a unit's reports for one
period, and the matrix as an Excel table. One tab for task reports and one per registered kind
with one report per subject and quarter (``supervision.registry``: project reports)."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from plan import permissions
from plan.figures_cache import DOMAINS
from plan.members import with_member_flags
from plan.mixins import CurrentPlanMixin, FiguresMixin
from plan.models import Responsibility, Unit
from plan.periods import Period, report_state
from plan.spreadsheets import file_name, table_workbook, xlsx_response
from plan.urlplans import short_url, url_for_ids

from . import registry, reminders
from .colours import blue_days, obligation_colour
from .members import collective_board, member_shares, row_label
from .models import TaskReport
from .reporting import PROJECTS, TASKS, deadline_sections, matrix_for


class ReportMatrixView(CurrentPlanMixin, TemplateView):
    """Who has reported: units down, periods across, for task reports or project reports."""

    template_name = "supervision/report_matrix.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET
        keys = [TASKS, *(k.matrix_key for k in registry.matrix_kinds())]
        kind = params.get("kind") if params.get("kind") in keys else TASKS
        tasks = list(self.plan.tasks.order_by("number"))
        task = next((t for t in tasks if str(t.number) == params.get("task")), None)
        years = sorted({p.year for p in self.plan.reporting_periods})
        year = params.get("year", str(self.period.year))
        periods = [p for p in self.plan.reporting_periods if year == "all" or str(p.year) == year]
        if not periods:
            year, periods = (
                str(self.period.year),
                [p for p in self.plan.reporting_periods if p.year == self.period.year],
            )

        def matrix():
            built = matrix_for(kind, self.plan, periods, self.today, task)
            link = CellLinks(kind)
            for row in built.rows:
                for cell in row.cells:
                    cell.url = link(row.unit, cell)
            return built

        # Built when the page renders it, which it does not while the cached matrix is fresh
        # ({% figures_cache %}); reviewers' rows carry reminder forms, so theirs is live.
        matrix = SimpleLazyObject(matrix)
        context.update(
            kind=kind, tasks=tasks, task=task, years=years, year=year, matrix=matrix,
            matrix_tabs=[(TASKS, _("Task reports"))]
            + [(k.matrix_key, k.matrix_label) for k in registry.matrix_kinds()],
            due_dates=[(p, self.plan.due_date(p)) for p in periods], today=self.today,
        )  # fmt: skip
        context.update(reminders.matrix_context(self.request.user, self.plan, matrix, self.period))
        context["figures_live"] = context["can_remind"]
        # Items with deadlines of their own (supervision items), by unit and colour, below
        # whichever tab is shown: cached with the task figures, which every write of the
        # supervision app's models stales (supervision/apps.py; an item's co-units are set in
        # the transaction that saves the item), and built only when the page renders it.
        context["deadline_sections"] = SimpleLazyObject(
            lambda: deadline_sections(self.plan, self.today)
        )
        # The figures stamps the cached matrix depends on: its kind's, or all for a kind of
        # report that has no stamp of its own.
        context["figures_domains"] = kind if kind in DOMAINS else "all"
        return context


class CellLinks:
    """Where each cell of a report matrix leads: one report opens itself; a cell of several
    opens the unit's list for the period. The URLs are reversed once and filled in per cell (a
    matrix of 200 units has thousands of cells; a ``reverse()`` each was a tenth of its time)."""

    def __init__(self, kind):
        self.kind = kind
        subject_kind = registry.matrix_kind(kind)
        if subject_kind is None:
            self.detail = url_for_ids(lambda pk: short_url("supervision:task-report-detail", pk))
        else:  # a cell of one subject opens the subject's page (a project's)
            self.detail = url_for_ids(subject_kind.subject_url)
        self.unit_period = url_for_ids(
            lambda pk: reverse("supervision:unit-period-reports", args=[pk, "PERIOD"])
        )

    def __call__(self, unit, cell) -> str:
        if len(cell.items) == 1 and cell.items[0].ref is not None:
            return self.detail(cell.items[0].ref)
        url = self.unit_period(unit.pk)
        return f"{url.replace('PERIOD', str(cell.period))}?kind={self.kind}"


class UnitPeriodReportsView(CurrentPlanMixin, TemplateView):
    """What one unit owes for one period, report by report, with links."""

    template_name = "supervision/unit_period_reports.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        unit = get_object_or_404(with_member_flags(Unit.objects.all()), pk=self.kwargs["unit_id"])
        try:
            period = Period.parse(self.kwargs["period"])
        except ValueError as error:
            raise Http404(str(error)) from error
        if period not in self.plan.reporting_periods:
            raise Http404(f"{period} is not a reporting period of this plan")
        due = self.plan.due_date(period)
        in_period = {"year": period.year, "quarter": period.quarter}
        responsibilities = (
            Responsibility.objects.filter(unit=unit, task__plan=self.plan)
            .select_related("task")
            .order_by("task__number")
        )
        reports = {
            r.task_id: r
            for r in TaskReport.objects.filter(unit=unit, task__plan=self.plan, **in_period)
        }
        # A member unit's share of its collectives' tasks; a collective's members side by side.
        responsibilities = [*responsibilities, *member_shares(self.plan, unit, period)]
        context["collective_board"] = collective_board(self.plan, unit, period, self.today)
        subject_lists = []
        for subject_kind in registry.matrix_kinds():
            subjects = list(
                subject_kind.subjects(self.plan)
                .filter(unit=unit)
                .select_related(*subject_kind.subject_related)
            )
            field = subject_kind.subject_field
            subject_reports = {
                getattr(r, f"{field}_id"): r
                for r in subject_kind.model.objects.filter(
                    **{f"{field}__in": [s.pk for s in subjects]}, **in_period
                )
            }
            subject_lists.append((subject_kind, [
                (s, subject_reports.get(s.pk), state_of(subject_reports.get(s.pk), due, self.today),
                 colour_of(subject_reports.get(s.pk), due, self.today))
                for s in subjects
            ]))  # fmt: skip
        may_report = permissions.reportable_unit_ids(self.request.user)
        context.update(
            unit=unit,
            period=period,
            due=due,
            kind=self.request.GET.get("kind", TASKS),
            tasks=[
                (
                    r,
                    reports.get(r.task_id),
                    state_of(reports.get(r.task_id), due, self.today),
                    colour_of(reports.get(r.task_id), due, self.today),
                )
                for r in responsibilities
            ],
            subject_lists=subject_lists,
            projects=next((rows for k, rows in subject_lists if k.matrix_key == PROJECTS), []),
            can_report=may_report is None or unit.pk in may_report,
        )
        if context["collective_board"]:  # a collective's tasks: what its members' add up to
            context["tasks"] = context["collective_board"].task_rows(context["tasks"])
            context["can_report"] = False  # it reports through its members
        return context


def state_of(report, due, today) -> str:
    submitted = timezone.localtime(report.submitted_at).date() if report else None
    return report_state(submitted, due, today)


def colour_of(report, due, today) -> str:
    """The three-colour mark of one expected report (supervision.colours)."""
    return obligation_colour(submitted=report is not None,
                             returned=report is not None and report.is_returned,
                             due=due, today=today, days=blue_days())  # fmt: skip


class ReportMatrixExportView(FiguresMixin, ReportMatrixView):
    """The completeness matrix shown, as an Excel table: a row per unit, a column per period,
    in the view of the figures (``?figures=``, else the reader's): with approved reports only,
    each cell counts the approved reports of those owed and its review states; the sheet, the
    file name and a column say which view it is."""

    keeps_figures_choice = False

    def get(self, request, *args, **kwargs):
        context = self.get_context_data()
        matrix, approved = context["matrix"], self.approved_only
        names = {"submitted": "按时", "late": "迟报", "overdue": "未报", "not_due": "未到期"}
        view = "仅审核通过" if approved else "全部填报"
        headers = ["单位", *[str(p) for p in matrix.periods], "已报", "迟报", "未报", "审核通过",
                   "待审核", "退回", "口径"]  # fmt: skip
        rows = []
        for row in matrix.rows:
            totals, review = row.totals, row.review_totals
            cells = []
            for cell in row.cells:
                counts, state = cell.review_counts, names.get(cell.state, "")
                if approved:  # what the approved figures count, and what they leave out
                    text = f"{state} 审核通过 {counts['approved']}/{len(cell.items)}"
                    text += f"（待审核 {counts['submitted']}）" if counts["submitted"] else ""
                else:
                    text = f"{state} {cell.received}/{len(cell.items)}"
                cells.append(text)
            received = totals["submitted"] + totals["late"]
            rows.append([
                row_label(row), *cells, received, totals["late"], totals["overdue"],
                review["approved"], review["submitted"], review["returned"], view,
            ])  # fmt: skip
        labels = dict(context["matrix_tabs"])
        kind = "任务填报" if context["kind"] == TASKS else str(labels[context["kind"]])
        content = table_workbook(f"{kind}（{view}）", headers, rows)
        return xlsx_response(content, file_name(f"{kind}情况-{view}"))
