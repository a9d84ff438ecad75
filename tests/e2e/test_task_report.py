"""Staff see their to-do and report on a task; the leader's matrix then shows that cell."""

import io
import re

import pytest
from django.core.management import call_command
from django.utils import timezone, translation

from plan.models import Plan, Unit
from plan.periods import reporting_period
from plan.permissions import LEADER, STAFF
from plan.templatetags.readable import period_zh
from tests.e2e.conftest import log_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_staff_report_from_the_todo_and_the_leader_sees_it(transactional_db, live_server, page):
    call_command("load_plan", stdout=io.StringIO())
    UserFactory(username="gxj", role=STAFF, unit=Unit.objects.get(name="市工信局"))
    UserFactory(username="boss", role=LEADER)
    plan = Plan.objects.get()
    period = reporting_period(timezone.localdate(), plan.start_year, plan.end_year)
    base = live_server.url

    log_in(page, base, "gxj")
    todo = page.get_by_test_id("todo")
    with translation.override("zh-hans"):
        assert period_zh(period) in todo.inner_text()  # 2025年第四季度, not 2025Q4
    todo.get_by_role("link", name=re.compile("任务 5. 统筹校城融合")).click()
    page.wait_for_url(re.compile(rf"/plan/tasks/5/report/\d+/{period}/$"))
    form = page.get_by_test_id("task-report-form")
    form.get_by_role("button", name="提交填报").click()
    assert "请填写本期完成情况" in form.inner_text()  # told where it was left empty
    form.get_by_label("自评状态").select_option(label="正常推进")
    form.get_by_label("完成情况").fill("与东北电力大学共建研究院2家。")
    form.get_by_label("主要数据").fill("新建细分行业应用技术研究院2家")
    form.get_by_role("button", name="提交填报").click()
    page.wait_for_url(re.compile(r"/plan/reports/\d+/$"))
    assert "与东北电力大学共建研究院2家。" in page.get_by_test_id("task-report").inner_text()
    page.goto(f"{base}/")
    assert "统筹校城融合" not in page.get_by_test_id("todo").inner_text()

    page.get_by_role("button", name="退出").click()
    log_in(page, base, "boss")
    page.get_by_role("link", name="填报情况").click()
    page.wait_for_url(re.compile(r"/reports/"))
    page.get_by_label("任务").select_option(value="5")
    page.get_by_role("button", name="筛选").click()
    row = page.get_by_test_id("report-matrix").locator('tr[data-unit="市工信局"]')
    cell = row.locator(f'td[data-period="{period}"]')
    # Filed now, after the due date of a quarter long past: received, marked late.
    assert cell.get_attribute("data-state") == "late"
    cell.get_by_role("link").click()
    page.wait_for_url(re.compile(r"/plan/reports/\d+/$"))
    assert "市工信局" in page.locator("h1").inner_text()
