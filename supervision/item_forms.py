"""Forms for supervision items (督办件): each carries the item's version the user saw."""

from django import forms
from django.utils.translation import gettext_lazy as _

from plan.models import Unit
from plan.textlimits import NARRATIVE, limit_field

from .forms import EvidenceField
from .models import ItemSource

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _text(label, rows=4, required=True, **kwargs):
    field = forms.CharField(
        label=label,
        required=required,
        strip=True,
        widget=forms.Textarea(attrs={"rows": rows}),
        **kwargs,
    )
    limit_field(field, NARRATIVE)
    return field


class _Assignment(forms.Form):
    lead_unit = forms.ModelChoiceField(
        Unit.objects.order_by("sort_order", "pk"), label=_("Lead unit"), required=False
    )
    co_units = forms.ModelMultipleChoiceField(
        Unit.objects.order_by("sort_order", "pk"),
        label=_("Co-units"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Hold Ctrl (or ⌘) to choose several."),
    )
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DATE)

    def clean(self):
        data = super().clean()
        lead, co = data.get("lead_unit"), data.get("co_units") or []
        if lead is not None and any(u.pk == lead.pk for u in co):
            self.add_error("co_units", _("The lead unit cannot also be a co-unit."))
        return data


class InstructionForm(_Assignment):
    """A leader's instruction in one step; the assignment fields only for those who may assign."""

    instruction = _text(_("Instruction (as written)"), rows=3)
    source = forms.ChoiceField(
        label=_("Source"), choices=ItemSource.choices, initial=ItemSource.INSTRUCTION
    )
    given_by_name = forms.CharField(
        label=_("Given by (if not you)"),
        required=False,
        max_length=100,
        help_text=_("e.g. 市长办公会; leave empty for your own instruction."),
    )
    subject_kind = forms.CharField(required=False, widget=forms.HiddenInput)
    subject_id = forms.CharField(required=False, widget=forms.HiddenInput)

    field_order = ["instruction", "source", "given_by_name", "lead_unit", "co_units", "deadline"]

    def __init__(self, *args, may_assign=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_assign:
            for name in ("lead_unit", "co_units", "deadline"):
                del self.fields[name]

    def clean(self):
        data = super().clean()
        if "lead_unit" in self.fields:
            lead, deadline = data.get("lead_unit"), data.get("deadline")
            if (lead is None) != (deadline is None) and not self.errors:
                self.add_error(
                    "deadline" if lead else "lead_unit",
                    _("Give both the lead unit and the deadline, or neither."),
                )
        return data


class _Versioned(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class AssignForm(_Versioned, _Assignment):
    def clean(self):
        data = super().clean()
        if data.get("lead_unit") is None and "lead_unit" not in self.errors:
            self.add_error("lead_unit", _("Choose the lead unit."))
        if data.get("deadline") is None and "deadline" not in self.errors:
            self.add_error("deadline", _("Give a deadline."))
        return data


class NoteForm(_Versioned):
    text = _text(_("Progress note, or your unit's part"), rows=3)


class AnswerForm(_Versioned):
    answer = _text(_("Answer (办理情况)"), rows=5)
    files = EvidenceField()


class ReturnForm(_Versioned):
    comment = _text(_("Comment to the unit"), rows=3)


class CloseForm(_Versioned):
    pass


class RemindForm(_Versioned):
    """催办: one click, nothing to fill in (the version is not checked: a reminder changes
    nothing in the item)."""


class ExtensionForm(_Versioned):
    until = forms.DateField(label=_("New deadline asked for"), widget=DATE)
    reason = _text(_("Reason for the extension"), rows=2)


class ExtensionDecisionForm(_Versioned):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("grant", _("grant the extension")), ("refuse", _("refuse it"))],
        widget=forms.RadioSelect,
    )
