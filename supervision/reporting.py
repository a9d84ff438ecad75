"""Selectors for the reporting cycle: who owes which reports, and what has come in.

Each function runs a fixed number of queries (``values_list`` rows, no per-unit queries) and
hands the rows to ``supervision.completeness``, so the matrix page costs the same for 25 units or
200. Task reports are this app's own; the kinds with one report per subject and quarter (project
reports) come from ``supervision.registry``.
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from plan.models import Plan, Responsibility, Task, Unit
from plan.periods import Period
from plan.permissions import has_member_links
from plan.permissions import unit_ids as unit_ids_of
from supervision.completeness import Matrix, build_matrix
from supervision.models import ReviewState, TaskReport, TaskSummary

from . import registry
from .colours import COLOUR_MARKS, Colour
from .members import member_responsibilities, task_obligations, with_rollups
from .queue import queue_filtered, returned_to

TASKS = "tasks"  # the task reports' matrix; other matrices are the registered kinds'
PROJECTS = "projects"  # the project kind's matrix key (projects.report_kind)


def _periods_filter(periods: list[Period]) -> dict:
    return {"year__gte": periods[0].year, "year__lte": periods[-1].year}


def _local_day(field: str = "submitted_at"):
    """A report's local submission day, worked out by the database: the matrix reads one a
    report (200,000 at all years of 50,000 projects), and converting each moment in Python
    was 40 % of its Python time, then, with the zone looked up once, still 0.2 s a year of
    10,000 projects (issue 22)."""
    return TruncDate(field, tzinfo=timezone.get_current_timezone())


def task_matrix(
    plan: Plan, periods: list[Period], today: dt.date, task: Task | None = None
) -> Matrix:
    """Units down, periods across: each unit owes a report on every task it shares."""
    responsibilities = Responsibility.objects.filter(task__plan=plan)
    reports = TaskReport.objects.filter(task__plan=plan, **_periods_filter(periods))
    if task is not None:
        responsibilities = responsibilities.filter(task=task)
        reports = reports.filter(task=task)
    # A collective with members owes through them (supervision.members).
    owed = task_obligations(responsibilities.order_by("task__number", "order"), periods)
    submissions = {
        (unit_id, task_id, Period(year, quarter)): (day, pk, review, edited)
        for unit_id, task_id, year, quarter, day, pk, review, edited in reports.annotate(
            day=_local_day()
        ).values_list(
            "unit_id", "task_id", "year", "quarter", "day", "pk", "review_state",
            "edited_after_approval",
        )
    }  # fmt: skip
    units = Unit.objects.filter(pk__in=owed.unit_ids).order_by("sort_order", "name")
    if owed.groups:
        units = list(units)
    matrix = build_matrix(
        units=units,
        periods=periods,
        obligations=owed.by_unit,
        submissions=submissions,
        due_dates={p: plan.due_date(p) for p in periods},
        today=today,
        periods_of=owed.periods_of,
    )
    if owed.groups:
        matrix = with_rollups(matrix, owed, {u.pk: u for u in units})
    return matrix


def subject_matrix(
    kind, plan: Plan, periods: list[Period], today: dt.date, task: Task | None = None
) -> Matrix:
    """Units down, periods across: each unit owes a report on every subject of ``kind`` it
    answers for (every project, every quarter)."""
    subjects = kind.subjects(plan, task)
    obligations: dict[int, list[int]] = {}
    for unit_id, subject_id in subjects.values_list("unit_id", "pk"):
        obligations.setdefault(unit_id, []).append(subject_id)
    subject = kind.subject_field
    reports = kind.model.objects.filter(
        **{f"{subject}__in": subjects.order_by()}, **_periods_filter(periods)
    ).order_by()
    # One Period object a quarter, not one a report (a frozen dataclass is slow to build).
    period_of = {(p.year, p.quarter): p for p in plan.reporting_periods}
    submissions = {
        (unit_id, subject_id, period_of.get((year, quarter)) or Period(year, quarter)): (
            day, subject_id, review, edited
        )
        for unit_id, subject_id, year, quarter, day, review, edited in reports.annotate(
            day=_local_day()
        ).values_list(
            f"{subject}__unit_id", f"{subject}_id", "year", "quarter", "day", "review_state",
            "edited_after_approval",
        )
    }  # fmt: skip
    units = Unit.objects.filter(pk__in=subjects.order_by().values("unit_id")).order_by(
        "sort_order", "name"
    )
    return build_matrix(
        units=units,
        periods=periods,
        obligations=obligations,
        submissions=submissions,
        due_dates={p: plan.due_date(p) for p in periods},
        today=today,
    )


def matrix_for(key: str, plan: Plan, periods: list[Period], today: dt.date, task=None) -> Matrix:
    """The matrix of ``key``: ``TASKS``, or a registered kind's ``matrix_key``."""
    kind = registry.matrix_kind(key)
    if kind is None:
        return task_matrix(plan, periods, today, task)
    return subject_matrix(kind, plan, periods, today, task)


