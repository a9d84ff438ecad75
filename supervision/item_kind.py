"""The supervision item (督办件) as a kind of the supervision cycle (``supervision.registry``).

An item is not a ``Reviewable``: its unit *answers* it, and the office *closes* it (办结) or
*returns* it with a comment. Those read as the review states (answered = waiting for review,
closed = approved, returned = returned), so the review queue, the menu's count of what waits,
the unit's to-do of returned work and the digest's returned section list items beside reports;
an item is reviewed on its own page, where its timeline and files are. Its deadline is its own
(not a quarter's due date): the reporting matrix's section of deadlines and the digest's overdue
and due-soon lines reach it through ``deadlines``, coloured by ``colours.deadline_colour``.
"""

import datetime as dt

from django.db.models import BooleanField, Case, CharField, F, JSONField, Q, Value, When
from django.db.models.functions import Coalesce, ExtractYear, Substr
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plan.urlplans import plan_url, short_url

from .colours import Colour, blue_days
from .models import ItemState, ReviewState, SupervisionItem
from .registry import Deadline, ReportKind

# How an item's states read in the review cycle.
REVIEW_STATES = {
    ReviewState.SUBMITTED: ItemState.ANSWERED,
    ReviewState.RETURNED: ItemState.RETURNED,
    ReviewState.APPROVED: ItemState.CLOSED,
}
SUBJECT_LENGTH = 60  # the queue shows the instruction's beginning as what the item is about


def _review_columns() -> dict:
    """The queue's columns a Reviewable has as fields: the deadline's year stands for the
    period; a returned-then-answered item is flagged like a report resubmitted after a return
    (its office comment stays)."""
    return {
        "year": Coalesce(ExtractYear("deadline"), ExtractYear("given_on")),
        "review_state": Case(
            *[When(state=own, then=Value(str(state))) for state, own in REVIEW_STATES.items()],
            default=Value(""),
            output_field=CharField(),
        ),
        "edited_after_approval": Value(False, output_field=BooleanField()),
        "subject": Substr("instruction", 1, SUBJECT_LENGTH),
        "comment": F("office_comment"),
        "returned": Case(
            When(office_comment="", then=Value({}, output_field=JSONField())),
            default=Value({"office_comment": True}, output_field=JSONField()),
            output_field=JSONField(),
        ),
    }


def _describe(item) -> dict:
    return {
        "subject": item.instruction[:SUBJECT_LENGTH],
        "subject_url": item.get_absolute_url(),
        "unit": item.lead_unit,
        "period": str(item.deadline.year if item.deadline else item.given_on.year),
        "submitted_at": item.answered_at,
    }


def _returned_text(item) -> str:
    return _("supervision item #%(pk)s %(text)s") % {"pk": item.pk, "text": item.instruction[:40]}


def _deadlines(plan, today: dt.date, within_days: int, unit_ids=None) -> list[Deadline]:
    """The plan's items the units still owe work on (assigned, in progress, returned) that are
    coloured or due within ``within_days``; of ``unit_ids`` (as lead or co-unit) when given.
    Two queries (the items, their co-units)."""
    from .items import item_colour

    soon = today + dt.timedelta(days=max(within_days, blue_days()))
    rows = (
        SupervisionItem.objects.filter(plan=plan, deadline__isnull=False)
        .filter(state__in=[ItemState.ASSIGNED, ItemState.IN_PROGRESS, ItemState.RETURNED])
        .filter(Q(deadline__lte=soon) | Q(state=ItemState.RETURNED))
    )
    if unit_ids is not None:
        rows = rows.filter(Q(lead_unit_id__in=unit_ids) | Q(co_units__in=unit_ids)).distinct()
    rows = rows.select_related("lead_unit").prefetch_related("co_units").order_by("deadline", "pk")
    found = []
    for item in rows:
        colour = item_colour(item, today)
        if colour == Colour.NONE and item.deadline > today + dt.timedelta(days=within_days):
            continue
        text = _("Supervision item #%(pk)s: %(text)s (deadline %(due)s)") % {
            "pk": item.pk, "text": item.instruction[:60], "due": item.deadline.isoformat(),
        }  # fmt: skip
        found.append(
            Deadline(
                pk=item.pk,
                units=(item.lead_unit, *item.co_units.all()),
                due=item.deadline,
                colour=colour,
                text=text,
                url=item.get_absolute_url(),
                key=f"item:{item.pk}:{item.state}:{item.deadline}",
            )
        )
    return found


def _list_url(plan, unit_id: int | None, colour: str) -> str:
    """The item list of one colour, of one unit (as lead or co-unit, as the list filters)."""
    query = f"?colour={colour}" + (f"&unit={int(unit_id)}" if unit_id else "")
    return plan_url(plan, "supervision:item-list") + query


def _period_filter(period) -> dict:
    """Items due in the period."""
    return {"deadline__gte": period.first_day, "deadline__lte": period.last_day}


def item_kind() -> ReportKind:
    return ReportKind(
        key="item",
        label=gettext_lazy("supervision item"),
        model=SupervisionItem,
        related=("lead_unit", "plan"),
        unit_path="lead_unit",
        plan_path="plan",
        subject_name="instruction",  # replaced by its beginning (``_review_columns``)
        subject_ref="pk",
        describe=_describe,
        revise_url=lambda row: short_url("supervision:item-detail", row["pk"]),
        submitted=lambda: F("answered_at"),
        quarterly=False,
        has_quarter=False,
        order=60,
        returned_text=_returned_text,
        state_field="state",
        review_states={str(k): str(v) for k, v in REVIEW_STATES.items()},
        review_columns=_review_columns,
        comment_field="office_comment",
        returned_stamp_field="answered_at",
        review_url=lambda pk: short_url("supervision:item-detail", pk),
        period_filter=_period_filter,
        deadline_label=gettext_lazy("Supervision items"),
        deadlines=_deadlines,
        deadline_list_url=_list_url,
    )
