from django import template

from plan.deadlines import deadline_text, is_overdue

register = template.Library()


@register.filter
def deadline(due, today):
    """``{{ due|deadline:today }}``: "还有 5 天" / "已逾期 11 个月"."""
    return deadline_text(due, today)


@register.filter
def overdue(due, today):
    return is_overdue(due, today)
