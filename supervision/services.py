"""Writes to task reports and task summaries, each through one function in one transaction.

The same rules as for project reports: the caller says which version of the report it saw (0 when
there was none); the row is locked, the version compared, and only then saved through the model so
that the history records who changed what. A mismatch raises ``StaleVersion`` and writes nothing.
"""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from plan.models import Responsibility
from plan.periods import Period
from plan.permissions import can_report_on
from plan.textlimits import require_within

from .cycle import require_open
from .models import ReopenScope, TaskReport, TaskSummary
from .review import mark_resubmitted


class StaleVersion(Exception):
    """Someone saved after the caller read; ``current`` is the row as it is now."""

    def __init__(self, current, expected_version: int):
        found = getattr(current, "version", 0)
        super().__init__(f"expected version {expected_version}, found {found}")
        self.current = current
        self.expected_version = expected_version


class AlreadyReported(Exception):
    """A report for this period exists; replacing it needs the user's confirmation."""

    def __init__(self, report):
        super().__init__(f"a report for {report.period} exists")
        self.report = report


def validate_period(plan, period: Period, today: dt.date, field: str = "period") -> None:
    """A reporting period must lie in the plan's reporting range and must have begun."""
    periods = plan.reporting_periods
    if period not in periods:
        raise ValidationError(
            {
                field: _("%(period)s is outside the plan, which runs from %(first)s to %(last)s.")
                % {"period": period, "first": periods[0], "last": periods[-1]}
            }
        )
    if period > Period.containing(today):
        raise ValidationError({field: _("%(period)s has not begun yet.") % {"period": period}})


def save_first(row, expected_version: int, **lookup) -> None:
    """Save ``row``; if two first submissions race, the loser gets ``StaleVersion`` with the
    winner's row instead of an ``IntegrityError`` (the unique constraint decided)."""
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError as error:
        winner = type(row).objects.get(**lookup)
        raise StaleVersion(winner, expected_version) from error


@dataclass(frozen=True)
class TaskReportInput:
    status: str
    progress: str
    figures: str = ""
    problems: str = ""
    next_steps: str = ""


def locked_at_version(model, expected_version: int, **lookup):
    """The row for ``lookup`` locked for update (``None`` if there is none yet), after checking
    that the caller saw its version (0 for "no row"); ``StaleVersion`` otherwise."""
    current = model.objects.select_for_update().filter(**lookup).first()
    seen = current.version if current is not None else 0
    if seen != expected_version:
        raise StaleVersion(current, expected_version)
    return current


@transaction.atomic
def task_report_submit(
    *,
    responsibility: Responsibility,
    user,
    period: Period,
    expected_version: int,
    data: TaskReportInput,
    today: dt.date | None = None,
) -> TaskReport:
    """Store a unit's report on a task for a period, or revise the one the user saw.

    Raises ``PermissionDenied`` unless ``user`` reports for the responsibility's unit,
    ``ValidationError`` for a period outside the plan, not yet begun or closed (without a
    reopening granted for the unit's period or this task), and ``StaleVersion`` when
    the report changed (or appeared) since the user opened it.
    """
    if not can_report_on(user, responsibility):
        raise PermissionDenied(_("Only staff of the responsible unit may change this."))
    task = responsibility.task
    today = today or timezone.localdate()
    texts = {n: getattr(data, n) for n in TaskReport.REPORTED_FIELDS if n != "status"}
    require_within("supervision.TaskReport", **texts)
    validate_period(task.plan, period, today)
    require_open(plan=task.plan, unit_id=responsibility.unit_id, period=period,
                 scope=ReopenScope.TASK, object_id=task.pk, today=today)  # fmt: skip
    report = locked_at_version(
        TaskReport,
        expected_version,
        task=task,
        unit_id=responsibility.unit_id,
        year=period.year,
        quarter=period.quarter,
    )
    now = timezone.now()
    if report is None:
        report = TaskReport(
            task=task, unit_id=responsibility.unit_id, year=period.year, quarter=period.quarter,
            submitted_at=now, version=1,
        )  # fmt: skip
    else:
        report.revised_at = now
        report.version += 1
    for name in TaskReport.REPORTED_FIELDS:
        setattr(report, name, getattr(data, name))
    report.submitted_by = user
    report._history_user = user
    mark_resubmitted(report)
    report.full_clean(validate_unique=False)
    save_first(report, expected_version, task=task, unit_id=responsibility.unit_id,
               year=period.year, quarter=period.quarter)  # fmt: skip
    return report


@transaction.atomic
def task_summary_submit(
    *,
    lead: Responsibility,
    user,
    period: Period,
    expected_version: int,
    summary: str,
    today: dt.date | None = None,
) -> TaskSummary:
    """Store or revise the lead unit's summary of a task for a period (same rules)."""
    if not lead.is_lead or not can_report_on(user, lead):
        raise PermissionDenied(_("Only staff of the lead unit may write the task's summary."))
    task = lead.task
    today = today or timezone.localdate()
    require_within("supervision.TaskSummary", summary=summary)
    validate_period(task.plan, period, today)
    require_open(plan=task.plan, unit_id=lead.unit_id, period=period,
                 scope=ReopenScope.TASK, object_id=task.pk, today=today)  # fmt: skip
    row = locked_at_version(
        TaskSummary, expected_version, task=task, year=period.year, quarter=period.quarter
    )
    now = timezone.now()
    if row is None:
        row = TaskSummary(task=task, year=period.year, quarter=period.quarter, version=1)
    else:
        row.version += 1
    row.summary = summary
    row.written_by = user
    row.written_at = now
    row._history_user = user
    save_first(row, expected_version, task=task, year=period.year, quarter=period.quarter)
    return row
