"""The coordinating office's pages: the review queue and one report's review page.

Every decision goes through ``supervision.review``; these views only show and pass on what the
reviewer chose. A refused action comes back to the same page with the message and changes
nothing.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View

from plan import permissions
from plan.mixins import CurrentPlanMixin
from plan.models import Unit
from plan.periods import Period
from plan.templatetags.readable import period_zh
from plan.textlimits import limit_form_fields
from plan.urlplans import short_url, url_for_ids
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
from .context_processors import WAITING_COUNTED
from .evidence_cycle import evidence_changes_since_review

QUEUE_STATES = {
    "waiting": (ReviewState.SUBMITTED,),
    "returned": (ReviewState.RETURNED,),
    "approved": (ReviewState.APPROVED,),
}
# What the menu's count of waiting reports counts (supervision.context_processors), but for
# the plans, which come from the request.
MENU_QUEUE = {"states": QUEUE_STATES["waiting"], "kinds": None, "unit_id": None, "period": None}
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
        order = params.get("sort") if params.get("sort") in review.QUEUE_ORDERS else "newest"
        # The queue spans plans: every plan, one chosen (?plan=<code>), or the page's plan under
        # /plans/<code>/reviews/, where the menu's count comes from (queue_plans).
        plans = review.queue_plans(request, params.get("plan", ""))
        visible = review.queue_plans(request, "all")
        chosen = {"states": QUEUE_STATES[state], "kinds": [kind] if kind else None,
                  "unit_id": unit_id, "period": period, "plan": plans}  # fmt: skip
        paginator = Paginator(review.review_queue(**chosen, order=order), 50)
        # Counted without the columns the rows show (a count of the UNION of the rows joined
        # every waiting report's unit and plan).
        paginator.count = review.queue_count(**chosen)
        if not params.get("plan") and chosen == {**MENU_QUEUE, "plan": plans}:
            # the menu's count: the same rows (its plans are queue_plans(request) too)
            setattr(request, WAITING_COUNTED, paginator.count)
        page = paginator.get_page(params.get("page"))
        own_units = permissions.unit_ids(request.user)
        now = timezone.now()
        links = RowLinks()
        # What each row says, written here once for the page rather than by a template tag in
        # every row (the queue's 50 rows were half of its time in the template).
        select = _("Select %(subject)s, %(unit)s, %(period)s")
        waiting = {}
        for row in page.object_list:
            row["own_unit"] = row["unit_pk"] in own_units
            row["stamp"] = review.row_stamp(row["at"], row["review_state"])
            row_kind = registry.kind(row["kind"])
            row["url"] = links(row_kind, row["pk"])
            row["bulk"] = row_kind.bulk_approval and not row["own_unit"]
            row["kind_label"] = str(row_kind.label)
            row["period"] = str(Period(row["year"], row["q"])) if row["q"] else str(row["year"])
            row["period_text"] = period_zh(row["period"])
            row["pick"] = f"{row['kind']}:{row['pk']}:{row['stamp']}"
            row["pick_id"] = f"pick-{row['kind']}-{row['pk']}"
            row["pick_label"] = select % {
                "subject": row["subject"], "unit": row["unit_name"], "period": row["period_text"]
            }  # fmt: skip
            days = (now - row["at"]).days if row["at"] else None
            row["days_waiting"] = days
            if days is not None and days not in waiting:
                waiting[days] = ngettext(
                    "waiting %(n)s day", "waiting %(n)s days", days
                ) % {"n": days}  # fmt: skip
            row["waiting_text"] = waiting.get(days, "")
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
            "sort": order,
            "sorts": list(SORT_LABELS.items()),
            "bulk": state == "waiting" and any(r["bulk"] for r in page.object_list),
            "periods": [
                (p, period_zh(p))
                for p in sorted(
                    {str(p) for plan in plans for p in plan.reporting_periods}, reverse=True
                )
            ],
            "plan_choices": visible if len(visible) > 1 else [],
            "plan_chosen": plans[0].code if len(plans) == 1 else "all",
        }
        return TemplateResponse(request, self.template_name, context)


SORT_LABELS = {
    "newest": gettext_lazy("newest first"),
    "waiting": gettext_lazy("longest waiting first"),
    "unit": gettext_lazy("by unit"),
    "kind": gettext_lazy("by kind"),
}


class BulkApproveView(View):
    """Approve the reports ticked in the queue, each through ``review_approve`` with its own
    check: a report saved again (or reviewed) since the queue showed it is skipped and named;
    the others are approved. Nothing is lost either way."""

    def post(self, request):
        if not permissions.can_review(request.user):
            raise PermissionDenied(_("Only reviewers and administrators review reports."))
        approved, skipped = [], []
        for value in request.POST.getlist("pick"):
            kind_key, _sep, rest = value.partition(":")
            pk, _sep, stamp = rest.partition(":")
            picked = registry.kind(kind_key)
            if picked is None or not picked.bulk_approval or not pk.isdigit():
                continue
            try:
                report = review.get_report(kind_key, int(pk))
            except Http404:
                continue
            name = bulk_name(report)
            try:
                with transaction.atomic():
                    # Lock, compare with what the queue showed, and approve through the service
                    # (which checks the token of the locked row once more).
                    current = type(report).objects.select_for_update().get(pk=report.pk)
                    at = review.describe(current)["submitted_at"]
                    if review.row_stamp(at, current.review_state) != stamp:
                        raise ReportChanged(current)
                    review_approve(report=current, user=request.user, seen_token=token(current))
            except ReportChanged:
                changed = _("%(report)s (changed since the queue was shown)")
                skipped.append(changed % {"report": name})
            except (ValidationError, PermissionDenied) as error:
                reason = "; ".join(getattr(error, "messages", [str(error)]))
                skipped.append(f"{name} ({reason})")
            else:
                approved.append(name)
        if approved:
            messages.success(
                request,
                ngettext("%(n)d report approved.", "%(n)d reports approved.", len(approved))
                % {"n": len(approved)},
            )
        if skipped:
            messages.warning(
                request,
                _("Not approved, open them to look again: %(reports)s")
                % {"reports": "；".join(skipped)},
            )
        if not approved and not skipped:
            messages.error(request, _("Tick the reports to approve first."))
        back = request.POST.get("next", "")
        if not back.startswith("/") or back.startswith("//"):
            back = reverse("supervision:review-queue")
        return redirect(back)


class RowLinks:
    """Each queue row's link: a report's review page, or the page of a kind reviewed on its own
    page (a supervision item), one at a time. Reversed once a kind (``url_for_ids``)."""

    def __init__(self):
        self.urls = {}

    def __call__(self, kind, pk) -> str:
        url = self.urls.get(kind.key)
        if url is None:
            url = self.urls[kind.key] = url_for_ids(
                kind.review_url
                or (lambda mark: short_url("supervision:review-detail", kind.key, mark))
            )
        return url(pk)


def bulk_name(report) -> str:
    about = review.describe(report)
    return f"{about['unit'].name} · {about.get('subject', '')} · {about.get('period', '')}"


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
        previous = review.previous_report(report)
        may_review = permissions.can_review(self.request.user, report)
        context = {
            "report": report,
            "about": described,
            "values": review.reported_values(report),
            "previous": previous,
            "compared": review.values_with_previous(report, previous),
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
        report_kind = registry.kind(kind)
        if report_kind is not None and report_kind.review_url is not None:
            return redirect(report_kind.review_url(pk))  # reviewed on its own page
        return self.render(review.get_report(kind, pk))

    def post(self, request, kind, pk):
        if not permissions.can_review(request.user):
            raise PermissionDenied(_("Only reviewers and administrators review reports."))
        report_kind = registry.kind(kind)
        if report_kind is not None and report_kind.review_url is not None:
            raise Http404("reviewed on its own page")
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
