"""The text limits (plan.textlimits): one table, said on the forms, kept by the export."""

import io

import openpyxl
from django.urls import reverse

from plan.spreadsheets import table_workbook
from plan.textlimits import EXCEL_CELL, NARRATIVE, change_reason, clip
from projects.excel import HEADERS
from projects.models import Project
from tests.conftest import plan_page


def test_clip_marks_the_cut_and_leaves_short_text_alone():
    assert clip("短", 5) == "短"
    assert clip("一二三四五六", 5) == "一二三四…" and len(clip("x" * 500, 100)) == 100
    assert len(change_reason("申请：" + "理由" * 200)) == 100


def test_forms_say_the_limit_and_the_browser_stops_there(client, plan, people):
    client.force_login(people["staff_own"])
    project = Project.objects.get(annex__number=1, order=1)
    page = client.get(reverse("projects:project-report", args=[project.pk]))
    assert f"最多 {NARRATIVE} 字" in page.text
    assert f'maxlength="{NARRATIVE}"' in page.text
    edit = client.get(reverse("projects:project-edit", args=[project.pk]))
    assert "最多 200 字" in edit.text and f"最多 {NARRATIVE} 字" in edit.text


def test_the_export_never_writes_more_than_a_cell_holds(client, plan, people):
    # Text saved before the limits existed may be longer than a cell: cut, and marked.
    Project.objects.filter(annex__number=1, order=1).update(content="长" * 40_000)
    client.force_login(people["staff_own"])
    response = client.get(plan_page("projects:annex-export", 1))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["附表1"]
    cell = sheet.cell(row=3, column=HEADERS.index("建设内容") + 1).value
    assert len(cell) == EXCEL_CELL and cell.endswith("…")
    book = openpyxl.load_workbook(io.BytesIO(table_workbook("t", ["a"], [["x" * 40_000]])))
    assert len(book.active["A2"].value) == EXCEL_CELL
