"""A plan from a workbook (issue 18, item 4): the template, the export of a plan, the preview of
every row and every problem by sheet, row and column, confirming into a draft, re-uploading
without duplicates, refusing to change a plan that is not a draft, and hostile files."""

import io

import openpyxl
import pytest
from django.db import connection
from django.urls import reverse

from dashboard import plan_workbook as pw
from dashboard.models import PlanWorkbookImport
from indicators.models import Indicator, PeerGroup, Target
from plan.models import Plan, PlanState, Responsibility, Unit
from plan.spreadsheets import open_workbook
from projects.models import Annex, Project

pytestmark = pytest.mark.django_db


def snapshot(plan: Plan) -> dict:
    """Everything that makes up the plan, field by field (the state and ids aside)."""
    facts = {k: getattr(plan, k) for k, _label, _kind in pw.PLAN_FIELDS}
    return {
        "plan": facts,
        "tasks": [
            (t.number, t.short_title, t.headline, t.programme, t.full_text, t.responsibility_note,
             [r.unit.name for r in t.responsibilities.order_by("order")])
            for t in plan.tasks.order_by("number")
        ],
        "units": [(u.name, u.kind) for u in Unit.objects.filter(
            responsibilities__task__plan=plan).distinct().order_by("sort_order", "name")],
        "columns": list(plan.columns.order_by("number").values_list(
            "number", "task__number", "title", "text")),
        "annexes": list(plan.annexes.order_by("number").values_list(
            "number", "column__number", "column_group", "title")),
        "projects": list(Project.objects.filter(annex__plan=plan).order_by(
            "annex__number", "order").values_list(
            "annex__number", "order", "name", "unit__name", "builder", "location", "content",
            "total_investment", "planned_start", "planned_end", "data_note")),
        "indicators": list(plan.indicators.order_by("order", "code").values_list(
            "code", "order", "name", "category", "unit_of_measure", "direction", "kind",
            "responsible_unit__name", "baseline_year", "baseline_value", "definition",
            "data_source", "source_quote", "quarterly", "peer_group__name", "published_ranks")),
        "targets": list(Target.objects.filter(indicator__plan=plan).order_by(
            "indicator__code", "year").values_list(
            "indicator__code", "year", "value", "rank", "statement", "original_value",
            "original_rank", "original_statement", "reading_note")),
        "safeguards": list(plan.safeguards.order_by("number").values_list(
            "number", "title", "text", "responsible__name")),
    }  # fmt: skip


def read(content: bytes) -> pw.Preview:
    workbook = open_workbook(content)
    try:
        return pw.read_workbook(workbook)
    finally:
        workbook.close()


