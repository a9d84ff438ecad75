"""Reads that several pages share."""

from .models import Plan, PlanState


def plans(request) -> list[Plan]:
    """Every plan, read once per request (a handful of rows): the URL's plan, the default plan
    and the header's switcher all come from this one query."""
    if not hasattr(request, "_plans"):
        request._plans = list(Plan.objects.order_by("pk"))
    return request._plans


def default_plan(request) -> Plan | None:
    """``Plan.objects.current()`` from the request's plans: the plan an administrator made the
    default, else the active plan that starts latest, else the latest published; never a
    draft."""
    published = [p for p in plans(request) if p.state != PlanState.DRAFT]
    if not published:
        return None
    return max(
        published, key=lambda p: (p.is_current, p.state == PlanState.ACTIVE, p.start_year, p.pk)
    )


def current_plan(request) -> Plan | None:
    """The plan the page shows: the one its URL names (``plan.urlplans``), else the default."""
    if not hasattr(request, "_current_plan"):
        request._current_plan = default_plan(request)
    return request._current_plan
