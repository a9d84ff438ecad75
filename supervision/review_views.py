"""The coordinating office's pages: the review queue and one report's review page.

Every decision goes through ``supervision.review``; these views only show and pass on what the
reviewer chose. A refused action comes back to the same page with the message and changes
nothing.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from plan import permissions
from plan.mixins import CurrentPlanMixin
from plan.models import Unit
from plan.periods import Period
from plan.textlimits import limit_form_fields
from supervision.models import ReviewState
from supervision.review import (
    ReportChanged,
    changes_since_return,
    review_approve,
    review_return,
    review_unapprove,
    token,
)

from . import queue as review
from . import registry
from .evidence_cycle import evidence_changes_since_review

QUEUE_STATES = {
    "waiting": (ReviewState.SUBMITTED,),
    "returned": (ReviewState.RETURNED,),
    "approved": (ReviewState.APPROVED,),
}
QUEUE_LABELS = {
    "waiting": gettext_lazy("waiting for review"),
    "returned": gettext_lazy("returned, with the units"),
    "approved": gettext_lazy("approved"),
}


class ReviewQueueView(CurrentPlanMixin, View):
    """Reports of every kind waiting for review (or returned, or approved), filterable by kind,
    unit and period, newest first, 50 a page. Reviewers and administrators only."""

    template_name = "supervision/review_queue.html"

    def get(self, request):
        if not permissions.can_review(request.user):
            raise PermissionDenied(_("Only reviewers and administrators review reports."))
        params = request.GET
        state = params.get("state") if params.get("state") in QUEUE_STATES else "waiting"
        kind = params.get("kind") if registry.kind(params.get("kind", "")) else ""
        unit_id = int(params["unit"]) if params.get("unit", "").isdigit() else None
        try:
            period = Period.parse(params["period"]) if params.get("period") else None
        except ValueError:
            period = None
        rows = review.review_queue(
            states=QUEUE_STATES[state], kinds=[kind] if kind else None, unit_id=unit_id,
            period=period, plan=self.plan,
        )  # fmt: skip
        page = Paginator(rows, 50).get_page(params.get("page"))
        own_units = permissions.unit_ids(request.user)
        for row in page.object_list:
            row["url"] = reverse("supervision:review-detail", args=[row["kind"], row["pk"]])
            row["kind_label"] = registry.kind(row["kind"]).label
            row["period"] = str(Period(row["year"], row["q"])) if row["q"] else str(row["year"])
            row["own_unit"] = row["unit_pk"] in own_units
        context = {
            "page_obj": page,
            "rows": page.object_list,
            "state": state,
            "states": list(QUEUE_LABELS.items()),
            "kind": kind,
            "kinds": [(k.key, k.label) for k in registry.kinds()],
            "unit_id": unit_id,
            "units": Unit.objects.order_by("sort_order", "name").only("pk", "name"),
            "period": str(period) if period else "",
            "periods": [str(p) for p in reversed(self.plan.reporting_periods)],
        }
        return TemplateResponse(request, self.template_name, context)


class ApproveForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)
    comment = forms.CharField(
        label=gettext_lazy("Comment (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    require_evidence = forms.BooleanField(
        label=gettext_lazy("Approve only if evidence is attached"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_form_fields(self, "supervision.Reviewable", {"comment": "review_comment"})


class ReturnForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)
    comment = forms.CharField(
        label=gettext_lazy("What the unit should change"),
        required=False,  # the service says so, in its own words, where it is missing
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    about = forms.MultipleChoiceField(
        label=gettext_lazy("The comment is about"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)
        limit_form_fields(self, "supervision.Reviewable", {"comment": "review_comment"})
        self.fields["about"].choices = [
            (name, type(report)._meta.get_field(name).verbose_name)
            for name in type(report).REPORTED_FIELDS
        ]


class UnapproveForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=gettext_lazy("Why the approval is undone"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_form_fields(self, "supervision.Reviewable", {"reason": "review_comment"})


ACTIONS = {"approve": ApproveForm, "return": ReturnForm, "unapprove": UnapproveForm}


class ReviewDetailView(CurrentPlanMixin, View):
    """One report as the reviewer sees it: its values (what the unit changed since a return),
    its review timeline, and the approve / return / undo-approval forms."""

    template_name = "supervision/review_detail.html"

    def forms_for(self, report, bound=None, action=None):
        initial = {"token": token(report)}
        made = {}
        for name, form_class in ACTIONS.items():
            extra = {"report": report} if form_class is ReturnForm else {}
            if name == action and bound is not None:
                made[name] = bound
            else:
                made[name] = form_class(initial=initial, prefix=name, **extra)
        return made

    def render(self, report, forms_=None, status=200, changed=False):
        described = review.describe(report)
        may_review = permissions.can_review(self.request.user, report)
        context = {
            "report": report,
            "about": described,
            "values": review.reported_values(report),
            "changes": changes_since_return(report),
            "timeline": review.review_timeline(report),
            "may_review": may_review,
            "own_unit": report.unit_id in permissions.unit_ids(self.request.user),
            "forms": forms_ or (self.forms_for(report) if may_review else {}),
            "changed": changed,
            # Indicator values carry no files; project and task reports do.
            "accepts_files": described["kind"].has_files,
            "files": list(report.evidence.active().for_list())
            if described["kind"].has_files
            else [],
            # Files added or removed since the last review step: part of what changed.
            "file_changes": evidence_changes_since_review(report)
            if hasattr(report, "evidence")
            else [],
            # What the kind shows beyond the reported fields (a peer batch: its values).
            "detail_template": described["kind"].detail_template,
            "detail": described["kind"].detail_context(report)
            if described["kind"].detail_context
            else {},
        }
        return TemplateResponse(self.request, self.template_name, context, status=status)

    def get(self, request, kind, pk):
        # Refuse before looking the report up: a guessed id must not tell whether it exists.
        if not permissions.can_review(request.user):
            raise PermissionDenied(_("Only reviewers and administrators review reports."))
        return self.render(review.get_report(kind, pk))

    def post(self, request, kind, pk):
        if not permissions.can_review(request.user):
            raise PermissionDenied(_("Only reviewers and administrators review reports."))
        report = review.get_report(kind, pk)
        permissions.require_review(request.user, report)
        action = request.POST.get("action")
        if action not in ACTIONS:
            messages.error(request, _("Choose approve, return or undo approval."))
            return redirect("supervision:review-detail", kind, pk)
        form_class = ACTIONS[action]
        extra = {"report": report} if form_class is ReturnForm else {}
        form = form_class(request.POST, prefix=action, **extra)
        if not form.is_valid():
            return self.render(report, self.forms_for(report, form, action))
        data = form.cleaned_data
        try:
            if action == "approve":
                review_approve(
                    report=report, user=request.user, seen_token=data["token"],
                    comment=data["comment"], require_evidence=data["require_evidence"],
                )  # fmt: skip
                done = _("Report approved.")
            elif action == "return":
                review_return(
                    report=report, user=request.user, seen_token=data["token"],
                    comment=data["comment"], fields=data["about"],
                )  # fmt: skip
                done = _("Report returned to %(unit)s.") % {
                    "unit": review.describe(report)["unit"].name
                }
            else:
                review_unapprove(
                    report=report, user=request.user, seen_token=data["token"],
                    reason=data["reason"],
                )  # fmt: skip
                done = _("Approval undone: the report waits for review again.")
        except ReportChanged as changed:
            fresh = review.get_report(kind, pk)
            return self.render(fresh, status=409, changed=changed.current is not None)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                field = {"fields": "about"}.get(field, field)
                target = None if field == "__all__" or field not in form.fields else field
                for message in errors:
                    form.add_error(target, message)
            return self.render(report, self.forms_for(report, form, action))
        messages.success(request, done)
        return redirect(f"{reverse('supervision:review-queue')}")
