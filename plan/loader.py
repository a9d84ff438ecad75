"""Load the plan's own part of the plan fixture (plan, units, tasks, boxes, safeguards).

Loading is idempotent: rows are found by their natural keys and saved only when a field the
source text fixes has changed, so a second run writes nothing. Fields that administrators own
(a unit's kind once edited, say) are set only when the row is created.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from .figures_cache import figures_changed
from .models import Column, Plan, PlanState, Responsibility, Safeguard, Task, Unit

PLAN_FIXTURE = "plan-2022-2025.json"


@dataclass
class LoadReport:
    """What a load created and changed, per model, for the command to print."""

    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def count(self, model, created: bool, changed: bool, rows: int = 1) -> None:
        name = str(model._meta.verbose_name_plural)
        if created:
            self.created[name] = self.created.get(name, 0) + rows
        elif changed:
            self.updated[name] = self.updated.get(name, 0) + rows

    @property
    def changed_anything(self) -> bool:
        return bool(self.created or self.updated)


def read_fixture(name: str = PLAN_FIXTURE) -> dict:
    """Read a plan fixture from the first of ``FIXTURE_DIRS`` that holds it."""
    for folder in settings.FIXTURE_DIRS:
        path = Path(folder) / name
        if path.exists():
            return json.loads(path.read_text(encoding="utf-8"))
    raise FileNotFoundError(name)


def upsert(model, report: LoadReport, lookup: dict, fields: dict, create_only: dict | None = None):
    """Get the row matching ``lookup``; create it, or save it only if ``fields`` differ."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **fields, **(create_only or {}))
        obj.clean()  # the model's own rules, e.g. no link to another plan's rows
        obj.save()
        report.count(model, created=True, changed=True)
        return obj
    changed = [name for name, value in fields.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, fields[name])
        obj.clean()
        obj.save(update_fields=changed)
        report.count(model, created=False, changed=True)
    return obj


def load_plan_structure(data: dict, report: LoadReport, state: str = PlanState.DRAFT) -> Plan:
    """Load the plan, its units, tasks with their responsibilities, boxes and safeguards. A plan
    loaded for the first time gets ``state`` (a draft unless said otherwise, so that loading a
    new plan changes nothing anybody sees); a reload never changes the state."""
    p = data["plan"]
    plan = upsert(
        Plan,
        report,
        {"code": p["code"]},
        {
            key: p[key]
            for key in (
                "title",
                "issuer",
                "start_year",
                "end_year",
                "preamble",
                "guiding_thought",
                "principles",
                "goals",
                "indicator_system_title",
                "data_notes",
            )
        },
        {"state": state},
    )
    units = {}
    for position, u in enumerate(data["units"], start=1):
        units[u["name"]] = upsert(
            Unit, report, {"name": u["name"]}, {}, {"kind": u["kind"], "sort_order": position}
        )
    for t in data["tasks"]:
        task = upsert(
            Task,
            report,
            {"plan": plan, "number": t["number"]},
            {
                key: t[key]
                for key in (
                    "short_title",
                    "headline",
                    "programme",
                    "full_text",
                    "responsibility_note",
                )
            },
        )
        wanted = {units[name].pk: order for order, name in enumerate(t["units"], start=1)}
        existing = {r.unit_id: r for r in task.responsibilities.all()}
        if {uid: r.order for uid, r in existing.items()} != wanted:
            # The order is part of the source: rewrite the list whole rather than shuffle rows
            # through the (task, order) unique constraint.
            task.responsibilities.all().delete()
            Responsibility.objects.bulk_create(
                Responsibility(task=task, unit_id=uid, order=order) for uid, order in wanted.items()
            )
            report.count(Responsibility, created=not existing, changed=True, rows=len(wanted))
            figures_changed()  # bulk_create sends no signal
    tasks = {t.number: t for t in plan.tasks.all()}
    for c in data["columns"]:
        upsert(
            Column,
            report,
            {"plan": plan, "number": c["number"]},
            {"task": tasks[c["task"]], "title": c["title"], "text": c["text"]},
        )
    for s in data["safeguards"]:
        upsert(
            Safeguard,
            report,
            {"plan": plan, "number": s["number"]},
            {"title": s["title"], "text": s["text"], "responsible": units[s["responsible"]]},
        )
    return plan
