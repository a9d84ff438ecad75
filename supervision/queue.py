"""Reads for the coordinating office's review (审核): the queue across every registered kind of
report, one report with what the reviewer needs, and its review timeline.

The transitions themselves are ``supervision.review``'s; this module only finds and describes
reports, of any kind in ``supervision.registry``.
"""

from decimal import Decimal, InvalidOperation

from django.db.models import CharField, F, IntegerField, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from plan.periods import Period

from . import registry
from .models import ReviewState


def get_report(kind_key: str, pk: int):
    """The report of kind ``kind_key`` (404 if there is none), with what its page shows."""
    kind = registry.kind(kind_key)
    if kind is None:
        raise Http404("no such kind of report")
    report = kind.model.objects.select_related(*kind.related, "reviewed_by").filter(pk=pk).first()
    if report is None:
        raise Http404("no such report")
    return report


def describe(report) -> dict:
    """What a page says about a report of any kind: its subject, unit, period and links."""
    kind = registry.kind_of_model(type(report))
    return {"kind": kind, **kind.describe(report)}


def reported_values(report) -> list[tuple[str, str, bool]]:
    """``(label, value shown, the reviewer's comment is about it)`` for each reported field."""
    rows = []
    for name in type(report).REPORTED_FIELDS:
        field = type(report)._meta.get_field(name)
        display = getattr(report, f"get_{name}_display", None)
        value = display() if field.choices and display else getattr(report, name)
        shown = "" if value in (None, "") else str(value)
        rows.append((str(field.verbose_name), shown, name in report.returned_fields))
    return rows


def review_timeline(report) -> list:
    """Every saved version of the report, oldest first: each submission, resubmission and review
    step with who, when, the state it left the report in and the comment (one query)."""
    return list(
        report.history.select_related("history_user").order_by("history_date", "history_id")
    )


def queue_filtered(kind, states, unit_id, period: Period | None, unit_ids=None, plan=None):
    """One kind's reports of the queue, filtered, unordered, without its columns."""
    filters = kind.state_filter(states)
    if unit_id:
        filters[kind.unit_id_path] = unit_id
    if unit_ids is not None:
        filters[f"{kind.unit_id_path}__in"] = unit_ids
    if period is not None and kind.period_filter is not None:
        filters.update(kind.period_filter(period))
    elif period is not None and kind.has_quarter:
        filters.update(year=period.year, quarter=period.quarter)
    elif period is not None:
        # a year's report (a peer batch) belongs to the year's fourth quarter, as a yearly value
        filters["year"] = period.year
        if period.quarter != 4:
            filters["pk__in"] = []
    if isinstance(plan, list | tuple):  # several plans (the queue across plans)
        filters[f"{kind.plan_path}__in"] = plan
    elif plan is not None:
        filters[kind.plan_path] = plan
    return kind.model.objects.filter(**filters).order_by()


def _queue_rows(kind, states, unit_id, period: Period | None, unit_ids=None, plan=None):
    """One kind's rows of the queue as uniform values (for a UNION)."""
    rows = queue_filtered(kind, states, unit_id, period, unit_ids, plan)
    columns = {
        "kind": Value(kind.key, output_field=CharField()),
        "q": Coalesce(kind.quarter_expression(), Value(0), output_field=IntegerField()),
        "subject": F(kind.subject_name),
        "subject_id": F(kind.subject_ref),
        "unit_name": F(f"{kind.unit_path}__name"),
        "unit_pk": F(kind.unit_id_path),
        "plan_pk": F(kind.plan_path),
        "plan_code": F(f"{kind.plan_path}__code"),
        "at": kind.submitted(),
        "comment": F("review_comment"),
        "returned": F("returned_values"),
    }
    # The UNION's columns, in the same order for every kind: a Reviewable's fields, or what a
    # kind of other rows (supervision items) gives in their place.
    if kind.review_columns is None:
        rows = rows.values("pk", "year", "review_state", "edited_after_approval")
    else:
        own = kind.review_columns()
        rows = rows.values("pk").annotate(
            year=own["year"],
            review_state=own["review_state"],
            edited_after_approval=own["edited_after_approval"],
        )
        columns.update({name: own[name] for name in columns if name in own})
    return rows.annotate(**columns)


# The queue's orders (``?sort=``): newest first (the default), oldest first (longest waiting),
# by unit, by kind; each ends on a unique key so that pages do not overlap.
QUEUE_ORDERS = {
    "newest": ("-at", "kind", "pk"),
    "waiting": ("at", "kind", "pk"),
    "unit": ("unit_name", "-at", "kind", "pk"),
    "kind": ("kind", "-at", "pk"),
}


