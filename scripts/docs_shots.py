"""Walk the manual's tasks in Chromium, as each role, and save the screenshots it shows.

Run by ``scripts/docs`` against a live server on a fresh demo database; writes every image into
the folder given (``docs/manual/images/``) and the list of the images it made into
``made.txt`` there. Each task is walked whatever happened to the one before: a task that fails
is named at the end (and its images are missing, which ``scripts/docs`` and
``tests/test_docs.py`` then report). The roles run in the order of the office's quarter: the
clerk files, the reviewer reviews, the administrator builds the next plan, the leader reads.

Images are cropped to the part of the page a step is about, reduced to 64 colours and saved as
optimised PNG (Pillow, already a dependency of matplotlib): a few tens of KB each.
"""

from __future__ import annotations

import io
import re
import sys
import time
import traceback
from pathlib import Path

import openpyxl
from chromium_launch import CHROMIUM_FLAGS, chromium_path  # scripts/, beside this file
from PIL import Image
from playwright.sync_api import sync_playwright

PASSWORD = "jilin-demo-2025"
PLAN = "/plans/2022-2025"
WIDTH, HEIGHT = 1366, 900
MAX_BYTES = 190_000
# A small PDF as evidence: the upload check reads the bytes, not the name.
EVIDENCE_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


class Shots:
    def __init__(self, browser, base: str, out: Path, work: Path):
        self.browser, self.base, self.out, self.work = browser, base, out, work
        self.made: list[str] = []
        self.failed: list[str] = []

    # -- sessions -----------------------------------------------------------------------------
    def login(self, username: str, shot: str | None = None):
        context = self.browser.new_context(
            viewport={"width": WIDTH, "height": HEIGHT}, locale="zh-CN", accept_downloads=True
        )
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.goto(self.base + "/accounts/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(PASSWORD)
        if shot:
            card = page.locator("main h1", has_text="登录").locator("xpath=..")
            self.shot(page, shot, card, highlight=page.get_by_role("button", name="登录"))
        page.get_by_label("密码").press("Enter")
        page.wait_for_load_state()
        return page

    def go(self, page, path: str):
        page.goto(self.base + path)
        page.wait_for_load_state("networkidle")

    # -- images -------------------------------------------------------------------------------
    def shot(self, page, name: str, target="main", highlight=None, max_height=640, top=None):
        """Save the part of the page ``target`` covers (a selector or a locator), at most
        ``max_height`` px tall, from ``top`` (a locator) if given, with ``highlight`` outlined."""
        outlined = None
        if highlight is not None:
            outlined = highlight.first
            outlined.scroll_into_view_if_needed()
            outlined.evaluate(
                "e => { e.dataset.docsOutline = e.style.outline || '';"
                " e.style.outline = '3px solid #d9480f'; e.style.outlineOffset = '2px'; }"
            )
        locator = page.locator(target).first if isinstance(target, str) else target.first
        box = locator.bounding_box()
        if box is None:
            raise RuntimeError(f"{name}: {target} is not on the page {page.url}")
        scroll = page.evaluate("() => ({x: window.scrollX, y: window.scrollY})")
        # <main> has its own padding; a part of a page gets a margin for the orange outline.
        pad = 0 if target == "main" else 8
        x = max(0, box["x"] + scroll["x"] - pad)
        y = max(0, box["y"] + scroll["y"] - pad)
        messages = page.locator("ul.messages")
        if target == "main" and top is None and messages.count():
            # What the last action said ("saved", "returned") sits just above <main>.
            y = min(y, messages.first.bounding_box()["y"] + scroll["y"])
        if top is not None:
            top_box = top.first.bounding_box()
            y = max(y, top_box["y"] + scroll["y"] - 16)
        if outlined is not None:
            # The outlined element must be in the picture: start above it when it lies below.
            hb = outlined.bounding_box()
            hy = hb["y"] + scroll["y"]
            if hy + hb["height"] + 24 > y + max_height:
                y = max(y, hy + hb["height"] + 24 - max_height)
        bottom = box["y"] + scroll["y"] + box["height"] + pad
        width = min(box["width"] + 2 * pad, WIDTH - x)
        height = max(40, min(bottom - y, max_height))
        png = page.screenshot(
            clip={"x": x, "y": y, "width": width, "height": height}, full_page=True
        )
        if outlined is not None:
            outlined.evaluate("e => { e.style.outline = e.dataset.docsOutline; }")
        self.save(png, name)

    def save(self, png: bytes, name: str):
        image = Image.open(io.BytesIO(png)).convert("RGB")
        for colours in (64, 32, 16):
            data = io.BytesIO()
            image.quantize(colours, method=Image.Quantize.MEDIANCUT).save(
                data, "PNG", optimize=True
            )
            if data.tell() <= MAX_BYTES:
                break
        (self.out / f"{name}.png").write_bytes(data.getvalue())
        self.made.append(f"{name}.png")

    # -- running ------------------------------------------------------------------------------
    def task(self, function):
        started = time.monotonic()
        try:
            function(self)
            print(f"  {function.__name__}: {time.monotonic() - started:.1f}s", flush=True)
        except Exception:  # noqa: BLE001 - one failed task must not stop the others
            self.failed.append(function.__name__)
            print(f"  {function.__name__}: FAILED", flush=True)
            traceback.print_exc()


def first_link(page, pattern: str):
    return page.locator(f"main a[href*='{pattern}']").first


# ================================================================================================
# 填报员 (demo-staff-kjj of 市科技局)
# ================================================================================================
def staff_project_report(s: Shots):
    page = s.login("demo-staff-kjj", shot="login")
    s.shot(
        page, "staff-todo", "main", highlight=first_link(page, "/projects/mine/"), max_height=420
    )
    s.go(page, f"{PLAN}/projects/mine/")
    owing = page.locator("main a", has_text="立即填报")
    s.shot(page, "staff-my-projects", "main", highlight=owing)
    owing.first.click()
    page.wait_for_load_state()
    form = page.locator("form:has(button:has-text('提交填报'))")
    percent = page.get_by_label("完成进度")
    now = percent.input_value() or "0"
    percent.fill(str(min(100, int(float(now)) + 5)))
    page.get_by_label("完成情况").fill("（演示）完成主体结构施工，设备招标已发布。")
    page.get_by_label("存在问题").fill("（演示）配套资金到位偏慢。")
    page.get_by_label("下一步计划").fill("（演示）一季度完成设备安装调试。")
    evidence = s.work / "验收记录.pdf"
    evidence.write_bytes(EVIDENCE_PDF)
    page.get_by_label("佐证材料").set_input_files(str(evidence))
    s.shot(page, "staff-project-form", form, max_height=820)
    s.shot(
        page, "staff-project-submit", form, highlight=page.get_by_role("button", name="提交填报")
    )
    page.get_by_role("button", name="提交填报").click()
    page.wait_for_load_state()
    s.shot(page, "staff-project-done", "main", max_height=560)
    page.context.close()


def staff_task_report(s: Shots):
    page = s.login("demo-staff-kjj")
    s.go(page, f"{PLAN}/plan/tasks/6/")
    s.shot(page, "staff-task-page", "main", max_height=560)
    s.go(page, f"{PLAN}/plan/tasks/6/report/1/2025Q4/")
    page.get_by_label("完成情况").fill("（演示）本季度组织对接活动 3 场，签约合作项目 2 个。")
    page.get_by_label("主要数据").fill("（演示）签约额 1.2 亿元。")
    form = page.locator("form:has(button:has-text('提交填报'))")
    s.shot(
        page,
        "staff-task-form",
        "main",
        highlight=page.get_by_role("button", name="提交填报"),
        max_height=820,
    )
    page.get_by_role("button", name="提交填报").click()
    page.wait_for_load_state()
    s.shot(page, "staff-task-done", "main", max_height=480)
    del form
    page.context.close()


def staff_answer_return(s: Shots):
    page = s.login("demo-staff-kjj")
    returned = page.locator("main a", has_text="已退回")
    s.shot(page, "staff-returned-todo", "main", highlight=returned, max_height=360)
    s.go(page, f"{PLAN}/projects/52/report/?period=2025Q4")
    s.shot(page, "staff-returned-form", "main", max_height=760)
    page.get_by_label("完成情况").fill("（演示）已补充佐证材料：阶段验收记录。")
    evidence = s.work / "补充材料.pdf"
    evidence.write_bytes(EVIDENCE_PDF)
    page.get_by_label("佐证材料").set_input_files(str(evidence))
    replace = page.get_by_label("替换本期已提交的填报")
    if replace.count() and not replace.is_checked():
        replace.check()
    page.get_by_role("button", name="提交填报").click()
    page.wait_for_load_state()
    s.shot(page, "staff-returned-done", "main", max_height=480)
    page.context.close()


def staff_indicator_value(s: Shots):
    page = s.login("demo-staff-kjj")
    s.go(page, f"{PLAN}/indicators/")
    s.shot(
        page,
        "staff-indicator-list",
        "main",
        highlight=first_link(page, "/indicators/6/"),
        max_height=760,
    )
    s.go(page, "/indicators/6/")
    form = page.locator("form:has(button:has-text('保存数值'))")
    page.locator("select[name=year]").select_option("2025")
    page.get_by_label("数值").fill("53.5")
    page.get_by_label("来源").fill("（演示）市统计局快报")
    save = page.get_by_role("button", name="保存数值")
    s.shot(page, "staff-indicator-form", form, highlight=save)
    save.click()
    page.wait_for_load_state()
    # 2025 has a value already: the form says so, keeps what was typed, and a second save
    # corrects it.
    section = page.locator("main h2", has_text="填报数值").locator("xpath=..")
    s.shot(page, "staff-indicator-confirm", section, highlight=save, max_height=560)
    save.click()
    page.wait_for_load_state()
    yearly = page.locator("main h2", has_text="逐年情况").locator("xpath=..")
    s.shot(page, "staff-indicator-done", yearly, max_height=520)
    page.context.close()


def staff_reopen(s: Shots):
    page = s.login("demo-staff-kjj")
    s.go(page, f"{PLAN}/projects/45/report/?period=2025Q3")
    link = page.locator("[data-testid=reopen-request-link]")
    s.shot(page, "staff-reopen-link", "main", highlight=link, max_height=300)
    link.first.click()
    page.wait_for_load_state()
    page.get_by_label("原因").fill("（演示）三季度进度数据漏报，需补报。")
    s.shot(
        page,
        "staff-reopen-form",
        "main",
        highlight=page.get_by_role("button", name="提交申请"),
        max_height=640,
    )
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_load_state()
    s.shot(page, "staff-reopen-done", "main", max_height=480)
    page.context.close()


def staff_excel(s: Shots):
    page = s.login("demo-staff-kjj")
    s.go(page, f"{PLAN}/projects/annex/5/")
    export = page.locator("main a", has_text="导出 Excel")
    s.shot(page, "staff-excel-export", "main", highlight=export, max_height=420)
    with page.expect_download() as download:
        export.first.click()
    path = s.work / "annex5.xlsx"
    download.value.save_as(path)
    changed = edit_annex(path)
    importing = page.locator("main a", has_text="从 Excel 导入")
    if importing.count():
        importing.first.click()
        page.wait_for_load_state()
    else:
        s.go(page, f"{PLAN}/projects/import/")
    page.locator("input[type=file]").set_input_files(str(path))
    s.shot(
        page, "staff-excel-upload", "main", highlight=page.get_by_role("button", name="检查文件")
    )
    page.get_by_role("button", name="检查文件").click()
    page.wait_for_load_state()
    s.shot(page, "staff-excel-preview", "main", max_height=720)
    confirm = page.locator("main button", has_text=re.compile("确认"))
    if changed and confirm.count():
        confirm.first.click()
        page.wait_for_load_state()
        s.shot(page, "staff-excel-done", "main", max_height=480)
    else:
        raise RuntimeError("the import preview offers no confirmation")
    page.context.close()


def edit_annex(path: Path) -> bool:
    """Change one 最新进展 cell of the exported 附表, as a clerk would in Excel."""
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.worksheets[0]
    for row in sheet.iter_rows(min_row=1, max_row=8):
        for cell in row:
            if isinstance(cell.value, str) and cell.value.strip() == "最新进展":
                target = sheet.cell(row=cell.row + 1, column=cell.column)
                target.value = (target.value or "") + "（演示：在 Excel 中补充）"
                workbook.save(path)
                return True
    return False


def staff_items(s: Shots):
    page = s.login("demo-staff-kjj")
    s.go(page, f"{PLAN}/items/")
    s.shot(page, "staff-items-todo", "main", max_height=480)
    s.go(page, "/items/7/")
    s.shot(page, "staff-item-page", "main", max_height=640)
    answer = page.locator("form:has(button:has-text('报送办理情况'))")
    page.get_by_label("办理情况").fill("（演示）已召开专题会，年度目标按期完成，附会议纪要。")
    s.shot(
        page, "staff-item-answer", answer, highlight=page.get_by_role("button", name="报送办理情况")
    )
    page.get_by_role("button", name="报送办理情况").click()
    page.wait_for_load_state()
    s.shot(page, "staff-item-done", "main", max_height=520)
    page.context.close()


# ================================================================================================
# 审核员 (demo-reviewer)
# ================================================================================================
def reviewer_queue(s: Shots):
    page = s.login("demo-reviewer")
    s.shot(
        page,
        "reviewer-nav",
        "header",
        highlight=page.locator("[data-testid=nav-review]"),
        max_height=120,
    )
    s.go(page, "/reviews/")
    s.shot(page, "reviewer-queue", "main", max_height=640)
    page.locator("select[name=kind]").select_option(index=1)
    page.get_by_role("button", name="筛选").click()
    page.wait_for_load_state()
    s.shot(page, "reviewer-queue-filtered", "main", max_height=520)
    page.context.close()


def reviewer_return(s: Shots):
    page = s.login("demo-reviewer")
    s.go(page, "/reviews/")
    # A project report the unit corrected after a return: its page shows what changed.
    resubmitted = page.locator("main tr", has_text="退回后重新提交").filter(has_text="项目进展填报")
    resubmitted.locator("a[href*='/reviews/project/']").first.click()
    page.wait_for_load_state()
    s.shot(page, "reviewer-detail", "main", max_height=720)
    back = page.locator("form:has(textarea[name=return-comment])")
    back.get_by_label("需要单位修改的内容").fill("（演示）请补充本季度完成投资的依据。")
    back.locator("input[name=return-about]").nth(2).check()
    s.shot(page, "reviewer-return-form", back, highlight=back.get_by_role("button", name="退回"))
    back.get_by_role("button", name="退回").click()
    page.wait_for_load_state()
    s.shot(page, "reviewer-return-done", "main", max_height=480)
    page.context.close()


def reviewer_approve(s: Shots):
    page = s.login("demo-reviewer")
    s.go(page, "/reviews/")
    page.locator("main a[href*='/reviews/task/']").first.click()
    page.wait_for_load_state()
    approve = page.locator("form:has(textarea[name=approve-comment])")
    s.shot(
        page,
        "reviewer-approve-form",
        approve,
        highlight=approve.get_by_role("button", name="审核通过"),
    )
    approve.get_by_role("button", name="审核通过").click()
    page.wait_for_load_state()
    s.shot(page, "reviewer-approve-done", "main", max_height=420)
    # Bulk: tick three rows of the queue and approve them at once.
    s.go(page, "/reviews/")
    page.locator("select[name=unit]").select_option(label="市发改委")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_load_state()
    picks = page.locator("input[name=pick]")
    for i in range(min(3, picks.count())):
        picks.nth(i).check()
    bulk = page.get_by_role("button", name="批量通过所选填报")
    s.shot(page, "reviewer-bulk", "main", highlight=bulk, max_height=640)
    bulk.click()
    page.wait_for_load_state()
    s.shot(page, "reviewer-bulk-done", "main", max_height=480)
    page.context.close()


def reviewer_reminders(s: Shots):
    page = s.login("demo-reviewer")
    s.go(page, f"{PLAN}/reports/")
    s.shot(page, "reviewer-matrix", "main", max_height=640)
    remind = page.locator("main button[name=unit]", has_text="催办")
    table = page.locator("main table:has(button[name=unit])")
    s.shot(page, "reviewer-remind", table, highlight=remind, max_height=420)
    remind.first.click()
    page.wait_for_load_state()
    s.shot(page, "reviewer-remind-done", "main", max_height=420)
    page.context.close()


def reviewer_reopen(s: Shots):
    page = s.login("demo-reviewer")
    s.go(page, "/reopen/")
    s.shot(page, "reviewer-reopen-list", "main", max_height=560)
    decide = page.locator("main a[href*='/decide/'], main form:has(button)").first
    if decide.evaluate("e => e.tagName") == "A":
        decide.click()
        page.wait_for_load_state()
    grant = page.locator("main button", has_text="批准").first
    s.shot(page, "reviewer-reopen-decide", "main", highlight=grant, max_height=640)
    grant.click()
    page.wait_for_load_state()
    s.shot(page, "reviewer-reopen-done", "main", max_height=480)
    page.context.close()


def reviewer_briefing(s: Shots):
    page = s.login("demo-reviewer")
    s.go(page, f"{PLAN}/briefing/")
    s.shot(
        page,
        "reviewer-briefing",
        "main",
        highlight=page.get_by_role("button", name="下载 Word 草稿"),
        max_height=560,
    )
    with page.expect_download():
        page.get_by_role("button", name="下载 Word 草稿").click()
    s.go(page, f"{PLAN}/briefings/")
    s.shot(page, "reviewer-briefings", "main", max_height=520)
    page.context.close()


def reviewer_items(s: Shots):
    page = s.login("demo-reviewer")
    s.go(page, f"{PLAN}/items/")
    s.shot(page, "reviewer-items-queue", "main", max_height=640)
    s.go(page, "/items/1/")
    assign = page.locator("form:has(button:text-is('交办'))")
    assign.locator("select[name=lead_unit]").select_option(index=1)
    s.shot(
        page, "reviewer-item-assign", assign, highlight=assign.get_by_role("button", name="交办")
    )
    assign.get_by_role("button", name="交办").click()
    page.wait_for_load_state()
    s.go(page, "/items/4/")
    close = page.locator("form:has(button:text-is('办结'))")
    s.shot(
        page,
        "reviewer-item-close",
        "main",
        highlight=close.get_by_role("button", name="办结"),
        max_height=640,
    )
    page.context.close()


# ================================================================================================
# 管理员 (demo-admin)
# ================================================================================================
def admin_users(s: Shots):
    page = s.login("demo-admin")
    s.shot(
        page,
        "admin-nav",
        "header",
        highlight=page.locator("header a[href$='/admin/']"),
        max_height=120,
    )
    s.go(page, "/admin/auth/user/")
    s.shot(page, "admin-users", "#content", max_height=560)
    s.go(page, "/admin/auth/user/4/change/")
    s.shot(page, "admin-user-change", "#content", max_height=300)
    # Roles (groups, the security administrator's) and units (the system administrator's).
    groups = page.locator(".field-groups")
    s.shot(page, "admin-user-roles", "#content", top=groups, highlight=groups, max_height=440)
    units = page.locator(".inline-group").first
    s.shot(page, "admin-user-units", units, highlight=units.locator("select").first, max_height=400)
    s.go(page, "/admin/auth/group/")
    s.shot(page, "admin-groups", "#content", max_height=480)
    s.go(page, "/admin/plan/unit/")
    s.shot(page, "admin-units", "#content", max_height=560)
    page.context.close()


def admin_new_plan(s: Shots):
    page = s.login("demo-admin")
    s.go(page, "/plan-builder/")
    s.shot(page, "admin-builder", "main", max_height=560)
    with page.expect_download() as download:
        page.locator("main a[href$='2022-2025.xlsx']").click()
    path = s.work / "plan-2026-2030.xlsx"
    download.value.save_as(path)
    next_plan_workbook(path)
    page.locator("input[type=file]").set_input_files(str(path))
    page.get_by_role("button", name="检查文件").click()
    page.wait_for_load_state()
    s.shot(page, "admin-builder-preview", "main", max_height=720)
    confirm = page.locator("main button", has_text=re.compile("确认|保存"))
    confirm.first.click()
    page.wait_for_load_state()
    s.shot(page, "admin-builder-done", "main", max_height=480)
    # Make it active in the admin (行动计划 → 启用), keeping 2022-2025 the default plan.
    s.go(page, "/admin/plan/plan/")
    row = page.locator("#result_list tr", has_text="2026-2030")
    row.locator("input[name=_selected_action]").check()
    page.locator("select[name=action]").select_option("make_active")
    s.shot(page, "admin-plan-activate", "#content", max_height=480)
    page.locator("button[name=index]").click()
    page.wait_for_load_state()
    # An active plan that starts later becomes the default: the office moves over when it
    # decides to, so 2022-2025 is made the default again (设为默认计划).
    s.go(page, "/admin/plan/plan/")
    row = page.locator("#result_list tr", has_text="2022-2025")
    row.locator("input[name=_selected_action]").check()
    page.locator("select[name=action]").select_option("make_default")
    page.locator("button[name=index]").click()
    page.wait_for_load_state()
    s.shot(page, "admin-plan-default", "#content", max_height=480)
    page.context.close()


def next_plan_workbook(path: Path):
    """The 2022-2025 workbook turned into a draft 2026-2030 plan: new code, title and years,
    no projects (carry-over brings them) and no targets (their years were the old plan's)."""
    workbook = openpyxl.load_workbook(path)
    facts = workbook["计划"]
    for row in facts.iter_rows(min_row=3):
        key, value = row[0].value, row[2]
        if key == "code":
            value.value = "2026-2030"
        elif key == "title":
            value.value = "（演示）吉林市创新驱动发展行动计划(2026-2030)"
        elif key == "start_year":
            value.value = 2026
        elif key == "end_year":
            value.value = 2030
    for name in ("项目", "目标"):
        sheet = workbook[name]
        if sheet.max_row > 2:
            sheet.delete_rows(3, sheet.max_row - 2)
    workbook.save(path)


def admin_carry_over(s: Shots):
    page = s.login("demo-admin")
    s.go(page, "/carry-over/")
    s.shot(
        page,
        "admin-carry-choose",
        "main",
        highlight=page.get_by_role("button", name="显示项目"),
        max_height=420,
    )
    page.get_by_role("button", name="显示项目").click()
    page.wait_for_load_state()
    s.shot(page, "admin-carry-list", "main", max_height=720)
    button = page.locator("[data-testid=carry-preview-button]")
    button.click()
    page.wait_for_load_state()
    confirm = page.locator("main button", has_text=re.compile("确认"))
    preview = page.locator("main h2", has_text="预览")
    s.shot(page, "admin-carry-preview", "main", top=preview, highlight=confirm, max_height=640)
    confirm.first.click()
    page.wait_for_load_state()
    # The carried projects, in the new plan's project table.
    s.go(page, "/plans/2026-2030/projects/")
    s.shot(page, "admin-carry-done", "main", max_height=520)
    page.context.close()


def admin_targets(s: Shots):
    page = s.login("demo-admin")
    s.go(page, "/admin/indicators/target/")
    s.shot(page, "admin-targets", "#content", max_height=480)
    page.locator("#result_list a", has_text="技术合同成交额").first.click()
    page.wait_for_load_state()
    value = page.locator("#id_value")
    value.fill("58")
    page.locator("#id_revision_reason").fill("（演示）经领导小组会议研究，调整年度目标。")
    save = page.locator("input[name=_save]")
    s.shot(page, "admin-target-change", "#content", highlight=save, max_height=760)
    save.click()
    page.wait_for_load_state()
    s.go(page, "/indicators/6/")
    record = page.locator("main h2", has_text="目标调整记录").locator("xpath=..")
    s.shot(page, "admin-target-record", record, max_height=420)
    page.context.close()


def admin_audit(s: Shots):
    page = s.login("demo-admin")
    s.go(page, "/audit/")
    s.shot(page, "admin-audit", "main", max_height=640)
    page.locator("select[name=user]").select_option(label="demo-reviewer")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_load_state()
    s.shot(page, "admin-audit-filtered", "main", max_height=560)
    page.context.close()


# ================================================================================================
# 领导 (demo-leader)
# ================================================================================================
def leader_cockpit(s: Shots):
    page = s.login("demo-leader")
    s.shot(page, "cockpit", "main", max_height=760)
    switch = page.locator("main a", has_text="包含未审核的填报")
    s.shot(page, "leader-figures-switch", "main", highlight=switch, max_height=300)
    switch.first.click()
    page.wait_for_load_state()
    s.shot(
        page,
        "leader-figures-all",
        "main",
        highlight=page.locator("main a", has_text="仅统计已审核"),
        max_height=300,
    )
    s.go(page, f"{PLAN}/?figures=approved")
    tasks = page.locator("main h2", has_text="主要任务").locator("xpath=..")
    s.shot(page, "leader-cockpit-tasks", tasks, max_height=640)
    page.context.close()


def leader_indicators(s: Shots):
    page = s.login("demo-leader")
    s.go(page, f"{PLAN}/indicators/")
    s.shot(page, "leader-indicators", "main", max_height=560)
    s.go(page, "/indicators/6/")
    page.wait_for_timeout(800)  # the chart animates in
    s.shot(page, "leader-indicator-detail", "main", max_height=760)
    page.context.close()


def leader_changes(s: Shots):
    page = s.login("demo-leader")
    s.go(page, f"{PLAN}/plan/changes/")
    s.shot(page, "leader-changes", "main", max_height=720)
    s.go(page, f"{PLAN}/plan/evaluation/")
    s.shot(page, "leader-evaluation", "main", max_height=760)
    page.context.close()


def leader_switch_plan(s: Shots):
    page = s.login("demo-leader")
    switch = page.locator("[data-testid=plan-switch]")
    switch.locator("summary").click()
    s.shot(page, "leader-plan-switch", "body", highlight=switch.locator("ul"), max_height=240)
    switch.locator("a", has_text="2026").first.click()
    page.wait_for_load_state()
    s.shot(page, "leader-other-plan", "main", max_height=420)
    page.context.close()


def leader_instruction(s: Shots):
    page = s.login("demo-leader")
    s.go(page, f"{PLAN}/items/")
    write = page.locator("main a", has_text="作出批示")
    s.shot(page, "leader-items", "main", highlight=write, max_height=420)
    write.first.click()
    page.wait_for_load_state()
    page.get_by_label("批示原文").fill("（演示）请科技局牵头，一个月内拿出重点项目提速方案。")
    page.locator("select[name=source]").select_option(index=1)
    s.shot(
        page,
        "leader-instruction-form",
        "main",
        highlight=page.get_by_role("button", name="提交牵头办公室"),
        max_height=560,
    )
    page.get_by_role("button", name="提交牵头办公室").click()
    page.wait_for_load_state()
    s.shot(page, "leader-instruction-done", "main", max_height=480)
    page.context.close()


TASKS = [
    staff_project_report,
    staff_task_report,
    staff_answer_return,
    staff_indicator_value,
    staff_reopen,
    staff_excel,
    staff_items,
    reviewer_queue,
    reviewer_return,
    reviewer_approve,
    reviewer_reminders,
    reviewer_reopen,
    reviewer_briefing,
    reviewer_items,
    admin_users,
    admin_new_plan,
    admin_carry_over,
    admin_targets,
    admin_audit,
    leader_cockpit,
    leader_indicators,
    leader_changes,
    leader_switch_plan,
    leader_instruction,
]


def main(base: str, out: str, work: str, only: list[str]) -> int:
    out_dir, work_dir = Path(out), Path(work)
    out_dir.mkdir(parents=True, exist_ok=True)
    work_dir.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=sys_chromium(), args=CHROMIUM_FLAGS)
        shots = Shots(browser, base, out_dir, work_dir)
        for task in TASKS:
            if not only or task.__name__ in only:
                shots.task(task)
        browser.close()
    (out_dir / "made.txt").write_text("\n".join(sorted(shots.made)) + "\n", encoding="utf-8")
    print(f"== {len(shots.made)} screenshots in {out_dir}")
    if shots.failed:
        print("== Tasks that failed: " + ", ".join(shots.failed))
    return 1 if shots.failed else 0


def sys_chromium() -> str:
    return chromium_path() or "/usr/bin/chromium"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]))
