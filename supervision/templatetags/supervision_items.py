"""The leader's instruction form (supervision/includes/instruct.html) asks who may write."""

from django import template
from django.utils import timezone

from plan.urlplans import plan_url
from supervision.colours import Colour
from supervision.items import can_write, counts
from supervision.models import ItemState

register = template.Library()


@register.filter
def may_instruct(user) -> bool:
    """May ``user`` write an instruction (a leader, the office, an administrator)?"""
    return bool(user) and can_write(user)


@register.simple_tag
def item_counts(plan):
    """The cockpit's figures of supervision items: each state and colour with its count and the
    link to exactly those items in the list."""
    if plan is None:
        return None
    found = counts(plan, timezone.localdate())
    base = plan_url(plan, "supervision:item-list")
    return {
        "states": [(value, label, found[value], f"{base}?state={value}")
                   for value, label in ItemState.choices],
        "colours": [(colour, found[colour], f"{base}?colour={colour}") for colour in Colour.MARKED],
        "list_url": base,
    }  # fmt: skip
