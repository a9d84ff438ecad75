"""Fixtures shared by every test folder."""

import pytest
from django.core.management import call_command

from plan.models import Plan, Responsibility
from projects.models import Annex, Project
from tests.factories import UnitFactory, UserFactory


@pytest.fixture
def plan(db) -> Plan:
    """The real plan, loaded from ``fixtures/`` as ``manage.py load_plan`` does."""
    call_command("load_plan", stdout=_Null())
    return Plan.objects.get(code="2022-2025")


@pytest.fixture
def user(db):
    return UserFactory(username="reader")


@pytest.fixture
def client_logged_in(client, user):
    client.force_login(user)
    return client


def grow_plan(plan: Plan, projects: int = 300, units: int = 60) -> None:
    """Make the plan much bigger: more units sharing its tasks, more projects in every annex."""
    new_units = UnitFactory.create_batch(units)
    tasks = list(plan.tasks.order_by("number"))
    next_order = {t.pk: t.responsibilities.count() + 1 for t in tasks}
    rows = []
    for i, unit in enumerate(new_units):
        task = tasks[i % len(tasks)]
        rows.append(Responsibility(task=task, unit=unit, order=next_order[task.pk]))
        next_order[task.pk] += 1
    Responsibility.objects.bulk_create(rows)
    for annex in Annex.objects.filter(plan=plan):
        start = annex.projects.count() + 1
        Project.objects.bulk_create(
            Project(
                annex=annex,
                order=start + i,
                name=f"扩充项目{annex.number}-{i}",
                unit=new_units[i % units],
            )
            for i in range(projects // 6)
        )


class _Null:
    def write(self, *args, **kwargs):
        pass

    def flush(self):
        pass


@pytest.fixture
def people(plan):
    """One user per role: staff of 市科技局 (which answers for every plan project by the
    loading rule), staff of 市工信局, a leader, a plan administrator, a reviewer, and the three
    separated administrators (system, security, audit)."""
    from plan.models import Unit
    from plan.permissions import (
        ADMINISTRATOR,
        AUDIT_ADMINISTRATOR,
        LEADER,
        REVIEWER,
        SECURITY_ADMINISTRATOR,
        STAFF,
        SYSTEM_ADMINISTRATOR,
    )

    return {
        "staff_own": UserFactory(
            username="kjj", role=STAFF, unit=Unit.objects.get(name="市科技局")
        ),
        "staff_other": UserFactory(
            username="gxj", role=STAFF, unit=Unit.objects.get(name="市工信局")
        ),
        "leader": UserFactory(username="leader", role=LEADER),
        "admin": UserFactory(username="admin", role=ADMINISTRATOR),
        # A reviewer of the coordinating office (领导小组办公室), which is not one of the units.
        "reviewer": UserFactory(username="reviewer", role=REVIEWER),
        # The three separated administrators (三员分立: plan.admin_roles).
        "sysadmin": UserFactory(username="sysadmin", role=SYSTEM_ADMINISTRATOR, is_staff=True),
        "secadmin": UserFactory(username="secadmin", role=SECURITY_ADMINISTRATOR, is_staff=True),
        "auditor": UserFactory(username="auditor", role=AUDIT_ADMINISTRATOR, is_staff=True),
    }


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded files go to a fresh folder per test, never into the project's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
