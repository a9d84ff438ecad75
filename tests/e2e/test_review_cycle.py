"""The quarterly review cycle in a real browser: staff submit, the reviewer returns with a
comment, staff see it, fix and resubmit, the reviewer sees what changed and approves, and the
leader's cockpit counts the report only then."""

import io
import re

import pytest
from django.core.management import call_command

from plan.models import Unit
from plan.permissions import LEADER, REVIEWER, STAFF
from projects.models import Project, ProjectUpdate
from tests.e2e.conftest import log_in
from tests.factories import UserFactory
from tests.supervision.test_evidence import PDF

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def people(transactional_db):
    call_command("load_plan", stdout=io.StringIO())
    UserFactory(username="kjj", role=STAFF, unit=Unit.objects.get(name="市科技局"))
    UserFactory(username="shenhe", role=REVIEWER)
    UserFactory(username="boss", role=LEADER)


def switch_to(page, base, username):
    page.context.clear_cookies()
    log_in(page, base, username)


def in_progress_on_cockpit(page, base) -> str:
    page.goto(f"{base}/")
    # The headline's projects by status (issue 19): the "in progress" part.
    return page.get_by_test_id("headline").locator('[data-status-count="in_progress"]').inner_text()


def test_submit_return_fix_resubmit_approve_and_the_leader_sees_it(
    people, live_server, page, tmp_path
):
    base = live_server.url
    project = Project.objects.get(annex__number=1, order=1)
    switch_to(page, base, "boss")
    assert in_progress_on_cockpit(page, base) == "0"

    # Staff submit a report.
    switch_to(page, base, "kjj")
    page.goto(f"{base}/projects/{project.pk}/report/")
    form = page.get_by_test_id("report-form")
    form.locator("[name=status]").select_option("in_progress")
    form.locator("[name=percent_complete]").fill("30")
    form.locator("[name=progress]").fill("完成主体结构。")
    evidence = tmp_path / "施工进度照片说明.pdf"
    evidence.write_bytes(PDF)
    form.locator("input[type=file]").set_input_files(str(evidence))
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/projects/{project.pk}/(\?filed=\w+(#filed)?)?$"))
    assert "施工进度照片说明.pdf" in page.get_by_test_id("report-timeline").inner_text()
    assert page.get_by_test_id("review-state-label").first.inner_text().endswith("已提交")

    # The reviewer finds it in the queue and returns it with a comment on one field.
    switch_to(page, base, "shenhe")
    page.get_by_test_id("nav-review").click()  # "审核" with the count of what waits
    queue = page.get_by_test_id("review-queue")
    assert project.name in queue.inner_text()
    queue.locator("tbody tr").first.get_by_role("link", name="审核").click()
    assert "施工进度照片说明.pdf" in page.get_by_test_id("evidence-list").inner_text()
    returning = page.get_by_test_id("return-form")
    returning.locator("button[type=submit]").click()  # no comment: told, nothing done
    assert "必须填写" in page.get_by_test_id("return-form").inner_text()
    assert ProjectUpdate.objects.get().review_state == "submitted"
    returning = page.get_by_test_id("return-form")
    returning.locator("textarea[name=return-comment]").fill("请补充本季度完成的工程量。")
    returning.locator("input[name=return-about][value=progress]").check()
    returning.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/reviews/$"))
    assert ProjectUpdate.objects.get().review_state == "returned"

    # Staff see it on their to-do, open the form on the returned report, fix and resubmit.
    switch_to(page, base, "kjj")
    page.get_by_test_id("todo-returned").get_by_role("link").click()
    notice = page.get_by_test_id("returned-notice")
    assert "请补充本季度完成的工程量。" in notice.inner_text()
    form = page.get_by_test_id("report-form")
    progress = form.locator("[name=progress]")
    assert progress.input_value() == "完成主体结构。"
    assert "input-returned" in progress.get_attribute("class")
    progress.fill("完成主体结构，累计浇筑混凝土1.2万立方米。")
    form.locator("[name=percent_complete]").fill("35")
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/projects/{project.pk}/(\?filed=\w+(#filed)?)?$"))
    assert ProjectUpdate.objects.get().review_state == "submitted"

    # The reviewer sees what changed since the return and approves.
    switch_to(page, base, "shenhe")
    page.goto(f"{base}/reviews/")
    page.get_by_test_id("review-queue").locator("tbody tr").first.get_by_role(
        "link", name="审核"
    ).click()
    changes = page.get_by_test_id("changes-since-return").inner_text()
    assert "完成主体结构。" in changes and "累计浇筑混凝土1.2万立方米" in changes
    assert "30" in changes and "35" in changes
    page.get_by_test_id("approve-form").locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/reviews/$"))
    assert ProjectUpdate.objects.get().review_state == "approved"

    # Now the leader's cockpit counts it.
    switch_to(page, base, "boss")
    assert in_progress_on_cockpit(page, base) == "1"
    assert "已审核" in page.get_by_test_id("figures-note").inner_text()
