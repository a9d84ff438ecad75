"""Starting the next plan in a real browser (issue 18): an administrator downloads the plan
workbook's template, fills in a two-task 2026-2030 plan, uploads it, reads the preview, confirms,
makes the plan active, and carries two lagging 2022-2025 projects over; a staff member reports
on a carried project in the new plan. (The plan switcher's part is the lead's, added later.)"""

import io
import re

import openpyxl
import pytest
from django.core.management import call_command

from plan.lifecycle import plan_make_default, plan_state_change
from plan.models import Plan, PlanState, Unit
from plan.permissions import ADMINISTRATOR, LEADER, STAFF
from projects.models import Project, ProjectStatus, ProjectUpdate
from tests.e2e.conftest import log_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def fill_2026_2030(path):
    book = openpyxl.load_workbook(path)
    facts = {
        "code": "2026-2030",
        "title": "吉林市创新型城市建设行动计划(2026-2030)",
        "issuer": "吉林市科学技术局",
        "start_year": 2026,
        "end_year": 2030,
    }
    for row in book["计划"].iter_rows(min_row=3):
        if row[0].value in facts:
            row[2].value = facts[row[0].value]
    rows = {
        "任务": [
            [1, "强化企业创新", "培育创新主体", "实施企业创新工程", "(一)强化企业创新……", ""],
            [2, "建设创新平台", "提升平台能级", "实施平台建设工程", "(二)建设创新平台……", ""],
        ],
        "责任单位": [[1, 1, "市科技局"], [1, 2, "市工信局"], [2, 1, "市工信局"]],
        "专栏": [[1, 1, "企业创新项目", "见附表1"], [2, 2, "创新平台项目", "见附表2"]],
        "附表": [[1, 1, "", "企业创新项目"], [2, 2, "", "创新平台项目"]],
        "项目": [
            ["1-1", "新一期首个项目", "市科技局", "", "", "", 1200, "2026-01-01", "2027-12-31", ""]
        ],
        "指标": [
            ["rd-intensity", 1, "R&D投入强度", "", "%", "越高越好", "数值", "市科技局", 2025, 1.5]
        ],
        "目标": [["rd-intensity", 2030, 2.5, None, "", ""]],
        "保障措施": [[1, "强化组织领导", "健全领导体制……", "市科技局"]],
    }
    for name, values in rows.items():
        for value_row in values:
            book[name].append(value_row)
    book.save(path)


