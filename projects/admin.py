from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from plan.textlimits import TextLimitsAdmin

from .models import Annex, Project, ProjectImport, ProjectUpdate


@admin.register(Annex)
class AnnexAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "column", "column_group", "plan"]
    list_filter = ["plan"]
    search_fields = ["title"]
    list_select_related = ["column", "plan"]


@admin.register(Project)
class ProjectAdmin(TextLimitsAdmin, SimpleHistoryAdmin):
    list_display = [
        "name",
        "annex",
        "order",
        "unit",
        "status",
        "percent_complete",
        "last_reported_at",
    ]
    list_filter = ["annex__plan", "annex", "status", "unit"]
    search_fields = ["name", "builder", "location"]
    autocomplete_fields = ["unit"]
    list_select_related = ["annex", "unit"]
    readonly_fields = ["version", "last_reported_at", "carried_from"]

    def save_model(self, request, obj, form, change):
        # An edit here is a change like any other: raise the version so that a user who had the
        # project open gets the conflict page instead of overwriting it.
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)


@admin.register(ProjectUpdate)
class ProjectUpdateAdmin(TextLimitsAdmin, SimpleHistoryAdmin):
    list_display = [
        "project",
        "year",
        "quarter",
        "status",
        "percent_complete",
        "submitted_by",
        "submitted_at",
        "is_demo",
    ]
    list_filter = ["year", "quarter", "status", "is_demo", "project__annex"]
    search_fields = ["project__name", "progress", "problems"]
    autocomplete_fields = ["project", "submitted_by"]
    list_select_related = ["project", "submitted_by"]
    date_hierarchy = "submitted_at"


@admin.register(ProjectImport)
class ProjectImportAdmin(admin.ModelAdmin):
    """Uploaded workbooks and what became of them; the record is read, not edited."""

    list_display = ["file_name", "user", "created_at", "applied_at", "applied_rows"]
    list_filter = ["applied_at"]
    search_fields = ["file_name", "user__username"]
    list_select_related = ["user"]
    readonly_fields = ["user", "file_name", "year", "quarter", "preview", "created_at",
                       "applied_at", "applied_rows"]  # fmt: skip

    def has_add_permission(self, request):
        return False
