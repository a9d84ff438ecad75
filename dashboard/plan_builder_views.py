"""Pages for starting the next plan: the plan workbook (template, export, upload, preview,
confirm) and the carry-over (结转) of unfinished projects. Plan administrators only."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from plan import permissions
from plan.models import Plan
from plan.spreadsheets import BadFile, file_name, open_workbook, xlsx_response
from plan.textlimits import clip

from . import carry_over as carry
from . import plan_workbook
from .models import PlanWorkbookImport


class AdministratorOnly:
    def dispatch(self, request, *args, **kwargs):
        if not permissions.is_administrator(request.user):
            raise PermissionDenied(_("Only a plan administrator starts or carries over plans."))
        return super().dispatch(request, *args, **kwargs)


class PlanWorkbookForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Filled-in plan workbook (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
        error_messages={"required": gettext_lazy("Choose the workbook to upload.")},
    )


class PlanBuilderView(AdministratorOnly, View):
    """Download the template (or any plan in it), upload a filled-in copy."""

    template_name = "dashboard/plan_builder.html"

    def context(self, form):
        return {
            "form": form,
            "plans": Plan.objects.order_by("-start_year", "code"),
            "imports": PlanWorkbookImport.objects.filter(user=self.request.user)[:10],
        }

    def get(self, request):
        return TemplateResponse(request, self.template_name, self.context(PlanWorkbookForm()))

    def post(self, request):
        form = PlanWorkbookForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                workbook = open_workbook(upload.read())
                try:
                    preview = plan_workbook.read_workbook(workbook)
                finally:
                    workbook.close()
            except BadFile as error:
                form.add_error("file", str(error))
            else:
                pending = PlanWorkbookImport.objects.create(
                    user=request.user,
                    file_name=clip(upload.name, 200),
                    plan_code=preview.plan_code[:32],
                    preview=preview.to_json(),
                )
                return redirect(pending)
        return TemplateResponse(request, self.template_name, self.context(form))


class TemplateDownloadView(AdministratorOnly, View):
    def get(self, request):
        return xlsx_response(plan_workbook.export_workbook(None), file_name("计划工作簿模板"))


class PlanExportView(AdministratorOnly, View):
    def get(self, request, code):
        plan = get_object_or_404(Plan, code=code)
        return xlsx_response(plan_workbook.export_workbook(plan), file_name(f"计划工作簿-{code}"))


class PlanBuilderPreviewView(AdministratorOnly, View):
    """Every row of the workbook and every problem; confirm to write the draft plan."""

    template_name = "dashboard/plan_builder_preview.html"

    def get_import(self):
        return get_object_or_404(PlanWorkbookImport, pk=self.kwargs["pk"], user=self.request.user)

    def get(self, request, pk):
        pending = self.get_import()
        preview = plan_workbook.Preview.from_json(pending.preview)
        context = {"pending": pending, "preview": preview, "counts": preview.counts()}
        return TemplateResponse(request, self.template_name, context)

    def post(self, request, pk):
        pending = self.get_import()
        if pending.applied_at is not None:
            messages.info(request, _("This workbook was already applied."))
            return redirect(pending)
        preview = plan_workbook.Preview.from_json(pending.preview)
        try:
            plan = plan_workbook.apply_preview(preview)
        except plan_workbook.ImportRefused as refused:
            messages.error(request, str(refused))
            return redirect(pending)
        pending.applied_at, pending.plan = timezone.now(), plan
        pending.save(update_fields=["applied_at", "plan"])
        messages.success(
            request,
            _("The draft plan %(code)s is saved. Only administrators see it until it is made "
              "active.") % {"code": plan.code},
        )  # fmt: skip
        return redirect(pending)


class CarryOverView(AdministratorOnly, View):
    """Choose the plans, tick the projects (lagging ones ticked at first), map each to an annex
    of the target plan, preview, confirm."""

    template_name = "dashboard/carry_over.html"

    def plans(self):
        sources = [
            p
            for p in Plan.objects.filter(state__in=carry.SOURCE_STATES).order_by("-start_year")
            if carry.is_ending(p)
        ]
        targets = Plan.objects.filter(state__in=carry.TARGET_STATES).order_by("-start_year")
        params = self.request.POST if self.request.method == "POST" else self.request.GET
        source = next((p for p in sources if p.code == params.get("source")), None)
        source = source or next((p for p in sources if p.is_current), None)
        source = source or next(iter(sources), None)
        choices = [p for p in targets if source is None or p.pk != source.pk]
        target = next((p for p in choices if p.code == params.get("target")), None)
        target = target or next(iter(choices), None)
        return sources, targets, source, target

    def default_annex(self, project, annexes):
        """The target annex of the same number, else the first one."""
        same = next((a for a in annexes if a.number == project.annex.number), None)
        return same or (annexes[0] if annexes else None)

    def context(self, **extra):
        sources, targets, source, target = self.plans()
        context = {"sources": sources, "targets": targets, "source": source, "target": target}
        if source is None or target is None:
            return {**context, **extra}
        try:
            carry.check_plans(source, target)
        except carry.CarryRefused as refused:
            return {**context, "refused": str(refused), **extra}
        annexes = list(target.annexes.order_by("number"))
        projects = list(carry.unfinished_projects(source, timezone.localdate()))
        posted = self.request.method == "POST"
        ticked = set(self.request.POST.getlist("project")) if posted else None
        rows = []
        for project in projects:
            carried = [p for p in project.carried_to.all() if p.annex.plan_id == target.pk]
            chosen = self.request.POST.get(f"annex-{project.pk}") if posted else None
            default = self.default_annex(project, annexes)
            rows.append({
                "project": project,
                "carried": carried,
                "checked": (str(project.pk) in ticked) if posted else (
                    project.is_lagging and not carried),
                "annex_id": int(chosen) if chosen and chosen.isdigit() else (
                    default.pk if default else None),
            })  # fmt: skip
        return {**context, "annexes": annexes, "rows": rows,
                "lagging": sum(1 for p in projects if p.is_lagging), **extra}  # fmt: skip

    def choices(self) -> dict[int, int]:
        out = {}
        for pk in self.request.POST.getlist("project"):
            annex = self.request.POST.get(f"annex-{pk}", "")
            if pk.isdigit():
                out[int(pk)] = int(annex) if annex.isdigit() else 0
        return out

    def get(self, request):
        return TemplateResponse(request, self.template_name, self.context())

    def post(self, request):
        _sources, _targets, source, target = self.plans()
        if source is None or target is None:
            return redirect("dashboard:carry-over")
        choices = self.choices()
        if request.POST.get("action") == "confirm":
            try:
                carried = carry.carry_over(
                    source=source, target=target, choices=choices, user=request.user
                )
            except carry.CarryRefused as refused:
                messages.error(request, _("Nothing was carried over: %(reason)s") % {
                    "reason": refused})  # fmt: skip
            else:
                messages.success(
                    request,
                    _("%(n)s projects carried from %(source)s into %(target)s.")
                    % {"n": len(carried), "source": source.code, "target": target.code},
                )
                return redirect(f"{request.path}?source={source.code}&target={target.code}")
            return TemplateResponse(request, self.template_name, self.context())
        try:
            carry.check_plans(source, target)
            rows = carry.plan_rows(source, target, choices)
            if not rows:
                raise carry.CarryRefused(_("Choose at least one project to carry over."))
        except carry.CarryRefused as refused:
            return TemplateResponse(
                request, self.template_name, self.context(preview_error=str(refused))
            )
        return TemplateResponse(
            request,
            self.template_name,
            self.context(preview=rows, preview_ok=not any(r.problem for r in rows)),
        )
