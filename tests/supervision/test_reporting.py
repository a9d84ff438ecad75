"""The reporting matrix, the unit-period page and the staff to-do."""

import datetime as dt
import io
from functools import partial

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from plan.models import Plan, Responsibility, Unit
from plan.periods import Period, reporting_period
from projects.models import Project, ProjectUpdate
from supervision.models import TaskReport
from supervision.reporting import task_matrix
from tests.conftest import plan_page
from tests.factories import UnitFactory


@pytest.fixture
def thirteen_periods(plan):
    """Report from 2022Q4 to 2025Q4, as the demo does: 13 periods."""
    Plan.objects.filter(pk=plan.pk).update(reporting_start_year=2022, reporting_start_quarter=4)
    plan.refresh_from_db()
    assert len(plan.reporting_periods) == 13
    return plan


def submit(task_number, unit_name, period, day):
    r = Responsibility.objects.get(task__number=task_number, unit__name=unit_name)
    TaskReport.objects.create(
        task=r.task, unit=r.unit, year=period.year, quarter=period.quarter, status="on_track",
        progress="x", submitted_at=dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC),
    )  # fmt: skip


def grow_units(plan, count):
    tasks = list(plan.tasks.all())
    units = UnitFactory.create_batch(count)
    rows = []
    for i, unit in enumerate(units):
        task = tasks[i % len(tasks)]
        rows.append(Responsibility(task=task, unit=unit, order=100 + i))
        for year, quarter in [(2023, 1), (2024, 2), (2025, 4)]:
            TaskReport.objects.create(task=task, unit=unit, year=year, quarter=quarter,
                                      status="on_track", progress="x",
                                      submitted_at=timezone.now())  # fmt: skip
    Responsibility.objects.bulk_create(rows)
    Project.objects.filter(annex__number=2).update(unit=units[0])


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response


@pytest.mark.parametrize("kind", ["tasks", "projects"])
def test_matrix_query_count_is_the_same_for_25_and_200_units(
    client, people, thirteen_periods, kind
):
    client.force_login(people["leader"])
    url = plan_page("supervision:report-matrix") + f"?kind={kind}&year=all"
    small, response = queries(client, url)
    rows = len(response.context["matrix"].rows)
    assert len(response.context["matrix"].periods) == 13
    grow_units(thirteen_periods, 175)
    large, response = queries(client, url)
    assert (small, large) == (9, 9)  # with the supervision items' section (no items: one query)
    if kind == "tasks":
        assert (rows, len(response.context["matrix"].rows)) == (25, 200)


def test_matrix_counts_on_a_hand_built_set(client, people, thirteen_periods):
    p = Period(2024, 4)  # due 2025-01-10
    submit(1, "市科技局", p, dt.date(2025, 1, 5))
    submit(1, "市工信局", p, dt.date(2025, 1, 20))  # late
    client.force_login(people["leader"])
    response = client.get(plan_page("supervision:report-matrix"), {"kind": "tasks", "task": 1,
                                                                 "year": 2024})  # fmt: skip
    matrix = response.context["matrix"]
    assert [str(x) for x in matrix.periods] == ["2024Q1", "2024Q2", "2024Q3", "2024Q4"]
    rows = {row.unit.name: row for row in matrix.rows}
    assert len(rows) == 6  # the six units of task 1
    assert rows["市科技局"].cells[3].state == "submitted"
    assert rows["市工信局"].cells[3].state == "late"
    assert rows["市发改委"].cells[3].state == "overdue"
    assert dict(matrix.period_totals[3]) == {"submitted": 1, "late": 1, "overdue": 4}
    assert dict(rows["市科技局"].totals) == {"submitted": 1, "overdue": 3}
    # A click on a one-report cell opens the report.
    report = TaskReport.objects.get(unit__name="市科技局")
    assert rows["市科技局"].cells[3].url == report.get_absolute_url()
    assert f'href="{report.get_absolute_url()}"' in response.text


def test_project_matrix_counts_project_reports(client, people, thirteen_periods):
    p = Period(2025, 4)
    project = Project.objects.get(annex__number=1, order=1)
    ProjectUpdate.objects.create(project=project, year=p.year, quarter=p.quarter,
                                 status="in_progress", percent_complete=10,
                                 submitted_at=dt.datetime(2026, 1, 8, tzinfo=dt.UTC))  # fmt: skip
    client.force_login(people["leader"])
    response = client.get(
        plan_page("supervision:report-matrix"), {"kind": "projects", "year": 2025}
    )
    (row,) = response.context["matrix"].rows
    assert row.unit.name == "市科技局"
    cell = row.cells[3]
    assert (cell.received, len(cell.items), cell.state) == (1, 53, "overdue")


def test_unit_period_page_lists_each_report_owed(client, people, thirteen_periods):
    submit(2, "市工信局", Period(2025, 4), dt.date(2026, 1, 2))
    client.force_login(people["leader"])
    unit = Unit.objects.get(name="市工信局")
    response = client.get(plan_page("supervision:unit-period-reports", unit.pk, "2025Q4"))
    states = {r.task.number: state for r, _, state, *_ in response.context["tasks"]}
    assert states == {1: "overdue", 2: "submitted", 4: "overdue", 5: "overdue", 7: "overdue",
                      8: "overdue"}  # fmt: skip
    assert (
        client.get(plan_page("supervision:unit-period-reports", unit.pk, "2030Q1")).status_code
        == 404
    )


