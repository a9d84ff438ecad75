"""Collective units report member by member (issue 26), in a real browser: an administrator
gives 各县(市)区和开发区 three members in the admin; one member's clerk reports on a task from the
to-do; the reviewer's matrix shows the collective one of three and opens onto its members; the
leader's cockpit count matches the matrix it links to."""

import io
import re

import pytest
from django.core.management import call_command
from django.utils import timezone, translation

from plan.members import UnitMember
from plan.models import Plan, Unit
from plan.periods import reporting_period
from plan.permissions import ADMINISTRATOR, LEADER, REVIEWER, STAFF
from plan.templatetags.readable import period_zh
from tests.e2e.conftest import log_in
from tests.factories import UnitFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
COLLECTIVE = "各县(市)区和开发区"
DISTRICTS = ["示例区A", "示例区B", "示例县C"]


def test_a_members_clerk_reports_and_the_collectives_rollup_moves(
    transactional_db, live_server, page
):
    call_command("load_plan", stdout=io.StringIO())
    plan = Plan.objects.get()
    period = reporting_period(timezone.localdate(), plan.start_year, plan.end_year)
    districts = [UnitFactory(name=name, sort_order=90) for name in DISTRICTS]
    UserFactory(username="admin", role=ADMINISTRATOR, is_staff=True, is_superuser=True)
    UserFactory(username="clerk-a", role=STAFF, unit=districts[0])
    UserFactory(username="rev", role=REVIEWER)
    UserFactory(username="boss", role=LEADER)
    collective = Unit.objects.get(name=COLLECTIVE)
    base = live_server.url

    # The administrator adds the three members on the collective's admin page.
    log_in(page, base, "admin")
    page.goto(f"{base}/admin/plan/unit/{collective.pk}/change/")
    for i, district in enumerate(districts):  # a collective's page offers three blank rows
        page.locator(f'select[name="member_links-{i}-member"]').select_option(str(district.pk))
        page.locator(f'input[name="member_links-{i}-joined_on"]').fill("2022-01-01")
    page.locator('input[name="_save"]').click()
    page.wait_for_url(re.compile(r"/admin/plan/unit/$"))
    assert sorted(UnitMember.objects.values_list("member__name", flat=True)) == sorted(DISTRICTS)
    page.get_by_role("button", name="退出").first.click()

    # The member's clerk finds the collective's tasks on the to-do and reports on task 1.
    log_in(page, base, "clerk-a")
    todo = page.get_by_test_id("todo")
    assert todo.inner_text().count("示例区A") == 4  # tasks 1, 2, 6 and 8
    todo.get_by_role("link", name=re.compile(r"为示例区A填报任务 1\. ")).click()
    page.wait_for_url(re.compile(rf"/plan/tasks/1/report/{districts[0].pk}/{period}/$"))
    form = page.get_by_test_id("task-report-form")
    form.get_by_label("自评状态").select_option(label="正常推进")
    form.get_by_label("完成情况").fill("示例区A：新增科技型中小企业12家。")
    form.get_by_role("button", name="提交填报").click()
    page.wait_for_url(re.compile(r"/plan/reports/\d+/$"))
    page.get_by_role("button", name="退出").click()

    # The reviewer's matrix: the collective's line reads one of three and opens onto members.
    log_in(page, base, "rev")
    page.goto(f"{base}/reports/?kind=tasks&task=1&year={period.year}")
    matrix = page.get_by_test_id("report-matrix")
    rollup = matrix.locator(f'tr[data-unit="{COLLECTIVE}"]')
    assert rollup.get_attribute("data-members") == "3"
    cell = rollup.locator(f'td[data-period="{period}"]')
    assert "1/3" in cell.inner_text()
    members = matrix.locator(f'tr[data-collective="{COLLECTIVE}"]')
    assert members.count() == 3
    assert (
        matrix.locator('tr[data-unit="示例区A"]')
        .locator(f'td[data-period="{period}"]')
        .get_attribute("data-state")
        == "late"
    )  # filed now, long after the quarter's due date
    cell.get_by_role("link").click()
    page.wait_for_url(re.compile(rf"/reports/{collective.pk}/{period}/"))
    board = page.get_by_test_id("collective-members")
    assert board.get_attribute("data-complete") == "no"
    assert board.locator("tr[data-member]").count() == 3
    assert "示例区B" in page.get_by_test_id("collective-behind").inner_text()
    page.get_by_role("button", name="退出").click()

    # The leader's cockpit counts members' reports, as the matrix it links to does.
    log_in(page, base, "boss")
    with translation.override("zh-hans"):  # the cockpit writes the period in Chinese
        label = f"{period_zh(period)}任务填报"
    figure = page.locator("a.figure", has_text=label)
    received, expected = figure.locator(".figure-n").inner_text().split("/")
    figure.click()
    page.wait_for_url(re.compile(r"/reports/\?kind=tasks"))
    headers = page.get_by_test_id("report-matrix").locator("thead th").all_inner_texts()
    with translation.override("zh-hans"):  # the matrix's columns: 2025年四季度
        column = headers.index(period_zh(period, True)) - 1
    total = page.get_by_test_id("period-total").nth(column).inner_text().split("\n")[0]
    assert total.strip() == f"{received}/{expected}"
    assert received == "1"
