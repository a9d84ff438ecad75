from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Key projects")

    def ready(self):
        from plan.figures_cache import watch_app

        watch_app(self)  # a write to any of its models stales the cached figures
