"""Annex workbooks out and back in: layout, safe cells, parsing, preview, confirm, bad files."""

import datetime as dt
import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest

from projects.excel import HEADERS, KEY_HEADER, project_key
from projects.imports import CellError, parse_date, parse_money, parse_percent
from projects.models import Project, ProjectImport, ProjectUpdate
from tests.conftest import plan_page

ANNEX_SIZES = {1: 6, 2: 16, 3: 9, 4: 12, 5: 4, 6: 6}


@pytest.fixture
def staff(client, people):
    client.force_login(people["staff_own"])
    return client


def workbook(response):
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.content))


def column(name):
    return HEADERS.index(name) + 1


def test_each_annex_sheet_is_laid_out_like_an_official_annex(staff, plan):
    response = staff.get(plan_page("projects:export"))
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''")
    book = workbook(response)
    assert book.sheetnames == [f"附表{n}" for n in range(1, 7)]
    for number, size in ANNEX_SIZES.items():
        sheet = book[f"附表{number}"]
        annex = plan.annexes.get(number=number)
        assert sheet["A1"].value == f"附表{number} {annex.title}"
        assert f"A1:{openpyxl.utils.get_column_letter(len(HEADERS))}1" in {
            str(r) for r in sheet.merged_cells.ranges
        }
        assert [c.value for c in sheet[2]] == HEADERS
        assert sheet.freeze_panes == "A3"
        assert sheet.print_title_rows == "$1:$2"
        assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.page_setup.fitToWidth in (None, 1) and sheet.page_setup.fitToHeight == 0
        assert sheet.max_row - 2 == size
        assert [sheet.cell(row=r, column=1).value for r in range(3, size + 3)] == list(
            range(1, size + 1)
        )
        assert sheet.column_dimensions["B"].hidden  # the key column
        validations = sheet.data_validations.dataValidation
        assert validations and "已完成" in validations[0].formula1


def test_number_formats_for_money_percent_and_dates(staff, plan):
    project = Project.objects.get(annex__number=1, order=1)
    Project.objects.filter(pk=project.pk).update(
        total_investment=Decimal("1234.5"), percent_complete=40,
        planned_start=dt.date(2022, 7, 1),
    )  # fmt: skip
    sheet = workbook(staff.get(plan_page("projects:annex-export", 1)))["附表1"]
    money = sheet.cell(row=3, column=column("总投资（万元）"))
    percent = sheet.cell(row=3, column=column("完成进度"))
    start = sheet.cell(row=3, column=column("计划开工"))
    assert (money.value, money.number_format) == (1234.5, "#,##0.00")
    assert (percent.value, percent.number_format) == (0.4, "0%")
    assert start.value == dt.datetime(2022, 7, 1) and start.number_format == "yyyy-mm-dd"


def test_formula_like_text_is_written_as_text(staff, plan):
    evil = ['=HYPERLINK("http://evil","x")', "+1+1", "-2", "@SUM(A1)", "\tcmd"]
    for order, text in enumerate(evil, start=1):
        Project.objects.filter(annex__number=1, order=order).update(name=text)
    sheet = workbook(staff.get(plan_page("projects:annex-export", 1)))["附表1"]
    for row, text in enumerate(evil, start=3):
        cell = sheet.cell(row=row, column=column("项目名称"))
        assert cell.value == text and cell.data_type == "s" and cell.quotePrefix


def test_the_table_export_keeps_the_tables_filters(staff, plan):
    Project.objects.filter(annex__number=2, order__lte=3).update(status="lagging")
    book = workbook(staff.get(plan_page("projects:export"), {"status": "lagging"}))
    rows = {name: book[name].max_row - 2 for name in book.sheetnames}
    assert rows == {"附表1": 0, "附表2": 3, "附表3": 0, "附表4": 0, "附表5": 0, "附表6": 0}


# ---- parsing --------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "fmt", "expected"), [
    (50, "General", 50), ("50", None, 50), ("50%", None, 50), ("５０％", None, 50),
    (0.5, "0%", 50), (1, "0%", 100), (80.0, "General", 80), (" 7 ", None, 7),
])  # fmt: skip
def test_percent_in_all_the_ways_people_write_it(value, fmt, expected):
    assert parse_percent(value, fmt) == expected


@pytest.mark.parametrize("value", [101, -1, "50.5", "abc", "", None, 0.5])
def test_bad_percents(value):
    with pytest.raises(CellError):
        parse_percent(value, "General")


@pytest.mark.parametrize(("value", "expected"), [
    (1200, Decimal("1200.00")), ("1,200.5", Decimal("1200.50")), ("１，２００", Decimal("1200.00")),
    ("300万元", Decimal("300.00")), (None, None), ("", None),
])  # fmt: skip
def test_money(value, expected):
    assert parse_money(value) == expected


