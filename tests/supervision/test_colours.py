"""Three-colour supervision on the pages: the matrix, unit pages, "my projects", the project
table and the cockpit each show the colours with words and a legend, and agree with the rule."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from plan.models import Unit
from projects.models import Project, ProjectStatus, ProjectUpdate
from supervision.colours import Colour
from supervision.models import ReviewState, TaskReport
from tests.conftest import plan_page

D = dt.date


@pytest.fixture
def today(monkeypatch):
    """Pages see 5 January 2026: 2025Q4's reports are due on the 10th, so missing ones are
    blue, not yet red."""

    def set_today(day):
        monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)
        return day

    return set_today


def report(project, review_state=ReviewState.SUBMITTED, year=2025, quarter=4):
    return ProjectUpdate.objects.create(
        project=project, year=year, quarter=quarter, status="in_progress", percent_complete=50,
        submitted_at=dt.datetime(2026, 1, 2, tzinfo=dt.UTC), review_state=review_state,
    )  # fmt: skip


@pytest.fixture
def marked(plan):
    """Four projects of 市科技局, one of each colour once 2025Q4's reports are due soon."""
    a, b, c, d = Project.objects.filter(annex__number=1).order_by("order")[:4]
    Project.objects.filter(pk=a.pk).update(planned_start=D(2023, 1, 1), planned_end=D(2025, 6, 30))
    report(a)  # red: past its end, not completed
    Project.objects.filter(pk=b.pk).update(status=ProjectStatus.LAGGING)
    report(b)
    report(c, ReviewState.RETURNED)  # yellow: returned
    report(d)  # no mark
    # The rest of the plan's projects have no report for 2025Q4: blue, or red after the 10th.
    return {"red": a, "lagging": b, "returned": c, "none": d}


def colour_of(text, project):
    """The colour a page shows in the row that links to ``project``."""
    start = text.index(f'href="{project.get_absolute_url()}"')
    end = text.index("</tr>", start)
    row = text[start:end]
    return next((c for c in Colour.ORDER if f'data-colour="{c}"' in row), None)


def test_project_table_shows_colours_filters_and_sorts_on_them(client, people, marked, today):
    today(D(2026, 1, 5))
    client.force_login(people["leader"])
    url = plan_page("projects:project-list")
    # Judged as last reported: the view of every report (a leader's default is the approved
    # view, where these projects, with no approved report, are not started; issue 19).
    response = client.get(url, {"colour": "yellow", "figures": "all"})
    names = {row.record.name for row in response.context["table"].page.object_list}
    assert names == {marked["lagging"].name, marked["returned"].name}
    assert 'data-colour="yellow"' in response.text and "黄色" in response.text
    red = client.get(url, {"colour": "red"}).context["table"].page.object_list
    assert [row.record.pk for row in red] == [marked["red"].pk]
    blue = client.get(url, {"colour": "blue"}).context["table"].paginator.count
    assert blue == Project.objects.filter(annex__plan__isnull=False).count() - 4
    first = client.get(url, {"sort": "colour"}).context["table"].page.object_list[0]
    assert first.record.pk == marked["red"].pk
    assert 'data-testid="colour-legend"' in response.text


def test_after_the_due_date_missing_reports_turn_red(client, people, marked, today):
    today(D(2026, 1, 11))
    client.force_login(people["leader"])
    url = plan_page("projects:project-list")
    assert client.get(url, {"colour": "blue"}).context["table"].paginator.count == 0
    reds = client.get(url, {"colour": "red"}).context["table"].paginator.count
    assert reds == Project.objects.count() - 3


def test_unit_page_marks_projects_and_task_reports_with_a_legend(client, people, marked, today):
    today(D(2026, 1, 5))
    unit = Unit.objects.get(name="市科技局")
    r = unit.responsibilities.order_by("task__number").first()
    TaskReport.objects.create(task=r.task, unit=unit, year=2025, quarter=4, status="on_track",
                              progress="x", submitted_at=dt.datetime(2026, 1, 3, tzinfo=dt.UTC),
                              review_state=ReviewState.RETURNED)  # fmt: skip
    client.force_login(people["leader"])
    text = client.get(plan_page("plan:unit-detail", unit.pk), {"figures": "all"}).text
    assert colour_of(text, marked["red"]) == "red"
    assert colour_of(text, marked["lagging"]) == "yellow"
    assert colour_of(text, marked["returned"]) == "yellow"
    assert colour_of(text, marked["none"]) == "none"
    assert 'data-testid="colour-legend"' in text
    assert f'data-task="{r.task.number}"><span class="colour colour-yellow"' in text
    other = unit.responsibilities.order_by("task__number")[1]
    assert f'data-task="{other.task.number}"><span class="colour colour-blue"' in text


