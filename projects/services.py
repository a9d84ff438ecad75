"""Writes to projects: every change goes through one of these functions, in one transaction.

Lost updates are prevented by the project's ``version``: the caller says which version it read;
the function locks the row (``select_for_update``), compares, and only then saves through the
model so that django-simple-history records who changed what (``QuerySet.update()`` would
write no history). A mismatch raises ``ProjectConflict`` and nothing is written.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from plan.permissions import require_report_on
from plan.textlimits import LIMITS, require_within, too_long
from supervision.cycle import closed_message, require_open
from supervision.models import ReopenScope
from supervision.review import mark_resubmitted
from supervision.services import validate_period

from .models import Project, ProjectStatus, ProjectUpdate
from .progress import Period

EDITABLE_FIELDS = [
    "builder",
    "location",
    "content",
    "total_investment",
    "planned_start",
    "planned_end",
]


class ProjectConflict(Exception):
    """Someone saved the project after the caller read it; ``project`` is the current row."""

    def __init__(self, project: Project, expected_version: int):
        super().__init__(
            f"project {project.pk} is at version {project.version}, not {expected_version}"
        )
        self.project = project
        self.expected_version = expected_version


class ReportExists(Exception):
    """A report for this project and period exists; replacing it needs the user's confirmation."""

    def __init__(self, report: ProjectUpdate):
        super().__init__(f"a report for {report.period} exists")
        self.report = report


@dataclass(frozen=True)
class ReportInput:
    """What a progress report says, as the form or an import gives it."""

    period: Period
    status: str
    percent_complete: int
    investment_completed: Decimal | None = None
    progress: str = ""
    problems: str = ""
    next_steps: str = ""
    reason: str = ""
    confirm_investment: bool = False


LOOK_UP = object()  # ``validate_report``'s default: read what it needs from the database


def validate_report(
    project: Project, data: ReportInput, today: dt.date, *, previous=LOOK_UP, status=None,
    period_errors=LOOK_UP,
) -> None:  # fmt: skip
    """Check a report against the plan and the project's last report; raise ``ValidationError``
    with every problem keyed by the field where the user can fix it.

    A caller checking many reports at once (the Excel import) passes what it read in bulk:
    ``previous``, the project's latest report before ``data.period`` (``None`` for none; an
    object with ``percent_complete`` and ``period``), and ``status``, the period's
    ``PeriodStatus`` for the project, and ``period_errors``, what ``validate_period`` says of
    ``data.period`` in the project's plan (``None``: nothing; else its ``message_dict``). The
    rules are the same either way."""
    errors: dict[str, list[str]] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    try:
        if period_errors is LOOK_UP:
            validate_period(project.annex.plan, data.period, today)
        elif period_errors:
            raise ValidationError(period_errors)
        if status is None:
            require_open(plan=project.annex.plan, unit_id=project.unit_id, period=data.period,
                         scope=ReopenScope.PROJECT, object_id=project.pk, today=today,
                         field="period")  # fmt: skip
        elif not status.editable:
            raise ValidationError({"period": closed_message(status)})
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    for name, maximum in LIMITS["ProjectUpdate"].items():
        text = getattr(data, name) or ""
        if len(text) > maximum:
            add(name, too_long(maximum, len(text)))
    if not 0 <= data.percent_complete <= 100:
        add("percent_complete", _("Percent complete must be between 0 and 100."))
    if data.status == ProjectStatus.COMPLETED and data.percent_complete != 100:
        add(
            "status",
            _("A completed project is 100%% complete; this report says %(percent)s%%.")
            % {"percent": data.percent_complete},
        )
    if previous is LOOK_UP:
        previous = (
            project.updates.filter(models_period_before(data.period))
            .order_by("-year", "-quarter")
            .first()
        )
    if (
        previous is not None
        and data.percent_complete < previous.percent_complete
        and not data.reason.strip()
    ):
        add(
            "reason",
            _(
                "The percent is lower than the %(percent)s%% reported for %(period)s: "
                "say why in the reason field."
            )
            % {"percent": previous.percent_complete, "period": previous.period},
        )
    if data.investment_completed is not None:
        if data.investment_completed < 0:
            add("investment_completed", _("Investment completed cannot be negative."))
        elif (
            project.total_investment is not None
            and data.investment_completed > project.total_investment
            and not data.confirm_investment
        ):
            add(
                "investment_completed",
                _(
                    "This is more than the project's total investment of %(total)s (10k yuan). "
                    "Tick the confirmation box if that is right."
                )
                % {"total": project.total_investment},
            )
    if errors:
        raise ValidationError(errors)


def models_period_before(period: Period) -> Q:
    """A ``Q`` for reports of periods before ``period``."""
    return Q(year__lt=period.year) | Q(year=period.year, quarter__lt=period.quarter)


def _lock(project_id: int, user, expected_version: int) -> Project:
    project = Project.objects.select_for_update().select_related("annex__plan").get(pk=project_id)
    require_report_on(user, project)
    if project.version != expected_version:
        raise ProjectConflict(project, expected_version)
    return project


@transaction.atomic
def project_update_submit(
    *,
    project_id: int,
    user,
    expected_version: int,
    data: ReportInput,
    replace: bool = False,
    today: dt.date | None = None,
) -> ProjectUpdate:
    """Store a progress report and bring the project's current state up to date with it.

    Raises ``PermissionDenied`` for a user who may not report on the project,
    ``ProjectConflict`` when the project changed since ``expected_version``, ``ValidationError``
    for a report that breaks the rules, and ``ReportExists`` when the period already has a report
    and ``replace`` is not set. The replaced report stays in the history.
    """
    project = _lock(project_id, user, expected_version)
    validate_report(project, data, today or timezone.localdate())
    report = project.updates.filter(year=data.period.year, quarter=data.period.quarter).first()
    if report is not None and not replace:
        raise ReportExists(report)
    if report is None:
        report = ProjectUpdate(project=project, year=data.period.year, quarter=data.period.quarter)
    now = timezone.now()
    for field in ProjectUpdate.REPORTED_FIELDS:
        setattr(report, field, getattr(data, field))
    if report.pk is None:
        report.submitted_at = now
    else:
        # Timeliness is judged on the first submission; a replacement is a revision.
        report.revised_at = now
    report.submitted_by = user
    report._history_user = user
    mark_resubmitted(report)
    report.full_clean()
    report.save()

    latest = project.updates.order_by("-year", "-quarter").first()
    if latest.pk == report.pk:
        # A late report for an earlier period goes into the timeline but does not move the
        # project's current state back.
        project.status = report.status
        project.percent_complete = report.percent_complete
        if report.investment_completed is not None:
            project.investment_completed = report.investment_completed
    project.last_reported_at = now
    _save(project, user)
    if report.edited_after_approval:
        project.refresh_approved()  # the report left the approved state
    return report


@transaction.atomic
def project_edit(*, project_id: int, user, expected_version: int, changes: dict) -> Project:
    """Change a project's descriptive fields (``EDITABLE_FIELDS``); same rules on conflicts."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    texts = {k: v for k, v in changes.items() if k in ("builder", "location", "content")}
    require_within("projects.Project", **texts)
    project = _lock(project_id, user, expected_version)
    for field, value in changes.items():
        setattr(project, field, value)
    project.full_clean(exclude=["annex", "unit"])
    _save(project, user)
    return project


def _save(project: Project, user) -> None:
    project.version += 1
    project._history_user = user
    project.save()
