"""The indicator value (指标实际值) as a kind of report of the supervision cycle.

Registered in ``IndicatorsConfig.ready()``: the review queue and page, the digest and the reopen
form reach indicator values through it, so that ``supervision`` never imports this app. Values
are yearly (a quarter is optional) and owed by no schedule, so the kind has no matrix tab.

Peer values (``PeerBatch``) are a kind of their own: a year's values of the group, imported or
typed in the browser, reviewed as one batch in the same queue; the review page shows the batch's
values (``detail_template``).
"""

from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plan.periods import Period
from supervision.models import ReopenScope, ReviewState
from supervision.registry import ReportKind

from .models import Indicator, Observation, PeerBatch, PeerGroup, shown
from .progress import competition_ranks


def _describe(report) -> dict:
    indicator = report.indicator
    period = str(Period(report.year, report.quarter)) if report.quarter else str(report.year)
    return {
        "subject": indicator.name,
        "subject_url": indicator.get_absolute_url(),
        "unit": indicator.responsible_unit,
        "period": period,
        "submitted_at": report.entered_at,
    }


def _returned_text(report) -> str:
    return _("indicator value %(what)s") % {"what": report}


def _reopen_subject(plan, object_id: int, unit_id: int) -> str | None:
    indicator = Indicator.objects.filter(plan=plan, pk=object_id, responsible_unit_id=unit_id)
    indicator = indicator.first()
    return _("indicator %(name)s") % {"name": indicator.name} if indicator else None


def indicator_value_kind() -> ReportKind:
    return ReportKind(
        key="indicator",
        label=gettext_lazy("indicator value"),
        model=Observation,
        related=("indicator__responsible_unit",),
        unit_path="indicator__responsible_unit",
        plan_path="indicator__plan",
        subject_name="indicator__name",
        subject_ref="indicator_id",
        describe=_describe,
        revise_url=lambda row: reverse("indicators:indicator-detail", args=[row["subject_id"]]),
        submitted=lambda: F("entered_at"),
        quarterly=False,
        has_files=False,
        returned_text=_returned_text,
        order=30,
        reopen_scope=ReopenScope.INDICATOR,
        reopen_subject=_reopen_subject,
    )


# Peer values (同类城市数值): one batch per import or browser entry, reviewed whole.


def _describe_batch(batch) -> dict:
    indicator = batch.indicator
    return {
        "subject": _("%(name)s: values of %(group)s")
        % {"name": indicator.name, "group": indicator.peer_group or "—"},
        "subject_url": f"{indicator.get_absolute_url()}?year={batch.year}#peers",
        "unit": indicator.responsible_unit,
        "period": str(batch.year),
        "submitted_at": batch.entered_at,
    }


def _batch_detail(batch) -> dict:
    """The batch's values, each with its rank in the batch, against those it had when it was
    returned (if it was), and the members of that year without a value: what the reviewer
    approves or returns (one query for the values, one for the members)."""
    indicator = batch.indicator
    measure = batch.measure
    values = {v.place: getattr(v, measure) for v in batch.values.all()}
    members = []
    if indicator.peer_group_id:
        members = PeerGroup.members_in(indicator.peer_group.members.all(), batch.year)
    home = next((m.place for m in members if m.is_home), None)
    lower = indicator.published_ranks or indicator.direction == Indicator.Direction.LOWER
    ranks = competition_ranks(values, lower)
    before = (batch.returned_values or {}).get("values")
    # the year's table approved before this batch, if any: what approving it would change
    approved = (
        PeerBatch.objects.filter(indicator_id=batch.indicator_id, year=batch.year,
                                 review_state=ReviewState.APPROVED, pk__lt=batch.pk)
        .order_by("-pk").first()
    )  # fmt: skip
    was = {} if approved is None else {v.place: getattr(v, measure) for v in approved.values.all()}
    rows = []
    for place in [m.place for m in members] + sorted(set(values) - {m.place for m in members}):
        now = shown(values.get(place))
        rows.append({
            "place": place, "value": now, "rank": ranks.get(place), "is_home": place == home,
            "member": any(m.place == place for m in members),
            "before": None if before is None else before.get(place, ""),
            "approved": shown(was.get(place)),
        })  # fmt: skip
    rows.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0, r["place"]))
    return {
        "rows": rows,
        "measure_label": _("Published rank") if indicator.published_ranks else _("Value"),
        "file_name": batch.file_name,
        "entered_by": batch.entered_by,
        "returned_before": before is not None,
        "approved_batch": approved,
        "group": indicator.peer_group,
    }


def _returned_batch_text(batch) -> str:
    return _("peer values %(what)s") % {"what": f"{batch.indicator.name} {batch.year}"}


def _revise_batch_url(row) -> str:
    url = reverse("indicators:peer-entry", args=[row["subject_id"]])
    return f"{url}?year={row['year']}"


def peer_batch_kind() -> ReportKind:
    return ReportKind(
        key="peers",
        label=gettext_lazy("peer values"),
        model=PeerBatch,
        related=("indicator__responsible_unit", "indicator__peer_group", "entered_by"),
        unit_path="indicator__responsible_unit",
        plan_path="indicator__plan",
        subject_name="indicator__name",
        subject_ref="indicator_id",
        describe=_describe_batch,
        revise_url=_revise_batch_url,
        submitted=lambda: F("entered_at"),
        quarterly=False,
        has_quarter=False,
        has_files=False,
        returned_text=_returned_batch_text,
        order=40,
        detail_template="indicators/includes/peer_batch_review.html",
        detail_context=_batch_detail,
    )
