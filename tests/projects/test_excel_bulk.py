"""The import at scale and in an office's week: a confirm in a fixed number of queries with its
history, a paged preview that keeps the conflict choices, a period per row, merged cells and
formulas saved as text named, a returned report revised through the file."""

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plan.spreadsheets import open_workbook
from projects import imports
from projects.excel import PERIOD_HEADER
from projects.models import Project, ProjectUpdate
from projects.services import project_edit
from supervision.models import ReviewState
from supervision.review import changes_since_return, review_return, token

from .test_excel_merge import (
    column,
    edit_file,
    exported,
    import_preview,
    projects_of_annex_1,
    report,
)


@pytest.fixture
def staff(client, people):
    client.force_login(people["staff_own"])
    return client


def preview_of(content, people, plan, pending):
    book = open_workbook(content)
    try:
        return imports.build_preview(
            book, user=people["staff_own"], plan=plan, period=pending.period,
            today=pending.created_at.date(),
        )  # fmt: skip
    finally:
        book.close()


def changing(rows: int, percent: int):
    """Edit the builder and the percent of the first ``rows`` rows (a report each)."""

    def edit(sheet):
        for row in range(3, 3 + rows):
            sheet.cell(row=row, column=column("建设单位")).value = f"改{percent}-{row}"
            sheet.cell(row=row, column=column("完成进度")).value = percent / 100

    return edit


def test_the_confirm_takes_the_same_queries_for_2_and_5_rows_and_records_history(
    staff, plan, people
):
    assert Project.objects.filter(annex__number=1).count() >= 5
    content = exported(staff)
    pending, _preview = import_preview(staff, content)
    counts = {}
    first_run = edit_file(exported(staff), changing(5, 40))
    imports.apply_preview(
        preview_of(first_run, people, plan, pending),
        user=people["staff_own"],
        plan=plan,
        period=pending.period,
        today=pending.created_at.date(),
    )
    for rows in (2, 5):  # both revise the reports of the first run: like for like
        preview = preview_of(edit_file(exported(staff), changing(rows, 50 + rows)), people, plan,
                             pending)  # fmt: skip
        assert len(preview.changes) == rows and not preview.errors
        with CaptureQueriesContext(connection) as queries:
            written = imports.apply_preview(preview, user=people["staff_own"], plan=plan,
                                            period=pending.period,
                                            today=pending.created_at.date())  # fmt: skip
        assert written == rows
        counts[rows] = len(queries)
    assert counts[2] == counts[5] <= 15, counts  # revisions; new reports: no UPDATE of them
    # Honest history: every project and every report has a row naming the user, the project's
    # at its new version.
    for project in projects_of_annex_1()[:5]:
        last = project.history.latest("history_date")
        assert (last.version, last.history_user, last.builder) == (
            project.version, people["staff_own"], project.builder)  # fmt: skip
        assert last.history_change_reason == imports.CHANGE_REASON
        update = project.updates.get()
        assert update.percent_complete == 55 and project.percent_complete == 55
        assert update.history.latest("history_date").history_user == people["staff_own"]
        assert update.review_state == ReviewState.SUBMITTED


