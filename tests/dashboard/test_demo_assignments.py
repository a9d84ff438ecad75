"""The demo shows every role's day (issue 20, item 7): it hands some projects to other units,
labelled as demo assignments, so each demo clerk has projects returned, owed, approved and
waiting; removing the demo gives them back to their task's lead unit, as the plan's data has it."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command

from dashboard import demo_members
from dashboard.demo import DEMO_ASSIGNED_MARK, DEMO_ASSIGNMENTS
from plan.models import Unit
from projects.loader import ASSIGNED_BY_RULE
from projects.models import Project
from tests.conftest import plan_page

CLERKS = {"demo-staff-kjj": "市科技局", "demo-staff-gxj": "市工信局",
          "demo-staff-sqa": demo_members.CLERK_UNIT}  # fmt: skip


def lead_units(plan):
    return {
        (p.annex.number, p.order): p.annex.column.task.responsibilities.order_by("order")[0].unit
        for p in Project.objects.filter(annex__plan=plan).select_related("annex__column__task")
    }


@pytest.fixture
def demo(plan):
    call_command("load_demo", stdout=io.StringIO())
    return plan


@pytest.mark.parametrize("username", list(CLERKS))
def test_each_demo_clerk_has_projects_returned_owed_approved_and_waiting(demo, client, username):
    user = get_user_model().objects.get(username=username)
    client.force_login(user)
    url = plan_page("projects:my-projects")
    html = client.get(url).content.decode()
    unit = Unit.objects.get(name=CLERKS[username])
    projects = Project.objects.filter(unit=unit, annex__plan=demo)
    assert projects.count() >= 4
    last = {p.pk: p.updates.filter(year=2025, quarter=4).first() for p in projects}
    states = {u.review_state if u else "owed" for u in last.values()}
    assert {"returned", "owed", "approved", "submitted"} <= states, states
    # Each demo clerk filed its own unit's reports.
    assert {u.submitted_by for u in last.values() if u} == {user}
    # 我的项目 lists them all, returned first.
    names = [p.name for p in projects]
    assert all(name in html for name in names)
    returned = [p.name for p in projects if last[p.pk] and last[p.pk].review_state == "returned"]
    first = min(html.index(name) for name in names)
    assert html.index(returned[0]) == first


def test_demo_assignments_are_labelled_and_removal_gives_them_back(plan, client):
    leads = lead_units(plan)
    call_command("load_demo", stdout=io.StringIO())
    moved = Project.objects.filter(data_note__startswith=DEMO_ASSIGNED_MARK).select_related(
        "annex", "unit"
    )
    assert {(p.annex.number, p.order): p.unit.name for p in moved} == DEMO_ASSIGNMENTS
    assert len({p.unit_id for p in moved}) == 2  # 市工信局 and the demo member unit
    # The others keep the plan's lead-unit rule and its note.
    kept = Project.objects.exclude(pk__in=[p.pk for p in moved])
    assert all(p.data_note == ASSIGNED_BY_RULE for p in kept)
    assert all(p.unit == leads[(p.annex.number, p.order)] for p in kept.select_related("annex"))
    # The project's page says it is a demo assignment.
    project = moved[0]
    client.force_login(get_user_model().objects.get(username="demo-leader"))
    page = client.get(plan_page("projects:project-detail", project.pk)).content.decode()
    assert DEMO_ASSIGNED_MARK in page and project.unit.name in page
    call_command("load_demo", "--remove", stdout=io.StringIO())
    after = Project.objects.filter(annex__plan=plan).select_related("annex")
    assert {(p.annex.number, p.order): p.unit for p in after} == leads
    assert all(p.data_note == ASSIGNED_BY_RULE for p in after)
    assert not Unit.objects.filter(name__in=demo_members.MEMBERS).exists()


def test_send_reminders_on_the_demo_mails_each_clerk_a_digest_of_its_own(demo, mailoutbox):
    call_command("send_reminders", "--date", "2026-01-12", stdout=io.StringIO())
    by_clerk = {
        username: [m for m in mail.outbox if m.to == [f"{username}@example.com"]]
        for username in CLERKS
    }
    for username, unit_name in CLERKS.items():
        assert by_clerk[username], f"no digest for {username}"
        body = by_clerk[username][0].body
        owed = Project.objects.filter(unit__name=unit_name).exclude(
            updates__year=2025, updates__quarter=4
        )
        for project in owed:
            assert re.search(rf"/projects/{project.pk}\b", body), (username, project.name)
