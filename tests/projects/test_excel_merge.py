"""The import merges the file into the dashboard: a stale file never undoes newer work, what the
file does not hold is kept, the form's rules apply, and every column is accounted for."""

import datetime as dt
import io
import tracemalloc
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from plan import spreadsheets
from plan.periods import Period
from plan.spreadsheets import RowBudget, TooManyRows, open_workbook
from projects import imports
from projects.excel import HEADERS, REASON_HEADER, VERSION_HEADER
from projects.models import Project, ProjectImport, ProjectUpdate
from projects.services import ReportInput, project_edit, project_update_submit
from tests.conftest import plan_page


@pytest.fixture
def staff(client, people):
    client.force_login(people["staff_own"])
    return client


def column(name):
    return HEADERS.index(name) + 1


def exported(client, number=1):
    response = client.get(plan_page("projects:annex-export", number))
    assert response.status_code == 200
    return response.content


def edit_file(content: bytes, edit, sheet="附表1") -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(content))
    edit(book[sheet])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def import_preview(client, content: bytes):
    file = io.BytesIO(content)
    file.name = "附表1.xlsx"
    response = client.post(plan_page("projects:import"), {"file": file})
    assert response.status_code == 302, response.content.decode()[:2000]
    pending = ProjectImport.objects.latest("created_at")
    return pending, client.get(pending.get_absolute_url()).context["preview"]


def projects_of_annex_1():
    return list(Project.objects.filter(annex__number=1).order_by("order"))


def current_period(client):
    return ProjectImport.objects.latest("created_at").period


def report(project, user, percent, period, **extra):
    project.refresh_from_db()
    return project_update_submit(
        project_id=project.pk, user=user, expected_version=project.version,
        data=ReportInput(period=period, status="in_progress", percent_complete=percent, **extra),
        replace=True,
    )  # fmt: skip


# ---- 1. merge, not overwrite ------------------------------------------------------------------


def test_a_stale_file_keeps_newer_browser_edits_on_other_rows_and_cells(staff, plan, people):
    monday = exported(staff)  # the clerk's export
    first, second, third = projects_of_annex_1()[:3]
    # Tuesday: a colleague edits two other projects in the browser.
    project_edit(project_id=second.pk, user=people["staff_own"], expected_version=second.version,
                 changes={"location": "高新区"})  # fmt: skip
    # Wednesday: the clerk edits one cell of another project in Monday's file...
    content = edit_file(monday, lambda s: s.cell(row=3, column=column("建设单位")).__setattr__(
        "value", "吉林化纤集团"))  # fmt: skip
    pending, preview = import_preview(staff, content)
    # ... after the colleague's report at 60% for the period the import writes to.
    report(third, people["staff_own"], 60, pending.period)
    pending, preview = import_preview(staff, content)
    assert [c.project_id for c in preview.changes] == [first.pk]
    assert preview.changes[0].changes == {"builder": [first.builder or "—", "吉林化纤集团"]}
    assert not preview.conflict_count
    staff.post(pending.get_absolute_url())
    first.refresh_from_db(), second.refresh_from_db(), third.refresh_from_db()
    assert first.builder == "吉林化纤集团"
    assert second.location == "高新区"
    assert third.percent_complete == 60 and third.updates.get().percent_complete == 60


def test_an_edit_of_the_same_cell_on_both_sides_is_a_conflict_the_user_decides(staff, plan, people):
    monday = exported(staff)
    first, second = projects_of_annex_1()[:2]
    for project in (first, second):
        project.refresh_from_db()
        project_edit(project_id=project.pk, user=people["staff_own"],
                     expected_version=project.version, changes={"location": "网上"})  # fmt: skip

    def edit(sheet):
        sheet.cell(row=3, column=column("建设地点")).value = "文件甲"
        sheet.cell(row=4, column=column("建设地点")).value = "文件乙"

    pending, preview = import_preview(staff, edit_file(monday, edit))
    assert preview.conflict_count == 2 and not preview.errors
    conflict = preview.changes[0].conflicts["location"]
    assert conflict == [first.location or "—", "文件甲", "网上"]  # exported, file, dashboard
    page = staff.get(pending.get_absolute_url()).content.decode()
    assert "文件甲" in page and "网上" in page and 'name="take"' in page
    # The first conflict takes the file's value, the second keeps the dashboard's (the default).
    staff.post(pending.get_absolute_url(), {"take": [f"{first.pk}:location"]})
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.location, second.location) == ("文件甲", "网上")


def test_a_file_without_versions_shows_every_difference_and_names_rows_changed_since(
    staff, plan, people
):
    monday = exported(staff)
    second = projects_of_annex_1()[1]
    project_edit(project_id=second.pk, user=people["staff_own"], expected_version=second.version,
                 changes={"location": "高新区"})  # fmt: skip

    def edit(sheet):
        sheet.delete_cols(column(VERSION_HEADER))

    pending, preview = import_preview(staff, edit_file(monday, edit))
    assert [c.project_id for c in preview.changes] == [second.pk]  # shown as today
    assert preview.changes[0].changes["location"][1] == (
        Project.history.filter(id=second.pk).earliest("history_date").location or "—"
    )
    messages = [w.message for w in preview.warnings]
    assert any("不记录导出时" in m for m in messages)
    assert any(second.name in m and w.row == 4 for w, m in zip(preview.warnings, messages,
                                                                 strict=True))  # fmt: skip


