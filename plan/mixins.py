"""View mixins shared by the apps' pages."""

from django.conf import settings
from django.http import Http404, QueryDict
from django.utils import timezone
from django.utils.functional import cached_property

from . import permissions
from .periods import reporting_period
from .selectors import current_plan


class CurrentPlanMixin:
    """Pages of the plan the dashboard shows (404 while none is loaded), with today's date in
    Asia/Shanghai and the period staff report for now."""

    @cached_property
    def plan(self):
        plan = current_plan(self.request)
        if plan is None:
            raise Http404("No plan loaded: run manage.py load_plan.")
        return plan

    @cached_property
    def today(self):
        return timezone.localdate()

    @cached_property
    def period(self):
        return reporting_period(self.today, self.plan.start_year, self.plan.end_year)


FIGURES = "figures"
APPROVED, ALL = "approved", "all"


def figures_choice(request) -> str | None:
    """``approved`` or ``all`` as ``request`` asks (``?figures=``), else as chosen earlier in
    this browser session (a session cookie: no query, unlike the session store), else None."""
    choice = request.GET.get(FIGURES)
    if choice in (APPROVED, ALL):
        return choice
    choice = request.COOKIES.get(FIGURES)
    return choice if choice in (APPROVED, ALL) else None


def figures_approved(request) -> bool:
    """Whether ``request``'s figures come from approved reports only: the choice in the URL or
    kept from earlier (``figures_choice``), else the default by role
    (``permissions.reads_approved_by_default``)."""
    choice = figures_choice(request)
    if choice is not None:
        return choice == APPROVED
    return permissions.reads_approved_by_default(request.user)


class FiguresMixin:
    """Pages whose figures come from reports: from approved reports only, or from every report
    submitted (``?figures=approved|all``; the default by role, see
    ``permissions.reads_approved_by_default``). The page says which, with a link to switch."""

    # Pages keep the choice for the session; the chart JSON a page asks for (with the page's
    # choice in its URL) and the files only read it.
    keeps_figures_choice = True

    @cached_property
    def approved_only(self) -> bool:
        return figures_approved(self.request)

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        choice = request.GET.get(FIGURES)
        if (self.keeps_figures_choice and choice in (APPROVED, ALL)
                and request.COOKIES.get(FIGURES) != choice):  # fmt: skip
            # Kept for the browser session: every page after this one shows the same view.
            response.set_cookie(FIGURES, choice, samesite="Lax", httponly=True,
                                secure=settings.SESSION_COOKIE_SECURE)  # fmt: skip
        return response

    def figures_query(self, approved: bool) -> str:
        """This page's query string with the figures choice set."""
        params = self.request.GET.copy() if self.request.GET else QueryDict(mutable=True)
        params[FIGURES] = APPROVED if approved else ALL
        params.pop("page", None)
        return params.urlencode()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            figures_approved=self.approved_only,
            figures_view=APPROVED if self.approved_only else ALL,
            figures_param=f"{FIGURES}={APPROVED if self.approved_only else ALL}",
            figures_switch=self.figures_query(not self.approved_only),
        )
        return context
