"""Every page belongs to one plan, and its URL says which: ``/plans/<code>/…``.

Plans stand side by side (the 2022-2025 plan beside its successor), so a page's plan cannot be
"whichever is current": a bookmark, a link in a briefing or an e-mail must keep opening the same
plan's page after an administrator changes the default.

How a URL names its plan:

- **Pages addressed by number** (task 3, annex 2, the cockpit, the matrix, the lists) live under
  the plan's prefix, ``/plans/2022-2025/plan/tasks/3/``. Their views are marked ``per_plan`` in
  the apps' ``urls.py``; today's short forms (``/plan/tasks/3/``) redirect to the default plan's.
- **Pages addressed by id** (a project, a report, an evidence file, an indicator) keep their
  short URLs, the ones already in e-mails and briefings, and always open in their own plan: the
  view is marked ``of_object(lookup)``, and the lookup names the object's plan. Under another
  plan's prefix they redirect to their own.
- **Pages that span plans** (the review queue, reopen requests, the audit trail, accounts, the
  admin) are not marked: they work with or without a prefix, and each row names its plan.

The middleware strips the prefix before the URL is resolved, so the apps' URLconfs know nothing
of it, and adds it to the script prefix while the request runs, so every ``reverse()`` and
``{% url %}`` on the page stays inside the page's plan. Code that names a page of another plan
says which with ``plan_url``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextvars import ContextVar

from django.http import Http404, HttpResponseRedirect
from django.urls import get_script_prefix, reverse, set_script_prefix

from . import permissions
from .models import Plan, PlanState
from .selectors import current_plan, plans

PER_PLAN = "per-plan"
PLAN_PREFIX = re.compile(r"^/plans/(?P<code>[-\w]+)(?P<rest>/.*)?$")

# The script prefix before a plan's was added to it, while a request runs under a plan.
_base_prefix: ContextVar[str | None] = ContextVar("plan_base_prefix", default=None)


def per_plan(view):
    """Mark a page addressed by number: it belongs to the plan its URL names."""
    view.plan_scope = PER_PLAN
    return view


def of_object(lookup: Callable[..., int | None]):
    """Mark a page addressed by id: ``lookup(**url_kwargs)`` gives its object's plan id (None
    when there is no such object: the view answers 404 itself)."""

    def mark(view):
        view.plan_scope = lookup
        return view

    return mark


def plan_of(model, path: str, key: str = "pk") -> Callable[..., int | None]:
    """A lookup for ``of_object``: the plan of ``model``'s row whose pk is the URL's ``key``,
    reached along the ORM ``path`` (e.g. ``annex__plan``)."""

    def lookup(**kwargs):
        return model.objects.filter(pk=kwargs[key]).values_list(path, flat=True).first()

    return lookup


def may_see(user, plan: Plan) -> bool:
    """Drafts are for administrators only (creating a plan changes nothing anybody sees)."""
    if plan.state != PlanState.DRAFT:
        return True
    return user.is_authenticated and permissions.is_administrator(user)


def visible_plans(request) -> list[Plan]:
    """The plans a user may switch to, the active ones first, then the newest."""
    order = {PlanState.ACTIVE: 0, PlanState.ENDED: 1, PlanState.ARCHIVED: 2, PlanState.DRAFT: 3}
    shown = [p for p in plans(request) if may_see(request.user, p)]
    return sorted(shown, key=lambda p: (order.get(p.state, 9), -p.start_year, -p.pk))


# The plans of the request being answered (``plan.selectors.plans``), for ``plan_code``.
_request: ContextVar = ContextVar("plan_request", default=None)


def plan_code(plan_id: int) -> str:
    """A plan's code by id: from the request's plans while one is answered (no query per row),
    else from the database."""
    request = _request.get()
    if request is not None:
        for plan in plans(request):
            if plan.pk == plan_id:
                return plan.code
    return Plan.objects.values_list("code", flat=True).get(pk=plan_id)


def base_prefix() -> str:
    """The script prefix without any plan's."""
    return _base_prefix.get() or get_script_prefix()


def plan_path(plan: Plan | int, path: str = "/") -> str:
    """``path`` (a path of the apps' URLconfs, starting with /) under the plan's prefix."""
    code = plan.code if isinstance(plan, Plan) else plan_code(plan)
    return f"{base_prefix()}plans/{code}{path}"


def plan_url(plan: Plan | int, viewname: str, *args, **kwargs) -> str:
    """``reverse(viewname)`` for the given plan's page, whatever plan the request is under."""
    url = reverse(viewname, args=args or None, kwargs=kwargs or None)
    return plan_path(plan, "/" + url[len(get_script_prefix()) :])


