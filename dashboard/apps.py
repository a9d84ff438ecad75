from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = _("Dashboard")

    def ready(self):
        from plan.lifecycle import on_plan_ended

        from .evaluation_freeze import freeze_evaluation

        on_plan_ended(freeze_evaluation)
