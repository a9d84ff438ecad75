"""How far a deadline is, in words a clerk reads at a glance: "还有 5 天", "已逾期 11 个月"."""

import datetime as dt

from django.utils.translation import ngettext

# Past this many days an overdue deadline is counted in months (a date eleven months gone reads
# better as "11 个月" than as "325 天").
MONTHS_AFTER_DAYS = 45


def deadline_text(due: dt.date | None, today: dt.date) -> str:
    """Days left, "due today", or how long overdue (days, then months)."""
    if due is None:
        return ""
    days = (due - today).days
    if days > 0:
        return ngettext("%(n)d day left", "%(n)d days left", days) % {"n": days}
    if days == 0:
        return ngettext("due today", "due today", 1)
    late = -days
    if late > MONTHS_AFTER_DAYS:
        months = round(late / 30.44)
        return ngettext("%(n)d month overdue", "%(n)d months overdue", months) % {"n": months}
    return ngettext("%(n)d day overdue", "%(n)d days overdue", late) % {"n": late}


def is_overdue(due: dt.date | None, today: dt.date) -> bool:
    return due is not None and due < today
