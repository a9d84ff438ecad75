"""Member units in the leaders' figures and the demo (issue 26): the cockpit and the briefing
count each member's task reports, never the collective as one; the demo's members are labelled
as demo; a project handed to a member follows the member's staff."""

import datetime as dt
import io

from django.core.management import call_command
from django.urls import reverse

from dashboard import demo_members
from dashboard.briefing import late_units
from dashboard.cockpit import reporting_completeness
from plan.members import UnitMember
from plan.models import Responsibility, Unit
from plan.periods import Period
from plan.permissions import STAFF
from projects.models import Project
from supervision.models import TaskReport
from supervision.reporting import task_matrix
from tests.factories import UnitFactory, UserFactory

COLLECTIVE = "各县(市)区和开发区"
P = Period(2025, 4)
TODAY = dt.date(2026, 1, 20)


def members_of(collective, count):
    units = [UnitFactory(name=f"示例区{i}") for i in range(count)]
    for unit in units:
        UnitMember.objects.create(collective=collective, member=unit, joined_on=dt.date(2022, 1, 1))
    return units


def report(task, unit, day=dt.date(2026, 1, 5), review="submitted"):
    TaskReport.objects.create(
        task=task, unit=unit, year=P.year, quarter=P.quarter, status="on_track", progress="x",
        submitted_at=dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC), review_state=review,
    )  # fmt: skip


def test_cockpit_counts_each_members_report_and_matches_the_matrix(plan):
    collective = Unit.objects.get(name=COLLECTIVE)
    before = reporting_completeness(plan, P, TODAY)["tasks"]
    a, b, c = members_of(collective, 3)
    task = Responsibility.objects.filter(unit=collective).order_by("task__number")[0].task
    report(task, a)
    report(task, b, day=dt.date(2026, 1, 15))  # late
    report(task, c, review="returned")
    tasks = reporting_completeness(plan, P, TODAY)["tasks"]
    # The collective's four tasks were four expected reports; now they are twelve.
    assert tasks.expected == before.expected - 4 + 12
    assert (tasks.received, tasks.late, tasks.returned) == (3, 1, 1)
    totals = task_matrix(plan, [P], TODAY).totals
    assert tasks.received == totals["submitted"] + totals["late"]
    assert tasks.expected == sum(totals.values())


def test_briefing_lists_late_members_not_the_collective(plan):
    collective = Unit.objects.get(name=COLLECTIVE)
    a, b = members_of(collective, 2)
    for r in Responsibility.objects.filter(unit=collective):
        report(r.task, a)
    names = [line.unit.name for line in late_units(plan, P, TODAY)]
    assert b.name in names
    assert a.name not in names and COLLECTIVE not in names


def test_demo_gives_the_collective_demo_members_and_takes_them_away(plan):
    assert not UnitMember.objects.exists()  # the plan's data names no member
    call_command("load_demo", stdout=io.StringIO())
    links = UnitMember.objects.filter(collective__name=COLLECTIVE)
    members = list(links.values_list("member__name", flat=True))
    assert sorted(members) == sorted(demo_members.MEMBERS)
    assert all("演示" in name for name in members)
    # Each demo member reports on the collective's tasks; the collective files nothing itself.
    assert TaskReport.objects.filter(unit__name=demo_members.CLERK_UNIT).exists()
    assert not TaskReport.objects.filter(unit__name=COLLECTIVE).exists()
    clerk = Unit.objects.get(name=demo_members.CLERK_UNIT).members.get()
    assert clerk.username == "demo-staff-sqa"
    call_command("load_demo", "--remove", stdout=io.StringIO())
    assert not UnitMember.objects.exists()
    assert not Unit.objects.filter(name__in=demo_members.MEMBERS).exists()


def test_a_project_handed_to_a_member_follows_the_members_staff(client, plan):
    collective = Unit.objects.get(name=COLLECTIVE)
    (member,) = members_of(collective, 1)
    project = Project.objects.filter(annex__plan=plan).first()
    old_unit = project.unit
    project.unit = member
    project._change_reason = "交由成员单位"
    project.save()
    assert [h.unit_id for h in project.history.order_by("history_date")][-2:] == [
        old_unit.pk,
        member.pk,
    ]  # the history keeps who had it
    url = reverse("projects:project-report", args=[project.pk])
    client.force_login(UserFactory(username="clerk", role=STAFF, unit=member))
    assert client.get(url).status_code == 200
    client.force_login(UserFactory(username="before", role=STAFF, unit=old_unit))
    assert client.get(url).status_code == 403