def test_the_preview_is_paged_and_keeps_the_conflict_choices_across_pages(
    staff, plan, people, settings
):
    settings.IMPORT_PREVIEW_PAGE = 1
    monday = exported(staff)
    first, second, third = projects_of_annex_1()[:3]
    for project in (first, second):
        project_edit(project_id=project.pk, user=people["staff_own"],
                     expected_version=project.version, changes={"location": "网上"})  # fmt: skip

    def edit(sheet):
        sheet.cell(row=3, column=column("建设地点")).value = "文件甲"
        sheet.cell(row=4, column=column("建设地点")).value = "文件乙"
        sheet.cell(row=5, column=column("建设单位")).value = "无冲突的修改"

    pending, preview = import_preview(staff, edit_file(monday, edit))
    assert preview.conflict_count == 2 and len(preview.changes) == 3
    url = pending.get_absolute_url()
    page = staff.get(url).context
    assert [c.project_id for c in page["changes_page"]] == [first.pk]  # conflicts first
    # Tick "take the file's" on page 1 and go to page 2: the choice is stored.
    keys = [f"{first.pk}:location", f"{second.pk}:location"]
    response = staff.post(url, {"shown": keys[0], "take": keys[0], "goto": "page=2&show=all"})
    assert response.status_code == 302 and "page=2&" in response["Location"]
    pending.refresh_from_db()
    assert pending.choices == [keys[0]]
    page = staff.get(url, {"page": 2}).context
    assert [c.project_id for c in page["changes_page"]] == [second.pk]
    # Only the rows with conflicts: two pages of one.
    assert staff.get(url, {"show": "conflicts"}).context["changes_page"].paginator.count == 2
    # Back on page 1 the box is ticked still.
    assert f'value="{keys[0]}" form="import-form" data-testid="take-file" checked' in (
        staff.get(url, {"page": 1}).content.decode())  # fmt: skip
    # Confirm from page 2, leaving its conflict unticked: page 1's choice holds.
    staff.post(url, {"shown": keys[1], "confirm": "1"})
    for project in (first, second, third):
        project.refresh_from_db()
    assert (first.location, second.location, third.builder) == ("文件甲", "网上", "无冲突的修改")


def test_each_row_reports_for_its_own_period_and_a_bad_period_is_named(staff, plan, people):
    first, second = projects_of_annex_1()[:2]
    pending, _preview = import_preview(staff, exported(staff))
    earlier = pending.period.previous()

    def edit(sheet):
        assert sheet.cell(row=2, column=column(PERIOD_HEADER)).value == PERIOD_HEADER
        assert sheet.cell(row=3, column=column(PERIOD_HEADER)).value.endswith("季度")
        sheet.cell(row=3, column=column("完成进度")).value = 0.25
        sheet.cell(row=3, column=column(PERIOD_HEADER)).value = str(earlier)  # e.g. 2025Q3
        sheet.cell(row=4, column=column("完成进度")).value = 0.25
        sheet.cell(row=4, column=column(PERIOD_HEADER)).value = "下个季度"

    pending, preview = import_preview(staff, edit_file(exported(staff), edit))
    assert [(e.row, e.column.split("（")[0]) for e in preview.errors] == [(4, PERIOD_HEADER)]
    assert "2025年第四季度" in preview.errors[0].message
    # Without the bad row, the first row's report goes to its own period, not the import's.
    edit_only_first = edit_file(
        exported(staff),
        lambda s: (
            s.cell(row=3, column=column("完成进度")).__setattr__("value", 0.25),
            s.cell(row=3, column=column(PERIOD_HEADER)).__setattr__("value", str(earlier)),
        ),
    )
    pending, preview = import_preview(staff, edit_only_first)
    assert preview.changes[0].period == str(earlier)
    staff.post(pending.get_absolute_url(), {"confirm": "1"})
    assert [(u.period, u.percent_complete) for u in first.updates.all()] == [(earlier, 25)]
    assert not second.updates.exists()


def test_merged_cells_in_the_rows_are_refused_by_sheet_and_range(staff, plan):
    def edit(sheet):
        sheet.cell(row=3, column=column("建设地点")).value = "合并后的地点"
        sheet.merge_cells(start_row=3, start_column=column("建设地点"), end_row=4,
                          end_column=column("建设地点"))  # fmt: skip

    pending, preview = import_preview(staff, edit_file(exported(staff), edit))
    merged = [e for e in preview.errors if ":" in e.column]
    letter = openpyxl.utils.get_column_letter(column("建设地点"))
    assert [(e.sheet, e.row, e.column) for e in merged] == [("附表1", 3, f"{letter}3:{letter}4")]
    assert "附表1" in merged[0].message and f"{letter}3:{letter}4" in merged[0].message
    assert not preview.changes  # neither row is read: nothing taken from a merged range
    page = staff.get(pending.get_absolute_url()).content.decode()
    assert f"{letter}3:{letter}4" in page


