"""The quarterly briefing's round trip (issue 23): a reviewer generates the Word draft from the
cockpit's link, "edits" it and uploads the issued version; a clerk of a unit finds it from the
period on the reporting matrix and downloads it."""

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from docx import Document

from plan.models import Plan, Unit
from plan.periods import reporting_period
from plan.permissions import REVIEWER, STAFF
from supervision.models import IssuedBriefing
from tests.e2e.conftest import log_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_reviewer_generates_and_issues_the_briefing_and_a_clerk_downloads_it(
    transactional_db, live_server, page, tmp_path
):
    call_command("load_plan", stdout=io.StringIO())
    UserFactory(username="reviewer", role=REVIEWER)
    UserFactory(username="kjj", role=STAFF, unit=Unit.objects.get(name="市科技局"))
    plan = Plan.objects.get()
    period = reporting_period(timezone.localdate(), plan.start_year, plan.end_year)
    quarter = "一二三四"[period.quarter - 1]
    base = live_server.url

    log_in(page, base, "reviewer")
    page.get_by_test_id("cockpit-briefings").click()
    page.get_by_test_id("briefing-generator-link").click()
    form = page.get_by_test_id("briefing-form")
    assert form.get_by_label("数据口径").input_value() == "approved"
    with page.expect_download() as download:
        form.get_by_test_id("briefing-generate").click()
    assert download.value.suggested_filename == f"{period.year}年第{quarter}季度推进情况通报.docx"
    draft = Document(download.value.path())
    assert "仅已审核通过的填报" in "\n".join(p.text for p in draft.paragraphs)

    # The office edits the draft (here with python-docx, as Word or WPS would) and issues it.
    draft.add_paragraph("请各单位于下季度首月10日前补报。领导小组办公室印发。")
    issued = tmp_path / "issued.docx"
    draft.save(issued)
    page.goto(f"{base}/briefings/")
    upload = page.get_by_test_id("briefing-upload")
    upload.get_by_label("文件").set_input_files(
        {"name": "吉林市季度通报（印发稿）.docx", "buffer": issued.read_bytes(),
         "mimeType": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
    )  # fmt: skip
    upload.get_by_role("button", name="上传").click()
    page.wait_for_url(re.compile(rf"/briefings/\?period={period}$"))
    assert "吉林市季度通报（印发稿）.docx" in page.get_by_test_id("briefings").inner_text()
    assert IssuedBriefing.objects.get().period == period

    page.context.clear_cookies()
    log_in(page, base, "kjj")
    page.goto(f"{base}/reports/?year={period.year}")
    page.locator(f'[data-testid="period-briefings"][href$="period={period}"]').click()
    page.wait_for_url(re.compile(rf"/briefings/\?period={period}$"))
    assert page.get_by_test_id("briefing-upload").count() == 0  # clerks read, do not issue
    with page.expect_download() as download:
        page.get_by_test_id("briefings").get_by_role(
            "link", name="吉林市季度通报（印发稿）.docx"
        ).click()
    assert download.value.suggested_filename == "吉林市季度通报（印发稿）.docx"
    got = Document(Path(download.value.path()))
    assert "领导小组办公室印发" in got.paragraphs[-1].text
