"""A plan's life (issue 18): draft -> active -> ended -> archived, and the default plan.

Only an administrator moves a plan, one step forward at a time (``PLAN_TRANSITIONS``). A draft
is seen by administrators only, so creating a plan changes nothing anybody reads; making it
active lets units report on it; ending it closes its project and task reports (indicator values
for its last years still come in); archiving it makes it read-only. The default plan is the one
the pages show first; only a published plan can be it, and making one the default changes no
other setting. Every change stales the plan's cached figures (a save of the plan does).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import PLAN_TRANSITIONS, Plan, PlanState
from .permissions import is_administrator

# What the apps above do when a plan ends, inside the same transaction (a failure leaves the
# plan active): the dashboard freezes the final evaluation. Registered in AppConfig.ready().
_ON_ENDED = []


def on_plan_ended(hook) -> None:
    """Call ``hook(plan=..., user=...)`` whenever a plan is ended."""
    if hook not in _ON_ENDED:
        _ON_ENDED.append(hook)


def _require_administrator(user) -> None:
    if not (user.is_superuser or is_administrator(user)):
        raise PermissionDenied(_("Only an administrator changes a plan's state."))


@transaction.atomic
def plan_state_change(*, plan: Plan, state: str, user) -> Plan:
    """Move ``plan`` to ``state`` if that is the next step from where it is; refuse otherwise
    (``ValidationError`` on ``state``), changing nothing."""
    _require_administrator(user)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if state not in PLAN_TRANSITIONS[plan.state]:
        raise ValidationError(
            {
                "state": _("A plan that is %(now)s cannot become %(then)s.")
                % {"now": plan.get_state_display(), "then": PlanState(state).label}
            }
        )
    plan.state = state
    plan.state_changed_at = timezone.now()
    plan.save(update_fields=["state", "state_changed_at"])
    if state == PlanState.ENDED:
        for hook in _ON_ENDED:
            hook(plan=plan, user=user)
    return plan


@transaction.atomic
def plan_make_default(*, plan: Plan, user) -> Plan:
    """Make ``plan`` the one the pages show first, for everybody; a draft cannot be."""
    _require_administrator(user)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.state == PlanState.DRAFT:
        raise ValidationError(
            {"is_current": _("A draft is seen by administrators only: make it active first.")}
        )
    for other in Plan.objects.select_for_update().filter(is_current=True).exclude(pk=plan.pk):
        other.is_current = False
        other.save(update_fields=["is_current"])
    plan.is_current = True
    plan.save(update_fields=["is_current"])
    return plan
