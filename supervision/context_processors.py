"""Template context of the supervision cycle that every page may show."""

from django.utils.functional import SimpleLazyObject

from plan import permissions
from plan.selectors import current_plan

from .colours import blue_days
from .models import ReviewState
from .queue import review_queue


def cycle(request):
    # The blue window of the three colours, for the legends (supervision.colours).
    return {"warning_days": blue_days()}


def waiting_for_review(request) -> int:
    """The menu's count of reports waiting for review in the page's plan: only for reviewers,
    one COUNT over the queue's UNION, and only when a template shows it."""
    user = request.user
    if not user.is_authenticated or not permissions.can_review(user):
        return 0
    plan = current_plan(request)
    if plan is None:
        return 0
    return review_queue(states=(ReviewState.SUBMITTED,), plan=plan).count()


def review(request):
    return {"review_waiting": SimpleLazyObject(lambda: waiting_for_review(request))}
