"""Pages of the plan itself: tasks and responsible units.

These pages also list projects, through the reverse relations ``columns__annexes__projects`` and
``projects``: plan code never imports the projects app (DESIGN.md's dependency direction).
"""

from django.db.models import Count, Prefetch
from django.http import Http404
from django.views.generic import DetailView, ListView

from .models import Responsibility, Task, Unit
from .selectors import current_plan


class CurrentPlanMixin:
    """Restrict a page to the plan the dashboard shows; 404 when no plan is loaded."""

    def get_plan(self):
        plan = current_plan(self.request)
        if plan is None:
            raise Http404("No plan loaded: run manage.py load_plan.")
        return plan


def _ordered_responsibilities(plan=None):
    queryset = Responsibility.objects.select_related("unit", "task").order_by(
        "task__number", "order"
    )
    if plan is not None:
        queryset = queryset.filter(task__plan=plan)
    return Prefetch("responsibilities", queryset=queryset)


class TaskListView(CurrentPlanMixin, ListView):
    template_name = "plan/task_list.html"
    context_object_name = "tasks"

    def get_queryset(self):
        return (
            Task.objects.filter(plan=self.get_plan())
            .annotate(project_count=Count("columns__annexes__projects"))
            .prefetch_related(_ordered_responsibilities())
            .order_by("number")
        )


class TaskDetailView(CurrentPlanMixin, DetailView):
    template_name = "plan/task_detail.html"
    context_object_name = "task"
    slug_field = "number"
    slug_url_kwarg = "number"

    def get_queryset(self):
        return Task.objects.filter(plan=self.get_plan()).prefetch_related(
            _ordered_responsibilities(),
            "columns__annexes__projects__unit",
        )


class UnitListView(CurrentPlanMixin, ListView):
    template_name = "plan/unit_list.html"
    context_object_name = "units"

    def get_queryset(self):
        return Unit.objects.with_plan_counts(self.get_plan())


class UnitDetailView(CurrentPlanMixin, DetailView):
    template_name = "plan/unit_detail.html"
    context_object_name = "unit"

    def get_queryset(self):
        plan = self.get_plan()
        return Unit.objects.prefetch_related(
            _ordered_responsibilities(plan),
            Prefetch(
                "projects",
                queryset=self._projects(plan),
            ),
        )

    @staticmethod
    def _projects(plan):
        # The projects app's model, reached through the relation so plan imports nothing of it.
        model = Unit._meta.get_field("projects").related_model
        return (
            model.objects.filter(annex__plan=plan)
            .select_related("annex")
            .order_by("annex__number", "order")
        )
