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
        from .item_kind import item_kind
        from .kinds import task_report_kind

        registry.register(task_report_kind())
        # Supervision items (督办件) go through the same queue, matrix, digest and colours.
        registry.register(item_kind())
        # Supervision items (督办件) can be about a task of the plan.
        from plan.models import Task

        from .items import SubjectKind, register_subject

        register_subject(
            SubjectKind(
                "task",
                _("task"),
                Task,
                "plan_id",
                "",
                lambda t: f"{t.number}. {t.short_title}",
                lambda pk: Task.objects.get(pk=pk).get_absolute_url(),
            )
        )
        # Task reports and what hangs on the cycle stale the task figures.
        watch_app(self, {model.__name__: (TASKS,) for model in self.get_models()})
