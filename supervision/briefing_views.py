"""The briefings page: every issued quarterly briefing (季度通报) of the plan, by period, for
everyone who reads the dashboard; the coordinating office uploads the issued version here."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from plan import permissions
from plan.mixins import CurrentPlanMixin
from plan.periods import Period
from plan.templatetags.readable import period_zh

from .briefings import briefing_issue
from .models import IssuedBriefing


def _period(plan, text: str) -> Period | None:
    try:
        period = Period.parse(text or "")
    except ValueError:
        return None
    return period if period in plan.reporting_periods else None


class BriefingListView(CurrentPlanMixin, TemplateView):
    """Issued briefings of the current plan, newest period first (``?period=`` for one)."""

    template_name = "supervision/issuedbriefing_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        period = _period(self.plan, self.request.GET.get("period"))
        briefings = IssuedBriefing.objects.filter(plan=self.plan).for_list()
        if period is not None:
            briefings = briefings.filter(year=period.year, quarter=period.quarter)
        context.update(
            briefings=briefings, period=period, default_period=period or self.period,
            periods=[p for p in reversed(self.plan.reporting_periods) if p <= self.period],
            may_issue=permissions.can_issue_briefings(self.request.user),
        )  # fmt: skip
        return context


class BriefingUploadView(CurrentPlanMixin, View):
    """Keep the issued version of a briefing (POST, multipart: ``period``, ``file``)."""

    def post(self, request):
        if not permissions.can_issue_briefings(request.user):
            raise PermissionDenied(_("Only the coordinating office issues briefings."))
        period = _period(self.plan, request.POST.get("period"))
        target = reverse("supervision:briefing-list")
        upload = request.FILES.get("file")
        if period is None or upload is None:
            messages.error(request, _("Choose a period and the file of the issued briefing."))
            return redirect(target)
        try:
            row = briefing_issue(plan=self.plan, period=period, user=request.user, upload=upload)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(target)
        messages.success(request, _("“%(name)s” is kept as the briefing issued for %(period)s.")
                         % {"name": row.name, "period": period_zh(period)})  # fmt: skip
        return redirect(f"{target}?period={period}")


class BriefingDownloadView(View):
    """One issued briefing, as an attachment under the name it was uploaded with."""

    def get(self, request, pk):
        briefing = get_object_or_404(IssuedBriefing, pk=pk)
        try:
            handle = briefing.file.open("rb")
        except FileNotFoundError as error:
            raise Http404(_("The stored file is missing.")) from error
        response = FileResponse(
            handle, as_attachment=True, filename=briefing.name, content_type=briefing.media_type
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response
