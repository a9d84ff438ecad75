"""Template context every page needs: the current plan (and with it the demo flag) and the
user's role, each looked up at most once per request and only if a template asks."""

from django.utils.functional import SimpleLazyObject

from . import permissions
from .selectors import current_plan, plans
from .urlplans import switch_url, visible_plans


def plan_switch(request) -> list[dict]:
    """The header's plan switcher: every plan the user may see, the page's own marked."""
    if not request.user.is_authenticated:
        return []
    shown = current_plan(request)
    return [
        {
            "plan": p,
            "url": switch_url(request, p),
            "current": shown is not None and p.pk == shown.pk,
        }
        for p in visible_plans(request)
    ]


def site(request):
    user = request.user
    return {
        "current_plan": SimpleLazyObject(lambda: current_plan(request)),
        "plan_switch": SimpleLazyObject(lambda: plan_switch(request)),
        # Demo data is labelled on every page while any plan holds it, not only its own plan's.
        "demo_loaded": SimpleLazyObject(lambda: any(p.demo_data for p in plans(request))),
        "user_role": SimpleLazyObject(lambda: permissions.role_label(user)),
        "user_is_administrator": SimpleLazyObject(
            lambda: user.is_authenticated and permissions.is_administrator(user)
        ),
        "user_reads_audit": SimpleLazyObject(
            lambda: user.is_authenticated and permissions.can_read_audit(user)
        ),
        "user_can_review": SimpleLazyObject(
            lambda: user.is_authenticated and permissions.can_review(user)
        ),
        "user_can_report": SimpleLazyObject(
            lambda: user.is_authenticated and permissions.reportable_unit_ids(user) != frozenset()
        ),
    }
