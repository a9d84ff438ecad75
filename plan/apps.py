from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanConfig(AppConfig):
    name = "plan"
    verbose_name = _("Action plan")

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import figures_cache, signals

        # After each app's migrations (its permissions exist by then): administrators may do
        # everything, in the admin too. Not limited to one sender: apps after plan add theirs.
        post_migrate.connect(signals.grant_administrators, dispatch_uid="grant_administrators")
        # Everything here is the plan's structure: a change stales every figure.
        figures_cache.watch_app(self, {})
