"""Staff edit a project's details in a real browser; fields they did not touch keep their values."""

import datetime as dt
import io
import re

import pytest
from django.core.management import call_command

from plan.models import Unit
from plan.permissions import STAFF
from projects.models import Project
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_editing_one_field_keeps_the_others(transactional_db, live_server, page):
    call_command("load_plan", stdout=io.StringIO())
    UserFactory(username="kjj", role=STAFF, unit=Unit.objects.get(name="市科技局"))
    project = Project.objects.get(annex__number=1, order=5)
    project.planned_start, project.planned_end = dt.date(2022, 7, 1), dt.date(2024, 12, 31)
    project.total_investment = 13500
    project.save()

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("kjj")
    page.get_by_label("密码").fill("pass-for-tests-1")
    page.get_by_role("button", name="登录").click()
    page.goto(f"{live_server.url}/projects/{project.pk}/edit/")
    page.get_by_label("建设单位").fill("吉林化纤集团")
    page.get_by_test_id("edit-form").get_by_role("button", name="保存").click()
    page.wait_for_url(re.compile(rf"/projects/{project.pk}/$"))
    assert "项目已保存" in page.locator(".messages").inner_text()

    project.refresh_from_db()
    assert project.builder == "吉林化纤集团"
    assert (project.planned_start, project.planned_end) == (
        dt.date(2022, 7, 1),
        dt.date(2024, 12, 31),
    )
    assert project.total_investment == 13500
    assert "吉林化纤集团" in page.get_by_test_id("change-history").inner_text()
