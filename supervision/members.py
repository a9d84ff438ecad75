"""Collective units report member by member (issue 26).

Where a collective unit (各县(市)区和开发区) with members is responsible for a task, each member
owes its own task report for every quarter of its membership (``plan.members``), and the
collective owes none of its own: its report for the period is complete when every member's is
in. A collective without members (the plan as loaded, before an administrator enters them)
reports as one unit, as before.

These functions turn the plan's responsibilities into obligations per unit, (unit, task) ->
periods, and lay the reporting matrix out as: each collective's roll-up line (its cells hold its
members' items, so a cell reads "1/3") followed by its members' lines. They run no query of
their own beyond the one that loads the memberships.
"""

from dataclasses import dataclass, field

from django.db.models import (
    Case,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce

from plan.members import Members, UnitMember, member_links_of
from plan.models import Responsibility, Unit
from plan.periods import Period, ReportState

from .colours import worst
from .completeness import Cell, Matrix, Row


@dataclass
class Obligations:
    """Who owes a report on which task, in which periods."""

    by_unit: dict = field(default_factory=dict)  # unit id -> [task ids]
    periods_of: dict = field(default_factory=dict)  # (unit id, task id) -> {periods}
    groups: dict = field(default_factory=dict)  # collective id -> [member ids], in order

    @property
    def unit_ids(self) -> set:
        return set(self.by_unit) | set(self.groups)


def task_obligations(responsibilities, periods: list[Period]) -> Obligations:
    """Obligations from a queryset of responsibilities, in its order: a collective with members
    hands each task to its members for the quarters of their membership. One query: the
    responsibilities joined to their units' member links (a row per link, or one without)."""
    link = "unit__member_links__"
    fetched = responsibilities.values_list(
        "unit_id", "task_id", f"{link}member_id", f"{link}joined_on", f"{link}left_on"
    )
    rows, links = {}, set()  # rows: the responsibilities in order, each once
    for unit_id, task_id, member_id, joined_on, left_on in fetched:
        rows[(unit_id, task_id)] = None
        if member_id is not None:
            links.add((unit_id, member_id, joined_on, left_on))
    members = Members(sorted(links, key=lambda x: (x[0], x[2])))
    result = Obligations()
    for unit_id, task_id in rows:
        if not members.has_members(unit_id):
            result.by_unit.setdefault(unit_id, [])
            if task_id not in result.by_unit[unit_id]:
                result.by_unit[unit_id].append(task_id)
            result.periods_of.pop((unit_id, task_id), None)  # owed in every period
            continue
        group = result.groups.setdefault(unit_id, [])
        for member_id in members.ever(unit_id):
            owed = members.periods_of(unit_id, member_id, periods)
            if not owed:
                continue
            if member_id not in group:
                group.append(member_id)
            keys = result.by_unit.setdefault(member_id, [])
            if task_id not in keys:
                keys.append(task_id)
                result.periods_of[(member_id, task_id)] = owed
            elif (member_id, task_id) in result.periods_of:  # owed through two collectives
                result.periods_of[(member_id, task_id)] |= owed
    return result


def with_rollups(matrix: Matrix, obligations: Obligations, units: dict) -> Matrix:
    """``matrix`` with each collective's roll-up line before its members' lines: the roll-up's
    cells hold the members' items, so its counts are the members' (in, late, missing,
    returned), and the matrix's totals, which skip roll-ups, count each member once."""
    rows = {row.unit.pk: row for row in matrix.rows}
    placed, ordered = set(), []
    group_of = {m: c for c, group in obligations.groups.items() for m in group}
    for row in matrix.rows:
        collective_id = group_of.get(row.unit.pk)
        if collective_id is None:
            if row.unit.pk not in placed:
                ordered.append(row)
                placed.add(row.unit.pk)
            continue
        if collective_id in placed:
            continue
        placed.add(collective_id)
        ordered.extend(_group_rows(matrix, collective_id, obligations, rows, units, placed))
    # Collectives whose members owe nothing in these periods still show their (empty) line.
    for collective_id in obligations.groups:
        if collective_id not in placed:
            ordered.extend(_group_rows(matrix, collective_id, obligations, rows, units, placed))
    ordered.sort(key=lambda r: _sort_key(r, units))
    return Matrix(matrix.periods, ordered)


def _sort_key(row, units):
    head = row.collective if row.collective is not None else row.unit
    return (head.sort_order, head.name, row.collective is not None)


def _group_rows(matrix, collective_id, obligations, rows, units, placed):
    collective = units[collective_id]
    member_rows = [rows[m] for m in obligations.groups[collective_id] if m in rows]
    member_rows.sort(key=lambda r: (r.unit.sort_order, r.unit.name))
    for member_row in member_rows:
        member_row.collective = collective
        placed.add(member_row.unit.pk)
    cells = []
    for i, period in enumerate(matrix.periods):
        cell = Cell(collective, period)
        for member_row in member_rows:
            cell.items.extend(member_row.cells[i].items)
        cells.append(cell)
    return [Row(collective, cells, rollup=True, members=member_rows), *member_rows]


@dataclass
class MemberReport:
    """One member's report on one task for one period, for the collective's pages."""

    member: object
    task: object
    report: object
    state: str
    colour: str

    @property
    def late(self) -> bool:
        return self.state in (ReportState.LATE, ReportState.OVERDUE)


def collective_summary(items) -> dict:
    """The counts a collective's line shows: in, late, missing, returned, expected."""
    states = [item.state for item in items]
    return {
        "received": sum(s in (ReportState.SUBMITTED, ReportState.LATE) for s in states),
        "late": states.count(ReportState.LATE),
        "missing": sum(s in (ReportState.OVERDUE, ReportState.NOT_DUE) for s in states),
        "overdue": states.count(ReportState.OVERDUE),
        "returned": sum(item.review == "returned" for item in items),
        "expected": len(states),
        # Complete when every member's report is in and none is back with its unit for
        # correction (a returned report is owed again).
        "complete": bool(states)
        and all(s in (ReportState.SUBMITTED, ReportState.LATE) for s in states)
        and not any(item.review == "returned" for item in items),
    }  # fmt: skip


def member_responsibilities(plan, unit_ids, period: Period) -> tuple[list, set]:
    """Responsibilities the members among ``unit_ids`` carry for ``period`` through their
    collectives, as unsaved ``Responsibility`` rows (the task, the member unit, the collective's
    place in the list; ``collective`` and ``has_report`` set on each). The lead's summary stays
    with the real rows. One query when none of ``unit_ids`` is a member; else four more: the
    member units, the collectives' responsibilities and the members' reports. Also returns the
    collectives among ``unit_ids`` that have members: they owe no report of their own."""
    from .models import TaskReport  # noqa: PLC0415 - supervision.models imports plan's models

    if not unit_ids:
        return [], set()
    links = member_links_of(unit_ids)
    owing = {}  # collective id -> member ids owing this period
    for collective_id in links.links:
        for member_id in links.of(collective_id, period):
            if member_id in unit_ids:
                owing.setdefault(collective_id, []).append(member_id)
    collectives = {c for c in links.links if c in unit_ids}  # report through their members
    if not owing:
        return [], collectives
    member_ids = {m for ms in owing.values() for m in ms}
    units = Unit.objects.in_bulk(member_ids)
    reported = set(
        TaskReport.objects.filter(
            task__plan=plan, unit_id__in=member_ids, year=period.year, quarter=period.quarter
        ).values_list("unit_id", "task_id")
    )
    rows = Responsibility.objects.filter(task__plan=plan, unit_id__in=owing).select_related(
        "task", "unit"
    )
    result = []
    for responsibility in rows.order_by("task__number", "order"):
        for member_id in owing[responsibility.unit_id]:
            pseudo = Responsibility(
                task=responsibility.task, unit=units[member_id], order=responsibility.order
            )
            pseudo.collective = responsibility.unit
            pseudo.has_report = (member_id, responsibility.task_id) in reported
            result.append(pseudo)
    return result, collectives


def responsibility_for(plan, number: int, unit_id: int):
    """The responsibility under which ``unit_id`` reports on task ``number``: its own, or, for a
    member of a collective responsible for the task, an unsaved one for the member (``None`` if
    neither). A collective that has members reports through them and gets ``None`` here."""
    own = (
        Responsibility.objects.select_related("task__plan", "unit")
        .filter(task__plan=plan, task__number=number, unit_id=unit_id)
        .first()
    )
    links = member_links_of([unit_id])
    if own is not None:
        return None if links.has_members(unit_id) else own
    collectives = [c for c, ms in links.links.items() if any(m == unit_id for m, _j, _l in ms)]
    through = (
        Responsibility.objects.select_related("task__plan", "unit")
        .filter(task__plan=plan, task__number=number, unit_id__in=collectives)
        .order_by("order")
        .first()
    )
    if through is None:
        return None
    pseudo = Responsibility(task=through.task, unit=Unit.objects.get(pk=unit_id),
                            order=through.order)  # fmt: skip
    pseudo.collective = through.unit
    return pseudo


def task_report_counts(plan, period: Period, late_from) -> dict:
    """This period's task reports expected, received, late (submitted at or after
    ``late_from``), returned and waiting for review, counting each member of a collective as
    the unit it is: the figures of the cockpit and the briefing, equal to the matrix's totals.
    One aggregate query over the plan's responsibilities: a collective with members counts its
    members of the period and their reports (correlated subqueries), any other unit its own
    report."""
    from .models import ReviewState, TaskReport  # noqa: PLC0415

    in_period = {"year": period.year, "quarter": period.quarter}
    ever = UnitMember.objects.filter(collective=OuterRef("unit"))
    active = UnitMember.objects.filter(
        Q(left_on__isnull=True) | Q(left_on__gt=period.first_day),
        collective=OuterRef(OuterRef("unit")),
        joined_on__lte=period.last_day,
    ).values("member_id")
    members_of_period = UnitMember.objects.filter(
        Q(left_on__isnull=True) | Q(left_on__gt=period.first_day),
        collective=OuterRef("unit"),
        joined_on__lte=period.last_day,
    )

    def counted(queryset):
        # COUNT(*) in the subquery without a GROUP BY: one row, the count.
        rows = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
        return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))

    def report_count(**filters):
        own = TaskReport.objects.filter(task=OuterRef("task"), unit=OuterRef("unit"), **in_period)
        members = TaskReport.objects.filter(task=OuterRef("task"), unit_id__in=active, **in_period)
        return Case(
            When(Exists(ever), then=counted(members.filter(**filters))),
            default=Cast(Exists(own.filter(**filters)), IntegerField()),
        )

    totals = (
        Responsibility.objects.filter(task__plan=plan)
        .annotate(
            e=Case(When(Exists(ever), then=counted(members_of_period)), default=Value(1)),
            r=report_count(),
            lt=report_count(submitted_at__gte=late_from),
            rt=report_count(review_state=ReviewState.RETURNED),
            wt=report_count(review_state=ReviewState.SUBMITTED),
        )
        .aggregate(
            expected=Sum("e"),
            received=Sum("r"),
            late=Sum("lt"),
            returned=Sum("rt"),
            waiting=Sum("wt"),
        )  # fmt: skip
    )
    return {key: value or 0 for key, value in totals.items()}


