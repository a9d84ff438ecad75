"""Reads for the coordinating office's review (审核): the queue across the three kinds of report,
one report with what the reviewer needs, and its review timeline.

The transitions themselves are ``plan.review``'s; this module only finds and describes reports.
"""

from dataclasses import dataclass

from django.db.models import CharField, F, IntegerField, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from indicators.models import Observation
from plan.models import ReviewState, TaskReport
from plan.periods import Period
from projects.models import ProjectUpdate


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    model: type
    related: tuple[str, ...]


KINDS = {
    "project": Kind(
        "project", _("project report"), ProjectUpdate, ("project__unit", "project__annex")
    ),
    "task": Kind("task", _("task report"), TaskReport, ("task", "unit")),
    "indicator": Kind(
        "indicator", _("indicator value"), Observation, ("indicator__responsible_unit",)
    ),
}
KIND_OF = {kind.model: kind for kind in KINDS.values()}


def get_report(kind_key: str, pk: int):
    """The report of kind ``kind_key`` (404 if there is none), with what its page shows."""
    kind = KINDS.get(kind_key)
    if kind is None:
        raise Http404("no such kind of report")
    report = kind.model.objects.select_related(*kind.related, "reviewed_by").filter(pk=pk).first()
    if report is None:
        raise Http404("no such report")
    return report


def describe(report) -> dict:
    """What a page says about a report of any kind: its subject, unit, period and links."""
    if isinstance(report, ProjectUpdate):
        project = report.project
        return {
            "kind": KINDS["project"],
            "subject": project.name,
            "subject_url": project.get_absolute_url(),
            "unit": project.unit,
            "period": str(report.period),
            "submitted_at": report.revised_at or report.submitted_at,
        }
    if isinstance(report, TaskReport):
        return {
            "kind": KINDS["task"],
            "subject": str(report.task),
            "subject_url": report.get_absolute_url(),
            "unit": report.unit,
            "period": str(report.period),
            "submitted_at": report.revised_at or report.submitted_at,
        }
    indicator = report.indicator
    period = str(Period(report.year, report.quarter)) if report.quarter else str(report.year)
    return {
        "kind": KINDS["indicator"],
        "subject": indicator.name,
        "subject_url": indicator.get_absolute_url(),
        "unit": indicator.responsible_unit,
        "period": period,
        "submitted_at": report.entered_at,
    }


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


def _queue_rows(kind: Kind, states, unit_id, period: Period | None, unit_ids=None):
    """One kind's rows of the queue as uniform values (for a UNION)."""
    model = kind.model
    filters = {"review_state__in": states}
    if kind.key == "project":
        unit_path, subject, subject_id = "project__unit", F("project__name"), F("project_id")
        when = Coalesce("revised_at", "submitted_at")
        quarter = F("quarter")
    elif kind.key == "task":
        unit_path, subject, subject_id = "unit", F("task__short_title"), F("task__number")
        when = Coalesce("revised_at", "submitted_at")
        quarter = F("quarter")
    else:
        unit_path, subject, subject_id = (
            "indicator__responsible_unit", F("indicator__name"), F("indicator_id")
        )  # fmt: skip
        when = F("entered_at")
        quarter = Coalesce("quarter", Value(0))
    if unit_id:
        filters[f"{unit_path}_id"] = unit_id
    if unit_ids is not None:
        filters[f"{unit_path}_id__in"] = unit_ids
    if period is not None:
        filters.update(year=period.year, quarter=period.quarter)
    return (
        model.objects.filter(**filters)
        .order_by()
        .values("pk", "year", "review_state", "edited_after_approval")
        .annotate(
            kind=Value(kind.key, output_field=CharField()),
            q=Coalesce(quarter, Value(0), output_field=IntegerField()),
            subject=subject,
            subject_id=subject_id,
            unit_name=F(f"{unit_path}__name"),
            unit_pk=F(f"{unit_path}_id"),
            at=when,
            comment=F("review_comment"),
            returned=F("returned_values"),
        )
    )


def review_queue(*, states, kinds=None, unit_id=None, period=None, plan=None, unit_ids=None):
    """Reports in ``states`` across the kinds asked for, newest submission first: one UNION
    query (plus the paginator's count)."""
    chosen = [KINDS[k] for k in (kinds or KINDS)]
    parts = []
    for kind in chosen:
        rows = _queue_rows(kind, states, unit_id, period, unit_ids)
        if plan is not None:
            path = {"project": "project__annex__plan", "task": "task__plan",
                    "indicator": "indicator__plan"}[kind.key]  # fmt: skip
            rows = rows.filter(**{path: plan})
        parts.append(rows)
    first, *rest = parts
    return (
        first.union(*rest, all=True).order_by("-at", "kind", "pk")
        if rest
        else first.order_by("-at", "pk")
    )


def returned_to(unit_ids, plan) -> list[dict]:
    """Reports returned to these units and not yet resubmitted, each with the URL of the form
    that revises it (one query)."""
    rows = list(review_queue(states=(ReviewState.RETURNED,), plan=plan, unit_ids=unit_ids))
    for row in rows:
        period = str(Period(row["year"], row["q"])) if row["q"] else str(row["year"])
        row["period"] = period
        row["kind_label"] = KINDS[row["kind"]].label
        if row["kind"] == "project":
            row["url"] = reverse("projects:project-report", args=[row["subject_id"]])
            row["url"] += f"?period={period}"
        elif row["kind"] == "task":
            args = [row["subject_id"], row["unit_pk"], period]
            row["url"] = reverse("plan:task-report", args=args)
        else:
            row["url"] = reverse("indicators:indicator-detail", args=[row["subject_id"]])
    return rows
