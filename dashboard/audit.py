"""The audit trail: every recorded change, from the history tables of every audited model.

Each source is one history table; a page runs two queries per source (a count, and the newest
rows it could need), merges them in Python and slices the page, so the cost does not grow with
the length of the history.
"""

import datetime as dt
import functools
import heapq
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from indicators.models import Indicator, Observation, Target
from plan.models import Unit, UnitMembership
from plan.urlplans import plan_code, plan_url
from projects.models import Project, ProjectUpdate
from supervision.models import (
    Evidence,
    ReminderNotice,
    ReopenRequest,
    SupervisionItem,
    TaskReport,
    TaskSummary,
)


@dataclass(frozen=True)
class Source:
    key: str
    label: str
    model: type  # the historical model
    unit_field: str | None  # how a row names the unit it belongs to
    related: tuple[str, ...]
    name: object  # historical row -> what to call the object
    url: object  # historical row -> the object's page
    plan: object = None  # historical row -> the id of the plan it belongs to (None: shared)


def _sources() -> list[Source]:
    user_history = get_user_model().history.model
    return [
        Source("project", _("project"), Project.history.model, "unit_id", ("annex",),
               lambda r: r.name, lambda r: reverse("projects:project-detail", args=[r.id]),
               lambda r: r.annex.plan_id if r.annex else None),
        Source("project-report", _("progress report"), ProjectUpdate.history.model,
               "project__unit_id", ("project__annex",),
               lambda r: f"{r.project.name} {r.year}Q{r.quarter}",
               lambda r: reverse("projects:project-detail", args=[r.project_id]),
               lambda r: r.project.annex.plan_id if r.project and r.project.annex else None),
        Source("task-report", _("task report"), TaskReport.history.model, "unit_id",
               ("task", "unit"),
               lambda r: f"{r.task.short_title} · {r.unit.name} {r.year}Q{r.quarter}",
               lambda r: reverse("supervision:task-report-detail", args=[r.id]),
               lambda r: r.task.plan_id if r.task else None),
        Source("task-summary", _("task summary"), TaskSummary.history.model, None, ("task",),
               lambda r: f"{r.task.short_title} {r.year}Q{r.quarter}",
               lambda r: plan_url(r.task.plan_id, "plan:task-detail", r.task.number),
               lambda r: r.task.plan_id if r.task else None),
        Source("evidence", _("evidence file"), Evidence.history.model, "unit_id", (),
               lambda r: r.name, lambda r: reverse("supervision:evidence-download", args=[r.id])),
        Source("indicator", _("indicator"), Indicator.history.model, "responsible_unit_id", (),
               lambda r: r.name, lambda r: reverse("indicators:indicator-detail", args=[r.id]),
               lambda r: r.plan_id),
        Source("target", _("target"), Target.history.model, "indicator__responsible_unit_id",
               ("indicator",), lambda r: f"{r.indicator.name} {r.year}",
               lambda r: reverse("indicators:indicator-detail", args=[r.indicator_id]),
               lambda r: r.indicator.plan_id if r.indicator else None),
        Source("value", _("actual value"), Observation.history.model,
               "indicator__responsible_unit_id", ("indicator",),
               lambda r: f"{r.indicator.name} {r.year}" + (f"Q{r.quarter}" if r.quarter else ""),
               lambda r: reverse("indicators:indicator-detail", args=[r.indicator_id]),
               lambda r: r.indicator.plan_id if r.indicator else None),
        Source("unit", _("unit"), Unit.history.model, "id", (), lambda r: r.name,
               lambda r: reverse("plan:unit-detail", args=[r.id])),
        Source("membership", _("unit membership"), UnitMembership.history.model, "unit_id",
               ("user", "unit"), lambda r: f"{r.user.username} @ {r.unit.name}",
               lambda r: reverse("plan:unit-detail", args=[r.unit_id])),
        Source("user", _("user"), user_history, None, (), lambda r: r.username,
               lambda r: reverse("admin:auth_user_change", args=[r.id])),
        Source("reopen", _("reopening"), ReopenRequest.history.model, "unit_id", ("unit",),
               lambda r: f"{r.unit.name} {r.year}Q{r.quarter} · {r.subject}",
               lambda r: reverse("supervision:reopen-list") + f"#reopen-{r.id}",
               lambda r: r.plan_id),
        Source("reminder", _("reminder (催办)"), ReminderNotice.history.model, "unit_id",
               ("unit",), lambda r: f"{r.unit.name} {r.year}Q{r.quarter}",
               lambda r: plan_url(r.plan_id, "supervision:unit-period-reports", r.unit_id,
                                  f"{r.year}Q{r.quarter}"),
               lambda r: r.plan_id),
        Source("item", _("supervision item"), SupervisionItem.history.model, "lead_unit_id",
               (), lambda r: f"#{r.id} {r.instruction[:40]}",
               lambda r: reverse("supervision:item-detail", args=[r.id]),
               lambda r: r.plan_id),
    ]  # fmt: skip


@functools.cache
def sources() -> list[Source]:
    """Built on first use, once the apps are ready."""
    return _sources()


ACTIONS = {"+": _("created"), "~": _("changed"), "-": _("deleted")}


@dataclass
class Entry:
    when: dt.datetime
    who: object
    kind: str
    action: str
    name: str
    url: str | None
    reason: str
    plan: str = ""  # the code of the plan the object belongs to ("" for shared ones)


@dataclass(frozen=True)
class AuditFilter:
    user_id: int | None = None
    unit_id: int | None = None
    kind: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None


def _queryset(source: Source, f: AuditFilter):
    queryset = source.model.objects.all()
    if f.user_id:
        queryset = queryset.filter(history_user_id=f.user_id)
    if f.unit_id:
        if source.unit_field is None:
            return queryset.none()
        queryset = queryset.filter(**{source.unit_field: f.unit_id})
    if f.since:
        queryset = queryset.filter(history_date__date__gte=f.since)
    if f.until:
        queryset = queryset.filter(history_date__date__lte=f.until)
    return queryset


def _chosen(f: AuditFilter) -> list[Source]:
    return [s for s in sources() if f.kind in (None, "", s.key)]


def count(f: AuditFilter) -> int:
    return sum(_queryset(s, f).count() for s in _chosen(f))


def _plan_code(source: Source, row) -> str:
    """The audit trail spans plans: each entry names the plan its object belongs to."""
    plan_id = source.plan(row) if source.plan else None
    return plan_code(plan_id) if plan_id else ""


def entries(f: AuditFilter, offset: int, limit: int) -> list[Entry]:
    """Entries ``offset`` to ``offset + limit`` of the whole trail, newest first."""
    streams = []
    for source in _chosen(f):
        rows = (
            _queryset(source, f)
            .select_related("history_user", *source.related)
            .order_by("-history_date", "-history_id")[: offset + limit]
        )
        streams.append([(row.history_date, source, row) for row in rows])
    merged = heapq.merge(*streams, key=lambda item: item[0], reverse=True)
    result = []
    for index, (when, source, row) in enumerate(merged):
        if index < offset:
            continue
        if len(result) == limit:
            break
        result.append(
            Entry(
                when=when,
                who=row.history_user,
                kind=str(source.label),
                action=str(ACTIONS.get(row.history_type, row.history_type)),
                name=str(source.name(row)),
                url=source.url(row) if row.history_type != "-" else None,
                reason=row.history_change_reason or "",
                plan=_plan_code(source, row),
            )
        )
    return result
