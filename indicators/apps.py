from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = _("Indicators")

    def ready(self):
        from plan.figures_cache import watch_app

        watch_app(self)  # a write to any of its models stales the cached figures
