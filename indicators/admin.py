from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from plan.admin import ReadOnlyMixin
from plan.textlimits import TextLimitsAdmin
from supervision.review import review_approve, token

from .models import (
    Indicator,
    Observation,
    PeerBatch,
    PeerGroup,
    PeerMember,
    PeerValue,
    Target,
    TargetRevision,
)
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
        fields = ["indicator", "year", "value", "rank", "statement", "reading_note"]

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
    list_filter = ["plan", "kind", "direction", "category", "peer_group"]
    search_fields = ["code", "name", "definition"]
    autocomplete_fields = ["responsible_unit"]
    list_select_related = ["responsible_unit"]
    inlines = [TargetInline]


@admin.register(Target)
class TargetAdmin(SimpleHistoryAdmin):
    """A new target is also the original one; a change is a revision through the service."""

    form = TargetForm
    list_display = ["indicator", "year", "value", "rank", "statement", "reading_note", "reason"]
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
                reason=data["revision_reason"], reading_note=data.get("reading_note", ""),
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


class PeerMemberInline(admin.TabularInline):
    model = PeerMember
    extra = 3
    fields = ["place", "is_home", "from_year", "until_year"]


MEMBER_FIELDS = ("place", "is_home", "from_year", "until_year")


def membership_changes(group) -> list[dict]:
    """Every change of the group's members, newest first: when, who, what (added, changed,
    removed) and, for a change, each field's old and new value (one query)."""
    rows = list(
        PeerMember.history.filter(group_id=group.pk)
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    )
    changes, previous = [], {}
    for row in rows:
        before = previous.get(row.id)
        fields = []
        if row.history_type == "~" and before is not None:
            for name in MEMBER_FIELDS:
                old, new = getattr(before, name), getattr(row, name)
                if old != new:
                    label = PeerMember._meta.get_field(name).verbose_name
                    fields.append(f"{label}: {'—' if old in (None, '') else old} → "
                                  f"{'—' if new in (None, '') else new}")  # fmt: skip
        changes.append({"at": row.history_date, "user": row.history_user, "type": row.history_type,
                        "place": row.place, "from_year": row.from_year,
                        "until_year": row.until_year, "fields": fields})  # fmt: skip
        previous[row.id] = row
    changes.sort(key=lambda c: c["at"], reverse=True)
    return changes


CHANGE_TYPES = {"+": _("added"), "~": _("changed"), "-": _("removed")}


@admin.register(PeerGroup)
class PeerGroupAdmin(SimpleHistoryAdmin):
    """Groups are kept by hand: the plan names them, an administrator lists their places. The
    page lists every change of its members (who, what, when): ranks count each year's members."""

    list_display = ["name", "is_demo"]
    search_fields = ["name", "members__place"]
    readonly_fields = ["membership_history"]
    inlines = [PeerMemberInline]

    @admin.display(description=_("Changes of the members"))
    def membership_history(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        changes = membership_changes(obj)
        if not changes:
            return _("No change recorded yet.")
        lines = []
        for c in changes:
            years = f"{c['from_year'] or '…'}–{c['until_year'] or '…'}"
            who = c["user"].get_username() if c["user"] else "—"
            detail = "；".join(c["fields"]) if c["fields"] else years
            lines.append((timezone.localtime(c["at"]).strftime("%Y-%m-%d %H:%M"), who,
                          CHANGE_TYPES.get(c["type"], c["type"]), c["place"], detail))  # fmt: skip
        return format_html(
            '<table data-testid="membership-history"><tbody>{}</tbody></table>',
            format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                             lines),
        )  # fmt: skip


class PeerValueInline(admin.TabularInline):
    model = PeerValue
    extra = 0
    fields = ["place", "value", "rank"]


@admin.register(PeerBatch)
class PeerBatchAdmin(TextLimitsAdmin, SimpleHistoryAdmin):
    """One import of peer values; reviewed as one batch in the supervision queue."""

    list_display = ["indicator", "year", "source", "file_name", "review_state", "entered_by"]
    list_filter = ["year", "review_state", "is_demo"]
    search_fields = ["indicator__name", "source"]
    list_select_related = ["indicator", "entered_by"]
    readonly_fields = ["review_state", "reviewed_by", "reviewed_at", "entered_by", "file_name"]
    exclude = ["review_comment", "returned_fields", "returned_values", "edited_after_approval"]
    inlines = [PeerValueInline]
    actions = ["approve_batches"]

    @admin.action(description=_("Approve the selected batches, each as a whole"))
    def approve_batches(self, request, queryset):
        """Each batch through the supervision cycle's approval (who may review, a submitted
        batch only, history kept): the batch's values then count on approved figures."""
        approved, refused = 0, []
        for batch in queryset.select_related("indicator"):
            try:
                review_approve(report=batch, user=request.user, seen_token=token(batch))
            except (PermissionDenied, ValidationError) as error:
                refused.append(f"{batch}: {' '.join(getattr(error, 'messages', [str(error)]))}")
            else:
                approved += 1
        self.message_user(request, _("%(n)s batches approved.") % {"n": approved})
        for line in refused:
            self.message_user(request, line, level=messages.WARNING)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.entered_by = request.user
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        # the values take their indicator and year from the batch they belong to
        for value in formset.save(commit=False):
            value.indicator, value.year = form.instance.indicator, form.instance.year
            value.save()
        for value in formset.deleted_objects:
            value.delete()


@admin.register(PeerMember)
class PeerMemberAdmin(SimpleHistoryAdmin):
    list_display = ["place", "group", "is_home", "from_year", "until_year"]
    list_filter = ["group", "is_home"]
    search_fields = ["place", "group__name"]
    list_select_related = ["group"]


@admin.register(PeerValue)
class PeerValueAdmin(SimpleHistoryAdmin):
    list_display = ["indicator", "year", "place", "value", "rank", "batch"]
    list_filter = ["year", "indicator"]
    search_fields = ["place", "indicator__name"]
    list_select_related = ["indicator", "batch"]
    autocomplete_fields = ["indicator"]
    raw_id_fields = ["batch"]
