"""Staff download an annex, edit it as in Excel, upload it, read the preview and confirm."""

import io
import re

import openpyxl
import pytest
from django.core.management import call_command

from plan.models import Unit
from plan.permissions import STAFF
from projects.excel import HEADERS
from projects.models import Project
from tests.e2e.conftest import log_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_download_edit_upload_preview_confirm(transactional_db, live_server, page, tmp_path):
    call_command("load_plan", stdout=io.StringIO())
    UserFactory(username="kjj", role=STAFF, unit=Unit.objects.get(name="市科技局"))
    log_in(page, live_server.url, "kjj")
    page.goto(f"{live_server.url}/projects/annex/3/")
    with page.expect_download() as download_info:
        page.get_by_test_id("annex-export").click()
    download = download_info.value
    assert download.suggested_filename.startswith("附表3-龙头企业重点平台(项目)")
    path = tmp_path / "annex3.xlsx"
    download.save_as(path)

    book = openpyxl.load_workbook(path)
    sheet = book["附表3"]
    sheet.cell(row=3, column=HEADERS.index("状态") + 1).value = "推进中"
    sheet.cell(row=3, column=HEADERS.index("完成进度") + 1).value = "６５％"
    sheet.cell(row=3, column=HEADERS.index("最新进展") + 1).value = "检测中心主体完工"
    book.save(path)

    page.get_by_role("link", name="从 Excel 导入").first.click()
    page.get_by_label("编辑后的附表文件（.xlsx）").set_input_files(str(path))
    page.get_by_role("button", name="检查文件").click()
    page.wait_for_url(re.compile(r"/projects/import/\d+/$"))
    changes = page.get_by_test_id("import-changes").inner_text()
    assert "华微汽车电子器件检测中心项目" in changes and "65" in changes
    assert "检测中心主体完工" in changes
    page.get_by_test_id("import-confirm").click()
    page.wait_for_url(re.compile(r"/projects/$"))
    assert "已从文件更新 1 个项目" in page.locator(".messages").inner_text()

    project = Project.objects.get(annex__number=3, order=1)
    assert (project.status, project.percent_complete) == ("in_progress", 65)
    page.goto(f"{live_server.url}{project.get_absolute_url()}")
    assert "检测中心主体完工" in page.get_by_test_id("report-timeline").inner_text()


def test_a_stale_file_edited_where_the_browser_edited_is_a_conflict_resolved_on_the_preview(
    transactional_db, live_server, page, tmp_path
):
    call_command("load_plan", stdout=io.StringIO())
    UserFactory(username="kjj", role=STAFF, unit=Unit.objects.get(name="市科技局"))
    log_in(page, live_server.url, "kjj")
    page.goto(f"{live_server.url}/projects/annex/3/")
    with page.expect_download() as download_info:
        page.get_by_test_id("annex-export").click()
    path = tmp_path / "annex3.xlsx"
    download_info.value.save_as(path)

    # In the browser, after the export: two projects' locations change.
    first, second = Project.objects.filter(annex__number=3).order_by("order")[:2]
    for project, place in ((first, "浏览器甲"), (second, "浏览器乙")):
        page.goto(f"{live_server.url}/projects/{project.pk}/edit/")
        page.get_by_label("建设地点").fill(place)
        page.get_by_role("button", name="保存").click()
        page.wait_for_url(re.compile(rf"/projects/{project.pk}/$"))

    # In the file, exported before: the first project's location and the third's builder.
    book = openpyxl.load_workbook(path)
    sheet = book["附表3"]
    sheet.cell(row=3, column=HEADERS.index("建设地点") + 1).value = "文件甲"
    sheet.cell(row=5, column=HEADERS.index("建设单位") + 1).value = "文件丙单位"
    book.save(path)

    page.goto(f"{live_server.url}/projects/import/")
    page.get_by_label("编辑后的附表文件（.xlsx）").set_input_files(str(path))
    page.get_by_role("button", name="检查文件").click()
    page.wait_for_url(re.compile(r"/projects/import/\d+/$"))
    conflict = page.get_by_test_id("import-conflict")
    assert conflict.count() == 1
    text = conflict.inner_text()
    assert "文件甲" in text and "浏览器甲" in text and "导出时" in text
    assert "浏览器乙" not in page.get_by_test_id("import-changes").inner_text()
    conflict.get_by_test_id("take-file").check()
    page.get_by_test_id("import-confirm").click()
    page.wait_for_url(re.compile(r"/projects/$"))

    third = Project.objects.get(annex__number=3, order=3)
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.location, second.location, third.builder) == ("文件甲", "浏览器乙", "文件丙单位")
    page.goto(f"{live_server.url}{first.get_absolute_url()}")
    assert "文件甲" in page.content()
