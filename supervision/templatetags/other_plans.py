"""What a staff member's units owe in the other active plans (plans side by side, issue 18):
the to-do of the page's plan lists its own obligations; this line names each other active plan
that still has some, with the count, and opens it. Nothing is queried when no other plan is
active."""

from django import template
from django.utils import timezone

from plan import permissions
from plan.models import PlanState
from plan.periods import reporting_period
from plan.selectors import current_plan, plans
from plan.urlplans import plan_path

from ..reporting import owes_anything, todo_for

register = template.Library()


def owed_elsewhere(request) -> list[dict]:
    """For each active plan other than the page's, what the user's units owe for its current
    reporting period (reports, summaries, subjects, returned reports), if anything."""
    user = request.user
    shown = current_plan(request)
    others = [
        p for p in plans(request) if p.state == PlanState.ACTIVE and (shown is None or p != shown)
    ]
    if not others or not user.is_authenticated:
        return []
    unit_ids = permissions.unit_ids(user)
    if not unit_ids:
        return []
    today = timezone.localdate()
    rows = []
    for plan in others:
        if not owes_anything(user, unit_ids, plan):
            continue
        period = reporting_period(today, plan.start_year, plan.end_year)
        todo = todo_for(user, unit_ids, plan, period)
        if todo.count:
            rows.append({"plan": plan, "count": todo.count, "period": period,
                         "url": plan_path(plan)})  # fmt: skip
    return rows


@register.inclusion_tag("supervision/includes/other_plans_todo.html", takes_context=True)
def other_plans_todo(context):
    request = context.get("request")
    return {"rows": owed_elsewhere(request) if request is not None else []}
