"""Pages of the reporting cycle after the due date: a unit asks to reopen a closed period, the
reviewers' list of requests with grant and refuse, and the reviewers' reminder (催办) from the
report matrix. The rules are in ``supervision.cycle``; these views parse, call and render.

A request names a task, a project or an indicator: the kinds of report in
``supervision.registry`` say what each is called, so this module imports neither app.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from plan import permissions
from plan.mixins import CurrentPlanMixin
from plan.models import Unit
from plan.periods import Period
from plan.templatetags.readable import period_zh
from plan.urlplans import visible_plans
from supervision import cycle
from supervision.forms import ReopenDecisionForm, ReopenRequestForm
from supervision.models import ReopenRequest, ReopenScope, ReopenState

from . import registry
from .reporting import TASKS


def reopen_subject(plan, scope: str, object_id: int | None, unit_id: int) -> str | None:
    """What a request reopens, in words; ``None`` when the object is not the unit's. One task,
    project or indicator is looked up by the registered kind of report that owns the scope."""
    if scope == ReopenScope.PERIOD:
        return _("all reports of the unit for the period")
    if object_id is None:
        return None
    kind = registry.reopen_kinds().get(scope)
    return kind.reopen_subject(plan, object_id, unit_id) if kind else None


def _int_or_none(value):
    return int(value) if str(value or "").isdigit() else None


class ReopenRequestView(CurrentPlanMixin, View):
    """A unit's staff ask a reviewer to reopen a closed period (or one task, project or
    indicator in it); reached from a refused or closed form and from the to-do."""

    template_name = "supervision/reopen_request.html"

    def dispatch(self, request, *args, **kwargs):
        if not self.units():
            raise PermissionDenied(_("Only staff of a unit may ask to reopen its reports."))
        return super().dispatch(request, *args, **kwargs)

    def units(self) -> list:
        if not hasattr(self, "_units"):
            ids = permissions.reportable_unit_ids(self.request.user)
            units = Unit.objects.order_by("sort_order", "name")
            self._units = list(units if ids is None else units.filter(pk__in=ids))
        return self._units

    def scope(self, params) -> tuple[str, int | None]:
        scope = params.get("scope") if params.get("scope") in ReopenScope.values else "period"
        return scope, _int_or_none(params.get("object"))

    def closed_periods(self) -> list[Period]:
        return [p for p in self.plan.reporting_periods if self.plan.is_closed(p, self.today)]

    def form(self, data=None, initial=None):
        return ReopenRequestForm(
            data, initial=initial, units=self.units(), periods=self.closed_periods()
        )

    def render(self, form, scope, object_id, subject):
        unit_ids = [u.pk for u in self.units()]
        context = {
            "form": form, "scope": scope, "object_id": object_id, "subject": subject,
            "closed_periods": self.closed_periods(),
            "requests": ReopenRequest.objects.filter(plan=self.plan, unit_id__in=unit_ids)
            .select_related("unit", "requested_by", "decided_by")[:20],
        }  # fmt: skip
        return TemplateResponse(self.request, self.template_name, context)

    def get(self, request):
        scope, object_id = self.scope(request.GET)
        unit_id = _int_or_none(request.GET.get("unit")) or self.units()[0].pk
        initial = {"unit": unit_id, "period": request.GET.get("period", "")}
        subject = reopen_subject(self.plan, scope, object_id, unit_id)
        return self.render(self.form(initial=initial), scope, object_id, subject)

    def post(self, request):
        scope, object_id = self.scope(request.POST)
        form = self.form(request.POST)
        subject = None
        if form.is_valid():
            unit = next(u for u in self.units() if u.pk == form.cleaned_data["unit"])
            subject = reopen_subject(self.plan, scope, object_id, unit.pk)
            if subject is None:
                form.add_error("unit", _("What should be reopened is not this unit's."))
            else:
                try:
                    cycle.reopen_request_submit(
                        plan=self.plan, unit=unit, period=Period.parse(form.cleaned_data["period"]),
                        scope=scope, object_id=object_id, subject=subject,
                        reason=form.cleaned_data["reason"], user=request.user, today=self.today,
                    )  # fmt: skip
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    messages.success(request, _("Your request was sent to the reviewers."))
                    return redirect("supervision:reopen-list")
        return self.render(form, scope, object_id, subject)


class ReopenListView(CurrentPlanMixin, TemplateView):
    """Reopening requests of every plan the user may see (a page that spans plans: each request
    names its plan; ``?plan=<code>`` keeps one): those waiting for a decision first (with grant
    and refuse for reviewers), then the latest decisions. Everyone logged in reads it."""

    template_name = "supervision/reopen_list.html"
    decided_shown = 50

    def get_context_data(self, errors=None, **kwargs):
        context = super().get_context_data(**kwargs)
        plans = visible_plans(self.request)
        chosen = self.request.GET.get("plan", "")
        shown = [p for p in plans if p.code == chosen] or plans
        requests = ReopenRequest.objects.filter(plan__in=shown).select_related(
            "plan", "unit", "requested_by", "decided_by"
        )
        waiting = list(requests.waiting())
        user = self.request.user
        for row in waiting:
            row.can_decide = permissions.can_review(user, row)
            row.form = (errors or {}).get(row.pk) or ReopenDecisionForm(prefix=f"r{row.pk}")
        context.update(
            waiting=waiting,
            decided=requests.exclude(state=ReopenState.OPEN).order_by("-decided_at", "-pk")[
                : self.decided_shown
            ],
            can_review=permissions.can_review(user),
            plans=plans if len(plans) > 1 else [],
            chosen_plan=chosen if len(shown) == 1 and len(plans) > 1 else "",
        )
        return context


class ReopenDecideView(ReopenListView):
    """A reviewer grants a request for a number of days, or refuses it with a comment."""

    http_method_names = ["post"]

    def post(self, request, pk):
        row = get_object_or_404(ReopenRequest, pk=pk, plan=self.plan)
        if not permissions.can_review(request.user, row):
            raise PermissionDenied(
                _("Only a reviewer or an administrator outside the unit may decide on reopening.")
            )
        form = ReopenDecisionForm(request.POST, prefix=f"r{row.pk}")
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["action"] == ReopenDecisionForm.GRANT:
                    cycle.reopen_grant(
                        request_id=row.pk, user=request.user, days=data["days"] or 7,
                        comment=data["comment"], today=self.today,
                    )  # fmt: skip
                    message = _("Reopened %(what)s for %(unit)s.")
                else:
                    cycle.reopen_refuse(
                        request_id=row.pk, user=request.user, comment=data["comment"]
                    )
                    message = _("Refused the request of %(unit)s for %(what)s.")
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, message % {"what": row.period, "unit": row.unit.name})
                return redirect("supervision:reopen-list")
        context = self.get_context_data(errors={row.pk: form})
        return self.render_to_response(context)


class ReminderNoticeView(CurrentPlanMixin, View):
    """One click on the report matrix: a reviewer reminds a unit (催办) of a period's reports."""

    http_method_names = ["post"]

    def post(self, request):
        if not permissions.can_review(request.user):
            raise PermissionDenied(_("Only reviewers and administrators send reminders."))
        params = request.POST
        keys = [TASKS, *(k.matrix_key for k in registry.matrix_kinds())]
        kind = params.get("kind") if params.get("kind") in keys else TASKS
        back = (
            reverse("supervision:report-matrix")
            + "?"
            + urlencode({"kind": kind, "year": params.get("year", "")})
        )
        unit = Unit.objects.filter(pk=_int_or_none(params.get("unit"))).first()
        try:
            period = Period.parse(params.get("period", ""))
        except ValueError:
            period = None
        if unit is None or period is None:
            messages.error(request, _("Choose a unit and a period to remind."))
            return redirect(back)
        try:
            cycle.reminder_notice_send(
                plan=self.plan, unit=unit, period=period, kind=kind, user=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Reminder for %(period)s sent to %(unit)s: it is on their to-do and in their "
                  "next reminder e-mail.") % {"period": period_zh(period), "unit": unit.name},
            )  # fmt: skip
        return redirect(back)
