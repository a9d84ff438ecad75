"""A plan's states and the default plan (issue 18, item 1 in part, and item 3): a new plan is a
draft nobody but administrators sees; active, ended and archived each let units do exactly what
they should; only an administrator moves a plan, one step forward at a time; reminders cover
every active plan in one digest per person."""

import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse

from plan.lifecycle import plan_make_default, plan_state_change
from plan.models import Plan, PlanState, Responsibility, Task, Unit
from plan.periods import Period
from supervision.cycle import require_open
from supervision.models import ReopenScope
from tests.conftest import plan_page
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 4, 5)


@pytest.fixture
def admin():
    return UserFactory(username="planadmin", role="管理员")


@pytest.fixture
def successor(plan) -> Plan:
    """The next plan, saved as anybody would save a new one: nothing else said."""
    return Plan.objects.create(code="2026-2030", title="下一期行动计划", start_year=2026,
                               end_year=2030)  # fmt: skip


def test_a_new_plan_is_a_draft_and_changes_nothing_anybody_sees(plan, successor, client):
    assert successor.state == PlanState.DRAFT and not successor.is_current
    assert Plan.objects.current() == plan
    client.force_login(UserFactory(username="leader", role="领导"))
    assert successor.title not in client.get(plan_page("dashboard:home")).text


def test_the_bundled_plan_loads_active(plan):
    assert plan.state == PlanState.ACTIVE


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ((PlanState.ACTIVE,), True),
        ((PlanState.ACTIVE, PlanState.ENDED), True),
        ((PlanState.ACTIVE, PlanState.ENDED, PlanState.ARCHIVED), True),
        ((PlanState.ENDED,), False),  # a draft cannot skip being active
        ((PlanState.ARCHIVED,), False),
        ((PlanState.ACTIVE, PlanState.DRAFT), False),  # never backwards
        ((PlanState.ACTIVE, PlanState.ENDED, PlanState.ACTIVE), False),
        ((PlanState.ACTIVE, PlanState.ENDED, PlanState.ARCHIVED, PlanState.ENDED), False),
    ],
)
def test_each_transition_allowed_or_refused_changing_nothing(successor, admin, path, allowed):
    *steps, last = path
    for state in steps:
        plan_state_change(plan=successor, state=state, user=admin)
    before = Plan.objects.get(pk=successor.pk).state
    if allowed:
        plan_state_change(plan=successor, state=last, user=admin)
        assert Plan.objects.get(pk=successor.pk).state == last
        assert Plan.objects.get(pk=successor.pk).state_changed_at is not None
    else:
        with pytest.raises(ValidationError) as refused:
            plan_state_change(plan=successor, state=last, user=admin)
        assert "state" in refused.value.message_dict
        assert Plan.objects.get(pk=successor.pk).state == before


@pytest.mark.parametrize("role", ["领导", "审核员", "填报员", "系统管理员", "审计管理员"])
def test_only_an_administrator_moves_a_plan(successor, role):
    with pytest.raises(PermissionDenied):
        plan_state_change(plan=successor, state=PlanState.ACTIVE, user=UserFactory(role=role))
    with pytest.raises(PermissionDenied):
        plan_make_default(plan=successor, user=UserFactory(role=role))
    successor.refresh_from_db()
    assert successor.state == PlanState.DRAFT and not successor.is_current


def test_the_default_plan_is_chosen_by_an_administrator_never_a_draft(plan, successor, admin):
    with pytest.raises(ValidationError):
        plan_make_default(plan=successor, user=admin)
    plan_state_change(plan=successor, state=PlanState.ACTIVE, user=admin)
    plan_make_default(plan=plan, user=admin)
    assert Plan.objects.current() == plan  # the newer active plan does not take over
    plan_make_default(plan=successor, user=admin)
    assert Plan.objects.current() == successor
    assert list(Plan.objects.filter(is_current=True)) == [successor]


def _open(plan, scope):
    require_open(plan=plan, unit_id=Unit.objects.get(name="市科技局").pk, period=Period(2025, 4),
                 scope=scope, object_id=1, today=TODAY)  # fmt: skip


def test_an_ended_plan_takes_values_but_no_project_or_task_reports(plan, admin):
    _open(plan, ReopenScope.PROJECT)  # active: open
    plan_state_change(plan=plan, state=PlanState.ENDED, user=admin)
    plan.refresh_from_db()
    for scope in (ReopenScope.PROJECT, ReopenScope.TASK, ReopenScope.PERIOD):
        with pytest.raises(ValidationError, match="takes no more reports|不再接受"):
            _open(plan, scope)
    _open(plan, ReopenScope.INDICATOR)  # statistics come a year late: still accepted
    plan_state_change(plan=plan, state=PlanState.ARCHIVED, user=admin)
    plan.refresh_from_db()
    with pytest.raises(ValidationError, match="takes no more reports|不再接受"):
        _open(plan, ReopenScope.INDICATOR)


def test_an_ended_plan_refuses_a_project_report_through_the_page(plan, admin, client):
    from projects.models import Project

    plan_state_change(plan=plan, state=PlanState.ENDED, user=admin)
    project = Project.objects.filter(annex__plan=plan).first()
    clerk = UserFactory(username="clerk", role="填报员", unit=project.unit)
    client.force_login(clerk)
    url = reverse("projects:project-report", args=[project.pk])
    response = client.post(url, {"period": "2025Q4", "status": "in_progress",
                                 "percent_complete": 10, "progress": "进展",
                                 "version": project.version})  # fmt: skip
    assert response.status_code in (200, 400)
    assert "takes no more reports" in response.text or "不再接受" in response.text
    assert not project.updates.exists()


def test_the_admin_moves_a_plan_with_its_actions(successor, client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    url = reverse("admin:plan_plan_changelist")
    client.post(url, {"action": "make_ended", "_selected_action": [successor.pk]})
    successor.refresh_from_db()
    assert successor.state == PlanState.DRAFT  # refused: a draft does not end
    client.post(url, {"action": "make_active", "_selected_action": [successor.pk]})
    successor.refresh_from_db()
    assert successor.state == PlanState.ACTIVE


def test_reminders_cover_every_active_plan_in_one_email(plan, successor, admin, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    kjj = Unit.objects.get(name="市科技局")
    UserFactory(username="kjj-clerk", role="填报员", unit=kjj, email="kjj@example.gov.cn")
    task = Task.objects.create(plan=successor, number=1, short_title="新任务", programme="新工程")
    Responsibility.objects.create(task=task, unit=kjj, order=1)
    out = StringIO()
    call_command("send_reminders", f"--date={TODAY.isoformat()}", stdout=out)
    (only,) = [m for m in mail.outbox if m.to == ["kjj@example.gov.cn"]]
    assert "新任务" not in only.body  # a draft's tasks are owed by nobody yet
    mail.outbox.clear()
    plan_state_change(plan=successor, state=PlanState.ACTIVE, user=admin)
    call_command("send_reminders", f"--date={TODAY.isoformat()}", stdout=out)
    to_clerk = [m for m in mail.outbox if m.to == ["kjj@example.gov.cn"]]
    assert len(to_clerk) == 1
    body = to_clerk[0].body
    assert "【2026-2030】" in body and "【2022-2025】" in body
    # Each item links into its own plan's pages (/plans/<code>/...), not the default plan's.
    assert "/plans/2026-2030/plan/tasks/1/report/" in body
    assert "/plans/2022-2025/plan/tasks/" in body
    assert "8000/plan/tasks/" not in body  # no short form that would open the default plan
