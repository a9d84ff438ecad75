"""Field-level change history of a project and its reports, read from django-simple-history."""

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from plan.periods import Period
from plan.templatetags.readable import period_zh

from .models import Project, ProjectUpdate

PROJECT_FIELDS = [
    "name",
    "builder",
    "unit",
    "location",
    "content",
    "total_investment",
    "planned_start",
    "planned_end",
    "status",
    "percent_complete",
    "investment_completed",
]
REPORT_FIELDS = list(ProjectUpdate.REPORTED_FIELDS)
KIND = {"+": _("created"), "~": _("changed"), "-": _("deleted")}


@dataclass
class FieldChange:
    label: str
    old: object
    new: object


@dataclass
class HistoryEntry:
    when: object
    who: object
    what: str
    kind: str
    version: int | None = None
    changes: list[FieldChange] = field(default_factory=list)


def _display(record, name):
    model_field = record._meta.get_field(name)
    if model_field.choices:
        return getattr(record, f"get_{name}_display")()
    if model_field.is_relation:
        return getattr(record, name)
    value = getattr(record, name)
    return "—" if value in (None, "") else value


def changes_between(older, newer, names) -> list[FieldChange]:
    """The fields of ``names`` that differ between two historical records of one object."""
    result = []
    for name in names:
        attname = newer._meta.get_field(name).attname
        if getattr(older, attname) != getattr(newer, attname):
            result.append(
                FieldChange(
                    str(newer._meta.get_field(name).verbose_name),
                    _display(older, name),
                    _display(newer, name),
                )
            )
    return result


def _entries(records, names, label) -> list[HistoryEntry]:
    """Entries for records of possibly several objects, each diffed against its predecessor."""
    entries, last_seen = [], {}
    for record in sorted(records, key=lambda r: (r.history_date, r.history_id)):
        previous = last_seen.get(record.id)
        changes = changes_between(previous, record, names) if previous is not None else []
        last_seen[record.id] = record
        if previous is not None and not changes and record.history_type == "~":
            continue
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=record.history_user,
                what=label(record),
                kind=str(KIND[record.history_type]),
                version=getattr(record, "version", None),
                changes=changes,
            )
        )
    return entries


def project_history(project: Project, limit: int = 200) -> list[HistoryEntry]:
    """The project's own changes and its reports' changes, newest first, in two queries."""
    project_records = Project.history.filter(id=project.pk).select_related("history_user", "unit")[
        :limit
    ]
    report_records = ProjectUpdate.history.filter(project_id=project.pk).select_related(
        "history_user"
    )[:limit]
    entries = _entries(project_records, PROJECT_FIELDS, lambda r: str(_("project")))
    entries += _entries(
        report_records,
        REPORT_FIELDS,
        lambda r: str(_("report %(period)s")) % {"period": period_zh(Period(r.year, r.quarter))},
    )
    return sorted(entries, key=lambda e: e.when, reverse=True)[:limit]


def changes_since(project: Project, version: int) -> list[HistoryEntry]:
    """What others changed on the project after the ``version`` a user had read (newest first).

    The baseline is the last record at that version: the state the user saw.
    """
    records = list(
        Project.history.filter(Q(id=project.pk), Q(version__gte=version))
        .select_related("history_user", "unit")
        .order_by("history_date", "history_id")
    )
    seen = [i for i, record in enumerate(records) if record.version == version]
    records = records[seen[-1] :] if seen else records
    entries = _entries(records, PROJECT_FIELDS, lambda r: str(_("project")))
    return [entry for entry in reversed(entries) if entry.changes]
