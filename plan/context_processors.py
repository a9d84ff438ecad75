"""Template context every page needs: the current plan and whether demo data is loaded."""

from django.utils.functional import SimpleLazyObject

from .selectors import current_plan


def site(request):
    plan = SimpleLazyObject(lambda: current_plan(request))
    return {"current_plan": plan}
