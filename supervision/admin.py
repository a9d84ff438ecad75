"""The supervision cycle's rows in the admin: task reports and summaries (editable, with their
history), and the rows only the cycle's services write (evidence, reopenings, reminders), read-only.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from plan.admin import ReadOnlyMixin
from plan.textlimits import TextLimitsAdmin

from .models import (
    Evidence,
    IssuedBriefing,
    ReminderLog,
    ReminderNotice,
    ReopenRequest,
    TaskReport,
    TaskSummary,
)


@admin.register(TaskReport)
class TaskReportAdmin(TextLimitsAdmin, SimpleHistoryAdmin):
    list_display = ["task", "unit", "year", "quarter", "status", "submitted_by", "submitted_at",
                    "revised_at", "is_demo"]  # fmt: skip
    list_filter = ["task__plan", "year", "quarter", "status", "task", "unit", "is_demo"]
    search_fields = ["unit__name", "task__short_title", "progress", "figures", "problems"]
    list_select_related = ["task", "unit", "submitted_by"]
    autocomplete_fields = ["unit", "submitted_by"]
    readonly_fields = ["version"]


@admin.register(TaskSummary)
class TaskSummaryAdmin(TextLimitsAdmin, SimpleHistoryAdmin):
    list_display = ["task", "year", "quarter", "written_by", "written_at", "is_demo"]
    list_filter = ["task__plan", "year", "quarter", "task", "is_demo"]
    search_fields = ["task__short_title", "summary"]
    list_select_related = ["task", "written_by"]
    readonly_fields = ["version"]


class ReadOnlyAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    """Rows written by the reporting cycle's services only (supervision.cycle, send_reminders, the
    evidence pages), with their history."""


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    """Evidence files, read-only: files come in through the report pages, where their content
    is checked, and leave only by being marked removed (the stored file stays)."""

    list_display = ["name", "unit", "content_type", "object_id", "size", "media_type",
                    "uploaded_by", "uploaded_at", "removed_at"]  # fmt: skip
    list_filter = ["content_type", "unit", "removed_at"]
    search_fields = ["name", "unit__name"]
    list_select_related = ["unit", "content_type", "uploaded_by"]


@admin.register(IssuedBriefing)
class IssuedBriefingAdmin(ReadOnlyAdmin):
    """Issued briefings, read-only: they come in through the briefings page, which checks them."""

    list_display = ["plan", "year", "quarter", "name", "size", "uploaded_by", "uploaded_at"]
    list_filter = ["plan", "year", "quarter"]
    search_fields = ["name"]
    list_select_related = ["plan", "uploaded_by"]


@admin.register(ReopenRequest)
class ReopenRequestAdmin(ReadOnlyAdmin):
    list_display = ["unit", "year", "quarter", "scope", "subject", "state", "requested_by",
                    "requested_at", "decided_by", "open_until"]  # fmt: skip
    list_filter = ["plan", "state", "scope", "year", "quarter"]
    search_fields = ["unit__name", "subject", "reason", "decision_comment"]
    list_select_related = ["unit", "requested_by", "decided_by"]


@admin.register(ReminderNotice)
class ReminderNoticeAdmin(ReadOnlyAdmin):
    list_display = ["unit", "year", "quarter", "kind", "sent_by", "sent_at"]
    list_filter = ["plan", "year", "quarter"]
    search_fields = ["unit__name"]
    list_select_related = ["unit", "sent_by"]


@admin.register(ReminderLog)
class ReminderLogAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["user", "day", "items", "sent_at"]
    list_filter = ["day"]
    search_fields = ["user__username"]
    list_select_related = ["user"]