def edit(content: bytes, change) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(content))
    change(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def empty_database():
    Plan.objects.all().delete()  # tasks, boxes, annexes, projects, indicators, targets go too
    Unit.objects.all().delete()
    PeerGroup.objects.all().delete()


def test_the_2022_2025_plan_exported_and_imported_into_an_empty_database_is_the_same(plan):
    before = snapshot(plan)
    content = pw.export_workbook(plan)
    empty_database()
    assert not Project.objects.exists() and not Unit.objects.exists()
    preview = read(content)
    assert preview.problems == []
    assert preview.counts()["new"] == len(preview.rows) > 100
    created = pw.apply_preview(preview)
    assert created.state == PlanState.DRAFT
    after = snapshot(created)
    for part in before:
        assert after[part] == before[part], part
    assert (Project.objects.count(), Indicator.objects.count(), Annex.objects.count()) == (
        len(before["projects"]),
        len(before["indicators"]),
        len(before["annexes"]),
    )


def test_the_same_file_uploaded_again_updates_the_draft_without_duplicates(plan):
    content = pw.export_workbook(plan)
    content = edit(content, lambda b: b["计划"].__setitem__("C3", "2026-2030"))
    first = pw.apply_preview(read(content))
    counts = (
        Project.objects.filter(annex__plan=first).count(),
        Responsibility.objects.filter(task__plan=first).count(),
        Unit.objects.count(),
    )
    again = read(content)
    assert again.problems == [] and again.updates_existing
    assert {r.action for r in again.rows} == {"unchanged"}
    # A name changed, matched on the code, not the name: one project renamed, none added.
    renamed = edit(content, lambda b: b["项目"].__setitem__("B3", "改名后的项目"))
    preview = read(renamed)
    changed = [r for r in preview.rows if r.action != "unchanged"]
    assert [(r.sheet, r.row, r.code, r.action) for r in changed] == [("项目", 3, "1-1", "changed")]
    pw.apply_preview(preview)
    assert (Project.objects.filter(annex__plan=first).count(),
            Responsibility.objects.filter(task__plan=first).count(),
            Unit.objects.count()) == counts  # fmt: skip
    assert Project.objects.get(annex__plan=first, annex__number=1, order=1).name == "改名后的项目"


def test_a_plan_that_is_not_a_draft_is_refused(plan):
    assert plan.state == PlanState.ACTIVE
    preview = read(pw.export_workbook(plan))
    assert [(p.sheet, p.row, p.column) for p in preview.problems] == [("计划", 3, "内容（C）")]
    assert "草稿" in preview.problems[0].message
    with pytest.raises(pw.ImportRefused):
        pw.apply_preview(preview)


def new_plan_workbook(plan) -> bytes:
    return edit(pw.export_workbook(plan), lambda b: b["计划"].__setitem__("C3", "2026-2030"))


def problems_after(plan, change) -> list[tuple]:
    preview = read(edit(new_plan_workbook(plan), change))
    return [(p.sheet, p.row, p.column, p.message) for p in preview.problems]


def test_a_missing_code_is_named_by_sheet_row_and_column(plan):
    found = problems_after(plan, lambda b: b["任务"].__setitem__("A4", None))
    assert ("任务", 4, "任务编号（A）", "缺少代码。") in found


def test_a_duplicate_code_is_named_on_its_second_row(plan):
    found = problems_after(plan, lambda b: b["项目"].__setitem__("A4", "1-1"))
    assert found == [("项目", 4, "项目代码（A）", "代码 1-1 已在第 3 行出现。")]


def test_an_unknown_reference_is_named(plan):
    def change(book):
        book["专栏"]["B3"] = 42
        book["项目"]["C5"] = "不存在的单位"
        book["项目"]["A6"] = "99-1"

    found = problems_after(plan, change)
    assert ("专栏", 3, "任务编号（B）", "本工作簿中没有任务“42”。") in found
    assert ("项目", 5, "责任单位（C）", "本工作簿中没有单位“不存在的单位”。") in found
    assert ("项目", 6, "项目代码（A）", "本工作簿中没有附表“99”。") in found


def test_a_bad_year_is_named(plan):
    found = problems_after(plan, lambda b: b["目标"].__setitem__("B3", 2031))
    assert found == [("目标", 3, "年份（B）", "年份 2031 不在计划年限 2022–2025 内。")]
    found = problems_after(plan, lambda b: b["计划"].__setitem__("C6", "二〇二六"))
    assert found == [("计划", 6, "内容（C）", "请填写年份，如 2026。")]
    found = problems_after(plan, lambda b: b["计划"].__setitem__("C7", 2020))
    assert found == [("计划", 7, "内容（C）", "截止年份早于起始年份。")]


def test_a_text_too_long_is_named_with_its_limit(plan):
    found = problems_after(plan, lambda b: b["任务"].__setitem__("B5", "长" * 101))
    assert found == [("任务", 5, "简称（B）", "最多 100 字（本格 101 字）。")]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="varchar(n) is PostgreSQL's")
def test_every_text_at_its_limit_is_stored_on_postgresql(plan):
    """At the limit the workbook takes is what the column takes: nothing fails at the database."""

    def change(book):
        book["任务"]["B3"] = "长" * 100
        book["项目"]["B3"] = "名" * 200
        book["指标"]["E3"] = "单" * 30

    preview = read(edit(new_plan_workbook(plan), change))
    assert preview.problems == []
    created = pw.apply_preview(preview)
    assert len(created.tasks.get(number=1).short_title) == 100


def test_the_template_has_every_sheet_with_its_instructions_header_and_codes(client, people):
    client.force_login(people["admin"])
    response = client.get(reverse("dashboard:plan-builder-template"))
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [pw.GUIDE] + [s.name for s in pw.SHEETS]
    for sheet in pw.SHEETS:
        assert book[sheet.name]["A1"].value == sheet.instructions
        assert [c.value for c in book[sheet.name][2]] == [c.header for c in sheet.columns]
    assert [r[0].value for r in book["计划"].iter_rows(min_row=3)] == [
        k for k, _l, _k in pw.PLAN_FIELDS
    ]


def test_only_a_plan_administrator_uses_the_builder(client, people):
    for who in ("leader", "staff_own", "reviewer", "sysadmin"):
        client.force_login(people[who])
        assert client.get(reverse("dashboard:plan-builder")).status_code == 403


