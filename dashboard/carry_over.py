"""Carry-over (结转, issue 18 item 5): unfinished projects of an ending plan continue in the next.

A carried project is a NEW project in one of the target plan's annexes, appended at its end, with
``carried_from`` pointing at its predecessor (the one link allowed to cross plans). It starts
from the predecessor's last reported state (status, percent, investment completed) and its
facts (name, unit, builder, place, content, investment, dates); its approved state starts empty,
since nothing has been approved in the new plan yet. The old project, its reports and the old
plan's figures and final evaluation are not touched: carrying only adds rows to the target plan.

Who and when: a plan administrator, from a plan that has ended or is active in (or past) its last
year, into a plan
that is a draft or active. A project is carried into a given plan at most once, and only an
unfinished one (not completed). Everything is checked before anything is written, and all of a
carry-over is written in one transaction.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from plan.models import Plan, PlanState
from plan.permissions import is_administrator
from projects.models import Annex, Project, ProjectStatus

SOURCE_STATES = (PlanState.ACTIVE, PlanState.ENDED)
TARGET_STATES = (PlanState.DRAFT, PlanState.ACTIVE)
COPIED_FIELDS = ("name", "builder", "unit_id", "location", "content", "total_investment",
                 "planned_start", "planned_end", "status", "percent_complete",
                 "investment_completed")  # fmt: skip


class CarryRefused(Exception):
    """The carry-over cannot be done as asked; the message says why, for the administrator."""


@dataclass
class CarryRow:
    project: Project
    annex: Annex | None
    problem: str = ""


def unfinished_projects(source: Plan, today):
    """The source plan's projects not completed, in plan order, with ``is_lagging`` annotated
    (the project pages' lag rule, on the state as last reported) and what they were carried to."""
    return (
        Project.objects.filter(annex__plan=source)
        .exclude(status=ProjectStatus.COMPLETED)
        .with_lag(today)
        .select_related("annex", "unit")
        .prefetch_related("carried_to__annex__plan")
        .order_by("annex__number", "order")
    )


def is_ending(plan: Plan, today=None) -> bool:
    """Whether projects may be carried over from ``plan``: it has ended, or it is active and in
    (or past) its last year."""
    year = (today or timezone.localdate()).year
    return plan.state == PlanState.ENDED or (
        plan.state == PlanState.ACTIVE and plan.end_year <= year
    )


def check_plans(source: Plan, target: Plan) -> None:
    if source.pk == target.pk:
        raise CarryRefused(_("Choose another plan to carry the projects into."))
    if not is_ending(source):
        raise CarryRefused(
            _("Projects are carried over from an ended plan, or an active one in or past its "
              "last year; %(plan)s is %(state)s, until %(end)s.")
            % {"plan": source.code, "state": source.get_state_display(), "end": source.end_year}
        )  # fmt: skip
    if target.state not in TARGET_STATES:
        raise CarryRefused(
            _("Projects are carried into a draft or active plan; %(plan)s is %(state)s.")
            % {"plan": target.code, "state": target.get_state_display()}
        )


def plan_rows(source: Plan, target: Plan, choices: dict[int, int]) -> list[CarryRow]:
    """The chosen projects (``{project id: target annex id}``) with their annex and what stops
    each (already carried into the target, completed, not of the source, annex not of the
    target)."""
    projects = {
        p.pk: p
        for p in Project.objects.filter(pk__in=choices)
        .select_related("annex", "unit")
        .order_by("annex__number", "order")
    }
    annexes = {a.pk: a for a in target.annexes.all()}
    already = set(
        Project.objects.filter(annex__plan=target, carried_from__in=list(projects)).values_list(
            "carried_from", flat=True
        )
    )
    rows = []
    for pk in choices:
        project = projects.get(pk)
        if project is None:
            continue
        annex = annexes.get(choices[pk])
        row = CarryRow(project, annex)
        if project.annex.plan_id != source.pk:
            row.problem = _("This project is not of the plan carried from.")
        elif project.status == ProjectStatus.COMPLETED:
            row.problem = _("This project is completed: nothing to carry over.")
        elif pk in already:
            row.problem = _("Already carried into %(plan)s.") % {"plan": target.code}
        elif annex is None:
            row.problem = _("Choose an annex of %(plan)s.") % {"plan": target.code}
        rows.append(row)
    rows.sort(key=lambda r: (r.project.annex.number, r.project.order))
    return rows


@transaction.atomic
def carry_over(*, source: Plan, target: Plan, choices: dict[int, int], user) -> list[Project]:
    """Carry the chosen projects (``{project id: target annex id}``) into ``target``: one new
    project each, appended to its annex, linked to its predecessor. All or nothing."""
    if not is_administrator(user):
        raise PermissionDenied(_("Only a plan administrator carries projects over."))
    source = Plan.objects.select_for_update().get(pk=source.pk)
    target = Plan.objects.select_for_update().get(pk=target.pk)
    check_plans(source, target)
    if not choices:
        raise CarryRefused(_("Choose at least one project to carry over."))
    # Locked: two administrators confirming at once cannot carry one project twice.
    list(Project.objects.select_for_update().filter(pk__in=choices))
    rows = plan_rows(source, target, choices)
    refused = [r for r in rows if r.problem]
    if refused:
        raise CarryRefused(f"{refused[0].project.name}: {refused[0].problem}")
    next_order = dict(
        Annex.objects.filter(plan=target)
        .annotate(last=Max("projects__order"))
        .values_list("pk", "last")
    )
    carried = []
    for row in rows:
        order = (next_order.get(row.annex.pk) or 0) + 1
        next_order[row.annex.pk] = order
        new = Project(
            annex=row.annex,
            order=order,
            carried_from=row.project,
            data_note=_("Carried over from %(plan)s, annex %(ref)s, on %(day)s.")
            % {
                "plan": source.code,
                "ref": f"{row.project.annex.number}-{row.project.order}",
                "day": timezone.localdate().isoformat(),
            },
            **{name: getattr(row.project, name) for name in COPIED_FIELDS},
        )
        new.full_clean(exclude=["data_note"])
        new._change_reason = _("carried over")
        new.save()
        carried.append(new)
    return carried
