"""The plan overview at / (the leadership cockpit replaces it later)."""

from django.db.models import Count, Prefetch
from django.views.generic import TemplateView

from indicators.models import Indicator, Target
from plan.models import Responsibility
from plan.selectors import current_plan
from projects.models import Annex


class HomeView(TemplateView):
    template_name = "dashboard/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan = current_plan(self.request)
        if plan is None:
            return context
        context["tasks"] = (
            plan.tasks.annotate(project_count=Count("columns__annexes__projects"))
            .prefetch_related(
                Prefetch(
                    "responsibilities",
                    queryset=Responsibility.objects.filter(order=1).select_related("unit"),
                    to_attr="leads",
                )
            )
            .order_by("number")
        )
        context["annexes"] = (
            Annex.objects.filter(plan=plan).with_project_counts().order_by("number")
        )
        context["safeguards"] = plan.safeguards.select_related("responsible").order_by("number")
        context["indicators"] = Indicator.objects.filter(plan=plan).prefetch_related(
            Prefetch(
                "targets", queryset=Target.objects.filter(year=plan.end_year), to_attr="end_targets"
            )
        )
        return context
