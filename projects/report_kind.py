"""The project report (项目进展填报) as a kind of report of the supervision cycle.

Registered in ``ProjectsConfig.ready()``: the review queue and page, the to-do, the reporting
matrix's project tab, the reminder digest and the reopen form reach project reports through it,
so that ``supervision`` never imports this app.
"""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from supervision.models import ReopenScope
from supervision.registry import ReportKind

from .models import Project, ProjectUpdate


def _describe(report) -> dict:
    project = report.project
    return {
        "subject": project.name,
        "subject_url": project.get_absolute_url(),
        "unit": project.unit,
        "period": str(report.period),
        "submitted_at": report.revised_at or report.submitted_at,
    }


def _revise_url(row) -> str:
    url = reverse("projects:project-report", args=[row["subject_id"]])
    return f"{url}?period={row['period']}"


def _subjects(plan, task=None):
    projects = Project.objects.filter(annex__plan=plan)
    if task is not None:
        projects = projects.filter(annex__column__task=task)
    return projects.order_by("annex__number", "order")


def _owed_text(count: int) -> str:
    return ngettext("Report on %(n)s project", "Report on %(n)s projects", count) % {"n": count}


def _digest_text(project, period, due: str) -> str:
    return _("%(period)s report on project %(name)s of %(unit)s (due %(due)s)") % {
        "period": period, "name": project.name, "unit": project.unit.name, "due": due,
    }  # fmt: skip


def _returned_text(report) -> str:
    what = f"{report.project.name} {report.period}"
    return _("project report %(what)s") % {"what": what}


def _reopen_subject(plan, object_id: int, unit_id: int) -> str | None:
    project = Project.objects.filter(annex__plan=plan, pk=object_id, unit_id=unit_id).first()
    return _("project %(name)s") % {"name": project.name} if project else None


def project_report_kind() -> ReportKind:
    return ReportKind(
        key="project",
        label=gettext_lazy("project report"),
        model=ProjectUpdate,
        related=("project__unit", "project__annex"),
        unit_path="project__unit",
        plan_path="project__annex__plan",
        subject_name="project__name",
        subject_ref="project_id",
        describe=_describe,
        revise_url=_revise_url,
        returned_text=_returned_text,
        order=20,
        subject_field="project",
        subjects=_subjects,
        subject_related=("annex",),
        subject_url=lambda pk: reverse("projects:project-detail", args=[pk]),
        matrix_key="projects",
        matrix_label=gettext_lazy("Project reports"),
        owed_text=_owed_text,
        owed_url=lambda: reverse("projects:my-projects"),
        report_url=lambda project, period: reverse("projects:project-report", args=[project.pk]),
        digest_text=_digest_text,
        reopen_scope=ReopenScope.PROJECT,
        reopen_subject=_reopen_subject,
        subject_heading=gettext_lazy("Project"),
        none_text=gettext_lazy("This unit answers for no projects."),
    )
