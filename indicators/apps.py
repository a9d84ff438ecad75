from django.apps import AppConfig
from django.urls import reverse
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
        # Supervision items (督办件) can be about an indicator.
        from supervision.items import SubjectKind, register_subject

        from .models import Indicator

        register_subject(
            SubjectKind(
                "indicator",
                _("indicator"),
                Indicator,
                "plan_id",
                "responsible_unit_id",
                lambda i: i.name,
                lambda pk: reverse("indicators:indicator-detail", args=[pk]),
            )
        )
        domains = (INDICATORS,)  # every model here: indicators, targets, revisions, values
        watch_app(self, {model.__name__: domains for model in self.get_models()})
