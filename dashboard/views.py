"""The overview at / and the pages that join the plan with its projects: tasks and units.

They live here, not in ``plan``, because they show project progress, and ``plan`` imports
neither ``projects`` nor ``indicators`` (DESIGN.md). Their URLs keep the ``plan`` namespace.
"""

from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import DetailView, ListView, TemplateView

from indicators.models import Indicator, Target
from plan.models import Responsibility, Task, Unit
from plan.selectors import current_plan
from projects.models import Annex, Project
from projects.progress import reporting_period


class CurrentPlanMixin:
    """Pages of the plan the dashboard shows; 404 while no plan is loaded."""

    @cached_property
    def plan(self):
        plan = current_plan(self.request)
        if plan is None:
            raise Http404("No plan loaded: run manage.py load_plan.")
        return plan

    @cached_property
    def today(self):
        return timezone.localdate()

    def rollups(self) -> dict:
        return Project.objects.filter(annex__plan=self.plan).rollup_by_task(self.today)


def ordered_responsibilities(**filters):
    queryset = Responsibility.objects.filter(**filters).select_related("unit", "task")
    return Prefetch("responsibilities", queryset=queryset.order_by("task__number", "order"))


class HomeView(CurrentPlanMixin, TemplateView):
    template_name = "dashboard/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan = current_plan(self.request)
        if plan is None:
            return context
        rollups = self.rollups()
        tasks = list(
            plan.tasks.prefetch_related(ordered_responsibilities(order=1)).order_by("number")
        )
        for task in tasks:
            task.rollup = rollups.get(task.pk)
        context["tasks"] = tasks
        context["annexes"] = (
            Annex.objects.filter(plan=plan).with_project_counts().order_by("number")
        )
        context["safeguards"] = plan.safeguards.select_related("responsible").order_by("number")
        context["indicators"] = Indicator.objects.filter(plan=plan).prefetch_related(
            Prefetch(
                "targets", queryset=Target.objects.filter(year=plan.end_year), to_attr="end_targets"
            )
        )
        context["period"] = reporting_period(self.today, plan.start_year, plan.end_year)
        return context


class TaskListView(CurrentPlanMixin, ListView):
    template_name = "plan/task_list.html"
    context_object_name = "tasks"

    def get_queryset(self):
        return (
            Task.objects.filter(plan=self.plan)
            .prefetch_related(ordered_responsibilities())
            .order_by("number")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rollups = self.rollups()
        for task in context["tasks"]:
            task.rollup = rollups.get(task.pk)
        return context


class TaskDetailView(CurrentPlanMixin, DetailView):
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
        context["projects"] = projects.for_list().with_lag(self.today)
        context["rollup"] = projects.rollup_by_task(self.today).get(task.pk)
        return context


class UnitListView(CurrentPlanMixin, ListView):
    template_name = "plan/unit_list.html"
    context_object_name = "units"

    def get_queryset(self):
        return Unit.objects.with_plan_counts(self.plan)


class UnitDetailView(CurrentPlanMixin, DetailView):
    template_name = "plan/unit_detail.html"
    context_object_name = "unit"
    queryset = Unit.objects.all()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        unit = self.object
        context["responsibilities"] = (
            Responsibility.objects.filter(unit=unit, task__plan=self.plan)
            .select_related("task")
            .order_by("task__number")
        )
        context["projects"] = (
            Project.objects.filter(unit=unit, annex__plan=self.plan).for_list().with_lag(self.today)
        )
        context["members"] = unit.members.filter(is_active=True).order_by("username")
        return context
