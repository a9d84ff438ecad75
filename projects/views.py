"""Project pages: the project table, annex tables, "my projects", a project's page, its report
form and edit form, and the conflict page when two people saved the same project."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Case, Exists, IntegerField, OuterRef, Subquery, Value, When
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject, cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from plan import permissions
from plan.mixins import CurrentPlanMixin, FiguresMixin
from plan.models import Unit
from plan.periods import Period
from plan.spreadsheets import file_name, xlsx_response
from plan.templatetags.readable import period_zh
from plan.textlimits import clip, limit
from supervision.cycle import closing
from supervision.evidence import evidence_add, evidence_prefetch
from supervision.models import ReopenScope, ReviewState
from supervision.review import returned_context
from supervision.views import EvidencePageView

from . import imports
from .exports import annex_print_workbook, annexes_workbook
from .filters import ProjectFilter
from .forms import ImportForm, ProjectEditForm, ReportForm
from .history import changes_since, project_history
from .models import Annex, Project, ProjectImport, ProjectUpdate
from .progress import is_lagging
from .services import (
    EDITABLE_FIELDS,
    ProjectConflict,
    ReportExists,
    project_edit,
    project_update_submit,
)
from .tables import ProjectTable


class ProjectListView(CurrentPlanMixin, FiguresMixin, SingleTableMixin, FilterView):
    """Every project of the plan: sortable, paginated, filtered through the URL; status,
    percent, lag and colour from approved reports only or from every report (``FiguresMixin``),
    as the pages linking here count them."""

    template_name = "projects/project_list.html"
    table_class = ProjectTable
    filterset_class = ProjectFilter
    # The table paginates; ``paginate_by`` would make ListView paginate too, a second COUNT(*).
    table_pagination = {"per_page": 25}

    def get_queryset(self):
        approved = self.approved_only
        return (
            Project.objects.filter(annex__plan=self.plan)
            .for_list()
            .with_lag(self.today, approved)
            .with_colour(self.plan, self.today, approved=approved)
        )

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["plan"] = self.plan
        kwargs["approved"] = self.approved_only
        return kwargs

    def get_table(self, **kwargs):
        table = super().get_table(**kwargs)
        table.approved = self.approved_only
        return table

    def get_context_data(self, **kwargs):
        # Past SingleTableMixin's, which builds and paginates the table at once (a COUNT and the
        # page's query): built when the page renders it, the table is not built at all while
        # the cached one for this query string is fresh ({% figures_cache %}).
        context = super(SingleTableMixin, self).get_context_data(**kwargs)
        context["table"] = SimpleLazyObject(lambda: self.get_table(**self.get_table_kwargs()))
        context["period"] = self.period
        return context


class AnnexDetailView(ProjectListView):
    """An annex table: the project table fixed to one annex, in the order the plan names them."""

    template_name = "projects/annex_detail.html"
    table_pagination = {"per_page": 50}

    @cached_property
    def annex(self):
        return get_object_or_404(
            Annex.objects.select_related("column__task"),
            plan=self.plan,
            number=self.kwargs["number"],
        )

    def get_queryset(self):
        return super().get_queryset().filter(annex=self.annex)

    def get_table_kwargs(self):
        return {"exclude": ["annex"]}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["annex"] = self.annex
        context["annexes"] = Annex.objects.filter(plan=self.plan).order_by("number")
        return context


class MyProjectsView(CurrentPlanMixin, ListView):
    """What the user's units answer for, with the ones still owing a report for the period."""

    template_name = "projects/my_projects.html"
    context_object_name = "projects"
    paginate_by = 100

    def get_queryset(self):
        this_period = ProjectUpdate.objects.filter(
            project=OuterRef("pk"), year=self.period.year, quarter=self.period.quarter
        )
        returned = ProjectUpdate.objects.filter(
            project=OuterRef("pk"), review_state=ReviewState.RETURNED
        ).order_by("-year", "-quarter")
        return (
            Project.objects.filter(
                annex__plan=self.plan, unit__in=permissions.unit_ids(self.request.user)
            )
            .for_list()
            .with_lag(self.today)
            .with_colour(self.plan, self.today)
            .annotate(
                reported=Exists(this_period),
                report_state=Subquery(this_period.values("review_state")[:1]),
                # A returned report of any period is the first thing to fix: its comment and
                # period, for the row's note and the form's ?period=.
                returned_comment=Subquery(returned.values("review_comment")[:1]),
                returned_year=Subquery(returned.values("year")[:1]),
                returned_quarter=Subquery(returned.values("quarter")[:1]),
            )
            # Returned first, then what is owed for the period, then the rest.
            .annotate(
                todo_rank=Case(
                    When(returned_year__isnull=False, then=Value(0)),
                    When(reported=False, then=Value(1)),
                    default=Value(2),
                    output_field=IntegerField(),
                )
            )
            .order_by("todo_rank", "annex__number", "order")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context["page_obj"]
        context["period"] = self.period
        context["today"] = self.today
        context["due"] = self.plan.due_date(self.period)
        context["units"] = self.request.user.units.all()
        rows = context["projects"]
        if page is None:
            context["missing"] = 0
        elif not page.has_other_pages():  # every row is here: count them, not the table again
            context["missing"] = sum(1 for project in rows if not project.reported)
        else:
            context["missing"] = self.object_list.filter(reported=False).count()
        for project in rows:
            # set on every row: a name the template looks up and an object lacks costs Django's
            # template engine a dir() of the object and an exception, per lookup and row
            project.returned_period, project.returned_first_line = None, ""
            if project.returned_year is not None:
                project.returned_period = Period(project.returned_year, project.returned_quarter)
                lines = (project.returned_comment or "").strip().splitlines()
                project.returned_first_line = lines[0] if lines else ""
        return context


class ProjectPageMixin(CurrentPlanMixin):
    """A project of the current plan, with what its page shows."""

    def get_project(self):
        return get_object_or_404(
            Project.objects.select_related(
                "annex__column__task", "annex__plan", "unit", "carried_from__annex__plan"
            ),
            pk=self.kwargs["pk"],
            annex__plan=self.plan,
        )

    def closing(self, project):
        """Which periods the report form offers are closed for this project."""
        periods = [p for p in self.plan.reporting_periods if p <= Period.containing(self.today)]
        return closing(plan=self.plan, unit_id=project.unit_id, scope=ReopenScope.PROJECT,
                       object_id=project.pk, periods=periods, today=self.today)  # fmt: skip

    def page_context(self, project, **extra):
        user = self.request.user
        can_report = permissions.can_report_on(user, project)
        lagging = is_lagging(
            status=project.status,
            percent=project.percent_complete,
            start=project.planned_start,
            end=project.planned_end,
            today=self.today,
        )
        updates = list(
            project.updates.select_related("submitted_by", "reviewed_by")
            .prefetch_related(evidence_prefetch())
            .order_by("-year", "-quarter")
        )
        return {
            "project": project,
            "lagging": lagging,
            "period": self.period,
            "can_report": can_report,
            "updates": updates,
            "returned_updates": [u for u in updates if u.review_state == ReviewState.RETURNED],
            "history": project_history(project),
            "closing": self.closing(project) if can_report else None,
            # Carry-over (结转): the projects of later plans that continue this one.
            "carried_to": list(project.carried_to.select_related("annex__plan")),
            **extra,
        }

    def report_to_revise(self, context):
        """The report the form should open on: the period asked for (``?period=2025Q3``) if it
        has one, else the latest returned report, else none (a new report)."""
        asked = self.request.GET.get("period", "")
        for update in context["updates"]:
            if str(update.period) == asked:
                return update
        return context["returned_updates"][0] if context["returned_updates"] else None


class ProjectDetailView(ProjectPageMixin, View):
    """All of a project: fields, current state, report form (for those allowed), timeline,
    change history."""

    template_name = "projects/project_detail.html"

    def get(self, request, pk):
        project = self.get_project()
        context = self.page_context(project)
        if context["can_report"]:
            filed = self.filed_report(context)
            if filed is not None:
                # A report filed and waiting (or approved): the page shows it, not an empty form
                # that reads as "not saved"; changing it is one link away.
                context["filed"] = filed
            else:
                report = self.report_to_revise(context)
                form = ReportForm(project=project, current_period=self.period, report=report)
                context.update(form=form, attached=report, **returned_context(form, report))
        return TemplateResponse(request, self.template_name, context)

    def filed_report(self, context):
        """The report to show instead of the form: the one just filed (``?filed=2026Q3``), else
        the current period's; none while a report is returned or another period is asked for."""
        if context["returned_updates"] or self.request.GET.get("period"):
            return None
        wanted = self.request.GET.get("filed") or str(self.period)
        return next((u for u in context["updates"] if str(u.period) == wanted), None)


class ProjectReportView(ProjectPageMixin, View):
    """Submit a progress report. GET shows the form on its own page; POST saves it."""

    template_name = "projects/report_form.html"

    def get(self, request, pk):
        project = self.get_project()
        permissions.require_report_on(request.user, project)
        context = self.page_context(project)
        report = self.report_to_revise(context)
        form = ReportForm(project=project, current_period=self.period, report=report)
        context.update(form=form, attached=report, **returned_context(form, report))
        return TemplateResponse(request, self.template_name, context)

    def post(self, request, pk):
        project = self.get_project()
        permissions.require_report_on(request.user, project)
        form = ReportForm(request.POST, request.FILES, project=project, current_period=self.period)
        existing = None
        if form.is_valid():
            try:
                # The report and its files are saved together or not at all.
                with transaction.atomic():
                    report = project_update_submit(
                        project_id=project.pk,
                        user=request.user,
                        expected_version=form.cleaned_data["version"],
                        data=form.report_input(),
                        replace=form.cleaned_data["replace"],
                        today=self.today,
                    )
                    evidence_add(
                        report=report, user=request.user, uploads=form.cleaned_data["evidence"]
                    )
            except ProjectConflict as conflict:
                return conflict_response(request, conflict, "report", self.period)
            except ValidationError as error:
                form.add_error("evidence" if not hasattr(error, "error_dict") else None, error)
            except ReportExists as exists:
                existing = exists.report
                form.add_error(
                    "replace",
                    _(
                        "A report for %(period)s was already submitted on %(date)s. Tick the box "
                        "to replace it; the earlier one stays in the history."
                    )
                    % {
                        "period": existing.period,
                        "date": timezone.localtime(existing.submitted_at).strftime("%Y-%m-%d"),
                    },
                )
            else:
                messages.success(
                    request,
                    _("Report for %(period)s saved.") % {"period": period_zh(report.period)},
                )
                return redirect(f"{project.get_absolute_url()}?filed={report.period}#filed")
        # A form with errors comes back with 200, as Django's own form views do; only a conflict
        # (409) or a refusal (403) is an error status.
        context = self.page_context(project, form=form, existing=existing)
        posted = request.POST.get("period", "")
        revised = next((u for u in context["updates"] if str(u.period) == posted), None)
        context.update(attached=revised, **returned_context(form, revised))
        return TemplateResponse(request, self.template_name, context)


class ProjectEditView(ProjectPageMixin, View):
    """Edit a project's descriptive fields (builder, location, content, investment, dates)."""

    template_name = "projects/project_form.html"

    def get(self, request, pk):
        project = self.get_project()
        permissions.require_report_on(request.user, project)
        form = ProjectEditForm(instance=project)
        return TemplateResponse(request, self.template_name, {"project": project, "form": form})

    def post(self, request, pk):
        project = self.get_project()
        permissions.require_report_on(request.user, project)
        # Bind to a copy: the form's validation writes into its instance.
        form = ProjectEditForm(request.POST, instance=Project.objects.get(pk=project.pk))
        if form.is_valid():
            try:
                project_edit(
                    project_id=project.pk,
                    user=request.user,
                    expected_version=form.cleaned_data["version"],
                    changes=form.changes(),
                )
            except ProjectConflict as conflict:
                return conflict_response(request, conflict, "edit", self.period)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Project saved."))
                return redirect(project)
        context = {"project": project, "form": form}
        return TemplateResponse(request, self.template_name, context)


class UpdateEvidenceView(CurrentPlanMixin, EvidencePageView):
    """The files of a project's progress report."""

    def get_report(self):
        return get_object_or_404(
            ProjectUpdate.objects.select_related("project__unit", "project__annex__plan"),
            pk=self.kwargs["pk"],
            project__annex__plan=self.plan,
        )


def conflict_response(request, conflict: ProjectConflict, kind: str, period):
    """409: show what the other person changed, and give back what this user typed, on a form
    that now carries the current version so it can be sent again after a look."""
    data = request.POST.copy()
    data["version"] = conflict.project.version
    project = conflict.project
    if kind == "report":
        retry = ReportForm(data, project=project, current_period=period)
        action = "projects:project-report"
    else:
        retry = ProjectEditForm(data, instance=project)
        action = "projects:project-edit"
    context = {
        "project": project,
        "form": retry,
        "action": action,
        "changes": changes_since(project, conflict.expected_version),
        "expected_version": conflict.expected_version,
    }
    return TemplateResponse(request, "projects/project_conflict.html", context, status=409)


class AnnexExportView(CurrentPlanMixin, View):
    """One annex as its official 附表 workbook."""

    def get(self, request, number):
        annex = get_object_or_404(Annex, plan=self.plan, number=number)
        content = annexes_workbook([annex], Project.objects.filter(annex=annex), self.period)
        return xlsx_response(content, file_name(f"附表{annex.number}-{annex.title}"))


class AnnexPrintView(CurrentPlanMixin, View):
    """One annex as the 附表 to print, stamp and file; a unit's staff get their unit's rows and
    the lines for its seal."""

    def get(self, request, number):
        annex = get_object_or_404(Annex, plan=self.plan, number=number)
        projects = Project.objects.filter(annex=annex)
        units = permissions.reportable_unit_ids(request.user)
        unit = None
        if units and len(units) == 1:  # a unit's staff: their rows, and their seal
            unit = Unit.objects.get(pk=next(iter(units)))
            projects = projects.filter(unit=unit)
        content = annex_print_workbook(
            annex, projects, as_of=self.period, unit_name=unit.name if unit else None
        )
        return xlsx_response(content, file_name(f"附表{annex.number}-{annex.title}-打印"))


class ProjectsExportView(CurrentPlanMixin, FiguresMixin, View):
    """All six annexes, a sheet each; with the project table's filters, only the rows it shows
    (status, lag and colour filtered in the table's view of the figures). The rows carry the
    latest reports with their review state either way: the workbook is edited and imported."""

    keeps_figures_choice = False

    def get(self, request):
        approved = self.approved_only
        queryset = (
            Project.objects.filter(annex__plan=self.plan)
            .with_lag(self.today, approved)
            .with_colour(self.plan, self.today, approved=approved)
        )
        filtered = ProjectFilter(
            request.GET, queryset=queryset, plan=self.plan, approved=approved
        ).qs
        annexes = Annex.objects.filter(plan=self.plan).order_by("number")
        filtered_by = set(request.GET) - {"figures"}
        stem = "重点项目附表-筛选" if filtered_by else "重点项目附表"
        return xlsx_response(annexes_workbook(annexes, filtered, self.period), file_name(stem))


class ImportView(CurrentPlanMixin, View):
    """Upload an edited export; it is checked and previewed, and nothing is written yet."""

    template_name = "projects/import_form.html"

    def dispatch(self, request, *args, **kwargs):
        if permissions.reportable_unit_ids(request.user) == frozenset():
            raise PermissionDenied(_("Only staff of a responsible unit import projects."))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return TemplateResponse(request, self.template_name, {"form": ImportForm()})

    def post(self, request):
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                workbook = imports.open_workbook(upload.read())
                try:
                    preview = imports.build_preview(
                        workbook, user=request.user, plan=self.plan, period=self.period,
                        today=self.today,
                    )  # fmt: skip
                finally:
                    workbook.close()
            except imports.BadFile as error:
                form.add_error("file", str(error))
            else:
                # The name only labels the preview (the rows are what is imported): a copy,
                # shortened to its column rather than refused.
                name = clip(upload.name, limit("projects.ProjectImport", "file_name"))
                pending = ProjectImport.objects.create(
                    user=request.user, file_name=name, year=self.period.year,
                    quarter=self.period.quarter, preview=preview.to_json(),
                )  # fmt: skip
                return redirect(pending)
        return TemplateResponse(request, self.template_name, {"form": form})


PAGERS = ("page", "epage", "wpage")  # the changes', the errors' and the warnings' page numbers
SHOW = ("all", "conflicts")


class ImportPreviewView(CurrentPlanMixin, View):
    """What an import would change, row by row, and every error; confirm to write it all.

    Paged: errors, notes and changes 100 to a page each, the rows with conflicts first among the
    changes (or only those, ``?show=conflicts``). The conflict choices are stored with the
    pending import as they are made: every way off a page (its pager buttons, confirm) submits
    the page's choices first, so a choice made on page 1 still holds when confirming on page 7."""

    template_name = "projects/import_preview.html"

    def get_import(self):
        return get_object_or_404(ProjectImport, pk=self.kwargs["pk"], user=self.request.user)

    @staticmethod
    def where(query) -> dict:
        """The pages and filter asked for, read from ``query`` and nothing else."""
        place = {}
        for name in PAGERS:
            value = query.get(name, "")
            place[name] = int(value) if value.isdigit() and 0 < int(value) < 10**6 else 1
        show = query.get("show", "all")
        place["show"] = show if show in SHOW else "all"
        return place

    def get(self, request, pk):
        pending = self.get_import()
        preview = imports.Preview.from_json(pending.preview)
        place = self.where(request.GET)
        labels = {f: str(Project._meta.get_field(f).verbose_name) for f in EDITABLE_FIELDS}
        labels.update(
            status=_("status"),
            percent_complete=_("percent complete"),
            investment_completed=_("investment completed (10k yuan)"),
            latest_progress=_("work done"),
            latest_problems=_("problems met"),
        )
        # Rows with a conflict first (they need the user), then in the file's order.
        changes = sorted(preview.changes, key=lambda c: not c.conflicts)
        if place["show"] == "conflicts":
            changes = [c for c in changes if c.conflicts]
        size = settings.IMPORT_PREVIEW_PAGE  # 100: the page stays small at 50,000 rows
        pages = {
            "page": Paginator(changes, size).get_page(place["page"]),
            "epage": Paginator(preview.errors, size).get_page(place["epage"]),
            "wpage": Paginator(preview.warnings, size).get_page(place["wpage"]),
        }
        taken = set(pending.choices)

        def goto(**changed):
            return urlencode({**place, **changed})

        shown = [f"{c.project_id}:{name}" for c in pages["page"] for name in c.conflicts]
        pagers = {
            name: [
                (number, goto(**{name: number}))
                for number in page.paginator.get_elided_page_range(page.number, on_each_side=2)
                if isinstance(number, int)
            ]
            for name, page in pages.items()
        }
        context = {
            "pending": pending, "preview": preview, "labels": labels, "place": place,
            "changes_page": pages["page"], "errors_page": pages["epage"],
            "warnings_page": pages["wpage"], "pagers": pagers, "taken": taken, "shown": shown,
            "taken_count": len(taken), "show_all": goto(show="all", page=1),
            "show_conflicts": goto(show="conflicts", page=1),
        }  # fmt: skip
        return TemplateResponse(request, self.template_name, context)

    def save_choices(self, pending, request, preview) -> list[str]:
        """The choices made on the posted page, merged into those kept with the import (only
        the preview's own conflicts: what is stored stays bounded by the file)."""
        known = {f"{c.project_id}:{name}" for c in preview.changes for name in c.conflicts}
        shown = set(request.POST.getlist("shown")) & known  # the page's conflicts, ticked or not
        ticked = set(request.POST.getlist("take")) & known
        choices = sorted((set(pending.choices) - shown) | ticked)
        if choices != pending.choices:
            pending.choices = choices
            pending.save(update_fields=["choices"])
        return choices

    def post(self, request, pk):
        pending = self.get_import()
        if pending.applied_at is not None:
            messages.info(request, _("This import was already applied."))
            return redirect(pending)
        preview = imports.Preview.from_json(pending.preview)
        choices = self.save_choices(pending, request, preview)
        if "goto" in request.POST:  # a pager button or the filter: go there, choices kept
            place = self.where(QueryDict(request.POST.get("goto", "")))
            return redirect(f"{pending.get_absolute_url()}?{urlencode(place)}")
        if preview.errors or not preview.changes:
            messages.error(request, _("Correct the errors in the file and upload it again."))
            return redirect(pending)
        # Each conflict keeps the dashboard's value unless its "take the file's" box is ticked.
        take = frozenset(choices)
        try:
            count = imports.apply_preview(preview, user=request.user, plan=self.plan,
                                          period=pending.period, today=self.today,
                                          take=take)  # fmt: skip
        except imports.ImportRefused as refused:
            messages.error(request, _("“%(name)s”: %(message)s Nothing was imported.")
                           % {"name": refused.args[0], "message": refused.args[1]})  # fmt: skip
            return redirect(pending)
        except imports.ImportConflict as conflict:
            messages.error(request, _("“%(name)s” was changed by someone after the preview, so "
                                      "nothing was imported. Export again and redo the edits.")
                           % {"name": conflict.args[0]})  # fmt: skip
            return redirect(pending)
        pending.applied_at = timezone.now()
        pending.applied_rows = count
        pending.save(update_fields=["applied_at", "applied_rows"])
        messages.success(request, _("%(n)s projects updated from the workbook.") % {"n": count})
        return redirect("projects:project-list")