def test_my_projects_shows_each_projects_colour(client, people, marked, today):
    today(D(2026, 1, 5))
    client.force_login(people["staff_own"])
    response = client.get(plan_page("projects:my-projects"))
    text = response.text
    assert colour_of(text, marked["red"]) == "red"
    assert colour_of(text, marked["returned"]) == "yellow"
    assert colour_of(text, marked["none"]) == "none"
    colours = {p.pk: p.colour for p in response.context["projects"]}
    assert colours[marked["lagging"].pk] == "yellow"
    assert 'data-testid="colour-legend"' in text and "蓝色" in text


def test_matrix_cells_carry_the_worst_colour_of_their_reports(client, people, marked, today):
    today(D(2026, 1, 5))
    client.force_login(people["leader"])
    response = client.get(plan_page("supervision:report-matrix"), {"kind": "projects",
                                                                "year": 2025})  # fmt: skip
    (row,) = response.context["matrix"].rows
    q4 = row.cells[3]
    by_key = {item.key: item.colour for item in q4.items}
    assert by_key[marked["returned"].pk] == "yellow"
    assert by_key[marked["none"].pk] == "none"
    assert list(by_key.values()).count("blue") == len(by_key) - 4
    assert q4.colour == "yellow"  # returned beats due soon
    assert row.cells[2].colour == "red"  # 2025Q3: nothing came in, long overdue
    assert 'data-colour="yellow"' in response.text
    assert 'data-testid="colour-legend"' in response.text
    # Task reports: none in, due in five days: every 2025Q4 cell blue.
    tasks = client.get(plan_page("supervision:report-matrix"), {"kind": "tasks", "year": 2025})
    assert {r.cells[3].colour for r in tasks.context["matrix"].rows} == {"blue"}


def test_cockpit_counts_colours_and_marks_the_lagging_projects(client, people, marked, today, plan):
    today(D(2026, 1, 5))
    client.force_login(people["leader"])
    # Every report as submitted (none is approved here): the lagging list shows project b.
    response = client.get(plan_page("dashboard:home") + "?figures=all")
    counts = response.context["projects"]
    total = Project.objects.count()
    # The colours say what to chase, from the reports as submitted, in either view.
    approved_only = client.get(plan_page("dashboard:home")).context["projects"]
    assert approved_only["colour_yellow"] == counts["colour_yellow"] == 2
    assert (counts["colour_red"], counts["colour_yellow"], counts["colour_blue"]) == (
        1, 2, total - 4,
    )  # fmt: skip
    lagging = {p.pk: p.colour for p in response.context["lagging_projects"]}
    assert lagging[marked["red"].pk] == "red" and lagging[marked["lagging"].pk] == "yellow"
    # The list judges its colours in Python: the same as the SQL of the table and the counts.
    in_sql = dict(Project.objects.with_colour(plan, D(2026, 1, 5)).values_list("pk", "colour"))
    assert lagging == {pk: in_sql[pk] for pk in lagging}
    reports = response.context["completeness"]["projects"].colours
    assert reports == {"red": 0, "yellow": 1, "blue": total - 4}
    text = response.text
    assert 'data-testid="colour-counts"' in text and 'data-testid="colour-legend"' in text
    assert f"{reverse('projects:project-list')}?colour=red" in text


def test_unit_period_page_marks_each_report_owed(client, people, marked, today):
    today(D(2026, 1, 5))
    unit = Unit.objects.get(name="市科技局")
    client.force_login(people["leader"])
    response = client.get(plan_page("supervision:unit-period-reports", unit.pk, "2025Q4"))
    colours = {p.pk: colour for p, _, _, colour in response.context["projects"]}
    # A report's own colour: the returned one yellow, the missing ones blue, the rest none
    # (lag and end dates belong to the project's colour, not to its report's).
    assert colours[marked["returned"].pk] == "yellow"
    assert colours[marked["red"].pk] == colours[marked["none"].pk] == "none"
    assert {c for _, _, _, c in response.context["tasks"]} == {"blue"}
    assert 'data-testid="colour-legend"' in response.text
    today(D(2026, 1, 11))
    response = client.get(plan_page("supervision:unit-period-reports", unit.pk, "2025Q4"))
    assert {c for _, _, _, c in response.context["tasks"]} == {"red"}