@dataclass
class DeadlineSection:
    """The matrix's section for a kind with deadlines of its own (supervision items): each unit
    with its coloured items (as lead or co-unit), and the plan's, each count with the link to
    exactly those rows in the kind's list."""

    kind: object
    rows: list  # (unit, [(colour, its mark as text, count, url)]) in the units' order
    totals: list  # [(colour, its mark as text, count, url)] over distinct rows

    @property
    def colours(self) -> list[str]:
        return Colour.MARKED


def deadline_sections(plan: Plan, today: dt.date) -> list[DeadlineSection]:
    """One section per registered kind with deadlines of its own: red (overdue), yellow
    (returned) and blue (due soon) by unit. The kind's own queries (two for items)."""
    sections = []
    marks = {c: f"{COLOUR_MARKS[c][0]} {COLOUR_MARKS[c][1]}" for c in Colour.MARKED}
    for kind in registry.deadline_kinds():
        by_unit: dict[int, tuple] = {}
        totals = Counter()
        for deadline in kind.deadlines(plan, today, 0):
            if deadline.colour == Colour.NONE:
                continue
            totals[deadline.colour] += 1
            for unit in deadline.units:
                by_unit.setdefault(unit.pk, (unit, Counter()))[1][deadline.colour] += 1
        if not by_unit:  # the page says there is nothing; no row, no links to build
            sections.append(DeadlineSection(kind, [], []))
            continue

        def cells(unit_id, counts, link=kind.deadline_list_url):
            # a link only where there is a count to open (a zero is shown as plain text)
            return [
                (c, marks[c], counts[c], link(plan, unit_id, c) if counts[c] else "")
                for c in Colour.MARKED
            ]

        rows = [
            (unit, cells(unit.pk, counts))
            for unit, counts in sorted(by_unit.values(), key=lambda r: (r[0].sort_order, r[0].name))
        ]
        sections.append(DeadlineSection(kind, rows, cells(None, totals)))
    return sections


def owed_subjects(kind, plan: Plan, unit_ids, period: Period):
    """Subjects of ``kind`` of the units with no report for ``period`` (one query)."""
    in_period = {"year": period.year, "quarter": period.quarter}
    reported = kind.model.objects.filter(**{kind.subject_field: OuterRef("pk")}, **in_period)
    return (
        kind.subjects(plan)
        .filter(unit_id__in=unit_ids)
        .exclude(Exists(reported))
        .select_related("unit", *kind.subject_related)
    )