def upload(client, content: bytes, name="计划.xlsx"):
    file = io.BytesIO(content)
    file.name = name
    return client.post(reverse("dashboard:plan-builder"), {"file": file})


def test_upload_preview_confirm_creates_a_draft_nobody_else_sees(client, people, plan):
    client.force_login(people["admin"])
    response = upload(client, new_plan_workbook(plan))
    assert response.status_code == 302
    page = client.get(response["Location"]).text
    assert "2026-2030" in page and "新增" in page
    assert not Plan.objects.filter(code="2026-2030").exists()
    response = client.post(response["Location"])
    created = Plan.objects.get(code="2026-2030")
    assert created.state == PlanState.DRAFT and not created.is_current
    assert PlanWorkbookImport.objects.get().plan == created
    assert Plan.objects.current() == plan


def test_the_preview_lists_every_problem_and_confirming_is_refused(client, people, plan):
    client.force_login(people["admin"])
    content = edit(new_plan_workbook(plan), lambda b: b["任务"].__setitem__("B5", "长" * 101))
    response = upload(client, content)
    page = client.get(response["Location"]).text
    assert "简称（B）" in page and "最多 100 字" in page
    client.post(response["Location"])
    assert not Plan.objects.filter(code="2026-2030").exists()


BAD = {
    "csv renamed": ("序号,项目名称\n1,x\n".encode(), "不是 .xlsx"),
    "pdf": (b"%PDF-1.4\n1 0 obj\n", "不是 .xlsx"),
    "empty file": (b"", "空"),
    "old xls / password protected (OLE)": (
        bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 600,
        "不是 .xlsx",
    ),
    "truncated": (pw.export_workbook(None)[:3000], "损坏"),
}


@pytest.mark.parametrize("case", BAD)
def test_hostile_files_go_through_the_shared_reader(client, people, case):
    client.force_login(people["admin"])
    content, message = BAD[case]
    response = upload(client, content)
    assert response.status_code == 200 and message in response.text
    assert not PlanWorkbookImport.objects.exists()


def test_a_zip_bomb_and_an_entity_bomb_are_refused(client, people):
    from tests.projects.test_excel import ENTITY_BOMB, minimal_xlsx, zip_bomb

    client.force_login(people["admin"])
    assert "远超" in upload(client, zip_bomb()).text
    assert "无法安全读取" in upload(client, minimal_xlsx(ENTITY_BOMB)).text
    assert not PlanWorkbookImport.objects.exists()


def test_a_flood_of_rows_is_refused_while_reading(client, people, plan, settings):
    settings.SPREADSHEET_MAX_ROWS = 50
    client.force_login(people["admin"])
    response = upload(client, pw.export_workbook(plan))
    assert response.status_code == 200 and "50" in response.text
    assert not PlanWorkbookImport.objects.exists()


def test_formula_like_text_goes_out_as_text_and_comes_back_the_same(plan):
    project = Project.objects.filter(annex__plan=plan).order_by("annex__number", "order").first()
    project.name = '=HYPERLINK("http://evil.example","点我")'
    project.save()
    content = pw.export_workbook(plan)
    cell = openpyxl.load_workbook(io.BytesIO(content))["项目"]["B3"]
    assert cell.data_type == "s" and cell.value == project.name
    preview = read(edit(content, lambda b: b["计划"].__setitem__("C3", "2026-2030")))
    assert preview.problems == []
    created = pw.apply_preview(preview)
    assert Project.objects.get(annex__plan=created, annex__number=1, order=1).name == project.name


def test_a_reupload_reorders_units_and_keeps_rows_the_file_no_longer_has(plan):
    content = new_plan_workbook(plan)
    draft = pw.apply_preview(read(content))
    lead, second = [r.unit.name for r in draft.tasks.get(number=1).responsibilities.all()][:2]

    def change(book):
        sheet = book["责任单位"]
        assert (sheet["A3"].value, sheet["A4"].value) == (1, 1)
        sheet["C3"], sheet["C4"] = second, lead  # the second unit now leads task 1
        book["保障措施"].delete_rows(6)  # the last safeguard is left out

    preview = read(edit(content, change))
    assert preview.problems == [] and preview.kept == 1
    changed = [(r.sheet, r.row, r.action) for r in preview.rows if r.action != "unchanged"]
    assert ("责任单位", 3, "changed") in changed and ("责任单位", 4, "changed") in changed
    pw.apply_preview(preview)
    units = [r.unit.name for r in draft.tasks.get(number=1).responsibilities.order_by("order")]
    assert units[:2] == [second, lead]
    assert draft.safeguards.count() == 4  # kept, not deleted
