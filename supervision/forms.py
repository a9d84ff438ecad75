"""Forms for task reports and summaries: they read input and carry the version the user saw."""

from django import forms
from django.utils.translation import gettext_lazy as _

from plan.templatetags.readable import period_zh
from plan.textlimits import limit_form_fields

from .evidence import check_upload
from .models import TaskReportStatus
from .services import TaskReportInput


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    """Any number of evidence files, each checked by its content (``supervision.evidence``);
    cleans to a list of ``CheckedFile``. Every refused file gets its own message."""

    widget = MultipleFileInput

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Evidence files"))
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text",
            _("PDF, images, Word, Excel or WPS documents; you may choose several files."),
        )
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        uploads = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if not uploads:
            if self.required:
                raise forms.ValidationError(_("Choose at least one file."), code="required")
            return []
        checked, errors = [], []
        for upload in uploads:
            try:
                checked.append(check_upload(upload))
            except forms.ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise forms.ValidationError(errors)
        return checked


class TaskReportForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    status = forms.ChoiceField(label=_("Self-assessed status"), choices=TaskReportStatus.choices)
    progress = forms.CharField(
        label=_("Work done"),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Say what was done this period.")},
    )
    figures = forms.CharField(
        label=_("Figures achieved"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("e.g. 新认定国家高新技术企业35家"),
    )
    problems = forms.CharField(
        label=_("Problems met"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    next_steps = forms.CharField(
        label=_("Next steps"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    evidence = EvidenceField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_form_fields(self, "supervision.TaskReport")

    def report_input(self) -> TaskReportInput:
        data = self.cleaned_data
        return TaskReportInput(
            status=data["status"],
            progress=data["progress"],
            figures=data["figures"],
            problems=data["problems"],
            next_steps=data["next_steps"],
        )


class TaskSummaryForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    summary = forms.CharField(
        label=_("Summary of the task this period"),
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": _("Write the summary before saving.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_form_fields(self, "supervision.TaskSummary")


class EvidenceForm(forms.Form):
    """Add files to a report that is already there."""

    files = EvidenceField(required=True)


class ReopenRequestForm(forms.Form):
    """A unit asks to reopen a closed period: which unit, which period, and why. The scope (the
    whole period, or one task, project or indicator) comes from the page the user came from."""

    unit = forms.TypedChoiceField(label=_("Unit"), coerce=int)
    period = forms.ChoiceField(label=_("Period"))
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Say why the reports must change: the reason is required.")},
        help_text=_("What must change in the closed period's reports, and why now."),
    )

    def __init__(self, *args, units, periods, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(u.pk, u.name) for u in units]
        self.fields["period"].choices = [(str(p), period_zh(p)) for p in periods]
        limit_form_fields(self, "supervision.ReopenRequest", {"reason": "reason"})


class ReopenDecisionForm(forms.Form):
    """A reviewer grants (for a number of days) or refuses a reopening request."""

    GRANT, REFUSE = "grant", "refuse"

    action = forms.ChoiceField(choices=[(GRANT, _("Grant")), (REFUSE, _("Refuse"))])
    days = forms.IntegerField(
        label=_("Days open"), min_value=1, max_value=60, initial=7, required=False,
        error_messages={"min_value": _("A reopening lasts 1 to 60 days."),
                        "max_value": _("A reopening lasts 1 to 60 days.")},
    )  # fmt: skip
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_form_fields(self, "supervision.ReopenRequest", {"comment": "decision_comment"})