@pytest.mark.parametrize("value", ["-5", "很多", "1e400"])
def test_bad_money(value):
    with pytest.raises(CellError):
        parse_money(value)


@pytest.mark.parametrize(("value", "expected"), [
    (dt.datetime(2024, 3, 5), dt.date(2024, 3, 5)), ("2024-03-05", dt.date(2024, 3, 5)),
    ("2024/3/5", dt.date(2024, 3, 5)), ("2024年3月", dt.date(2024, 3, 1)),
    ("2024年3月5日", dt.date(2024, 3, 5)), ("２０２４年３月", dt.date(2024, 3, 1)), (None, None),
])  # fmt: skip
def test_dates(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", ["2024-13-01", "明年", "2024年"])
def test_bad_dates(value):
    with pytest.raises(CellError):
        parse_date(value)


# ---- the round trip --------------------------------------------------------------------------


def upload(client, content: bytes, name="附表1.xlsx"):
    file = io.BytesIO(content)
    file.name = name
    return client.post(plan_page("projects:import"), {"file": file})


def edited_annex(client, edit) -> bytes:
    book = workbook(client.get(plan_page("projects:annex-export", 1)))
    edit(book["附表1"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_round_trip_changes_exactly_the_edited_fields_as_the_importing_user(staff, plan, people):
    before = {p.pk: (p.name, p.builder, p.status, p.percent_complete)
              for p in Project.objects.filter(annex__number=1)}  # fmt: skip

    def edit(sheet):
        sheet.cell(row=3, column=column("状态")).value = "推进中"
        sheet.cell(row=3, column=column("完成进度")).value = "80%"
        sheet.cell(row=4, column=column("完成进度")).value = "３５"
        sheet.cell(row=4, column=column("存在问题")).value = "征地手续未完成"
        sheet.cell(row=5, column=column("建设单位")).value = "吉林化纤集团"

    response = upload(staff, edited_annex(staff, edit))
    pending = ProjectImport.objects.get()
    assert response.status_code == 302 and response["Location"] == pending.get_absolute_url()
    assert ProjectUpdate.objects.count() == 0  # nothing written before the confirmation
    page = staff.get(pending.get_absolute_url())
    assert page.context["preview"].unchanged == 3 and len(page.context["preview"].changes) == 3
    assert "80" in page.text and "征地手续未完成" in page.text
    assert staff.post(pending.get_absolute_url()).status_code == 302

    first, second, third = Project.objects.filter(annex__number=1).order_by("order")[:3]
    assert (first.status, first.percent_complete) == ("in_progress", 80)
    assert (second.percent_complete, second.updates.get().problems) == (35, "征地手续未完成")
    assert third.builder == "吉林化纤集团" and not third.updates.exists()
    for project in Project.objects.filter(annex__number=1).order_by("order")[3:]:
        assert before[project.pk] == (project.name, project.builder, project.status,
                                      project.percent_complete)  # fmt: skip
    assert first.history.first().history_user == people["staff_own"]
    assert third.history.first().history_user == people["staff_own"]
    assert first.updates.get().submitted_by == people["staff_own"]


def test_errors_are_listed_with_sheet_row_column_and_nothing_is_saved(staff, plan):
    def edit(sheet):
        sheet.cell(row=3, column=column("状态")).value = "快完了"
        sheet.cell(row=4, column=column("完成进度")).value = "120"
        sheet.cell(row=5, column=column("计划开工")).value = "明年"
        sheet.cell(row=6, column=column("总投资（万元）")).value = "-3"

    upload(staff, edited_annex(staff, edit))
    pending = ProjectImport.objects.get()
    errors = staff.get(pending.get_absolute_url()).context["preview"].errors
    assert [(e.sheet, e.row) for e in errors] == [("附表1", 3), ("附表1", 4), ("附表1", 5),
                                                  ("附表1", 6)]  # fmt: skip
    assert "状态" in errors[0].column and "已完成" in errors[0].message
    staff.post(pending.get_absolute_url())
    assert not ProjectUpdate.objects.exists()
    assert Project.objects.filter(version__gt=1).count() == 0


def test_rows_of_other_units_projects_are_refused(client, plan, people):
    client.force_login(people["staff_own"])
    content = edited_annex(client, lambda s: s.cell(row=3, column=column("完成进度")).__setattr__(
        "value", 10))  # fmt: skip
    client.force_login(people["staff_other"])
    upload(client, content)
    errors = client.get(ProjectImport.objects.get().get_absolute_url()).context["preview"].errors
    assert len(errors) == 6 and "无权" in errors[0].message


def test_leaders_cannot_import(client, people):
    client.force_login(people["leader"])
    assert client.get(plan_page("projects:import")).status_code == 403


def test_a_project_changed_after_the_preview_stops_the_whole_import(staff, plan):
    def edit(sheet):
        sheet.cell(row=3, column=column("建设单位")).value = "甲"
        sheet.cell(row=4, column=column("建设单位")).value = "乙"

    upload(staff, edited_annex(staff, edit))
    pending = ProjectImport.objects.get()
    second = Project.objects.get(annex__number=1, order=2)
    second.version += 1
    second.save()
    staff.post(pending.get_absolute_url())
    assert not Project.objects.filter(builder__in=["甲", "乙"]).exists()


# ---- bad files -------------------------------------------------------------------------------


NS_PKG = "http://schemas.openxmlformats.org/package/2006"
NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def minimal_xlsx(sheet_xml: str) -> bytes:
    """A valid workbook skeleton around one sheet's XML."""
    parts = {
        "[Content_Types].xml": (
            f'<Types xmlns="{NS_PKG}/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{SHEET_TYPE}.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" '
            f'ContentType="{SHEET_TYPE}.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{NS_PKG}/relationships"><Relationship Id="rId1" '
            f'Type="{NS_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{NS_MAIN}" xmlns:r="{NS_REL}"><sheets>'
            '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{NS_PKG}/relationships"><Relationship Id="rId1" '
            f'Type="{NS_REL}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": sheet_xml,
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return out.getvalue()


def plain_workbook(rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", b"<a>" + b" " * (210 * 1024 * 1024) + b"</a>")
    return out.getvalue()


ENTITY_BOMB = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
               '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
               '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
               '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row>'
               '</sheetData></worksheet>')  # fmt: skip


@pytest.fixture(scope="module")
def bomb():
    return zip_bomb()


def first_key():
    return project_key(Project.objects.order_by("pk").first().pk)


def export_bytes(client):
    return client.get(plan_page("projects:annex-export", 1)).content


BAD_FILES = {
    "csv renamed": (lambda c: "序号,项目名称\n1,x\n".encode(), "不是 .xlsx"),
    "old xls / password protected (OLE)": (
        lambda c: bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 600, "不是 .xlsx"),
    "pdf": (lambda c: b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "不是 .xlsx"),
    "truncated": (lambda c: export_bytes(c)[:3000], "损坏"),
    "empty file": (lambda c: b"", "空"),
    "empty workbook": (lambda c: plain_workbook([]), "项目编号"),
    "wrong layout": (lambda c: plain_workbook([["名称", "状态"], ["x", "推进中"]]), "项目编号"),
    "entity expansion": (lambda c: minimal_xlsx(ENTITY_BOMB), "无法安全读取"),
    "unknown key": (lambda c: plain_workbook([[KEY_HEADER, "状态"], ["P999999", "推进中"]]),
                    "不存在"),
    "same project twice": (lambda c: plain_workbook([[KEY_HEADER, "状态"],
                                                      [first_key(), "推进中"],
                                                      [first_key(), "推进中"]]), "两次"),
}  # fmt: skip


@pytest.mark.parametrize("case", BAD_FILES)
def test_bad_files_give_a_clear_message_and_change_nothing(staff, plan, case):
    make, message = BAD_FILES[case]
    response = upload(staff, make(staff))
    if response.status_code == 302:  # read, but refused row by row in the preview
        text = staff.get(response["Location"]).text
        preview = ProjectImport.objects.get().preview
        assert preview["errors"] and not preview["changes"]
        staff.post(response["Location"])
    else:
        assert response.status_code == 200
        text = response.text
        assert not ProjectImport.objects.exists()
    assert message in text, text[-3000:]
    assert not ProjectUpdate.objects.exists()
    assert Project.objects.filter(version__gt=1).count() == 0


def test_a_zip_bomb_is_refused_before_it_is_unpacked(staff, plan, bomb):
    assert len(bomb) < 1024 * 1024
    response = upload(staff, bomb)
    assert response.status_code == 200 and "远超" in response.text


def test_a_file_over_the_size_limit_is_refused(staff, plan, settings):
    settings.PROJECT_IMPORT_MAX_BYTES = 1024
    response = upload(staff, export_bytes(staff))
    assert response.status_code == 200 and "超过" in response.text


def test_indicator_table_and_matrix_export(staff, plan):
    book = workbook(staff.get(plan_page("indicators:indicator-export")))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][:2] == ("代码", "指标") and len(rows) == 1 + 5
    matrix = workbook(staff.get(plan_page("supervision:report-export"), {"kind": "tasks"}))
    rows = list(matrix.active.iter_rows(values_only=True))
    assert rows[0][0] == "单位" and len(rows) == 1 + 25
