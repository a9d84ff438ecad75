"""Template context of the supervision cycle that every page may show."""

from django.utils.functional import SimpleLazyObject

from plan import permissions

from .colours import blue_days
from .models import ReviewState
from .queue import queue_count, queue_plans


def cycle(request):
    # The blue window of the three colours, for the legends (supervision.colours).
    return {"warning_days": blue_days()}


# Where the review queue page leaves its count when it lists exactly what the menu counts (the
# waiting reports of the menu's plans, unfiltered), so that the page does not count them twice.
WAITING_COUNTED = "_waiting_for_review"


def waiting_for_review(request) -> int:
    """The menu's count of reports waiting for review in the plans the queue it links to shows
    (``queue_plans``): only for reviewers, one COUNT over a UNION of the reports' own rows, and
    only when a template shows it."""
    user = request.user
    if not user.is_authenticated or not permissions.can_review(user):
        return 0
    counted = getattr(request, WAITING_COUNTED, None)
    if counted is not None:  # the queue page counted the very same rows
        return counted
    plans = queue_plans(request)
    if not plans:
        return 0
    return queue_count(states=(ReviewState.SUBMITTED,), plan=plans)


def review(request):
    return {"review_waiting": SimpleLazyObject(lambda: waiting_for_review(request))}
