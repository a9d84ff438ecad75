"""The kinds of report the supervision cycle handles, and the registry the apps above fill in.

``supervision`` knows its own kind (the task report) and nothing of projects or indicators: it
may not import the apps that hold them (DESIGN.md: ``plan`` <- ``supervision`` <- ``projects``,
``indicators`` <- ``dashboard``). Each of those apps describes its report in a ``ReportKind``
and registers it in its ``AppConfig.ready()``, the way apps register with the admin. The review
queue, the review page, the to-do, the reporting matrix, the reminder digest and the reopen
forms iterate ``kinds()``: a new kind of report registers once and appears in all of them.

A kind says how to reach, from one of its reports (a row of ``model``, a ``Reviewable``):

- its unit (``unit_path``) and its plan (``plan_path``), as ORM paths;
- what it reports on (``subject_name``, ``subject_ref``) and when it was submitted
  (``submitted``), as ORM expressions for the queue's one UNION query;
- its page (``describe``) and the form that revises it once returned (``revise_url``).

Kinds whose units owe one report per subject per quarter (projects: every project, every
quarter) also give ``subjects``: the matrix, the to-do and the digest count what is owed from it.

A kind whose rows are not ``Reviewable`` (supervision items: answered, then closed or returned by
the office) says how its own states read as review states (``review_states``) and gives, as
expressions, the queue's columns a ``Reviewable`` has as fields (``review_columns``); it is
reviewed on its own page (``review_url``), one at a time. A kind whose rows carry their own
deadline (an item, due on the day the office set) gives ``deadlines``: the reporting matrix's
section of deadlines, the reminder digest and the three colours reach them through it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Expression, F, QuerySet, Value
from django.db.models.functions import Coalesce


@dataclass(frozen=True)
class Deadline:
    """One obligation with a deadline of its own that its units still have to act on (a
    supervision item assigned, in progress or returned), as the matrix's deadline section and
    the reminder digest see it."""

    pk: int
    units: tuple  # the units that answer for it (the lead unit first), ``Unit`` rows
    due: dt.date
    colour: str  # supervision.colours
    text: str  # what the digest says of it
    url: str  # its page (without the site's address)
    key: str  # what identifies it and its state, for the digest's fingerprint


@dataclass(frozen=True)
class ReportKind:
    """What the supervision cycle needs to know about one kind of report."""

    key: str  # in URLs: /reviews/<key>/<pk>/
    label: Any  # "project report", translated lazily
    model: type  # the report model, a subclass of supervision.models.Reviewable
    related: tuple[str, ...]  # select_related for one report's page
    unit_path: str  # from a report to its unit, e.g. "project__unit"
    plan_path: str  # from a report to its plan, e.g. "project__annex__plan"
    subject_name: str  # from a report to its subject's name, e.g. "project__name"
    subject_ref: str  # what links to the subject, e.g. "project_id"
    describe: Callable[[Any], dict]  # subject, subject_url, unit, period, submitted_at
    revise_url: Callable[[dict], str]  # a queue row -> the form that revises the report
    submitted: Callable[[], Expression] = lambda: Coalesce("revised_at", "submitted_at")
    quarterly: bool = True  # False: yearly values whose quarter may be empty
    has_quarter: bool = True  # False: the model has no quarter at all (a year's batch)
    has_files: bool = True  # reports of this kind carry evidence files
    order: int = 50  # place in lists and tabs

    # Kinds with periodic obligations (one report per subject and quarter):
    subject_field: str = ""  # the report's foreign key to its subject, e.g. "project"
    subjects: Callable[..., QuerySet] | None = None  # (plan, task=None) -> subjects
    subject_related: tuple[str, ...] = ()  # select_related for owed subjects
    subject_url: Callable[[int], str] | None = None  # a subject's id -> its page
    matrix_key: str = ""  # the matrix tab's key in URLs and reminders, e.g. "projects"
    matrix_label: Any = ""  # its title, e.g. "Project reports"
    owed_text: Callable[[int], str] | None = None  # "Report on 3 projects"
    owed_url: Callable[[], str] | None = None  # where a unit's owed subjects are listed
    report_url: Callable[[Any, Any], str] | None = None  # (subject, period) -> report form
    digest_text: Callable[[Any, Any, str], str] | None = None  # (subject, period, due)

    # The reminder digest's line for a report returned to the unit.
    returned_text: Callable[[Any], str] = str

    # Kinds a unit may ask to reopen one subject of: the ReopenScope value and the lookup.
    reopen_scope: str = ""
    reopen_subject: Callable[[Any, int, int], str | None] | None = None  # (plan, id, unit_id)

    # A unit's page of one period: the subjects' column heading and the line when it has none.
    subject_heading: Any = ""
    none_text: Any = ""

    # What the review page shows of a report beyond its reported fields (a batch's values):
    # a template included under "The report", and its context from the report.
    detail_template: str = ""
    detail_context: Callable[[Any], dict] | None = None

    # A kind whose rows are not ``Reviewable``: its state field, each review state's value in
    # it (``ReviewState`` value -> the model's), the queue's columns a ``Reviewable`` has as
    # fields (year, review_state, edited_after_approval, comment, returned) as expressions, the
    # field holding the office's comment and the one that dates a return (the digest's key).
    state_field: str = "review_state"
    review_states: dict[str, str] | None = None
    review_columns: Callable[[], dict[str, Expression]] | None = None
    comment_field: str = "review_comment"
    returned_stamp_field: str = "reviewed_at"
    # Where one row is reviewed (its id -> URL) when not on the review page; such rows are
    # reviewed one at a time (no bulk approval). ``period_filter``: a period -> the lookups of
    # the rows in it, for a model without year and quarter fields.
    review_url: Callable[[int], str] | None = None
    period_filter: Callable[[Any], dict] | None = None

    # Kinds whose rows carry their own deadline: the matrix section's title, the deadlines of a
    # plan (plan, today, within_days, unit_ids=None) -> [Deadline] (those coloured or due
    # within ``within_days``; of ``unit_ids`` only, when given), and the kind's list of one
    # unit's (or every unit's, ``None``) rows of one colour: (plan, unit id, colour) -> URL.
    deadline_label: Any = ""
    deadlines: Callable[..., list[Deadline]] | None = None
    deadline_list_url: Callable[[Any, int | None, str], str] | None = None

    @property
    def unit_id_path(self) -> str:
        return f"{self.unit_path}_id"

    @property
    def bulk_approval(self) -> bool:
        """Rows reviewed on the review page may be approved together from the queue."""
        return self.review_url is None

    def state_values(self, states) -> list[str]:
        """The model's values of these review states."""
        if self.review_states is None:
            return list(states)
        return [self.review_states[s] for s in states if s in self.review_states]

    def state_filter(self, states) -> dict:
        """Lookups for the rows in these review states."""
        return {f"{self.state_field}__in": self.state_values(states)}

    def quarter_expression(self) -> Expression:
        if not self.has_quarter:
            return Value(0)
        return F("quarter") if self.quarterly else Coalesce("quarter", Value(0))


