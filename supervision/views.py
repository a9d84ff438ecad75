"""Task report pages: a unit's report on a task for a period, the lead unit's summary, and a
report's own page. They use plan models only; their URLs are in ``dashboard/plan_urls.py``."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView

from plan import permissions
from plan.mixins import CurrentPlanMixin
from plan.models import Responsibility
from plan.periods import Period
from plan.templatetags.readable import period_zh

from .cycle import closing
from .evidence import (
    can_manage_evidence,
    evidence_add,
    evidence_owner,
    evidence_prefetch,
    evidence_remove,
)
from .evidence_cycle import require_evidence_open
from .forms import EvidenceForm, TaskReportForm, TaskSummaryForm
from .members import responsibility_for
from .models import Evidence, ReopenScope, TaskReport, TaskSummary
from .review import returned_context
from .services import StaleVersion, task_report_submit, task_summary_submit


class PeriodPageMixin(CurrentPlanMixin):
    """A page about one period given in the URL as ``2025Q4``; 404 for anything else."""

    @property
    def url_period(self) -> Period:
        try:
            period = Period.parse(self.kwargs["period"])
        except ValueError as error:
            raise Http404(_("There is no period called %s.") % self.kwargs["period"]) from error
        if period not in self.plan.reporting_periods:
            raise Http404(
                _("%(period)s is not a reporting period of this plan.") % {"period": period}
            )
        return period

    def closing(self, responsibility, period):
        """Whether the period is closed for the unit's reports on this task."""
        return closing(
            plan=self.plan, unit_id=responsibility.unit_id, scope=ReopenScope.TASK,
            object_id=responsibility.task_id, periods=[period], today=self.today,
        )  # fmt: skip

    def period_choices(self):
        return [p for p in self.plan.reporting_periods if p <= Period.containing(self.today)][::-1]


class TaskReportFormView(PeriodPageMixin, View):
    """A unit's report on a task for a period: new, or a revision of the one there."""

    template_name = "supervision/taskreport_form.html"

    def get_responsibility(self):
        # The unit's own responsibility, or a member's share of its collective's (issue 26).
        responsibility = responsibility_for(
            self.plan, self.kwargs["number"], self.kwargs["unit_id"]
        )
        if responsibility is None:
            raise Http404(_("This unit does not report on this task."))
        permissions.require_report_on(self.request.user, responsibility)
        return responsibility

    def existing(self, responsibility, period):
        return (
            TaskReport.objects.filter(
                task=responsibility.task,
                unit=responsibility.unit,
                year=period.year,
                quarter=period.quarter,
            )  # fmt: skip
            .select_related("submitted_by")
            .first()
        )

    def render(self, responsibility, period, form, existing, status=200, conflict=None):
        context = {
            "responsibility": responsibility,
            "task": responsibility.task,
            "unit": responsibility.unit,
            "period": period,
            "periods": self.period_choices(),
            "form": form,
            "existing": existing,
            "due": self.plan.due_date(period),
            "conflict": conflict,
            **returned_context(form, existing),
            "closing": self.closing(responsibility, period),
        }
        return TemplateResponse(self.request, self.template_name, context, status=status)

    def get(self, request, number, unit_id, period):
        responsibility, period = self.get_responsibility(), self.url_period
        existing = self.existing(responsibility, period)
        initial = {"version": existing.version if existing else 0}
        if existing:
            for name in TaskReport.REPORTED_FIELDS:
                initial[name] = getattr(existing, name)
        return self.render(responsibility, period, TaskReportForm(initial=initial), existing)

    def post(self, request, number, unit_id, period):
        responsibility, period = self.get_responsibility(), self.url_period
        form = TaskReportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                with transaction.atomic():
                    report = task_report_submit(
                        responsibility=responsibility,
                        user=request.user,
                        period=period,
                        expected_version=form.cleaned_data["version"],
                        data=form.report_input(),
                        today=self.today,
                    )
                    evidence_add(
                        report=report, user=request.user, uploads=form.cleaned_data["evidence"]
                    )
            except StaleVersion as stale:
                data = request.POST.copy()
                data["version"] = stale.current.version if stale.current else 0
                return self.render(
                    responsibility, period, TaskReportForm(data), stale.current, 409, stale
                )
            except ValidationError as error:
                form.add_error("evidence" if not hasattr(error, "error_dict") else None, error)
            else:
                messages.success(
                    request,
                    _("Report on task %(task)s for %(period)s saved.")
                    % {"task": responsibility.task.number, "period": period_zh(period)},
                )
                return redirect(report)
        return self.render(responsibility, period, form, self.existing(responsibility, period))