@dataclass
class MemberLine:
    """One member's reports for the period, one per task of the collective (None: not owed)."""

    unit: object
    items: list
    summary: dict
    urls: list = field(default_factory=list)

    @property
    def late(self) -> bool:
        return bool(self.summary["late"] or self.summary["overdue"])

    @property
    def items_urls(self) -> list:
        return list(zip(self.items, self.urls, strict=True))


@dataclass
class CollectiveBoard:
    """A collective's period, member by member: the tasks across, the members down."""

    collective: object
    period: Period
    tasks: list
    lines: list
    summary: dict

    @property
    def complete(self) -> bool:
        return self.summary["complete"]

    def colour_tasks(self, responsibilities) -> None:
        """Give each of the collective's responsibilities the worst colour of its members'
        reports on the task (the collective files none of its own)."""
        for r in responsibilities:
            r.colour = worst(
                line.items[i].colour
                for line in self.lines
                for i, task in enumerate(self.tasks)
                if task.pk == r.task_id and line.items[i] is not None
            )

    def task_rows(self, rows) -> list:
        """A collective's (responsibility, report, state, colour) rows on its period page, with
        the state and colour its members' reports on the task add up to (the worst of them)."""
        result = []
        for r, report, state, _colour in rows:
            items = [
                line.items[i]
                for line in self.lines
                for i, task in enumerate(self.tasks)
                if task.pk == r.task_id and line.items[i] is not None
            ]
            states = {item.state for item in items}
            state = next((s for s in ReportState.ORDER if s in states), state)
            result.append((r, report, state, worst(item.colour for item in items)))
        return result

    @property
    def behind(self) -> list:
        """The members late or missing a report that is due."""
        return [line.unit for line in self.lines if line.late]


