"""View mixins shared by the apps' pages."""

from django.http import Http404, QueryDict
from django.utils import timezone
from django.utils.functional import cached_property

from . import permissions
from .periods import reporting_period
from .selectors import current_plan


class CurrentPlanMixin:
    """Pages of the plan the dashboard shows (404 while none is loaded), with today's date in
    Asia/Shanghai and the period staff report for now."""

    @cached_property
    def plan(self):
        plan = current_plan(self.request)
        if plan is None:
            raise Http404("No plan loaded: run manage.py load_plan.")
        return plan

    @cached_property
    def today(self):
        return timezone.localdate()

    @cached_property
    def period(self):
        return reporting_period(self.today, self.plan.start_year, self.plan.end_year)


FIGURES = "figures"
APPROVED, ALL = "approved", "all"


class FiguresMixin:
    """Pages whose figures come from reports: from approved reports only, or from every report
    submitted (``?figures=approved|all``; the default by role, see
    ``permissions.reads_approved_by_default``). The page says which, with a link to switch."""

    @cached_property
    def approved_only(self) -> bool:
        choice = self.request.GET.get(FIGURES)
        if choice in (APPROVED, ALL):
            return choice == APPROVED
        return permissions.reads_approved_by_default(self.request.user)

    def figures_query(self, approved: bool) -> str:
        """This page's query string with the figures choice set."""
        params = self.request.GET.copy() if self.request.GET else QueryDict(mutable=True)
        params[FIGURES] = APPROVED if approved else ALL
        params.pop("page", None)
        return params.urlencode()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            figures_approved=self.approved_only,
            figures_param=f"{FIGURES}={APPROVED if self.approved_only else ALL}",
            figures_switch=self.figures_query(not self.approved_only),
        )
        return context
