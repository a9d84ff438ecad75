"""The final evaluation of an ended plan, frozen as it stood the day the plan ended (issue 18).

An ended plan still takes indicator values for its last years (statistics come a year late), and
reports can be corrected; the evaluation page computed live would drift. The record the city
keeps is the evaluation of the day the plan ended, in both views of the figures, so the page is
rendered then, by the same view and templates as the live page, and its content stored. The
evaluation page of an ended or archived plan shows the stored one, says so, and links to the live
figures; it can be downloaded as a file.
"""

import re

from django.test import RequestFactory
from django.urls import get_script_prefix, set_script_prefix
from django.utils import timezone

from plan.urlplans import plan_path

from .models import FrozenEvaluation

MAIN = re.compile(r'<main id="main"[^>]*>(.*)</main>', re.S)


def render_evaluation(plan, user, approved: bool) -> str:
    """The evaluation page's content for ``plan`` in one view, as the live page renders it."""
    from .views import EvaluationView

    request = RequestFactory().get(
        plan_path(plan, "/plan/evaluation/"), {"figures": "approved" if approved else "all"}
    )
    request.user = user
    request._current_plan = plan
    prefix = get_script_prefix()
    set_script_prefix(plan_path(plan, "/"))  # its links stay inside its plan
    try:
        response = EvaluationView.as_view()(request)
        response.render()
    finally:
        set_script_prefix(prefix)
    return MAIN.search(response.content.decode()).group(1).strip()


def freeze_evaluation(*, plan, user) -> None:
    """Store the evaluation of ``plan`` in both views, replacing an earlier freeze."""
    for approved in (True, False):
        FrozenEvaluation.objects.update_or_create(
            plan=plan,
            approved_only=approved,
            defaults={
                "html": render_evaluation(plan, user, approved),
                "frozen_by": user,
                "frozen_at": timezone.now(),
            },
        )