def test_a_formula_saved_as_text_in_a_number_column_is_named(staff, plan):
    def edit(sheet):
        cell = sheet.cell(row=3, column=column("总投资（万元）"))
        cell.value, cell.data_type = "=100+200", "s"  # a text cell holding a formula's text

    _pending, preview = import_preview(staff, edit_file(exported(staff), edit))
    assert [e.column.split("（")[0] for e in preview.errors] == ["总投资"]
    assert "=100+200" in preview.errors[0].message and "公式" in preview.errors[0].message


def test_a_returned_report_revised_in_the_file_is_resubmitted_for_review(staff, plan, people):
    first = projects_of_annex_1()[0]
    pending, _preview = import_preview(staff, exported(staff))
    submitted = report(first, people["staff_own"], 30, pending.period, progress="完成基础")
    returned = review_return(report=submitted, user=people["reviewer"],
                             seen_token=token(submitted), comment="进度描述过简",
                             fields=["progress"])  # fmt: skip
    assert returned.review_state == ReviewState.RETURNED

    def edit(sheet):
        sheet.cell(row=3, column=column("最新进展")).value = "完成基础及主体结构三层"
        sheet.cell(row=3, column=column("完成进度")).value = 0.4

    pending, preview = import_preview(staff, edit_file(exported(staff), edit))
    assert not preview.errors and len(preview.changes) == 1
    staff.post(pending.get_absolute_url(), {"confirm": "1"})
    revised = ProjectUpdate.objects.get(pk=returned.pk)  # the same report, revised
    assert revised.review_state == ReviewState.SUBMITTED
    assert (revised.progress, revised.percent_complete) == ("完成基础及主体结构三层", 40)
    assert revised.revised_at is not None and revised.submitted_at == submitted.submitted_at
    # The reviewer sees what changed since the return, as after a resubmission in the form.
    changed = {label: (before, now) for label, before, now in changes_since_return(revised)}
    assert changed["完成情况"] == ("完成基础", "完成基础及主体结构三层")
    assert revised.returned_values["progress"] == "完成基础"
    assert revised.history.latest("history_date").history_user == people["staff_own"]


def first_rows(rows: int, percent: int, twice: bool = False):
    """Keep the first ``rows`` rows, each with its builder and percent edited; ``twice``: the
    first row listed again at the end (the same project twice, across any chunk's edge)."""

    def edit(sheet):
        changing(rows, percent)(sheet)
        sheet.delete_rows(3 + rows, sheet.max_row)
        if twice:
            for index in range(1, sheet.max_column + 1):
                value = sheet.cell(row=3, column=index).value
                sheet.cell(row=3 + rows, column=index).value = value

    return edit


def test_the_preview_is_compared_a_chunk_at_a_time_in_queries_per_chunk_not_per_row(
    staff, plan, people, monkeypatch
):
    """Streamed (50,000 rows in bounded memory): the rows are compared with the database a
    chunk at a time, in the same queries for every chunk whatever its rows hold; and chunking
    changes nothing in what the preview says, a project listed twice across a chunk's edge
    included (neither row taken; what the first one's chunk found taken back)."""
    assert Project.objects.filter(annex__number=1).count() >= 6
    content = exported(staff)
    pending, _preview = import_preview(staff, content)
    files = {rows: edit_file(content, first_rows(rows, 60)) for rows in (1, 2, 3, 4, 5)}

    def queries(rows, chunk):
        monkeypatch.setattr(imports, "CHUNK", chunk)
        with CaptureQueriesContext(connection) as captured:
            preview = preview_of(files[rows], people, plan, pending)
        assert len(preview.changes) == rows and not preview.errors
        return len(captured)

    queries(1, 1000)  # the user's units, read once and kept on the user
    assert queries(2, 1000) == queries(5, 1000)  # one chunk: no query per row
    by_rows = {rows: queries(rows, 2) for rows in (1, 2, 3, 4)}
    assert by_rows[1] == by_rows[2] < by_rows[3] == by_rows[4], by_rows  # one more chunk
    assert by_rows[3] - by_rows[1] == by_rows[1], by_rows  # a chunk's queries, nothing else

    twice = edit_file(content, first_rows(5, 70, twice=True))
    monkeypatch.setattr(imports, "CHUNK", 1000)
    whole = preview_of(twice, people, plan, pending)
    monkeypatch.setattr(imports, "CHUNK", 2)
    chunked = preview_of(twice, people, plan, pending)
    assert chunked.to_json() == whole.to_json()
    first = projects_of_annex_1()[0]
    assert [c.project_id for c in chunked.changes] == [p.pk for p in projects_of_annex_1()[1:5]]
    assert first.pk not in {c.project_id for c in chunked.changes} and chunked.unchanged == 0
    assert [(e.row, "第 3 行" in e.message) for e in chunked.errors] == [(8, True)]


