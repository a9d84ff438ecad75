from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanConfig(AppConfig):
    name = "plan"
    verbose_name = _("Action plan")

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import audit_retention, checks, figures_cache, signals  # noqa: F401 (checks)

        # After each app's migrations (its permissions exist by then): administrators may do
        # everything, in the admin too. Not limited to one sender: apps after plan add theirs.
        post_migrate.connect(signals.grant_administrators, dispatch_uid="grant_administrators")
        # Every table exists once plan's post_migrate runs (it follows the whole migrate): on
        # PostgreSQL, guard every history table against UPDATE and DELETE.
        post_migrate.connect(audit_retention.install_history_guard, sender=self,
                             dispatch_uid="install_history_guard")  # fmt: skip
        # Everything here is the plan's structure: a change stales every figure.
        figures_cache.watch_app(self, {})
