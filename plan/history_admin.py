"""The audit trail in the admin: every history table, readable by the audit administrator,
changeable and deletable by nobody, superusers included.

The history tables of django-simple-history are the audit trail (``dashboard.audit``). They
must be kept at least ``AUDIT_RETENTION_DAYS`` (183 or more, 等保 2.0 level 2 asks six months)
and be neither edited nor deleted by any role. So every historical model is registered here with
an admin that answers no to add, change and delete whoever asks (Django's superuser short-cut
goes through these methods too), and no page of the dashboard deletes history. On PostgreSQL,
``plan.audit_retention`` adds a trigger that refuses UPDATE and DELETE of a row younger than
the retention, whoever connects.
"""

from django.apps import apps
from django.contrib import admin

from .permissions import can_read_audit


class HistoryRecordAdmin(admin.ModelAdmin):
    """One history table, read-only for everyone."""

    list_display = ["history_date", "history_type", "history_user", "__str__",
                    "history_change_reason"]  # fmt: skip
    list_filter = ["history_type", "history_date"]
    list_select_related = ["history_user"]
    date_hierarchy = "history_date"
    actions = None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return can_read_audit(request.user) and super().has_view_permission(request, obj)

    def has_module_permission(self, request):
        return can_read_audit(request.user) and super().has_module_permission(request)


def historical_models() -> list[type]:
    """Every history table of the project (django-simple-history's models)."""
    return [m for m in apps.get_models() if hasattr(m, "instance_type")]


def register_history_admins(site) -> None:
    """Register every history table with ``HistoryRecordAdmin`` (called by ``plan.admin``,
    once every app's models are loaded)."""
    for model in historical_models():
        if not site.is_registered(model):
            site.register(model, HistoryRecordAdmin)
