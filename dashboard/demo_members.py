"""The demo's member units of 各县(市)区和开发区 (issue 26), labelled as demo in their names.

The plan's data keeps the collective unit as the text names it; who its members are is an
administrator's entry. The demo gives it four made-up members, named "示例…（演示）" so no one
takes them for real districts, one with a demo clerk (demo-staff-sqa), and a report from each
member on each of the collective's tasks each quarter, most on time, some late, some missing,
a few returned, so the matrix's roll-up has something to show. ``dashboard.demo`` calls these
functions; removing the demo removes them (reports first, then the links, then the units).
"""

import datetime as dt

from plan.members import UnitMember
from plan.models import Responsibility, Unit
from supervision.models import TaskReport

COLLECTIVE = "各县(市)区和开发区"
MEMBERS = ["示例区A（演示）", "示例区B（演示）", "示例县C（演示）", "示例开发区D（演示）"]
CLERK_UNIT = MEMBERS[0]
JOINED_ON = dt.date(2022, 1, 1)  # members from the plan's first year


def create_units() -> list[Unit]:
    """The demo members, linked to the collective from the plan's start (before the demo's
    users, one of whom works for the first)."""
    collective = Unit.objects.filter(name=COLLECTIVE).first()
    if collective is None:  # a plan without the collective: nothing to add
        return []
    units = []
    for name in MEMBERS:
        unit, _created = Unit.objects.get_or_create(
            name=name, defaults={"sort_order": collective.sort_order}
        )
        UnitMember.objects.get_or_create(
            collective=collective, member=unit, defaults={"joined_on": JOINED_ON}
        )
        units.append(unit)
    return units


def reporting_shares(responsibilities) -> list:
    """The responsibilities the demo reports under: each one of a collective with demo members
    replaced by one for each member (unsaved, with the collective's place in the list)."""
    members = list(Unit.objects.filter(collective_links__collective__name=COLLECTIVE,
                                       name__in=MEMBERS).distinct().order_by("name"))  # fmt: skip
    shares = []
    for r in responsibilities:
        if r.unit.name != COLLECTIVE or not members:
            shares.append(r)
            continue
        shares.extend(Responsibility(task=r.task, unit=m, order=r.order) for m in members)
    return shares


def remove() -> None:
    """The demo members, their links and their reports (every plan's)."""
    units = Unit.objects.filter(name__in=MEMBERS)
    ids = list(units.values_list("pk", flat=True))
    TaskReport.objects.filter(unit_id__in=ids).delete()
    TaskReport.history.filter(unit_id__in=ids).delete()
    UnitMember.objects.filter(member_id__in=ids).delete()
    UnitMember.history.filter(member_id__in=ids).delete()
    for unit in units:
        if not unit.memberships.exists():  # a real user kept working for it: keep it
            unit.delete()
