"""Template context every page needs: the current plan (and with it the demo flag) and the
user's role, each looked up at most once per request and only if a template asks."""

from django.utils.functional import SimpleLazyObject

from . import permissions
from .selectors import current_plan


def site(request):
    user = request.user
    return {
        "current_plan": SimpleLazyObject(lambda: current_plan(request)),
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
