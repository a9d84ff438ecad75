"""Forms for progress reports and project edits. The rules live in ``services``; the forms
read the input, carry the version the user saw, and put the service's messages on the fields."""

from django import forms
from django.utils.translation import gettext_lazy as _

from plan.templatetags.readable import period_zh
from plan.textlimits import limit_form_fields
from supervision.forms import EvidenceField

from .models import Project, ProjectStatus, ProjectUpdate
from .progress import Period, plan_periods
from .services import EDITABLE_FIELDS, ReportInput


class ReportForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    # A CharField with a drop-down rather than a ChoiceField: a period typed or posted from
    # outside the plan reaches the service, which says why it is refused.
    period = forms.CharField(label=_("Reporting period"), widget=forms.Select)
    status = forms.ChoiceField(label=_("Status"), choices=ProjectStatus.choices)
    percent_complete = forms.IntegerField(
        label=_("Percent complete"),
        min_value=0,
        max_value=100,
        error_messages={
            "min_value": _("Percent complete must be between 0 and 100."),
            "max_value": _("Percent complete must be between 0 and 100."),
        },
    )
    investment_completed = forms.DecimalField(
        label=_("Investment completed to date (10k yuan)"),
        required=False,
        max_digits=14,
        decimal_places=2,
    )
    progress = forms.CharField(label=_("Work done"), widget=forms.Textarea(attrs={"rows": 4}))
    problems = forms.CharField(
        label=_("Problems met"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    next_steps = forms.CharField(
        label=_("Next steps"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    reason = forms.CharField(
        label=_("Reason for a lower percent"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed only when the percent is lower than in the last report."),
    )
    confirm_investment = forms.BooleanField(
        label=_("Yes, the investment completed exceeds the total investment"), required=False
    )
    replace = forms.BooleanField(
        label=_("Replace the report already submitted for this period"), required=False
    )
    evidence = EvidenceField()

    def __init__(self, *args, project: Project, current_period: Period, report=None, **kwargs):
        """``report``: an existing report of the project to revise (a returned one, say): the
        form opens on its period with its values, replacing it."""
        super().__init__(*args, **kwargs)
        limit_form_fields(self, "projects.ProjectUpdate")
        plan = project.annex.plan
        choices = [str(p) for p in plan_periods(plan.start_year, plan.end_year)]
        self.fields["period"].widget.choices = [(p, period_zh(p)) for p in reversed(choices)]
        self.fields["period"].initial = str(current_period)
        self.fields["version"].initial = project.version
        self.fields["status"].initial = project.status
        self.fields["percent_complete"].initial = project.percent_complete
        self.fields["investment_completed"].initial = project.investment_completed
        if report is not None:
            self.fields["period"].initial = str(report.period)
            for name in ProjectUpdate.REPORTED_FIELDS:  # the form names them alike
                self.fields[name].initial = getattr(report, name)
            self.fields["replace"].initial = True

    def clean_period(self):
        try:
            return Period.parse(self.cleaned_data["period"])
        except ValueError as error:
            raise forms.ValidationError(_("Choose a period such as 2025Q4.")) from error

    def report_input(self) -> ReportInput:
        data = self.cleaned_data
        return ReportInput(
            period=data["period"],
            status=data["status"],
            percent_complete=data["percent_complete"],
            investment_completed=data["investment_completed"],
            progress=data["progress"],
            problems=data["problems"],
            next_steps=data["next_steps"],
            reason=data["reason"],
            confirm_investment=data["confirm_investment"],
        )

    @property
    def shows_investment_confirmation(self) -> bool:
        return bool(self.data.get("confirm_investment")) or "investment_completed" in self.errors


class ProjectEditForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Project
        fields = EDITABLE_FIELDS
        widgets = {
            # A date input takes ISO dates only; the localised format would come back empty
            # and clear the field on save.
            "planned_start": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
            "planned_end": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
            "content": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_form_fields(self, "projects.Project")
        self.fields["version"].initial = self.instance.version

    def clean(self):
        data = super().clean()
        start, end = data.get("planned_start"), data.get("planned_end")
        if start and end and start > end:
            self.add_error(
                "planned_end", _("The planned end must not be before the planned start.")
            )
        return data

    def changes(self) -> dict:
        return {field: self.cleaned_data[field] for field in EDITABLE_FIELDS}


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Edited annex workbook (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
        error_messages={"required": _("Choose the workbook to upload.")},
    )