_KINDS: dict[str, ReportKind] = {}


def register(kind: ReportKind) -> None:
    """Add a kind of report; an app calls this from its ``AppConfig.ready()``."""
    existing = _KINDS.get(kind.key)
    if existing is not None and existing.model is not kind.model:
        raise ValueError(f"report kind {kind.key!r} is already registered")
    _KINDS[kind.key] = kind


def kinds() -> list[ReportKind]:
    """Every registered kind, in their order (task reports, project reports, values, ...)."""
    return sorted(_KINDS.values(), key=lambda kind: (kind.order, kind.key))


def kind(key: str) -> ReportKind | None:
    return _KINDS.get(key)


def kind_of_model(model: type) -> ReportKind | None:
    return next((k for k in _KINDS.values() if k.model is model), None)


def matrix_kinds() -> list[ReportKind]:
    """Kinds whose units owe one report per subject and quarter: each has a matrix tab."""
    return [k for k in kinds() if k.subjects is not None]


def matrix_kind(key: str) -> ReportKind | None:
    return next((k for k in matrix_kinds() if k.matrix_key == key), None)


def deadline_kinds() -> list[ReportKind]:
    """Kinds whose rows carry their own deadline: each has a section below the matrix."""
    return [k for k in kinds() if k.deadlines is not None]


def reopen_kinds() -> dict[str, ReportKind]:
    """Kinds whose single subjects can be reopened, by their ReopenScope value."""
    return {k.reopen_scope: k for k in kinds() if k.reopen_scope}
