"""The leader's instruction form (supervision/includes/instruct.html) asks who may write."""

from django import template

from supervision.items import can_write

register = template.Library()


@register.filter
def may_instruct(user) -> bool:
    """May ``user`` write an instruction (a leader, the office, an administrator)?"""
    return bool(user) and can_write(user)