# ---- 2. nothing erased ------------------------------------------------------------------------


def test_a_revision_keeps_the_next_steps_a_new_report_starts_empty(staff, plan, people):
    first, second = projects_of_annex_1()[:2]
    content = edit_file(exported(staff), lambda s: None)
    pending, _preview = import_preview(staff, content)
    report(first, people["staff_own"], 30, pending.period, next_steps="下季度完成主体")

    def edit(sheet):
        sheet.cell(row=3, column=column("完成进度")).value = 0.4
        sheet.cell(row=4, column=column("完成进度")).value = 0.2

    pending, preview = import_preview(staff, edit_file(exported(staff), edit))
    stored = {c.project_id: {row[0]: row for row in c.report} for c in preview.changes}
    assert stored[first.pk]["下一步计划"][1:] == ["下季度完成主体", "沿用所修订的填报"]
    assert "新填报" in stored[second.pk]["下一步计划"][2]
    staff.post(pending.get_absolute_url())
    assert first.updates.get().next_steps == "下季度完成主体"
    assert first.updates.get().percent_complete == 40
    assert second.updates.get().next_steps == ""


# ---- 3. one rule set ---------------------------------------------------------------------------


def test_a_lower_percent_needs_the_reason_column(staff, plan, people):
    first = projects_of_annex_1()[0]
    pending, _preview = import_preview(staff, exported(staff))
    period = pending.period
    earlier = Period(period.year, period.quarter - 1) if period.quarter > 1 else Period(
        period.year - 1, 4)  # fmt: skip
    report(first, people["staff_own"], 50, earlier)
    lower = edit_file(exported(staff), lambda s: s.cell(row=3, column=column("完成进度"))
                      .__setattr__("value", 0.3))  # fmt: skip
    _pending, preview = import_preview(staff, lower)
    assert not preview.changes and "原因" in preview.errors[0].message

    def with_reason(sheet):
        sheet.cell(row=3, column=column("完成进度")).value = 0.3
        sheet.cell(row=3, column=column(REASON_HEADER)).value = "核减建设内容"

    pending, preview = import_preview(staff, edit_file(exported(staff), with_reason))
    assert not preview.errors
    staff.post(pending.get_absolute_url())
    stored = first.updates.get(year=period.year, quarter=period.quarter)
    assert (stored.percent_complete, stored.reason) == (30, "核减建设内容")


def test_completed_under_100_and_investment_above_total_are_refused_like_the_form(staff, plan):
    Project.objects.filter(annex__number=1, order=2).update(total_investment=Decimal("100"))

    def edit(sheet):
        sheet.cell(row=3, column=column("状态")).value = "已完成"
        sheet.cell(row=3, column=column("完成进度")).value = 0.9
        sheet.cell(row=4, column=column("已完成投资（万元）")).value = 150

    _pending, preview = import_preview(staff, edit_file(exported(staff), edit))
    assert not preview.changes
    assert [e.row for e in preview.errors] == [3, 4]
    assert "100%" in preview.errors[0].message and "总投资" in preview.errors[1].message


def test_a_closed_period_is_refused_with_the_closed_message(staff, plan, people):
    plan.close_after_days = 30
    plan.save()

    def edit(sheet):
        sheet.cell(row=3, column=column("完成进度")).value = 0.4
        sheet.cell(row=3, column=column("填报期")).value = "2024年第一季度"  # the row's own period

    workbook = open_workbook(edit_file(exported(staff), edit))
    preview = imports.build_preview(workbook, user=people["staff_own"], plan=plan,
                                    period=Period(2024, 4), today=dt.date(2025, 1, 10))  # fmt: skip
    assert not preview.changes and "关闭" in preview.errors[0].message
    assert "2024Q1" in preview.errors[0].message
    assert preview.errors[0].column.startswith("填报期")
    assert preview.errors[0].link.startswith("/reopen/request/?") and "period=2024Q1" in (
        preview.errors[0].link)  # fmt: skip


# ---- 4. every column accounted for -------------------------------------------------------------


def test_renamed_unknown_and_read_only_columns_are_named_not_ignored(staff, plan):
    def edit(sheet):
        sheet.cell(row=2, column=column("完成进度")).value = "完成进度（%）"
        sheet.cell(row=2, column=column("建设地点")).value = "建设地址"
        sheet.cell(row=3, column=column("完成进度")).value = 0.7
        sheet.cell(row=3, column=column("项目名称")).value = "改过的名称"

    pending, preview = import_preview(staff, edit_file(exported(staff), edit))
    notes = {(w.row, w.column.split("（")[0], w.message[:8]) for w in preview.warnings}
    assert any(r == 2 and c == "完成进度(%)" for r, c, _m in notes)  # unknown
    assert any(r == 2 and c == "完成进度" for r, c, _m in notes)  # missing
    assert any(r == 2 and c == "建设地点" for r, c, _m in notes)
    assert any(r == 3 and c == "项目名称" for r, c, _m in notes)  # read-only, edited
    page = staff.get(pending.get_absolute_url()).content.decode()
    assert "文件内容与系统一致" not in page
    assert Project.objects.filter(name="改过的名称").count() == 0


