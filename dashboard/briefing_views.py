"""The quarterly briefing's generator page (季度通报): choose a period and the figures' view,
download the .docx draft. Issued versions are kept by ``supervision`` (the briefings page)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from plan import permissions
from plan.mixins import ALL, APPROVED, FIGURES
from plan.periods import Period

from . import briefing
from .views import PlanPageMixin

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class BriefingMixin(PlanPageMixin):
    def dispatch(self, request, *args, **kwargs):
        if not permissions.can_issue_briefings(request.user):
            raise PermissionDenied(_("Only the coordinating office issues briefings."))
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def choices(self) -> list[Period]:
        return [p for p in reversed(self.plan.reporting_periods) if p <= self.period]

    @cached_property
    def chosen(self) -> Period:
        try:
            period = Period.parse(self.request.GET.get("period", ""))
        except ValueError:
            return self.period
        return period if period in self.choices else self.period

    @cached_property
    def approved(self) -> bool:
        """Approved reports only by default, for everyone: a briefing goes to leaders."""
        return self.request.GET.get(FIGURES) != ALL


class BriefingView(BriefingMixin, TemplateView):
    template_name = "dashboard/briefing.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(periods=self.choices, chosen=self.chosen, approved=self.approved,
                       APPROVED=APPROVED, ALL=ALL)  # fmt: skip
        return context


class BriefingDownloadView(BriefingMixin, TemplateView):
    """The .docx, generated on request (nothing stored: the issued version is uploaded back)."""

    def get(self, request, *args, **kwargs):
        export = request.build_absolute_uri(reverse("projects:export")) + "?lagging=on"
        try:
            name, content = briefing.generate(self.plan, self.chosen, self.approved,
                                              self.today, export)  # fmt: skip
        except briefing.FontMissing as error:
            messages.error(request, str(error))
            return redirect("dashboard:briefing")
        response = HttpResponse(content, content_type=DOCX)
        response["Content-Disposition"] = _attachment(name)
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response


def _attachment(name: str) -> str:
    from django.utils.http import content_disposition_header

    return content_disposition_header(as_attachment=True, filename=name)
