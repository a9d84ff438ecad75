"""Project pages: the annex tables and a project's own page."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView
from django_tables2 import SingleTableMixin

from plan.selectors import current_plan

from .models import Annex, Project
from .tables import AnnexProjectTable


class AnnexDetailView(SingleTableMixin, DetailView):
    """An annex table's projects, read-only, in the order the plan names them."""

    template_name = "projects/annex_detail.html"
    context_object_name = "annex"
    table_class = AnnexProjectTable
    table_pagination = {"per_page": 50}

    def get_object(self, queryset=None):
        plan = current_plan(self.request)
        if plan is None:
            raise Http404("No plan loaded.")
        return get_object_or_404(
            Annex.objects.select_related("column__task"), plan=plan, number=self.kwargs["number"]
        )

    def get_table_data(self):
        return Project.objects.filter(annex=self.object).for_list()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["annexes"] = Annex.objects.filter(plan_id=self.object.plan_id).order_by("number")
        return context


class ProjectDetailView(DetailView):
    """A project's fields, current state and its reports, newest first."""

    template_name = "projects/project_detail.html"
    context_object_name = "project"

    def get_queryset(self):
        return Project.objects.select_related("annex__column__task", "unit").prefetch_related(
            "updates__submitted_by"
        )
