from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from plan.admin import ReadOnlyMixin
from plan.textlimits import TextLimitsAdmin

from .models import Indicator, Observation, Target, TargetRevision
from .services import target_revise


class TargetInline(admin.TabularInline):
    """Targets are added here; a change goes through the target's own page, with a reason."""

    model = Target
    extra = 0
    fields = ["year", "value", "rank", "statement", "original_value", "original_rank",
              "original_statement"]  # fmt: skip
    readonly_fields = ["original_value", "original_rank", "original_statement"]
    show_change_link = True
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        # Existing targets are read-only here: changing them needs a reason (TargetAdmin).
        if obj is not None and obj.targets.exists():
            return ["year", "value", "rank", "statement", *self.readonly_fields]
        return self.readonly_fields


class TargetForm(forms.ModelForm):
    revision_reason = forms.CharField(
        label=_("reason for this change"),
        required=False,
        max_length=300,
        help_text=_("Required when an existing target changes; kept in its revisions."),
    )

    class Meta:
        model = Target
        fields = ["indicator", "year", "value", "rank", "statement"]

    def clean(self):
        data = super().clean()
        changed = set(self.changed_data) - {"revision_reason"}
        if self.instance.pk and changed and not data.get("revision_reason", "").strip():
            self.add_error("revision_reason", _("Say why the target changes."))
        return data


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    list_display = [
        "code",
        "name",
        "category",
        "unit_of_measure",
        "kind",
        "direction",
        "responsible_unit",
    ]
    list_filter = ["plan", "kind", "direction", "category"]
    search_fields = ["code", "name", "definition"]
    autocomplete_fields = ["responsible_unit"]
    list_select_related = ["responsible_unit"]
    inlines = [TargetInline]


@admin.register(Target)
class TargetAdmin(SimpleHistoryAdmin):
    """A new target is also the original one; a change is a revision through the service."""

    form = TargetForm
    list_display = ["indicator", "year", "value", "rank", "statement", "original_value", "reason"]
    list_filter = ["year", "indicator__plan"]
    search_fields = ["indicator__name", "statement"]
    list_select_related = ["indicator"]
    readonly_fields = ["original_value", "original_rank", "original_statement", "reason"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return ["indicator", "year", *self.readonly_fields]
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            obj.original_value, obj.original_rank, obj.original_statement = (
                obj.value, obj.rank, obj.statement,
            )  # fmt: skip
            super().save_model(request, obj, form, change)
        elif set(form.changed_data) - {"revision_reason"}:
            target_revise(
                target_id=obj.pk, user=request.user, value=data.get("value"),
                rank=data.get("rank"), statement=data.get("statement", ""),
                reason=data["revision_reason"],
            )  # fmt: skip


@admin.register(Observation)
class ObservationAdmin(TextLimitsAdmin, SimpleHistoryAdmin):
    list_display = [
        "indicator",
        "year",
        "quarter",
        "value",
        "rank",
        "source",
        "entered_by",
        "is_demo",
    ]
    list_filter = ["year", "is_demo", "indicator"]
    search_fields = ["indicator__name", "source", "note"]
    list_select_related = ["indicator", "entered_by"]
    autocomplete_fields = ["indicator", "entered_by"]


@admin.register(TargetRevision)
class TargetRevisionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Revisions are the record of changed targets: readable, never edited or deleted here."""

    list_display = ["target", "old_value", "new_value", "old_rank", "new_rank", "reason",
                    "changed_by", "changed_at"]  # fmt: skip
    list_filter = ["target__indicator__plan", "changed_by"]
    search_fields = ["target__indicator__name", "reason"]
    list_select_related = ["target__indicator", "changed_by"]
