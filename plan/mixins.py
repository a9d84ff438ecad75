"""View mixins shared by the apps' pages."""

from django.http import Http404
from django.utils import timezone
from django.utils.functional import cached_property

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