def short_url(viewname: str, *args, **kwargs) -> str:
    """The short URL of a page addressed by id (a project, a report, an indicator), whatever
    plan the request is under: the URL that links and e-mails keep (it opens in its own plan)."""
    url = reverse(viewname, args=args or None, kwargs=kwargs or None)
    return base_prefix() + url[len(get_script_prefix()) :]


ID_MARK = 987654321  # stands for the id in a URL reversed once for many rows


def url_for_ids(reverse_with_id: Callable[[int], str]) -> Callable[[int], str]:
    """The URL of each of many objects from one ``reverse()``: ``reverse_with_id(ID_MARK)``,
    with the id filled in (a ``reverse()`` per row was a tenth of a large table's time)."""
    pattern, mark = reverse_with_id(ID_MARK), str(ID_MARK)
    return lambda pk: pattern.replace(mark, str(int(pk)))


def switch_url(request, plan: Plan) -> str:
    """The page the plan switcher opens for ``plan``: the same page in the other plan where the
    page is addressed by number, else that plan's cockpit."""
    match = getattr(request, "resolver_match", None)
    if match is not None and getattr(match.func, "plan_scope", None) == PER_PLAN:
        return plan_path(plan, request.path_info)
    return plan_path(plan)


# Pages that are nobody's plan's, even when asked for under a plan's prefix: their links (the
# login page's, the admin's) stay outside every plan.
OUTSIDE_PLANS = {"admin"}
OUTSIDE_PLAN_PAGES = {"login", "logout", "password_change", "password_change_done",
                      "set_language", "favicon"}  # fmt: skip


class PlanURLMiddleware:
    """Reads the plan from ``/plans/<code>/`` and sends every page to its plan (module docstring).
    After the login check: a visitor who is not logged in is sent to log in first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        prefix = get_script_prefix()
        tokens = _base_prefix.set(prefix), _request.set(request)
        try:
            match = PLAN_PREFIX.match(request.path_info)
            if match is not None:
                if match["rest"] is None:
                    return HttpResponseRedirect(request.path + "/")
                plan = next((p for p in plans(request) if p.code == match["code"]), None)
                if plan is None or not may_see(request.user, plan):
                    raise Http404("No such plan.")
                request.plan_from_url = plan
                request._current_plan = plan
                request.path_info = match["rest"]
            return self.get_response(request)
        finally:
            set_script_prefix(prefix)
            _base_prefix.reset(tokens[0])
            _request.reset(tokens[1])

    def process_view(self, request, view_func, view_args, view_kwargs):
        response = self.place(request, view_func, view_kwargs)
        match = request.resolver_match
        outside = match.namespace in OUTSIDE_PLANS or match.url_name in OUTSIDE_PLAN_PAGES
        plan = getattr(request, "_current_plan", None)
        if response is None and plan is not None and not outside:
            # Every link the page reverses stays inside the page's plan.
            set_script_prefix(f"{_base_prefix.get()}plans/{plan.code}/")
        return response

    def place(self, request, view_func, view_kwargs):
        """A redirect when the page lives under another prefix than the one asked for, else
        None with ``request._current_plan`` set to the page's plan where the URL decides it."""
        scope = getattr(view_func, "plan_scope", None)
        if scope is None:
            return None
        from_url = getattr(request, "plan_from_url", None)
        if scope == PER_PLAN:
            if from_url is None and request.method in ("GET", "HEAD"):
                plan = current_plan(request)
                if plan is not None:
                    return HttpResponseRedirect(self._under(request, plan))
            return None
        plan_id = scope(**view_kwargs)
        if plan_id is None:
            return None
        if from_url is not None:
            if from_url.pk == plan_id:
                return None
            if request.method not in ("GET", "HEAD"):
                raise Http404("This page belongs to another plan.")
            return HttpResponseRedirect(self._under(request, self._plan(request, plan_id)))
        plan = self._plan(request, plan_id)
        if not may_see(request.user, plan):
            raise Http404("No such plan.")
        # The short form opens in the object's own plan.
        request._current_plan = plan
        return None

    @staticmethod
    def _plan(request, plan_id: int) -> Plan:
        return next(p for p in plans(request) if p.pk == plan_id)

    @staticmethod
    def _under(request, plan: Plan) -> str:
        query = request.META.get("QUERY_STRING", "")
        return plan_path(plan, request.path_info) + (f"?{query}" if query else "")