def test_staff_see_what_their_unit_owes_and_it_shrinks_as_they_report(client, people, plan):
    period = reporting_period(timezone.localdate(), plan.start_year, plan.end_year)
    client.force_login(people["staff_other"])  # 市工信局: six tasks, leads none, no projects
    todo = client.get("/").context["todo"]
    owed = (todo.period, len(todo.task_reports), len(todo.summaries), len(todo.owed_of("project")))
    assert owed == (period, 6, 0, 0)
    submit(2, "市工信局", period, timezone.localdate())
    todo = client.get("/").context["todo"]
    assert [r.task.number for r in todo.task_reports] == [1, 4, 5, 7, 8]
    client.force_login(people["staff_own"])  # 市科技局: nine tasks, leads six, 53 projects
    todo = client.get("/").context["todo"]
    assert (len(todo.task_reports), len(todo.summaries), len(todo.owed_of("project"))) == (9, 6, 53)
    assert 'data-testid="todo"' in client.get("/").text


def test_leaders_get_no_todo(client, people, plan):
    client.force_login(people["leader"])
    response = client.get("/")
    assert "todo" not in response.context and 'data-testid="todo"' not in response.text


def test_task_page_shows_its_reports_by_unit_and_period_and_the_latest_summary(
    client, people, plan
):
    period = reporting_period(timezone.localdate(), plan.start_year, plan.end_year)
    client.force_login(people["staff_own"])
    client.post(plan_page("supervision:task-summary", 1, str(period)),
                {"version": 0, "summary": "本期总体按计划推进。"})  # fmt: skip
    submit(1, "市科技局", period, plan.due_date(period))
    response = client.get(plan_page("plan:task-detail", 1))
    assert "本期总体按计划推进。" in response.text
    matrix = response.context["matrix"]
    assert [row.unit.name for row in matrix.rows][:2] == ["市科技局", "市工信局"]
    assert matrix.rows[0].cells[-1].state == "submitted"


def test_cockpit_completeness_agrees_with_the_matrix(client, people, thirteen_periods):
    from dashboard.cockpit import reporting_completeness
    from supervision.reporting import matrix_for

    call_command("load_demo", stdout=io.StringIO())
    plan = Plan.objects.get()
    # The reporting period counts on the colours' join of its reports; an earlier period on a
    # join of its own.
    for period, today in [(Period(2025, 4), dt.date(2026, 11, 26)),
                          (Period(2025, 4), dt.date(2026, 1, 5)),
                          (Period(2025, 3), dt.date(2026, 11, 26))]:  # fmt: skip
        figures = reporting_completeness(plan, period, today)
        for kind, build in (("tasks", task_matrix), ("projects", partial(matrix_for, "projects"))):
            totals = build(plan, [period], today).totals
            got = figures[kind]
            assert (got.received, got.late, got.overdue, got.expected) == (
                totals["submitted"] + totals["late"], totals["late"], totals["overdue"],
                sum(totals.values()),
            ), kind  # fmt: skip


@pytest.mark.parametrize("kind", ["tasks", "projects"])
def test_a_report_is_late_by_its_local_day_not_by_utc(client, people, thirteen_periods, kind):
    """Issue 22: the matrix now takes each report's local day from the database (TruncDate in
    the site's zone, Asia/Shanghai). 2024Q4 is due 2025-01-10: a report sent at 23:30 on the
    10th local time (15:30 UTC) is on time; one at 00:30 on the 11th local time (16:30 UTC on
    the 10th, the same UTC day) is late."""
    p = Period(2024, 4)
    on_time = dt.datetime(2025, 1, 10, 15, 30, tzinfo=dt.UTC)
    late = dt.datetime(2025, 1, 10, 16, 30, tzinfo=dt.UTC)
    if kind == "tasks":
        rs = list(Responsibility.objects.filter(task__number=1).order_by("order")[:2])
        for r, at in zip(rs, (on_time, late), strict=True):
            TaskReport.objects.create(task=r.task, unit=r.unit, year=p.year, quarter=p.quarter,
                                      status="on_track", progress="x", submitted_at=at)  # fmt: skip
        units = [r.unit for r in rs]
        params = {"kind": "tasks", "task": 1, "year": 2024}
    else:
        projects = list(Project.objects.filter(annex__plan=thirteen_periods).order_by("pk")[:2])
        units = UnitFactory.create_batch(2)
        for project, unit, at in zip(projects, units, (on_time, late), strict=True):
            Project.objects.filter(pk=project.pk).update(unit=unit)
            ProjectUpdate.objects.create(project=project, year=p.year, quarter=p.quarter,
                                         status="in_progress", percent_complete=10,
                                         submitted_at=at)  # fmt: skip
        params = {"kind": "projects", "year": 2024}
    client.force_login(people["leader"])
    matrix = client.get(plan_page("supervision:report-matrix"), params).context["matrix"]
    rows = {row.unit.pk: row for row in matrix.rows}
    assert rows[units[0].pk].cells[3].state == "submitted"
    assert rows[units[1].pk].cells[3].state == "late"
