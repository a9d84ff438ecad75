"""The task report (任务进展填报) as a kind of report: the one kind ``supervision`` owns.

Its obligations are not per subject (a unit owes one report on each task it shares, and the
lead unit a summary), so the matrix, the to-do and the digest handle them themselves; the queue,
the review page and the reopen form reach task reports through this kind like any other.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plan.models import Task
from plan.urlplans import plan_url

from .registry import ReportKind


def _describe(report) -> dict:
    return {
        "subject": str(report.task),
        "subject_url": report.get_absolute_url(),
        "unit": report.unit,
        "period": str(report.period),
        "submitted_at": report.revised_at or report.submitted_at,
    }


def _revise_url(row) -> str:
    return plan_url(
        row["plan_pk"], "supervision:task-report", row["subject_id"], row["unit_pk"], row["period"]
    )


def _returned_text(report) -> str:
    return _("task report %(what)s") % {"what": report}


def _reopen_subject(plan, object_id: int, unit_id: int) -> str | None:
    task = Task.objects.filter(plan=plan, pk=object_id, responsibilities__unit_id=unit_id).first()
    return _("task %(task)s") % {"task": task} if task else None


def task_report_kind() -> ReportKind:
    from .models import ReopenScope, TaskReport

    return ReportKind(
        key="task",
        label=gettext_lazy("task report"),
        model=TaskReport,
        related=("task", "unit"),
        unit_path="unit",
        plan_path="task__plan",
        subject_name="task__short_title",
        subject_ref="task__number",
        describe=_describe,
        revise_url=_revise_url,
        order=10,
        returned_text=_returned_text,
        reopen_scope=ReopenScope.TASK,
        reopen_subject=_reopen_subject,
    )
