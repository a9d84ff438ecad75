"""The overview at / and the pages that join the plan with its projects: tasks and units.

They live here, not in ``plan``, because they show project progress, and ``plan`` imports
neither ``projects`` nor ``indicators`` (DESIGN.md). Their URLs keep the ``plan`` namespace.
"""

from django.db.models import Prefetch
from django.views.generic import DetailView, ListView, TemplateView

from indicators.models import Indicator, Target
from plan.mixins import CurrentPlanMixin
from plan.models import Responsibility, Task, Unit
from plan.selectors import current_plan
from projects.models import Annex, Project


class PlanPageMixin(CurrentPlanMixin):
    def rollups(self) -> dict:
        """Progress rolled up from projects, for every task of the plan, in one query."""
        return Project.objects.filter(annex__plan=self.plan).rollup_by_task(self.today)


def ordered_responsibilities(**filters):
    queryset = Responsibility.objects.filter(**filters).select_related("unit", "task")
    return Prefetch("responsibilities", queryset=queryset.order_by("task__number", "order"))


class HomeView(PlanPageMixin, TemplateView):
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
        context["period"] = self.period
        return context


class TaskListView(PlanPageMixin, ListView):
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


class TaskDetailView(PlanPageMixin, DetailView):
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


class UnitListView(PlanPageMixin, ListView):
    template_name = "plan/unit_list.html"
    context_object_name = "units"

    def get_queryset(self):
        return Unit.objects.with_plan_counts(self.plan)


class UnitDetailView(PlanPageMixin, DetailView):
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
