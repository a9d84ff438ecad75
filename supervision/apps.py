from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    """How the coordinating office supervises the plan (督办): review, evidence, closing and
    reopening periods, reminders, the three colours and the reporting matrix."""

    name = "supervision"
    verbose_name = _("Supervision")

    def ready(self):
        from plan.figures_cache import TASKS, watch_app

        from . import registry
        from .kinds import task_report_kind

        registry.register(task_report_kind())
        # Task reports and what hangs on the cycle stale the task figures.
        watch_app(self, {model.__name__: (TASKS,) for model in self.get_models()})