def test_the_confirm_writes_a_chunk_at_a_time_and_still_all_or_nothing(
    staff, plan, people, monkeypatch
):
    """Confirmed a chunk at a time (bounded memory at 50,000 rows), in one transaction: a
    project changed since the preview, found in the last chunk, leaves the chunks before it
    unwritten; without it, every chunk is written."""
    monkeypatch.setattr(imports, "CHUNK", 2)
    content = exported(staff)
    pending, _preview = import_preview(staff, content)
    projects = projects_of_annex_1()[:5]
    preview = preview_of(edit_file(content, changing(5, 45)), people, plan, pending)
    assert len(preview.changes) == 5 and not preview.errors
    last = projects[-1]
    project_edit(project_id=last.pk, user=people["staff_own"], expected_version=last.version,
                 changes={"location": "网上"})  # fmt: skip
    histories = Project.history.count()
    confirm = {"user": people["staff_own"], "plan": plan, "period": pending.period,
               "today": pending.created_at.date()}  # fmt: skip
    with pytest.raises(imports.ImportConflict):
        imports.apply_preview(preview, **confirm)
    assert Project.history.count() == histories and not ProjectUpdate.objects.exists()
    assert not Project.objects.filter(builder__startswith="改45").exists()

    preview = preview_of(edit_file(exported(staff), changing(5, 45)), people, plan, pending)
    assert imports.apply_preview(preview, **confirm) == 5
    assert [p.percent_complete for p in projects_of_annex_1()[:5]] == [45] * 5
    assert ProjectUpdate.objects.count() == 5


def test_rows_changed_in_the_dashboard_since_the_export_are_merged_in_queries_per_chunk(
    staff, plan, people
):
    """What each row said when exported is rebuilt from the history for every stale row of a
    chunk at once (it was a query per row): the texts of the report as exported, so a text the
    file kept is no change, and a percent changed on both sides is a conflict."""
    pending, _preview = import_preview(staff, exported(staff))
    projects = projects_of_annex_1()[:3]
    for index, project in enumerate(projects):
        report(project, people["staff_own"], 20, pending.period, progress=f"导出时{index}")
    monday = exported(staff)
    for index, project in enumerate(projects):
        report(project, people["staff_own"], 30, pending.period, progress=f"网上{index}")
    counts = {}
    for rows in (1, 3):
        with CaptureQueriesContext(connection) as queries:
            preview = preview_of(edit_file(monday, first_rows(rows, 60)), people, plan, pending)
        counts[rows] = len(queries)
        assert [c.project_id for c in preview.changes] == [p.pk for p in projects[:rows]]
        for change in preview.changes:
            assert set(change.changes) == {"builder"}  # the kept texts: no change, no conflict
            assert set(change.conflicts) == {"percent_complete"}
            assert change.conflicts["percent_complete"] == ["20", "60", "30"]
    assert counts[1] == counts[3], counts