def collective_board(plan, unit, period: Period, today) -> CollectiveBoard | None:
    """The members' reports of ``unit`` (a collective with members) for ``period``, side by
    side, with the roll-up's counts; ``None`` for any other unit. Four queries whatever the
    number of members: the matrix's three and the tasks."""
    from plan.models import Task  # noqa: PLC0415
    from plan.urlplans import plan_url, short_url  # noqa: PLC0415

    from .reporting import task_matrix  # noqa: PLC0415 - reporting imports this module

    has_members = getattr(unit, "has_members", None)  # plan.members.with_member_flags
    if has_members is None:
        has_members = UnitMember.objects.filter(collective=unit).exists()
    if not has_members:
        return None
    matrix = task_matrix(plan, [period], today)
    rollup = next((r for r in matrix.rows if r.rollup and r.unit.pk == unit.pk), None)
    members = rollup.members if rollup else []
    keys = list(dict.fromkeys(item.key for row in members for item in row.cells[0].items))
    tasks = sorted(Task.objects.filter(pk__in=keys), key=lambda t: t.number)
    detail = short_url("supervision:task-report-detail", 987654321)
    lines = []
    for row in members:
        by_task = {item.key: item for item in row.cells[0].items}
        items = [by_task.get(task.pk) for task in tasks]
        urls = [
            detail.replace("987654321", str(item.ref))
            if item and item.ref
            else plan_url(plan, "supervision:task-report", task.number, row.unit.pk, str(period))
            if item
            else ""
            for item, task in zip(items, tasks, strict=True)
        ]
        lines.append(MemberLine(row.unit, items, collective_summary(row.cells[0].items), urls))
    all_items = rollup.cells[0].items if rollup else []
    return CollectiveBoard(unit, period, tasks, lines, collective_summary(all_items))


def member_shares(plan, unit, period: Period) -> list:
    """The tasks ``unit`` reports on as a member of a collective in ``period`` (unsaved
    responsibilities, see ``member_responsibilities``)."""
    if getattr(unit, "is_member", True) is False:  # plan.members.with_member_flags
        return []
    return member_responsibilities(plan, frozenset([unit.pk]), period)[0]


def member_report_buttons(user, plan, task, period: Period) -> list:
    """The shares of ``task`` that ``user`` may report on as staff of a member unit (none for
    anyone without units: no query)."""
    from plan import permissions  # noqa: PLC0415

    units = permissions.reportable_unit_ids(user)
    if not units:  # None (administrators: every unit) or no unit: the plan's own rows suffice
        return []
    shares = member_responsibilities(plan, units, period)[0]
    return [r for r in shares if r.task_id == task.pk]


def row_label(row) -> str:
    """A matrix row's unit in the Excel table: a collective's roll-up says it adds its members
    up (so nobody sums it with them), a member's line names its collective."""
    if row.rollup:
        return f"{row.unit.name}（成员合计）"
    if row.collective is not None:
        return f"{row.unit.name}（{row.collective.name}成员）"
    return row.unit.name
