"""Figures written for people, in one place (issue 19): numbers without trailing zeros,
ranks as ranks, targets with their statements, percents with their sign, periods in Chinese.

``{% load readable %}``; each filter shows "—" for a missing value, never ``None``.
"""

from decimal import Decimal, InvalidOperation

from django import template
from django.template.defaultfilters import floatformat
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from plan.periods import Period

register = template.Library()

DASH = "—"
QUARTERS = "一二三四"


def not_a_number(value) -> str | None:
    """What to show for a value that is no number (a dash for nothing, a text as it is), or
    ``None`` for a number, which the caller formats."""
    if value is None or value == "":
        return DASH
    try:
        Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return None


@register.filter
def number(value, places: int = 2) -> str:
    """``55.0000`` -> ``55``, ``1.2700`` -> ``1.27``: up to ``places`` decimals, none trailing."""
    if (text := not_a_number(value)) is not None:
        return text
    return floatformat(value, f"-{int(places)}")


@register.filter
def rank(value) -> str:
    """A rank as a rank: ``3`` -> ``第 3 位``."""
    if value is None or value == "":
        return DASH
    return _("rank %(n)s") % {"n": number(value, 0)}


@register.filter
def percent(value, places: int = 0) -> str:
    """A percent with its sign: ``100`` -> ``100%``; a share (``0.553`` with ``places`` as
    given) is the caller's to multiply first."""
    if value is None or value == "":
        return DASH
    return f"{floatformat(value, f'-{int(places)}')}%"


PERCENT_UNITS = {"%", "％"}


@register.filter
def measure(value, indicator=None) -> str:
    """A value in its indicator's unit (issue 19): with the indicator's ``decimals`` (else
    at most two, none for a whole number), a percent with its sign (``26%``), another unit
    after the number as Chinese writes it (``55亿元``). Without an indicator, ``number``."""
    if (text := not_a_number(value)) is not None:
        return text
    decimals = getattr(indicator, "decimals", None)
    text = floatformat(value, int(decimals)) if decimals is not None else number(value)
    unit = (getattr(indicator, "unit_of_measure", "") or "").strip()
    if unit in PERCENT_UNITS:
        return f"{text}%"
    return f"{text}{unit}"


@register.filter
def target_of(target, indicator) -> str:
    """``target_text`` with the value in the indicator's unit and decimals (``measure``)."""
    return target_text(target, False, indicator)


@register.filter
def original_target_of(target, indicator) -> str:
    """The original target (before any revision), as ``target_of``."""
    return target_text(target, True, indicator)


@register.filter
def target_text(target, original: bool = False, indicator=None) -> str:
    """A target as the plan states it: its value (a rank as a rank) and its words."""
    if target is None:
        return DASH
    prefix = "original_" if original else ""
    value = getattr(target, f"{prefix}value")
    rank_value = getattr(target, f"{prefix}rank")
    statement = getattr(target, f"{prefix}statement") or ""
    parts = []
    if value is not None:
        parts.append(measure(value, indicator) if indicator is not None else number(value))
    elif rank_value:
        parts.append(rank(rank_value))
    if statement and statement not in parts:
        parts.append(statement)
    return " ".join(parts) or DASH


@register.filter
def year_value(row, indicator=None) -> str:
    """A year's value of an indicator (``indicators.selectors.YearRow``): a rank as a rank, a
    text as written, a number without trailing zeros."""
    if row is None:
        return DASH
    indicator = indicator or (row.actual.indicator if row.actual is not None else None)
    kind = getattr(indicator, "kind", "")
    if kind == "rank":
        return rank(row.rank)
    if row.actual is None:
        return DASH
    if kind == "qualitative":
        return row.actual.text or DASH
    if kind == "milestone":
        return str(row.actual.get_judgement_display() or row.actual.text or DASH)
    return measure(row.actual.value, indicator)


@register.filter
def period_zh(period, short: bool = False) -> str:
    """``2025Q4`` -> ``2025年第四季度`` (``short``: ``2025年四季度``) in Chinese sentences;
    in another language the period as it is written (``2025Q4``)."""
    if period is None or period == "":
        return DASH
    if not (get_language() or "").startswith("zh"):
        return str(period)
    if isinstance(period, str):  # a period as written in a URL or a form: 2025Q4
        try:
            period = Period.parse(period)
        except ValueError:
            return period
    quarter = QUARTERS[period.quarter - 1]
    return f"{period.year}年{quarter}季度" if short else f"{period.year}年第{quarter}季度"
