"""A past quarter's briefing as at the quarter's close (issue 23): its indicator and reporting
figures, so that a briefing made later reads the same.

The moment is the one the project figures use (``cockpit.as_at_cutoff``: the end of the period's
close date, else of the quarter after it), and the rule the changes page's: a period's state is
what had been reported for it, and for the periods before it, by then. A report counts when it was
first submitted before the cutoff; its review state (and comment) is the one its history held at
the cutoff. A review dated after the cutoff did not exist then, whatever a history row written in
bulk says; a row without history before the cutoff (loaded in bulk) counts as reviewed when its
review is dated before it. An indicator value is read the same way, from its own history: a value
entered, corrected or approved after the cutoff leaves the briefing as it was; a target revised
after the cutoff counts at its value before the revision (``TargetRevision``).

What this does not reconstruct: a peer group's batches for years up to the period that were
entered after the cutoff (the ranks then are computed from the batches in force today, for the
years up to the period only).
"""

from dataclasses import dataclass

from django.utils import timezone

from indicators.models import Indicator, Observation, TargetRevision
from indicators.progress import STATUS_LABELS
from indicators.selectors import attach_targets_and_peers, progress_of
from plan.models import Plan, Responsibility, Unit
from plan.periods import Period
from projects.models import ProjectStatus, ProjectUpdate
from supervision.completeness import build_matrix
from supervision.members import task_obligations, with_rollups
from supervision.models import ReviewState, TaskReport

from . import changes, cockpit

REVIEW_COLUMNS = ("review_state", "review_comment", "reviewed_at", "edited_after_approval")


def as_at_day(plan: Plan, period: Period):
    """The day the past period's figures are read on: the day after its cutoff's last day."""
    return timezone.localtime(cockpit.as_at_cutoff(plan, period)).date()


def review_as_at(history_row, current_row, cutoff) -> tuple[str, str, bool]:
    """``(review_state, comment, edited_after_approval)`` of a report at ``cutoff``, from the
    review columns its history held then (``history_row``, see ``_history_as_at``), else from
    the report itself (``current_row``); a review dated after the cutoff had not happened."""
    row = current_row if history_row is None else history_row
    state, comment, reviewed_at, edited = row
    if state != ReviewState.SUBMITTED and (reviewed_at is None or reviewed_at >= cutoff):
        return ReviewState.SUBMITTED, "", False
    return state, comment, bool(edited)


def pick_as_at(rows, cutoff) -> dict:
    """From history rows ``(id, history_date, history_type, *values)`` in date order, each
    row's ``(values, recorded_before)`` at ``cutoff``: its latest row before it; for a row
    without one (loaded in bulk, its history dated when it was loaded), the first row recorded,
    as it was then (a row created without history and changed after the cutoff is read as
    changed: its state before is not recorded). ``values`` is ``None`` for a row deleted by the
    cutoff."""
    before, first = {}, {}
    for pk, at, kind, *values in rows:
        if at < cutoff:
            before[pk] = (None if kind == "-" else values, True)
        elif pk not in first:
            first[pk] = (None if kind == "-" else values, False)
    return {**first, **before}


def _history_as_at(model, cutoff, **filters) -> dict:
    """``{report id: its review columns at cutoff}`` (``pick_as_at``, one query)."""
    rows = (
        model.history.filter(**filters)
        .order_by("history_date", "history_id")
        .values_list("id", "history_date", "history_type", *REVIEW_COLUMNS)
    )
    picked = pick_as_at(rows, cutoff).items()
    return {pk: values and tuple(values) for pk, (values, _before) in picked}


@dataclass
class Reporting:
    """The reporting figures of a past period as at its close."""

    matrix: object  # the task reports' matrix (supervision.completeness.Matrix)
    completeness: dict  # "tasks" / "projects" -> cockpit.Completeness
    returned_task_reports: changes.Bounded
    returned_project_reports: changes.Bounded