def test_a_formula_is_refused_and_totals_and_blank_rows_are_named(staff, plan):
    last = Project.objects.filter(annex__number=1).count() + 2

    def edit(sheet):
        sheet.cell(row=3, column=column("总投资（万元）")).value = "=1+2"
        sheet.insert_rows(5)  # a blank row between rows
        sheet.cell(row=last + 2, column=column("项目名称")).value = "合计"
        sheet.cell(row=last + 2, column=column("总投资（万元）")).value = 300

    _pending, preview = import_preview(staff, edit_file(exported(staff), edit))
    assert [(e.row, e.column) for e in preview.errors] == [(3, "总投资（万元）（H）")]
    assert "公式" in preview.errors[0].message
    rows = {w.row: w.message for w in preview.warnings}
    assert "空行" in rows[5] and "合计" in rows[last + 2]


def test_an_untouched_export_is_no_changes_and_says_so(staff, plan):
    pending, preview = import_preview(staff, exported(staff))
    assert not preview.changes and not preview.errors and not preview.warnings
    assert preview.unchanged == Project.objects.filter(annex__number=1).count()
    assert "文件内容与系统一致" in staff.get(pending.get_absolute_url()).content.decode()


# ---- 5. bounded cost --------------------------------------------------------------------------


FLOOD = Path(__file__).with_name("data") / "flood.xlsx"  # tests/projects/make_flood.py


def test_a_flood_of_a_million_rows_is_refused_at_the_cap_in_bounded_memory_storing_nothing(
    staff, plan, settings, monkeypatch
):
    content = FLOOD.read_bytes()
    assert len(content) < settings.PROJECT_IMPORT_MAX_BYTES  # under both byte limits
    cap = settings.SPREADSHEET_MAX_ROWS  # the default, 60,000
    read, seen = [], []
    original_rows, original_count = RowBudget.rows, spreadsheets.count_rows

    def parsed(self, sheet, min_row=1):
        for cells in original_rows(self, sheet, min_row):
            read.append(1)
            yield cells

    def counted(content, maximum=None):
        try:
            original_count(content, maximum)
        except TooManyRows as error:
            seen.append(error.rows_seen)
            raise

    monkeypatch.setattr(RowBudget, "rows", parsed)
    monkeypatch.setattr(spreadsheets, "count_rows", counted)
    file = io.BytesIO(content)
    file.name = "flood.xlsx"
    tracemalloc.start()
    try:
        response = staff.post(plan_page("projects:import"), {"file": file})
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert response.status_code == 200
    assert f"{cap:,}" in response.context["form"].errors["file"][0]
    assert seen == [cap + 1] and read == []  # counted to the cap plus one; no row parsed
    # The upload (5 MB, held by Django and read into bytes) and one 64 kB chunk at a time.
    assert peak < 32 * 1024 * 1024, f"peak {peak / 2**20:.0f} MB"
    assert not ProjectImport.objects.exists() and not ProjectUpdate.objects.exists()


# ---- 6. idempotent ----------------------------------------------------------------------------


def test_an_untouched_export_with_control_characters_and_longest_texts_is_no_changes(
    staff, plan, people
):
    from plan.textlimits import LIMITS

    first, second = projects_of_annex_1()[:2]
    Project.objects.filter(pk=first.pk).update(
        content="第一行\x0b第二行\x01\x1f_x000B_字面" + "长" * (LIMITS["Project"]["content"] - 20),
        builder="=SUM(A1)\t单位",
        location="乙" * LIMITS["Project"]["location"],
    )
    pending, _preview = import_preview(staff, exported(staff))
    report(second, people["staff_own"], 10, pending.period,
           progress="进展\x0b" + "字" * (LIMITS["ProjectUpdate"]["progress"] - 3),
           problems="问题\r\n\x07")  # fmt: skip
    pending, preview = import_preview(staff, exported(staff))
    assert not preview.changes and not preview.errors and not preview.warnings
    # and so does the file after Excel's round trip through openpyxl
    pending, preview = import_preview(staff, edit_file(exported(staff), lambda s: None))
    assert not preview.changes and not preview.errors


def test_the_editable_export_carries_the_latest_report_and_its_review_state(staff, plan, people):
    from projects.excel import REVIEW_HEADER

    first = projects_of_annex_1()[0]
    pending, _preview = import_preview(staff, exported(staff))
    report(first, people["staff_own"], 35, pending.period, progress="未审核的进展")
    sheet = openpyxl.load_workbook(io.BytesIO(exported(staff)))["附表1"]
    assert sheet.cell(row=3, column=column("最新进展")).value == "未审核的进展"
    assert sheet.cell(row=3, column=column("完成进度")).value == 0.35
    assert sheet.cell(row=3, column=column(REVIEW_HEADER)).value == "已提交"
    assert sheet.cell(row=4, column=column(REVIEW_HEADER)).value is None
