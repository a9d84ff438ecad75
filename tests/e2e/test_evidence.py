"""Staff attach a file while reporting on a task, anyone logged in downloads it under its
Chinese name, and its unit's staff remove it, which leaves it in the record."""

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from plan.models import Plan, Unit
from plan.periods import reporting_period
from plan.permissions import STAFF
from supervision.models import Evidence
from tests.e2e.conftest import log_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def test_attach_download_and_remove_evidence(transactional_db, live_server, page):
    call_command("load_plan", stdout=io.StringIO())
    unit = Unit.objects.get(name="市科技局")
    UserFactory(username="kjj", role=STAFF, unit=unit)
    plan = Plan.objects.get()
    period = reporting_period(timezone.localdate(), plan.start_year, plan.end_year)
    base = live_server.url

    log_in(page, base, "kjj")
    page.goto(f"{base}/plan/tasks/3/report/{unit.pk}/{period}/")
    form = page.get_by_test_id("task-report-form")
    form.get_by_label("完成情况").fill("完成科技成果转化工作。")
    form.get_by_label("佐证材料").set_input_files(
        [{"name": "成果登记证明.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    form.get_by_role("button", name="提交填报").click()
    page.wait_for_url(re.compile(r"/plan/reports/\d+/$"))
    files = page.get_by_test_id("evidence-list")
    # The name opens the PDF in the browser; the link beside it downloads it.
    opens = files.get_by_role("link", name="成果登记证明.pdf").get_attribute("href")
    assert opens.endswith("?view=1")
    with page.expect_download() as download:
        files.get_by_role("link", name="下载").click()
    assert download.value.suggested_filename == "成果登记证明.pdf"
    assert Path(download.value.path()).read_bytes() == PDF

    page.get_by_role("link", name="添加或删除佐证材料").click()
    page.get_by_test_id("evidence-list").get_by_role("button", name="删除").click()
    assert "成果登记证明.pdf" in page.get_by_test_id("evidence-removed").inner_text()
    row = Evidence.objects.get()
    assert row.removed_at is not None and row.file.storage.exists(row.file.name)