def task_matrix_as_at(plan: Plan, period: Period):
    """``supervision.reporting.task_matrix`` for one past period, from the task reports
    submitted by the cutoff with their review state then; read on ``as_at_day``. Returns the
    matrix and the ids of the reports returned at the cutoff with their comments."""
    cutoff = cockpit.as_at_cutoff(plan, period)
    in_period = {"task__plan": plan, "year": period.year, "quarter": period.quarter}
    reports = TaskReport.objects.filter(submitted_at__lt=cutoff, **in_period).values_list(
        "pk", "unit_id", "task_id", "submitted_at", *REVIEW_COLUMNS
    )
    history = _history_as_at(TaskReport, cutoff, **in_period)
    submissions, returned = {}, {}
    for pk, unit_id, task_id, submitted_at, *review in reports:
        state, comment, edited = review_as_at(history.get(pk), review, cutoff)
        submitted_on = timezone.localtime(submitted_at).date()
        submissions[(unit_id, task_id, period)] = (submitted_on, pk, state, edited)
        if state == ReviewState.RETURNED:
            returned[pk] = comment
    responsibilities = Responsibility.objects.filter(task__plan=plan)
    owed = task_obligations(responsibilities.order_by("task__number", "order"), [period])
    units = list(Unit.objects.filter(pk__in=owed.unit_ids).order_by("sort_order", "name"))
    matrix = build_matrix(
        units=units, periods=[period], obligations=owed.by_unit, submissions=submissions,
        due_dates={period: plan.due_date(period)}, today=as_at_day(plan, period),
        periods_of=owed.periods_of,
    )  # fmt: skip
    if owed.groups:
        matrix = with_rollups(matrix, owed, {u.pk: u for u in units})
    return matrix, returned


def reporting_as_at(plan: Plan, period: Period, projects_total: int) -> Reporting:
    """Reports in on time, late and missing, units late or missing, and reports returned, for
    a past ``period`` as at its close (``projects_total``: the projects that owed a report)."""
    cutoff = cockpit.as_at_cutoff(plan, period)
    late_from = cockpit._late_from(plan, period)
    matrix, returned_tasks = task_matrix_as_at(plan, period)
    tasks = cockpit.completeness(matrix)
    tasks.returned = len(returned_tasks)

    in_period = {"project__annex__plan": plan, "year": period.year, "quarter": period.quarter}
    updates = ProjectUpdate.objects.filter(submitted_at__lt=cutoff, **in_period).values_list(
        "pk", "submitted_at", "project__annex__number", "project__order", *REVIEW_COLUMNS
    )
    history = _history_as_at(ProjectUpdate, cutoff, **in_period)
    received = late = 0
    returned_projects = []  # (annex, order, pk, comment)
    for pk, submitted_at, annex, order, *review in updates:
        received += 1
        late += submitted_at >= late_from
        state, comment, _edited = review_as_at(history.get(pk), review, cutoff)
        if state == ReviewState.RETURNED:
            returned_projects.append((annex, order, pk, comment))
    returned_projects.sort()
    projects = cockpit.Completeness(
        received=received, expected=projects_total, late=late,
        overdue=projects_total - received, returned=len(returned_projects),
    )  # fmt: skip

    shown = {pk: comment for _a, _o, pk, comment in returned_projects[: changes.LIMIT]}
    updates = ProjectUpdate.objects.select_related("project__unit", "project__annex")
    found = updates.in_bulk(list(shown))
    project_rows = []
    for pk, comment in shown.items():
        update = found[pk]
        update.review_comment = comment  # as it was at the cutoff
        project_rows.append(update)
    found = TaskReport.objects.select_related("task", "unit").in_bulk(list(returned_tasks))
    task_rows = sorted(found.values(), key=lambda r: (r.task.number, r.unit.sort_order, r.pk))
    for report in task_rows:
        report.review_comment = returned_tasks[report.pk]
    return Reporting(
        matrix=matrix,
        completeness={"tasks": tasks, "projects": projects},
        returned_task_reports=changes.Bounded(task_rows[: changes.LIMIT], len(task_rows)),
        returned_project_reports=changes.Bounded(project_rows, len(returned_projects)),
    )


