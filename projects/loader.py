"""Load the annex tables and their projects from the plan fixture."""

from plan.loader import LoadReport, upsert
from plan.models import Plan

from .models import Annex, Project

ASSIGNED_BY_RULE = (
    "责任单位按规则暂定为所属任务的牵头单位（计划原文未列明项目责任单位），请管理员核实后调整。"
)


def load_annexes(plan: Plan, data: dict, report: LoadReport) -> None:
    """Load the six annexes and every project their boxes name, in the order named.

    The plan does not say which unit answers for a project, so a new project goes to the lead
    unit of its task and says so in ``data_note``; a later load never moves it back, so an
    administrator's reassignment stands.
    """
    columns = {c.number: c for c in plan.columns.select_related("task")}
    for a in data["annexes"]:
        column = columns[a["column"]]
        annex = upsert(
            Annex,
            report,
            {"plan": plan, "number": a["number"]},
            {"title": a["title"], "column": column, "column_group": a["column_group"]},
        )
        lead = column.task.responsibilities.select_related("unit").order_by("order").first().unit
        for order, name in enumerate(a["projects"], start=1):
            upsert(
                Project,
                report,
                {"annex": annex, "order": order},
                {"name": name},
                {"unit": lead, "data_note": ASSIGNED_BY_RULE},
            )