@dataclass
class ToDo:
    """What a staff member's units still owe for one period."""

    period: Period
    due: dt.date
    task_reports: list  # Responsibility rows without a report
    summaries: list  # lead Responsibility rows without a summary
    owed: list  # (kind, subjects without a report) for each registered kind with subjects
    returned: list = field(default_factory=list)  # reports returned to the units, any period
    notices: list = field(default_factory=list)  # reviewers' reminders (催办) to the units
    closed_on: dt.date | None = None  # the period is closed for reporting since this day

    @property
    def count(self) -> int:
        owed = len(self.task_reports) + len(self.summaries)
        owed += sum(len(subjects) for _kind, subjects in self.owed)
        return owed + len(self.returned)

    @property
    def owed_lines(self) -> list[dict]:
        """One to-do line per kind that has owed subjects: its text, link and subjects."""
        return [
            {"text": kind.owed_text(len(subjects)), "url": kind.owed_url(), "subjects": subjects}
            for kind, subjects in self.owed
            if subjects
        ]

    def owed_of(self, key: str) -> list:
        """The subjects of the kind ``key`` still owing a report (e.g. ``"project"``)."""
        return next((subjects for kind, subjects in self.owed if kind.key == key), [])


def _members_may_owe(user, unit_ids) -> bool:
    """Whether the units may owe member reports of a collective (supervision.members): the
    user's units take part in a membership, or the units asked for are not the user's own."""
    return has_member_links(user) or not set(unit_ids) <= unit_ids_of(user)


def owes_anything(user, unit_ids, plan: Plan) -> bool:
    """Whether ``todo_for`` could find anything for these units in ``plan``: a task they answer
    for, a subject of theirs (a project), or a report returned to them; or they take part in
    a collective's membership, whose tasks members owe. One query of EXISTS tests, so that the
    to-do of another plan the units have no part in costs next to nothing (its seven queries
    found nothing, a fifth of My projects' time)."""
    if _members_may_owe(user, unit_ids):
        return True
    tests = {
        "owes_tasks": Exists(Responsibility.objects.filter(task__plan=plan, unit_id__in=unit_ids))
    }
    for kind in registry.matrix_kinds():
        tests[f"owes_{kind.key}"] = Exists(kind.subjects(plan).filter(unit_id__in=unit_ids))
    for kind in registry.kinds():
        returned = queue_filtered(kind, (ReviewState.RETURNED,), None, None, unit_ids, plan)
        tests[f"returned_{kind.key}"] = Exists(returned)
    found = Plan.objects.filter(pk=plan.pk).annotate(**tests).values_list(*tests).first()
    return bool(found and any(found))


def todo_for(user, unit_ids, plan: Plan, period: Period) -> ToDo:
    """The reports ``user``'s units have not yet submitted for ``period``, and those returned
    to them by the reviewers (owed task reports and summaries together in one query, one per
    registered kind with subjects, e.g. projects, and one for the returned reports)."""
    in_period = {"year": period.year, "quarter": period.quarter}
    responsibilities = (
        Responsibility.objects.filter(task__plan=plan, unit_id__in=unit_ids)
        .select_related("task", "unit")
        .order_by("task__number", "order")
    )
    # Reports and lead summaries owed, in one query: each responsibility says which it owes.
    owing = list(
        responsibilities.annotate(
            has_report=Exists(
                TaskReport.objects.filter(task=OuterRef("task"), unit=OuterRef("unit"), **in_period)
            ),
            has_summary=Exists(TaskSummary.objects.filter(task=OuterRef("task"), **in_period)),
        ).filter(Q(has_report=False) | Q(order=1, has_summary=False))
    )
    # Members of a collective owe its tasks' reports, and the collective none of its own
    # (supervision.members).
    members_owe, collectives = [], set()
    if _members_may_owe(user, unit_ids):
        members_owe, collectives = member_responsibilities(plan, unit_ids, period)
    owed_reports = [r for r in owing if not r.has_report and r.unit_id not in collectives]
    owed_reports += [r for r in members_owe if not r.has_report]
    owed_summaries = [r for r in owing if r.order == 1 and not r.has_summary]
    return ToDo(
        period=period,
        due=plan.due_date(period),
        task_reports=list(owed_reports),
        summaries=list(owed_summaries),
        owed=[(k, list(owed_subjects(k, plan, unit_ids, period))) for k in registry.matrix_kinds()],
        returned=returned_to(unit_ids, plan),
    )
