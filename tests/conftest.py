"""Fixtures shared by every test folder."""

import re

import pytest
from django.core.management import call_command
from django.http import QueryDict
from django.test import Client

from plan.models import Plan, Responsibility
from projects.models import Annex, Project
from tests.factories import UnitFactory, UserFactory


class PlanClient(Client):
    """The test client, following one redirect as a browser would: a page addressed by number
    asked for by its short form (``/plan/tasks/3/``) is sent to the default plan's page
    (``/plans/2022-2025/plan/tasks/3/``, see ``plan.urlplans``). Only that redirect: every other
    one (to the login page, after a form) stays for the test to check. The redirect itself is
    tested in tests/plan/test_plan_urls.py with Django's plain client."""

    def request(self, **request):
        response = super().request(**request)
        location = response.get("Location", "") if response.status_code == 302 else ""
        asked = request.get("PATH_INFO", "")
        if asked.startswith("/plans/"):
            return response
        match = re.match(r"^/plans/[-\w]+(/.*)$", location.split("?", 1)[0])
        method = request.get("REQUEST_METHOD", "GET")
        if match and match.group(1) == asked and method in ("GET", "HEAD"):
            query = location.partition("?")[2]
            headers = {k: v for k, v in request.items() if k.startswith("HTTP_")}
            return self.get(location.split("?", 1)[0], QueryDict(query), **headers)
        return response


@pytest.fixture
def client():
    return PlanClient()


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
def default_language():
    """Each test starts in the site's language (zh-hans). A request in English activates English
    for the thread and it stayed active afterwards: under pytest-xdist's order, the tests after
    one such request read English messages."""
    from django.conf import settings as django_settings
    from django.utils import translation

    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded files go to a fresh folder per test, never into the project's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def plan_page(viewname: str, *args, plan: Plan | None = None) -> str:
    """A page addressed by number, under its plan's prefix (the default plan unless told):
    ``/plans/2022-2025/plan/tasks/3/``. Its short form redirects there (plan.urlplans)."""
    from django.urls import reverse

    from plan.urlplans import plan_url

    plan = plan or Plan.objects.current()
    return plan_url(plan, viewname, *args) if plan else reverse(viewname, args=args or None)
