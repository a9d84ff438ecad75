from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = _("Indicators")

    def ready(self):
        from plan.figures_cache import INDICATORS, watch_app
        from supervision import registry

        from .report_kind import indicator_value_kind, peer_batch_kind

        # The supervision cycle reaches this app's values through the registry.
        registry.register(indicator_value_kind())
        registry.register(peer_batch_kind())
        domains = (INDICATORS,)  # every model here: indicators, targets, revisions, values
        watch_app(self, {model.__name__: domains for model in self.get_models()})
