"""Reads that several pages share."""

from .models import Plan


def current_plan(request) -> Plan | None:
    """The plan the pages show, looked up once per request and kept on it."""
    if not hasattr(request, "_current_plan"):
        request._current_plan = Plan.objects.current()
    return request._current_plan
