"""Staff report on a project in a real browser; a leader reads it and gets no form."""

import io
import re

import pytest
from django.core.management import call_command

from plan.models import Unit
from plan.permissions import LEADER, STAFF
from tests.e2e.conftest import log_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def people(transactional_db):
    call_command("load_plan", stdout=io.StringIO())
    staff = UserFactory(username="kjj", role=STAFF, unit=Unit.objects.get(name="市科技局"))
    leader = UserFactory(username="boss", role=LEADER)
    return staff, leader


def test_staff_report_from_my_projects_and_see_it_in_table_and_history(people, live_server, page):
    base = live_server.url
    log_in(page, base, "kjj")
    page.get_by_role("link", name="我的项目").click()
    page.wait_for_url(re.compile(r"/projects/mine/$"))
    assert "53 个项目尚未提交" in page.get_by_test_id("missing-count").inner_text()

    first_row = page.get_by_test_id("my-projects").locator("tbody tr").first
    project_name = first_row.locator("td").nth(1).locator("a").inner_text()
    first_row.get_by_role("link", name="立即填报").click()
    page.wait_for_url(re.compile(r"/projects/\d+/report/$"))

    form = page.get_by_test_id("report-form")
    form.get_by_label("状态").select_option(label="推进中")
    form.get_by_label("完成进度").fill("105")
    form.get_by_label("完成情况").fill("主体工程完成，进入设备调试。")
    form.get_by_role("button", name="提交填报").click()
    # Bad input: told on the field, and what was typed is still there.
    assert "0 到 100" in page.locator("main").inner_text()
    assert form.get_by_label("完成情况").input_value() == "主体工程完成，进入设备调试。"

    form.get_by_label("完成进度").fill("35")
    form.get_by_role("button", name="提交填报").click()
    page.wait_for_url(re.compile(r"/projects/\d+/\?filed=\w+(#filed)?$"))
    assert page.get_by_test_id("project-status").inner_text().startswith("推进中")
    assert "主体工程完成，进入设备调试。" in page.get_by_test_id("report-timeline").inner_text()
    history = page.get_by_test_id("change-history").inner_text()
    assert "kjj" in history and "35" in history

    page.get_by_role("link", name="重点项目").first.click()
    page.wait_for_url(re.compile(r"/projects/$"))
    page.get_by_label("搜索名称或建设单位").fill(project_name)
    page.get_by_role("button", name="筛选").click()
    row = page.get_by_test_id("project-table").locator("tbody tr").first
    assert project_name in row.inner_text() and "推进中" in row.inner_text()

    page.goto(f"{base}/projects/mine/")
    assert "52 个项目尚未提交" in page.get_by_test_id("missing-count").inner_text()


def test_leader_reads_a_project_and_gets_no_form(people, live_server, page):
    log_in(page, live_server.url, "boss")
    page.goto(f"{live_server.url}/projects/annex/1/")
    page.get_by_test_id("annex-table").locator("tbody tr a").first.click()
    page.wait_for_url(re.compile(r"/projects/\d+/$"))
    assert page.get_by_test_id("report-timeline").is_visible()
    assert page.get_by_test_id("report-form").count() == 0
    assert page.get_by_role("link", name="我的项目").count() == 0
