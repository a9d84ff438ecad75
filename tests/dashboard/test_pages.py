"""Every page: who may see it, what it shows, and a query count that does not grow with the data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plan.models import Unit
from plan.urlplans import plan_url
from projects.models import Project
from tests.conftest import grow_plan, plan_page
from tests.factories import UserFactory


def page_urls(plan):
    unit = Unit.objects.get(name="市科技局")
    project = Project.objects.get(annex__number=1, order=1)
    return {
        "home": plan_url(plan, "dashboard:home"),
        "overview": plan_url(plan, "plan:overview"),
        "evaluation": plan_url(plan, "plan:evaluation"),
        "changes": plan_url(plan, "plan:changes"),
        "task-list": plan_url(plan, "plan:task-list"),
        "task-detail": plan_url(plan, "plan:task-detail", 1),
        "unit-list": plan_url(plan, "plan:unit-list"),
        "unit-detail": plan_url(plan, "plan:unit-detail", unit.pk),
        "annex-detail": plan_url(plan, "projects:annex-detail", 1),
        "project-detail": reverse("projects:project-detail", args=[project.pk]),
    }


# Queries per page for a logged-in reader: session, user and role lookups included.
PINNED_QUERIES = {
    "home": 12,
    "overview": 11,
    "evaluation": 14,
    "changes": 10,
    "task-list": 7,
    "task-detail": 14,
    "unit-list": 5,
    "unit-detail": 8,
    "annex-detail": 8,
    "project-detail": 10,  # its plan (plan.urlplans) and its continuations (结转)
}


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize("page", PINNED_QUERIES)
def test_page_query_count_is_pinned_and_does_not_grow_with_the_plan(plan, client_logged_in, page):
    url = page_urls(plan)[page]
    small = count_queries(client_logged_in, url)
    grow_plan(plan, projects=600, units=120)
    large = count_queries(client_logged_in, url)
    assert (small, large) == (PINNED_QUERIES[page], PINNED_QUERIES[page])


@pytest.mark.parametrize("page", PINNED_QUERIES)
def test_pages_need_a_login(plan, client, page):
    url = page_urls(plan)[page]
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_page_is_open_and_a_login_leads_to_the_overview(plan, client):
    UserFactory(username="clerk")
    assert client.get(reverse("login")).status_code == 200
    response = client.post(
        reverse("login"), {"username": "clerk", "password": "pass-for-tests-1"}, follow=True
    )
    assert response.request["PATH_INFO"] == plan_page("dashboard:home")
    assert plan.title in response.text


def test_a_wrong_password_is_told_on_the_login_page(plan, client):
    UserFactory(username="clerk")
    response = client.post(reverse("login"), {"username": "clerk", "password": "nope"})
    assert response.status_code == 200
    assert 'role="alert"' in response.text


def test_overview_shows_tasks_annexes_indicators_and_safeguards(plan, client_logged_in):
    text = client_logged_in.get(plan_page("plan:overview")).text
    expected = [
        "统筹双链融合", "统筹环境塑造", "碳纤维产业支撑平台(项目)", "争创东北地区地级城市前列",
        "强化组织领导", "吉林市科技领导小组各成员单位",
        "市委统战部",  # task 7's lead unit, named nowhere else on the page
    ]  # fmt: skip
    assert [phrase for phrase in expected if phrase not in text] == []


def test_task_page_shows_full_text_units_in_order_with_the_lead_marked_and_projects(
    plan, client_logged_in
):
    text = client_logged_in.get(plan_page("plan:task-detail", 1)).text
    task = plan.tasks.get(number=1)
    assert task.full_text in text
    positions = [
        text.index(name) for name in ("市科技局", "市工信局", "市发改委", "各县(市)区和开发区")
    ]
    assert positions == sorted(positions)
    assert text.count("badge-lead") == 1
    assert (
        "吉林碳纤维及复合材料产业研究院" in text
        and "东电光伏电站智能巡检与清洗维护一体化机器人研制与应用" in text
    )


def test_task_without_projects_says_so(plan, client_logged_in):
    assert "没有列出附表项目" in client_logged_in.get(plan_page("plan:task-detail", 3)).text


def test_unknown_task_is_404(plan, client_logged_in):
    assert client_logged_in.get(plan_page("plan:task-detail", 10)).status_code == 404


def test_unit_page_lists_the_tasks_it_shares_and_its_projects(plan, client_logged_in):
    unit = Unit.objects.get(name="市工信局")
    text = client_logged_in.get(plan_page("plan:unit-detail", unit.pk)).text
    for short_title in ("统筹双链融合", "统筹企业力量", "统筹创新创业", "统筹要素资源"):
        assert short_title in text
    assert "统筹人才引育" not in text
    lead = Unit.objects.get(name="市科技局")
    text = client_logged_in.get(plan_page("plan:unit-detail", lead.pk)).text
    assert text.count("/projects/") >= 53


def test_unit_list_counts_tasks_and_leads(plan, client_logged_in):
    response = client_logged_in.get(plan_page("plan:unit-list"))
    units = {u.name: u for u in response.context["units"]}
    assert len(units) == 26
    assert (units["市科技局"].task_count, units["市科技局"].lead_count) == (9, 6)
    assert units["市科技局"].project_count == 53
    assert (units["市委组织部"].task_count, units["市委组织部"].lead_count) == (2, 2)


def test_annex_page_lists_projects_in_plan_order(plan, client_logged_in):
    text = client_logged_in.get(plan_page("projects:annex-detail", 2)).text
    names = Project.objects.filter(annex__number=2).order_by("order").values_list("name", flat=True)
    positions = [text.index(name) for name in names]
    assert len(positions) == 16 and positions == sorted(positions)


def test_annex_page_pages_a_long_annex(plan, client_logged_in):
    grow_plan(plan, projects=600, units=10)
    first = client_logged_in.get(plan_page("projects:annex-detail", 1))
    assert len(first.context["table"].page.object_list) == 50
    second = client_logged_in.get(plan_page("projects:annex-detail", 1) + "?page=2")
    assert second.status_code == 200
    assert "扩充项目1-44" in second.text


def test_pages_are_in_english_when_asked(plan, client_logged_in):
    client_logged_in.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Main tasks" in client_logged_in.get(plan_page("plan:task-list")).text


def test_evaluation_rolls_up_tasks_as_the_database_does(plan, client_logged_in):
    """The evaluation rolls its listed projects up in Python (one query fewer); the figures
    are the SQL roll-up's, weighted and plain alike."""
    from django.utils import timezone

    projects = list(Project.objects.filter(annex__plan=plan).select_related("annex__column"))
    for i, project in enumerate(projects):
        project.percent_complete = (i * 37) % 101
        # Tasks with an odd number have a project without an investment: a plain mean.
        odd = project.annex.column and project.annex.column.task.number % 2
        project.total_investment = None if odd and i % 3 == 0 else 100 + i
    Project.objects.bulk_update(projects, ["percent_complete", "total_investment"])
    response = client_logged_in.get(plan_page("plan:evaluation") + "?figures=all")
    shown = {task.pk: task.rollup for task in response.context["tasks"]}
    expected = Project.objects.filter(annex__plan=plan).rollup_by_task(timezone.localdate())
    assert shown == {task.pk: expected.get(task.pk) for task in response.context["tasks"]}
    # Approved figures only (none is approved here), the same both ways. The choice of "all"
    # above is kept for the session, so this asks for the approved view in so many words.
    approved = client_logged_in.get(plan_page("plan:evaluation") + "?figures=approved")
    shown = {task.pk: task.rollup for task in approved.context["tasks"]}
    expected = Project.objects.filter(annex__plan=plan).rollup_by_task(
        timezone.localdate(), approved=True
    )
    assert shown == {task.pk: expected.get(task.pk) for task in approved.context["tasks"]}
    assert any(r and r.weighted for r in shown.values())
    assert any(r and not r.weighted for r in shown.values())