def test_a_new_plan_from_the_workbook_and_two_projects_carried_over(
    transactional_db, live_server, page, tmp_path
):
    call_command("load_plan", stdout=io.StringIO())
    old = Plan.objects.get(code="2022-2025")
    UserFactory(username="planadmin", role=ADMINISTRATOR)
    UserFactory(username="kjj", role=STAFF, unit=Unit.objects.get(name="市科技局"))
    lagging = list(Project.objects.filter(annex__plan=old).order_by("annex__number", "order"))[1:3]
    for project in lagging:
        project.status, project.percent_complete = ProjectStatus.LAGGING, 30
        project.save()
    base = live_server.url
    UserFactory(username="leader", role=LEADER)
    log_in(page, base, "leader")
    page.goto(f"{base}/plans/2022-2025/")
    cockpit_before = page.locator("main").inner_text()
    page.context.clear_cookies()

    log_in(page, base, "planadmin")
    page.goto(f"{base}/plan-builder/")
    with page.expect_download() as download_info:
        page.get_by_test_id("plan-template").click()
    path = tmp_path / "plan.xlsx"
    download_info.value.save_as(path)
    fill_2026_2030(path)

    page.get_by_label("填写好的计划工作簿（.xlsx）").set_input_files(str(path))
    page.get_by_role("button", name="检查文件").click()
    page.wait_for_url(re.compile(r"/plan-builder/\d+/$"))
    assert "2026-2030" in page.get_by_test_id("plan-preview-summary").inner_text()
    assert page.get_by_test_id("plan-import-problems").count() == 0
    rows = page.get_by_test_id("plan-import-rows").inner_text()
    assert "强化企业创新" in rows and "新一期首个项目" in rows and "新增" in rows
    page.get_by_test_id("plan-import-confirm").click()
    assert "草稿计划 2026-2030 已保存" in page.locator(".messages").inner_text()
    new = Plan.objects.get(code="2026-2030")
    assert new.state == PlanState.DRAFT and new.tasks.count() == 2
    assert Plan.objects.current() == old  # a draft changes nothing anybody sees

    admin = UserFactory(username="planadmin")
    plan_state_change(plan=new, state=PlanState.ACTIVE, user=admin)

    page.goto(f"{base}/carry-over/?source=2022-2025&target=2026-2030")
    picks = page.get_by_test_id("carry-pick")
    ticked = [
        picks.nth(i).get_attribute("value")
        for i in range(picks.count())
        if picks.nth(i).is_checked()
    ]
    assert sorted(ticked) == sorted(str(p.pk) for p in lagging)
    page.get_by_test_id("carry-preview-button").click()
    preview = page.get_by_test_id("carry-preview").inner_text()
    assert all(p.name in preview for p in lagging)
    page.get_by_test_id("carry-confirm").click()
    assert "已将 2 个项目从 2022-2025 结转至 2026-2030" in page.locator(".messages").inner_text()
    carried = list(
        Project.objects.filter(annex__plan=new, carried_from__isnull=False).order_by("order")
    )
    assert [p.carried_from for p in carried] == lagging
    assert page.get_by_test_id("carry-already").count() == 2

    # A carried project opens in its own plan by its short URL, whatever the default plan.
    plan_make_default(plan=old, user=admin)
    page.context.clear_cookies()
    log_in(page, base, "kjj")
    page.goto(f"{base}{carried[0].get_absolute_url()}")
    assert "结转自" in page.get_by_test_id("carried-from").inner_text()
    page.goto(f"{base}/projects/{carried[0].pk}/report/")
    form = page.get_by_test_id("report-form")
    form.get_by_label("状态").select_option(label="推进中")
    form.get_by_label("完成进度").fill("45")
    form.get_by_label("完成情况").fill("结转后恢复施工。")
    form.get_by_role("button", name="提交填报").click()
    page.wait_for_url(re.compile(rf"/projects/{carried[0].pk}/(\?filed=\w+(#filed)?)?$"))
    assert "结转后恢复施工。" in page.get_by_test_id("report-timeline").inner_text()
    report = ProjectUpdate.objects.get(project=carried[0])
    assert (report.status, report.percent_complete) == ("in_progress", 45)
    assert not ProjectUpdate.objects.filter(project__in=lagging).exists()
    lagging[0].refresh_from_db()
    assert (lagging[0].status, lagging[0].percent_complete) == (ProjectStatus.LAGGING, 30)

    # The leader switches between the two plans; the 2022-2025 figures are what they were.
    page.context.clear_cookies()
    log_in(page, base, "leader")
    page.goto(f"{base}/")
    page.wait_for_url(re.compile(r"/plans/2022-2025/$"))
    switch = page.get_by_test_id("plan-switch")
    switch.locator("summary").click()
    switch.locator('a[data-plan="2026-2030"]').click()
    page.wait_for_url(re.compile(r"/plans/2026-2030/$"))
    assert "2026" in page.locator(".brand").inner_text()
    page.goto(f"{base}/plans/2026-2030/plan/tasks/1/")
    switch = page.get_by_test_id("plan-switch")
    switch.locator("summary").click()
    switch.locator('a[data-plan="2022-2025"]').click()
    page.wait_for_url(re.compile(r"/plans/2022-2025/plan/tasks/1/$"))
    page.goto(f"{base}/plans/2022-2025/")
    assert page.locator("main").inner_text() == cockpit_before
