"""The project table, annex tables and "my projects": filters, sorting, paging, query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from plan.models import Unit
from projects.models import Project, ProjectStatus, ProjectUpdate
from projects.progress import reporting_period
from tests.conftest import grow_plan, plan_page


def count(client, url, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries), response


@pytest.fixture
def staff(client, people):
    client.force_login(people["staff_own"])
    return client


PAGES = {
    "project-list": (lambda: plan_page("projects:project-list"), {}, 9),
    "project-list-filtered": (
        lambda: plan_page("projects:project-list"),
        {"status": "not_started", "task": "", "q": "项目", "sort": "-percent_complete"},
        9,
    ),
    "annex": (lambda: plan_page("projects:annex-detail", 2), {}, 8),
    # one page counts its owed rows itself; several pages count them in the database (8)
    "my-projects": (lambda: plan_page("projects:my-projects"), {}, (7, 8)),
    "project-detail": (
        lambda: reverse("projects:project-detail", args=[Project.objects.order_by("pk")[0].pk]),
        {},
        10,  # its plan (plan.urlplans) and the projects that continue it (结转)
    ),
}


@pytest.mark.parametrize("page", PAGES)
def test_query_count_is_pinned_at_two_sizes(staff, plan, page):
    url, params, pinned = PAGES[page]
    small, _ = count(staff, url(), **params)
    grow_plan(plan, projects=1200, units=50)
    Project.objects.filter(annex__number=1).update(unit=Unit.objects.get(name="市科技局"))
    large, _ = count(staff, url(), **params)
    assert (small, large) == (pinned if isinstance(pinned, tuple) else (pinned, pinned))


def names(response):
    return [row.record.name for row in response.context["table"].page.object_list]


def test_filters_by_annex_task_unit_status_lag_and_text(staff, plan):
    url = plan_page("projects:project-list")
    task4 = plan.tasks.get(number=4)
    assert len(names(staff.get(url, {"annex": plan.annexes.get(number=3).pk}))) == 9
    assert len(names(staff.get(url, {"task": task4.pk}))) == 12
    unit = Unit.objects.get(name="市工信局")
    Project.objects.filter(annex__number=5).update(unit=unit)
    assert len(names(staff.get(url, {"unit": unit.pk}))) == 4
    Project.objects.filter(annex__number=6, order__lte=2).update(status=ProjectStatus.LAGGING)
    assert len(names(staff.get(url, {"status": "lagging"}))) == 2
    assert len(names(staff.get(url, {"lagging": "on"}))) == 2
    assert names(staff.get(url, {"q": "碳纤维知识产权"})) == ["吉林市碳纤维知识产权运营平台"]
    Project.objects.filter(annex__number=3, order=1).update(builder="华微电子股份有限公司")
    assert names(staff.get(url, {"q": "华微电子股份"})) == ["华微汽车电子器件检测中心项目"]


@pytest.mark.parametrize(
    "column",
    ["annex", "order", "name", "unit", "status", "percent_complete", "last_reported_at",
     "is_lagging"],
)  # fmt: skip
def test_every_column_sorts_both_ways(staff, plan, column):
    Project.objects.filter(annex__number=2).update(percent_complete=50, status="in_progress")
    url = plan_page("projects:project-list")
    up, down = staff.get(url, {"sort": column}), staff.get(url, {"sort": f"-{column}"})
    assert up.status_code == down.status_code == 200
    if column == "percent_complete":
        assert names(down)[0] in set(
            Project.objects.filter(percent_complete=50).values_list("name", flat=True)
        )
        assert "percent_complete" in up.context["table"].order_by[0]


def test_filter_state_lives_in_the_url_and_survives_paging(staff, plan):
    grow_plan(plan, projects=300, units=5)
    response = staff.get(
        plan_page("projects:project-list"), {"annex": plan.annexes.get(number=1).pk}
    )
    assert response.context["table"].paginator.num_pages > 1
    assert f"annex={plan.annexes.get(number=1).pk}" in response.text.split('class="pagination"')[1]


def test_annex_page_is_the_table_prefiltered_in_plan_order(staff, plan):
    response = staff.get(plan_page("projects:annex-detail", 5))
    assert names(response) == [
        "5大细分产业研究中心建设工程", "6大创新创业基地建设工程",
        "7大产业创新支撑平台建设工程", "25家细分行业应用技术研究院",
    ]  # fmt: skip


def test_my_projects_shows_the_units_projects_and_which_owe_a_report(staff, plan, people):
    period = reporting_period(timezone.localdate(), plan.start_year, plan.end_year)
    reported = Project.objects.get(annex__number=1, order=1)
    ProjectUpdate.objects.create(project=reported, year=period.year, quarter=period.quarter,
                                 status="in_progress", percent_complete=10,
                                 submitted_at=timezone.now())  # fmt: skip
    response = staff.get(plan_page("projects:my-projects"))
    projects = list(response.context["projects"])
    assert len(projects) == 53
    assert response.context["missing"] == 52
    assert projects[-1] == reported and projects[-1].reported  # owing ones come first
    assert "52" in response.text


def test_my_projects_for_someone_without_a_unit_says_why_it_is_empty(client, people):
    client.force_login(people["leader"])
    response = client.get(plan_page("projects:my-projects"))
    assert response.status_code == 200
    assert "尚未加入任何责任单位" in response.text


def test_nav_offers_my_projects_only_to_those_who_report(client, people):
    client.force_login(people["staff_own"])
    assert plan_page("projects:my-projects") in client.get("/").text
    client.force_login(people["leader"])
    assert plan_page("projects:my-projects") not in client.get("/").text


def test_the_unit_filter_offers_each_unit_with_projects_in_the_plan_once(staff, plan):
    """Issue 22: the unit menu is asked with EXISTS instead of a DISTINCT join of every
    project; it must still list each unit that has a project in this plan, once, and no other."""
    others = Unit.objects.exclude(projects__annex__plan=plan)[:2]
    for project, unit in zip(Project.objects.filter(annex__plan=plan)[:2], others, strict=True):
        Project.objects.filter(pk=project.pk).update(unit=unit)
    response = staff.get(plan_page("projects:project-list"))
    offered = list(response.context["filter"].filters["unit"].queryset)
    with_projects = set(Project.objects.filter(annex__plan=plan).values_list("unit_id", flat=True))
    assert len(with_projects) > 1
    assert [u.pk for u in offered] == [
        u.pk for u in Unit.objects.filter(pk__in=with_projects)
    ]  # each once, in the units' own order