def observations_as_at(plan: Plan, period: Period, approved: bool) -> list[Observation]:
    """The plan's yearly indicator values up to ``period``'s year as they stood at its cutoff
    (approved by then with ``approved``): two queries."""
    cutoff = cockpit.as_at_cutoff(plan, period)
    scope = {"indicator__plan": plan, "quarter": None, "year__lte": period.year}
    current = {o.pk: o for o in Observation.objects.filter(**scope)}
    history = Observation.history.filter(**scope).order_by("history_date", "history_id")
    rows = pick_as_at(((h.id, h.history_date, h.history_type, h) for h in history), cutoff)
    known = []
    for pk in set(current) | set(rows):
        values, recorded = rows.get(pk, ([current.get(pk)], False))
        if values is None:
            continue  # deleted by then
        value = values[0]
        if not isinstance(value, Observation):
            value = value.instance  # a history row: the value as it was
        reviewed = value.reviewed_at is not None and value.reviewed_at < cutoff
        if not recorded and not reviewed:
            continue  # entered after the cutoff (or in bulk and reviewed after it)
        if value.review_state != ReviewState.SUBMITTED and not reviewed:
            value.review_state = ReviewState.SUBMITTED  # reviewed after the cutoff
        state = value.review_state
        if approved and state != ReviewState.APPROVED:
            continue
        known.append(value)
    return known


@dataclass
class IndicatorsAsAt:
    latest: list  # each indicator's progress as of its latest value (the cockpit's rows)
    yearly: list  # the same, year by year (for what changed)


def indicators_as_at(plan: Plan, period: Period, approved: bool) -> IndicatorsAsAt:
    """``cockpit.indicator_progress`` for a past ``period``: each indicator's progress from
    the values known at the cutoff (``observations_as_at``) and the targets in force then; as
    of the latest value and year by year, from one fetch (the targets and peer values are most
    of the time at scale)."""
    values = observations_as_at(plan, period, approved)
    by_indicator = {}
    for value in sorted(values, key=lambda v: v.year):
        by_indicator.setdefault(value.indicator_id, []).append(value)
    indicators = list(
        Indicator.objects.filter(plan=plan).select_related("plan", "responsible_unit",
                                                           "peer_group")
    )  # fmt: skip
    attach_targets_and_peers(indicators, approved)
    cutoff = cockpit.as_at_cutoff(plan, period)
    # A target revised after the cutoff counts at its value before the first such revision.
    revisions = TargetRevision.objects.filter(
        target__indicator__plan=plan, changed_at__gte=cutoff
    ).order_by("changed_at", "pk")
    before = {}
    for revision in revisions:
        before.setdefault(revision.target_id, revision)
    result = IndicatorsAsAt([], [])
    for indicator in indicators:
        indicator.peer_list = [p for p in indicator.peer_list if p.year <= period.year]
        for target in indicator.target_list:
            revision = before.get(target.pk)
            if revision is not None:
                target.value, target.rank = revision.old_value, revision.old_rank
                target.statement = revision.old_statement
        years = by_indicator.get(indicator.pk, [])
        indicator.yearly = years
        result.yearly.append(progress_of(indicator))
        indicator.yearly = years[-1:]
        result.latest.append(progress_of(indicator, latest_only=True))
    for row in result.latest:
        row.status_label = STATUS_LABELS[row.status]
    return result


def changes_as_at(
    plan: Plan, period: Period, approved: bool, returned: Reporting, states: list, yearly: list
) -> changes.Changes:
    """The briefing's "what changed" figures for a past period: each project as at the close
    of ``period`` (``states``, from ``project_states_as_at``) against the close of the period
    before, and the indicators (``yearly``, from ``indicators_as_at``) whose two latest values
    known at the cutoff differ in status."""
    was = {s[0]: s for s in cockpit.project_states_as_at(plan, period.previous(), approved)}
    changed = newly_completed = newly_lagging = 0
    done = ProjectStatus.COMPLETED
    for pk, _task, _inv, _start, _end, status, percent, lagging in states:
        before = was[pk]
        changed += (status, percent) != (before[5], before[6])
        newly_completed += status == done and before[5] != done
        newly_lagging += lagging and not before[7]
    moved = 0
    for row in yearly:
        years = [y for y in row.years if y.actual is not None and y.year <= period.year]
        moved += len(years) >= 2 and years[-1].status != years[-2].status
    return changes.Changes(
        period=period,
        previous=period.previous(),
        changed=changes.Bounded([], changed),
        newly_lagging=changes.Bounded([], newly_lagging),
        newly_completed=changes.Bounded([], newly_completed),
        indicators=changes.Bounded([], moved),
        returned_project_reports=returned.returned_project_reports,
        returned_task_reports=returned.returned_task_reports,
    )