class TaskSummaryFormView(PeriodPageMixin, View):
    """The lead unit's summary of a task for a period."""

    template_name = "supervision/tasksummary_form.html"

    def get_lead(self):
        lead = get_object_or_404(
            Responsibility.objects.select_related("task__plan", "unit"),
            task__plan=self.plan,
            task__number=self.kwargs["number"],
            order=1,
        )
        permissions.require_report_on(self.request.user, lead)
        return lead

    def render(self, lead, period, form, existing, status=200, conflict=None):
        reports = TaskReport.objects.filter(
            task=lead.task, year=period.year, quarter=period.quarter
        ).select_related("unit")
        context = {
            "lead": lead, "task": lead.task, "period": period, "periods": self.period_choices(),
            "form": form, "existing": existing, "reports": reports, "conflict": conflict,
            "closing": self.closing(lead, period),
        }  # fmt: skip
        return TemplateResponse(self.request, self.template_name, context, status=status)

    def existing(self, lead, period):
        return TaskSummary.objects.filter(
            task=lead.task, year=period.year, quarter=period.quarter
        ).first()

    def get(self, request, number, period):
        lead, period = self.get_lead(), self.url_period
        existing = self.existing(lead, period)
        initial = {"version": existing.version if existing else 0,
                   "summary": existing.summary if existing else ""}  # fmt: skip
        return self.render(lead, period, TaskSummaryForm(initial=initial), existing)

    def post(self, request, number, period):
        lead, period = self.get_lead(), self.url_period
        form = TaskSummaryForm(request.POST)
        if form.is_valid():
            try:
                task_summary_submit(
                    lead=lead, user=request.user, period=period,
                    expected_version=form.cleaned_data["version"],
                    summary=form.cleaned_data["summary"], today=self.today,
                )  # fmt: skip
            except StaleVersion as stale:
                data = request.POST.copy()
                data["version"] = stale.current.version if stale.current else 0
                return self.render(lead, period, TaskSummaryForm(data), stale.current, 409, stale)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, _("Summary for %(period)s saved.") % {"period": period_zh(period)}
                )
                return redirect(lead.task)
        return self.render(lead, period, form, self.existing(lead, period))


class TaskReportDetailView(CurrentPlanMixin, DetailView):
    """One task report, with its revisions."""

    template_name = "supervision/taskreport_detail.html"
    context_object_name = "report"

    def get_queryset(self):
        return (
            TaskReport.objects.filter(task__plan=self.plan)
            .select_related("task", "unit", "submitted_by")
            .prefetch_related(evidence_prefetch())
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = self.object
        context["due"] = self.plan.due_date(report.period)
        context["late"] = report.submitted_at.date() > context["due"]
        context["can_revise"] = permissions.can_report_on(self.request.user, report)
        context["files"] = report.evidence.all()
        context["revisions"] = report.history.select_related("history_user").order_by(
            "-history_date"
        )
        return context


class EvidencePageView(View):
    """A report's files: the list, and for staff of its unit a form to add more and a button
    to remove each. Subclasses say which report (``get_report``)."""

    template_name = "supervision/evidence_form.html"

    def get_report(self):
        raise NotImplementedError

    def render(self, report, form, status=200):
        files = Evidence.objects.for_report(report).for_list()
        manage = can_manage_evidence(self.request.user, report)
        closed = None
        if manage:
            try:  # files follow their report: a closed period takes no file changes
                require_evidence_open(report)
            except ValidationError as error:
                closed, manage = " ".join(error.messages), False
        context = {
            "report": report,
            "files": [f for f in files if f.removed_at is None],
            "removed": [f for f in files if f.removed_at is not None],
            "manage": manage,
            "form": form if manage else None,
            "closed": closed,
        }
        return TemplateResponse(self.request, self.template_name, context, status=status)

    def get(self, request, pk):
        return self.render(self.get_report(), EvidenceForm())

    def post(self, request, pk):
        report = self.get_report()
        permissions.require_report_on(request.user, evidence_owner(report))
        form = EvidenceForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                rows = evidence_add(report=report, user=request.user,
                                    uploads=form.cleaned_data["files"])  # fmt: skip
            except ValidationError as error:
                form.add_error("files" if not hasattr(error, "error_dict") else None, error)
            else:
                messages.success(request, _("%(n)s file(s) attached.") % {"n": len(rows)})
                return redirect(report.get_evidence_url())
        return self.render(report, form)


class TaskReportEvidenceView(CurrentPlanMixin, EvidencePageView):
    """The files of a task report."""

    def get_report(self):
        return get_object_or_404(
            TaskReport.objects.select_related("task__plan", "unit"),
            pk=self.kwargs["pk"],
            task__plan=self.plan,
        )


INLINE_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp"})


class EvidenceDownloadView(View):
    """Download one file, as an attachment under the name it was uploaded with. Every logged-in
    user may read every report (anonymous users are sent to the login page by the middleware);
    a removed file is kept for the record and only administrators may still fetch it."""

    def get(self, request, pk):
        evidence = get_object_or_404(Evidence, pk=pk)
        if evidence.removed_at is not None and not permissions.is_administrator(request.user):
            raise Http404(_("This file was removed from its report."))
        try:
            handle = evidence.file.open("rb")
        except FileNotFoundError as error:
            raise Http404(_("The stored file is missing.")) from error
        # ``?view=1`` opens a PDF or a picture in the browser (its type was checked from its
        # content when it was uploaded, and nosniff holds the browser to it); anything else,
        # and every plain download, comes as an attachment.
        inline = request.GET.get("view") == "1" and evidence.media_type in INLINE_TYPES
        response = FileResponse(
            handle, as_attachment=not inline, filename=evidence.name,
            content_type=evidence.media_type,
        )  # fmt: skip
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response


class EvidenceRemoveView(View):
    """Take a file off its report (POST); the file and its history are kept."""

    def post(self, request, pk):
        evidence = get_object_or_404(Evidence, pk=pk, removed_at__isnull=True)
        permissions.require_report_on(request.user, evidence)
        report = evidence.report
        try:
            evidence_remove(evidence=evidence, user=request.user)
        except ValidationError as error:  # the report's period is closed
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("“%(name)s” removed; it stays in the history.")
                             % {"name": evidence.name})  # fmt: skip
        return redirect(report.get_evidence_url() if report is not None else "dashboard:home")