def row_stamp(at, state) -> str:
    """What a queue row shows of a report's version: when it was last saved and its state. A
    bulk approval refuses a report whose stamp is not the one the reviewer saw."""
    return f"{at.isoformat() if at else ''}|{state}"


def review_queue(
    *, states, kinds=None, unit_id=None, period=None, plan=None, unit_ids=None, order="newest"
):
    """Reports in ``states`` across the kinds asked for, newest submission first (or in another
    of ``QUEUE_ORDERS``): one UNION query (plus the paginator's count)."""
    chosen = [registry.kind(k) for k in kinds] if kinds else registry.kinds()
    parts = [_queue_rows(kind, states, unit_id, period, unit_ids, plan) for kind in chosen]
    first, *rest = parts
    keys = QUEUE_ORDERS.get(order, QUEUE_ORDERS["newest"])
    if rest:
        return first.union(*rest, all=True).order_by(*keys)
    return first.order_by(*[k for k in keys if k.lstrip("-") != "kind"])


def queue_count(*, states, kinds=None, unit_id=None, period=None, plan=None, unit_ids=None):
    """How many rows ``review_queue`` holds for the same arguments, counted over the reports'
    own tables: the queue's columns join every row's unit and plan, which a count does not
    need (the menu's count of waiting reports, on every page a reviewer opens, and the
    queue's pages)."""
    chosen = [registry.kind(k) for k in kinds] if kinds else registry.kinds()
    parts = [
        queue_filtered(kind, states, unit_id, period, unit_ids, plan).values("pk")
        for kind in chosen
    ]
    first, *rest = parts
    return first.union(*rest, all=True).count() if rest else first.count()


def queue_plans(request, chosen: str = "") -> list:
    """The plans the review queue and the menu's count cover (the review queue spans plans):
    the one ``chosen`` (a code) if the user may see it; else, on a page under a plan's prefix
    (/plans/<code>/reviews/), that plan; else every plan the user may see but drafts."""
    from plan.models import PlanState
    from plan.urlplans import visible_plans

    plans = [p for p in visible_plans(request) if p.state != PlanState.DRAFT]
    picked = [p for p in plans if p.code == chosen]
    if picked:
        return picked
    from_url = getattr(request, "plan_from_url", None)
    if from_url is not None and chosen != "all":
        return [from_url]
    return plans


def returned_to(unit_ids, plan) -> list[dict]:
    """Reports returned to these units and not yet resubmitted, each with the URL of the form
    that revises it (one query)."""
    rows = list(review_queue(states=(ReviewState.RETURNED,), plan=plan, unit_ids=unit_ids))
    for row in rows:
        period = str(Period(row["year"], row["q"])) if row["q"] else str(row["year"])
        row["period"] = period
        kind = registry.kind(row["kind"])
        row["kind_label"] = kind.label
        row["url"] = kind.revise_url(row)
    return rows


def previous_report(report):
    """The same subject's report (same unit) for the period before, or ``None``: the reviewer
    judges a figure against the last one (a jump from 53,690 to 56,000). Two queries."""
    kind = registry.kind_of_model(type(report))
    model = type(report)
    subject, unit_id = (
        model.objects.filter(pk=report.pk).values_list(kind.subject_ref, kind.unit_id_path).first()
    )
    filters = {kind.subject_ref: subject, kind.unit_id_path: unit_id}
    quarter = getattr(report, "quarter", None) if kind.has_quarter else None
    if quarter:
        before = Period(report.year, quarter).previous()
        filters.update(year=before.year, quarter=before.quarter)
    else:
        filters["year"] = report.year - 1
        if kind.has_quarter:
            filters["quarter__isnull"] = True
    return model.objects.filter(**filters).exclude(pk=report.pk).order_by("-pk").first()


def _number(text: str):
    try:
        return Decimal(text.replace(",", ""))
    except (InvalidOperation, AttributeError):
        return None


def change_text(before: str, now: str) -> str:
    """ "+2,310（+4.3%）" between two numbers, "changed" between two texts, "" when equal."""
    if before == now:
        return ""
    old, new = _number(before), _number(now)
    if old is None or new is None:
        return "≠" if before and now else ""
    diff = new - old
    shown = f"{diff:+,.2f}".rstrip("0").rstrip(".")
    if old:
        return f"{shown}（{diff / abs(old) * 100:+.1f}%）"
    return shown


def values_with_previous(report, previous) -> list[tuple[str, str, bool, str, str]]:
    """``reported_values`` with, for each field, the previous period's value and the change."""
    rows = reported_values(report)
    if previous is None:
        return [(label, value, flagged, "", "") for label, value, flagged in rows]
    before = reported_values(previous)
    return [
        (label, value, flagged, old, change_text(old, value))
        for (label, value, flagged), (_label, old, _flagged) in zip(rows, before, strict=True)
    ]
