"""A new user's first visit, in a real browser: log in, the overview, task 1, annex 1."""

import io
import re

import pytest
from django.core.management import call_command

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def loaded_plan(transactional_db):
    call_command("load_plan", stdout=io.StringIO())
    UserFactory(username="clerk")


def test_new_user_logs_in_and_reads_overview_task_and_annex(loaded_plan, live_server, page):
    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url
    page.get_by_label("用户名").fill("clerk")
    page.get_by_label("密码").fill("pass-for-tests-1")
    page.get_by_role("button", name="登录").click()

    # The cockpit of the default plan: its URL names the plan (/plans/2022-2025/).
    page.wait_for_url(f"{live_server.url}/plans/2022-2025/")
    page.get_by_role("link", name="计划全文").click()
    page.wait_for_url(f"{live_server.url}/plans/2022-2025/plan/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("吉林市创新创业高地")
    assert page.get_by_test_id("overview-tasks").locator("tbody tr").count() == 9

    page.get_by_role("link", name="统筹双链融合").first.click()
    page.wait_for_url(re.compile(r"/plan/tasks/1/$"))
    assert "实施产业技术创新促进工程" in page.locator("main").inner_text()
    lead = page.locator(".unit-list li").first
    assert "市科技局" in lead.inner_text() and "牵头" in lead.inner_text()

    page.get_by_role("link", name=re.compile("附表1")).first.click()
    page.wait_for_url(re.compile(r"/projects/annex/1/$"))
    rows = page.get_by_test_id("annex-table").locator("tbody tr")
    assert rows.count() == 6
    assert "吉林碳纤维及复合材料产业研究院" in rows.first.inner_text()
