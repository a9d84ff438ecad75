"""Every page belongs to one plan and its URL says which (issue 18, item 1): pages addressed by
number live under /plans/<code>/ and their short forms redirect to the default plan's; pages
addressed by id keep their URLs and open in their own plan; drafts are for administrators; the
header's switcher lists the plans a user may see. Django's plain client here (tests/conftest.py's
follows the plan redirect for every other test)."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from indicators.models import Indicator
from plan.lifecycle import plan_make_default
from plan.models import Plan, Responsibility, Task, Unit
from plan.permissions import ADMINISTRATOR, LEADER, STAFF
from plan.urlplans import plan_url
from projects.models import Annex, Project
from tests.conftest import grow_plan
from tests.factories import UserFactory


@pytest.fixture
def successor(plan) -> Plan:
    """A 2026-2030 plan beside the 2022-2025 one: one task, one annex, one project, one
    indicator, active (units report on both), not the default."""
    new = Plan.objects.create(
        code="2026-2030", title="下一期行动计划", start_year=2026, end_year=2030, state="active"
    )
    task = Task.objects.create(plan=new, number=1, short_title="新一期任务", programme="新工程")
    Responsibility.objects.create(task=task, unit=Unit.objects.get(name="市科技局"), order=1)
    annex = Annex.objects.create(plan=new, number=1, title="新一期重点项目")
    Project.objects.create(annex=annex, order=1, name="新一期示范项目", unit=task.units.first())
    Indicator.objects.create(plan=new, code="new-indicator", name="新一期指标", order=1)
    return new


@pytest.fixture
def leader(db):
    return UserFactory(username="leader", role=LEADER)


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_short_form_redirects_to_the_default_plans_page_with_its_query(plan, successor, leader):
    client = logged_in(leader)
    admin = UserFactory(username="a", role=ADMINISTRATOR)
    # With no default chosen, the active plan that starts latest is the default.
    assert client.get("/")["Location"] == "/plans/2026-2030/"
    plan_make_default(plan=plan, user=admin)
    response = client.get("/plan/tasks/3/?figures=all")
    assert response.status_code == 302
    assert response["Location"] == "/plans/2022-2025/plan/tasks/3/?figures=all"
    assert client.get("/").headers["Location"] == "/plans/2022-2025/"
    plan_make_default(plan=successor, user=admin)
    assert client.get("/plan/tasks/1/")["Location"] == "/plans/2026-2030/plan/tasks/1/"


def test_each_plans_pages_show_that_plan_side_by_side(plan, successor, leader):
    client = logged_in(leader)
    old = client.get("/plans/2022-2025/plan/tasks/1/")
    new = client.get("/plans/2026-2030/plan/tasks/1/")
    assert old.status_code == new.status_code == 200
    assert old.context["current_plan"] == plan and new.context["current_plan"] == successor
    assert "新一期任务" in new.text and "新一期任务" not in old.text
    new_list = client.get("/plans/2026-2030/projects/").text
    assert "新一期示范项目" in new_list
    assert "新一期示范项目" not in client.get("/plans/2022-2025/projects/").text
    # Links on a plan's page stay inside the plan.
    assert 'href="/plans/2026-2030/plan/tasks/"' in new.text
    assert 'href="/plans/2022-2025/plan/tasks/"' in old.text


def test_a_page_addressed_by_id_keeps_its_url_and_opens_in_its_own_plan(plan, successor, leader):
    plan_make_default(plan=plan, user=UserFactory(username="a", role=ADMINISTRATOR))
    client = logged_in(leader)
    project = Project.objects.get(annex__plan=successor)
    response = client.get(f"/projects/{project.pk}/")
    assert response.status_code == 200  # not 404 although 2022-2025 is the default
    assert response.context["current_plan"] == successor
    assert project.get_absolute_url() == f"/projects/{project.pk}/"
    # Under another plan's prefix it is sent to its own.
    wrong = client.get(f"/plans/2022-2025/projects/{project.pk}/")
    assert wrong["Location"] == f"/plans/2026-2030/projects/{project.pk}/"
    indicator = Indicator.objects.get(plan=successor)
    assert client.get(indicator.get_absolute_url()).context["current_plan"] == successor
    old = Project.objects.filter(annex__plan=plan).first()
    assert client.get(old.get_absolute_url()).context["current_plan"] == plan


def test_a_post_to_another_plans_page_is_refused_and_changes_nothing(plan, successor):
    staff = UserFactory(username="kjj", unit=Unit.objects.get(name="市科技局"))
    project = Project.objects.get(annex__plan=successor)
    response = logged_in(staff).post(
        f"/plans/2022-2025/projects/{project.pk}/report/", {"percent_complete": 50}
    )
    assert response.status_code == 404
    assert not project.updates.exists()


def test_a_draft_is_seen_by_administrators_only(plan, leader):
    Plan.objects.create(code="draft-2031", title="草稿", start_year=2031, end_year=2035)
    assert logged_in(leader).get("/plans/draft-2031/").status_code == 404
    admin = logged_in(UserFactory(username="a", role=ADMINISTRATOR))
    assert admin.get("/plans/draft-2031/").status_code == 200
    # Creating it changed nothing anybody sees.
    assert logged_in(leader).get("/")["Location"] == "/plans/2022-2025/"
    switch = admin.get("/plans/2022-2025/").context["plan_switch"]
    assert [c["plan"].code for c in switch] == ["2022-2025", "draft-2031"]
    assert [c["plan"].code for c in logged_in(leader).get("/plans/2022-2025/").context[
        "plan_switch"]] == ["2022-2025"]  # fmt: skip


def test_an_unknown_plan_is_404_and_a_bare_prefix_gets_its_slash(plan, leader):
    client = logged_in(leader)
    assert client.get("/plans/1999-2000/").status_code == 404
    assert client.get("/plans/2022-2025")["Location"] == "/plans/2022-2025/"


def test_the_switcher_opens_the_same_page_in_the_other_plan(plan, successor, leader):
    page = logged_in(leader).get("/plans/2022-2025/plan/tasks/1/?figures=all")
    html = page.text
    links = dict(re.findall(r'<a href="([^"]+)" data-plan="([^"]+)"', html))
    assert links == {"/plans/2022-2025/plan/tasks/1/": "2022-2025",
                     "/plans/2026-2030/plan/tasks/1/": "2026-2030"}  # fmt: skip
    assert 'data-testid="plan-switch"' in html
    # A page addressed by id switches to the other plan's cockpit.
    project = Project.objects.get(annex__plan=successor)
    html = logged_in(leader).get(project.get_absolute_url()).text
    assert '<a href="/plans/2022-2025/" data-plan="2022-2025"' in html


def test_a_visitor_is_sent_to_log_in_and_back_to_the_plans_page(plan):
    response = Client().get("/plans/2022-2025/plan/tasks/2/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/plans/2022-2025/plan/tasks/2/"


def test_urls_for_another_plan_name_it_whatever_the_request(plan, successor):
    assert plan_url(successor, "plan:task-detail", 1) == "/plans/2026-2030/plan/tasks/1/"
    assert successor.tasks.get().get_absolute_url() == "/plans/2026-2030/plan/tasks/1/"
    annex = Annex.objects.get(plan=successor)
    assert annex.get_absolute_url() == "/plans/2026-2030/projects/annex/1/"
    assert successor.get_absolute_url() == "/plans/2026-2030/"


PAGES = ["dashboard:home", "plan:overview", "plan:task-list", "projects:project-list",
         "supervision:report-matrix", "indicators:indicator-list", "plan:changes"]  # fmt: skip


@pytest.mark.parametrize("name", PAGES)
def test_a_plans_queries_do_not_grow_with_another_plan_beside_it(plan, leader, name):
    client = logged_in(leader)
    url = plan_url(plan, name)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    alone = count()
    other = Plan.objects.create(
        code="2026-2030", title="下一期", start_year=2026, end_year=2030, state="active"
    )
    for number in (1, 2):
        Task.objects.create(plan=other, number=number, short_title=f"任务{number}", programme="x")
    for number in (1, 2):
        Annex.objects.create(plan=other, number=number, title=f"附表{number}")
    beside_small = count()
    grow_plan(other, projects=120, units=10)
    beside_large = count()
    assert alone == beside_small == beside_large <= 15, (alone, beside_small, beside_large)


def test_the_reopen_list_spans_plans_and_each_request_names_its_plan(plan, successor, leader):
    from supervision.models import ReopenRequest, ReopenScope

    kjj = Unit.objects.get(name="市科技局")
    staff = UserFactory(username="kjj", unit=kjj)
    for p, period in ((plan, (2025, 3)), (successor, (2026, 1))):
        ReopenRequest.objects.create(
            plan=p, unit=kjj, scope=ReopenScope.PROJECT, year=period[0], quarter=period[1],
            object_id=Project.objects.filter(annex__plan=p).first().pk, reason="补报",
            subject="项目", requested_by=staff, requested_at=timezone.now(),
        )  # fmt: skip
    client = logged_in(leader)
    html = client.get("/reopen/").text
    assert html.count('data-testid="row-plan"') == 2
    assert "2022–2025" in html and "2026–2030" in html
    one = client.get("/reopen/?plan=2026-2030").text
    assert one.count('data-testid="row-plan"') == 1 and "2026–2030</span>" in one


def test_staff_see_what_they_owe_in_every_active_plan_each_marked(plan, successor):
    staff = UserFactory(username="kjj-clerk", role=STAFF, unit=Unit.objects.get(name="市科技局"))
    client = logged_in(staff)
    for page in ("/plans/2022-2025/projects/mine/",):  # 我的项目, the clerk's to-do
        html = client.get(page).text
        assert 'data-testid="other-plans-todo"' in html, page
        assert "下一期行动计划" in html and 'href="/plans/2026-2030/" data-plan="2026-2030"' in html
    mine = client.get("/plans/2026-2030/projects/mine/").text
    assert 'data-plan="2022-2025"' in mine  # and the other way round
    # The cockpit keeps to its own plan (its queries are pinned at 15).
    assert "other-plans-todo" not in client.get("/plans/2022-2025/").text


def test_another_plans_to_do_is_looked_for_only_where_the_units_owe_something(plan, successor):
    """The other plans' line asks first whether the units have any part in a plan (a task, a
    project, a returned report, a collective's membership); where they have none it runs no
    to-do for it. The test says that this never hides anything the full to-do would find."""
    from plan import permissions
    from plan.periods import reporting_period
    from supervision.models import ReviewState, TaskReport
    from supervision.reporting import owes_anything, todo_for

    def both(user):
        units = permissions.unit_ids(user)
        period = reporting_period(timezone.localdate(), successor.start_year, successor.end_year)
        return owes_anything(user, units, successor), todo_for(user, units, successor, period).count

    kjj = UserFactory(username="kjj-owes", role=STAFF, unit=Unit.objects.get(name="市科技局"))
    owes, count = both(kjj)
    assert owes and count > 0  # its task and its project
    other = UserFactory(username="fgw-owes", role=STAFF, unit=Unit.objects.get(name="市发改委"))
    assert both(other) == (False, 0)  # no part in 2026-2030: nothing looked for, nothing missed
    html = logged_in(other).get("/plans/2022-2025/projects/mine/").text
    assert 'data-testid="other-plans-todo"' not in html
    # A report returned to a unit that answers for nothing in the plan any more still counts.
    task = successor.tasks.get()
    TaskReport.objects.create(
        task=task, unit=Unit.objects.get(name="市科技局"), year=2026, quarter=1,
        status="on_track", progress="一季度。", submitted_by=kjj, submitted_at=timezone.now(),
        review_state=ReviewState.RETURNED,
    )  # fmt: skip
    Responsibility.objects.filter(task=task).delete()
    Project.objects.filter(annex__plan=successor).update(unit=Unit.objects.get(name="市发改委"))
    assert both(kjj) == (True, 1)


def test_the_review_queue_spans_plans_and_its_menu_count_matches_it(plan, successor):
    from projects.models import ProjectUpdate

    reviewer = UserFactory(username="office", role="审核员")
    unit = Unit.objects.get(name="市科技局")
    for p, year in ((plan, 2025), (successor, 2026)):
        ProjectUpdate.objects.create(
            project=Project.objects.filter(annex__plan=p, unit=unit).first(), year=year,
            quarter=1, status="in_progress", percent_complete=10, submitted_at=timezone.now(),
        )  # fmt: skip
    client = logged_in(reviewer)
    every = client.get("/reviews/")
    assert every.text.count('data-testid="row-plan"') == 2
    assert {r["plan_code"] for r in every.context["rows"]} == {"2022-2025", "2026-2030"}
    assert every.context["review_waiting"] == 2
    one = client.get("/plans/2026-2030/reviews/")
    assert [r["plan_code"] for r in one.context["rows"]] == ["2026-2030"]
    assert one.context["review_waiting"] == 1  # the menu's count is the list it links to
    chosen = client.get("/reviews/?plan=2022-2025")
    assert [r["plan_code"] for r in chosen.context["rows"]] == ["2022-2025"]
    # Each row opens its report by its short URL, in the report's own plan.
    row = one.context["rows"][0]
    assert row["url"] == f"/reviews/project/{row['pk']}/"


def test_the_audit_trail_names_each_changes_plan(plan, successor):
    from plan.permissions import AUDIT_ADMINISTRATOR

    auditor = logged_in(UserFactory(username="auditor", role=AUDIT_ADMINISTRATOR))
    changed = Project.objects.filter(annex__plan=plan).first()
    changed.location = "高新区"
    changed.save()  # a change with its history row (the loader writes none)
    page = auditor.get("/audit/?kind=project")
    plans = {e.name: e.plan for e in page.context["entries"]}
    assert plans["新一期示范项目"] == "2026-2030"
    assert plans[changed.name] == "2022-2025"
    assert 'data-testid="row-plan"' in page.text
