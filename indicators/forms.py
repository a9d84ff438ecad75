"""The value form: the fields shown depend on the indicator's kind."""

from django import forms
from django.utils.translation import gettext_lazy as _

from plan.textlimits import limit_form_fields

from .models import Indicator, Observation
from .peer_entry import PeerEntry
from .services import ValueInput


class ValueForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, initial=0)
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    quarter = forms.TypedChoiceField(
        label=_("Quarter"),
        coerce=int,
        empty_value=None,
        required=False,
        choices=[("", _("whole year")), (1, "Q1"), (2, "Q2"), (3, "Q3"), (4, "Q4")],
    )
    value = forms.DecimalField(
        label=_("Value"),
        required=False,
        max_digits=16,
        decimal_places=4,
        error_messages={"invalid": _("Enter the value as a number.")},
    )
    rank = forms.IntegerField(
        label=_("Rank"),
        required=False,
        error_messages={"invalid": _("A rank is a whole number from 1.")},
    )
    text = forms.CharField(label=_("Where it stands"), required=False, max_length=300)
    judgement = forms.ChoiceField(
        label=_("Judgement"),
        required=False,
        choices=[("", "---------"), *Observation.Judgement.choices],
    )
    judged_on = forms.DateField(
        label=_("Judged on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    source = forms.CharField(label=_("Source"), required=False, max_length=200)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, indicator: Indicator, **kwargs):
        super().__init__(*args, **kwargs)
        limit_form_fields(self, "indicators.Observation")
        plan = indicator.plan
        # Years beyond the plan are offered too, so the service can say why they are refused.
        self.fields["year"].choices = [
            (y, y) for y in range(plan.end_year + 1, plan.start_year - 2, -1)
        ]
        self.fields["year"].initial = plan.end_year
        if not indicator.quarterly:
            del self.fields["quarter"]
        unwanted = {
            Indicator.Kind.NUMERIC: ["rank", "text", "judgement", "judged_on"],
            Indicator.Kind.RANK: ["text", "judgement", "judged_on"],
            Indicator.Kind.QUALITATIVE: ["value", "rank", "judgement", "judged_on"],
            Indicator.Kind.MILESTONE: ["value", "rank"],
        }[indicator.kind]
        for name in unwanted:
            del self.fields[name]
        if "value" in self.fields and indicator.unit_of_measure:
            self.fields[
                "value"
            ].label = f"{self.fields['value'].label}（{indicator.unit_of_measure}）"

    def value_input(self) -> ValueInput:
        data = self.cleaned_data
        return ValueInput(
            year=data["year"], quarter=data.get("quarter"), value=data.get("value"),
            rank=data.get("rank"), text=data.get("text", ""), source=data["source"],
            note=data["note"], judgement=data.get("judgement", ""),
            judged_on=data.get("judged_on"),
        )  # fmt: skip


class PeerImportForm(forms.Form):
    """A workbook of the group's values (or published ranks) for one year, from one source."""

    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    source = forms.CharField(
        label=_("Source"),
        max_length=200,
        help_text=_("The bulletin or yearbook and its year."),
    )
    file = forms.FileField(label=_("Workbook (.xlsx)"))


class PeerEntryForm(forms.Form):
    """A year's values of the group typed in the browser: one row per member that year.

    The numbers are checked here (each on its row); the rest (the source, members, the home
    city's value, duplicates) by ``peer_entry.peer_values_enter``, whose messages the view puts
    on the same rows."""

    year = forms.TypedChoiceField(label=_("Year"), coerce=int, widget=forms.HiddenInput)
    seen = forms.CharField(widget=forms.HiddenInput, required=False)
    source = forms.CharField(
        label=_("Source"),
        required=False,  # the service says so where it is missing
        max_length=200,
        help_text=_("The bulletin or yearbook and its year, one for every place."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, indicator: Indicator, members, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator, self.members = indicator, list(members)
        self.fields["year"].choices = [(y, y) for y in years]
        for member in self.members:
            if indicator.published_ranks:
                field = forms.IntegerField(
                    label=member.place, required=False, min_value=1,
                    error_messages={"invalid": _("A rank is a whole number from 1."),
                                    "min_value": _("A rank is a whole number from 1.")},
                )  # fmt: skip
            else:
                field = forms.DecimalField(
                    label=member.place, required=False, max_digits=16, decimal_places=4,
                    error_messages={"invalid": _("Enter the value as a number."),
                                    "max_digits": _("Too many digits: at most 16."),
                                    "max_decimal_places": _("At most 4 decimal places."),
                                    "max_whole_digits": _("Too many digits: at most 16.")},
                )  # fmt: skip
            # A text box, not type=number: a browser empties a number box holding text, and
            # what was typed must come back with its message.
            field.widget = forms.TextInput()
            field.widget.attrs.update(inputmode="decimal", autocomplete="off",
                                      **{"class": "input-number"})  # fmt: skip
            self.fields[self.field_name(member)] = field

    @staticmethod
    def field_name(member) -> str:
        return f"m{member.pk}"

    def rows(self):
        """(member, bound field) in the group's order, the home city first."""
        return [(m, self[self.field_name(m)]) for m in self.members]

    def entry(self):
        data = self.cleaned_data
        return PeerEntry(
            year=data["year"], source=data["source"], note=data["note"],
            values=tuple((m.place, data.get(self.field_name(m))) for m in self.members),
        )  # fmt: skip
