"""The clerk's and the reviewer's daily path in Chromium, on a phone (390 px) and a PC (1366 px)
(issue 20): no page wider than the screen and no row's main action off it; axe-core's WCAG 2.1
A/AA rules on the pages of the path, as each role; returned reports first on 我的项目; the
project page after a submission shows the report; a report submitted with the keyboard alone;
several reports approved at once with one changed meanwhile (that one refused and named).

axe-core is ours: tests/e2e/vendor/axe-4.10.3.min.js (npm axe-core 4.10.3, MPL-2.0, sha256
880970c0…8bb), evaluated in the page by the test; the site never serves it."""

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from plan.models import Unit
from plan.periods import reporting_period
from plan.permissions import LEADER, REVIEWER, STAFF
from projects.models import Project, ProjectUpdate
from projects.services import ReportInput, project_update_submit
from supervision.evidence import evidence_add
from supervision.review import review_return, token
from tests.e2e.conftest import log_in
from tests.factories import UserFactory
from tests.supervision.test_evidence import PDF, upload

pytestmark = pytest.mark.django_db(transaction=True)

AXE = (Path(__file__).parent / "vendor" / "axe-4.10.3.min.js").read_text(encoding="utf-8")
AXE_RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE, PC = {"width": 390, "height": 844}, {"width": 1366, "height": 900}


def submit(project, user, period, percent=30, progress="施工中。"):
    project.refresh_from_db()
    return project_update_submit(
        project_id=project.pk, user=user, expected_version=project.version,
        data=ReportInput(period=period, status="in_progress", percent_complete=percent,
                         progress=progress),
        replace=True,
    )  # fmt: skip


@pytest.fixture
def day(transactional_db):
    """A morning: 市科技局 has a report returned (with a file), two waiting for review (one
    with last quarter's report to compare) and projects still owed."""
    call_command("load_plan", stdout=io.StringIO())
    kjj = UserFactory(username="kjj", role=STAFF, unit=Unit.objects.get(name="市科技局"))
    reviewer = UserFactory(username="shenhe", role=REVIEWER)
    UserFactory(username="boss", role=LEADER)
    plan = Project.objects.first().annex.plan
    period = reporting_period(timezone.localdate(), plan.start_year, plan.end_year)
    mine = list(Project.objects.filter(unit__name="市科技局").order_by("annex__number", "order"))
    sent_back = submit(mine[-1], kjj, period)
    evidence_add(report=sent_back, user=kjj, uploads=[upload("验收照片.pdf", PDF)])
    review_return(report=sent_back, user=reviewer, seen_token=token(sent_back),
                  comment="请补充本季度完成的工程量。\n另：附件不清晰。")  # fmt: skip
    submit(mine[0], kjj, period.previous(), percent=20)
    waiting = [submit(mine[0], kjj, period, percent=35), submit(mine[1], kjj, period)]
    return {"period": period, "mine": mine, "returned": sent_back, "waiting": waiting}


def pages_of(role, day) -> list[str]:
    project = day["mine"][2]
    staff = ["/", "/projects/mine/", project.get_absolute_url(), f"/projects/{project.pk}/report/",
             f"/projects/updates/{day['returned'].pk}/evidence/"]  # fmt: skip
    review = ["/", "/reviews/", f"/reviews/project/{day['waiting'][0].pk}/", "/reports/",
              "/reports/?kind=projects", day["mine"][0].get_absolute_url()]  # fmt: skip
    leader = ["/", "/reports/", "/projects/", day["mine"][0].get_absolute_url()]
    return {"kjj": staff, "shenhe": review, "boss": leader}[role]


def axe_violations(page) -> list[str]:
    page.evaluate(AXE)
    found = page.evaluate(
        """rules => axe.run(document, {runOnly: {type: 'tag', values: rules}})
             .then(r => r.violations.map(v => `${v.id} (${v.impact}): ` +
               v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')))""",
        AXE_RULES,
    )
    return found


@pytest.mark.layout  # database-independent: CI runs it once, on SQLite
@pytest.mark.parametrize("role", ["kjj", "shenhe", "boss"])
def test_the_daily_path_fits_a_phone_and_passes_axe(day, live_server, page, role):
    base = live_server.url
    log_in(page, base, role)
    problems = []
    for size in (PHONE, PC):
        page.set_viewport_size(size)
        for path in pages_of(role, day):
            response = page.goto(base + path)
            assert response.status == 200, path
            width = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
            if size is PHONE and width[0] > width[1]:
                problems.append(f"{path} at 390 px is {width[0]} px wide")
            if size is PHONE:
                # A row's main action lies inside the screen (lists as cards).
                off = page.evaluate(
                    """() => [...document.querySelectorAll('.stack-action a, .stack-action button')]
                         .filter(a => a.getBoundingClientRect().right > innerWidth)
                         .map(a => a.textContent.trim())"""
                )
                if off:
                    problems.append(f"{path}: actions off screen: {off[:3]}")
            for violation in axe_violations(page):
                problems.append(f"{path} at {size['width']} px: {violation}")
    assert problems == []


def test_returned_first_and_the_page_after_a_submission_shows_the_report(day, live_server, page):
    base = live_server.url
    page.set_viewport_size(PHONE)
    log_in(page, base, "kjj")
    page.goto(f"{base}/projects/mine/")
    first = page.get_by_test_id("my-project-row").first
    assert first.get_attribute("data-state") == "returned"
    assert "已退回" in first.inner_text() and "请补充本季度完成的工程量。" in first.inner_text()
    assert "另：附件不清晰" not in first.inner_text()  # the comment's first line only
    fix = first.get_by_role("link", name="修改退回的填报")
    box = fix.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390  # on screen, no sideways scroll
    fix.click()
    # The returned form lists the file already attached: nobody uploads it twice.
    assert "验收照片.pdf" in page.get_by_test_id("attached-evidence").inner_text()
    form = page.get_by_test_id("report-form")
    form.locator("[name=progress]").fill("完成主体结构，累计浇筑混凝土1.2万立方米。")
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"\?filed="))
    filed = page.get_by_test_id("filed-report")
    assert "累计浇筑混凝土1.2万立方米" in filed.inner_text()
    assert "等待领导小组办公室审核" in page.get_by_test_id("filed-state").inner_text()
    assert "验收照片.pdf" in filed.inner_text()
    assert page.get_by_test_id("report-form").count() == 0
    assert ProjectUpdate.objects.get(pk=day["returned"].pk).review_state == "submitted"


def test_a_report_submitted_with_the_keyboard_alone(day, live_server, page):
    base = live_server.url
    log_in(page, base, "kjj")
    project = day["mine"][2]
    page.goto(f"{base}/projects/{project.pk}/report/")

    def tab_to(selector, limit=80):
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate("s => document.activeElement.matches(s)", selector):
                outline = page.evaluate(
                    "() => { const s = getComputedStyle(document.activeElement);"
                    " return s.outlineStyle !== 'none' || s.boxShadow !== 'none'; }"
                )
                assert outline, f"no visible focus on {selector}"
                return
        raise AssertionError(f"Tab never reached {selector}")

    tab_to("[name=status]")
    page.keyboard.press("ArrowDown")
    tab_to("[name=percent_complete]")
    page.keyboard.type("25")
    tab_to("[name=progress]")
    page.keyboard.type("键盘填报：完成场地平整。")
    tab_to("[data-testid=report-form] button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"\?filed="))
    report = ProjectUpdate.objects.get(project=project, year=day["period"].year,
                                       quarter=day["period"].quarter)  # fmt: skip
    assert (report.percent_complete, report.progress) == (25, "键盘填报：完成场地平整。")
    assert "键盘填报" in page.get_by_test_id("filed-report").inner_text()


def test_bulk_approval_refuses_the_report_changed_meanwhile_and_approves_the_others(
    day, live_server, page
):
    base = live_server.url
    log_in(page, base, "shenhe")
    # Three wait: the two of this quarter and last quarter's report of the first project.
    assert re.sub(r"\D", "", page.get_by_test_id("nav-review-count").inner_text()) == "3"
    page.goto(f"{base}/reviews/")
    # The review page of the first shows last quarter's values beside this one's.
    first, second = day["waiting"]
    page.goto(f"{base}/reviews/project/{first.pk}/")
    values = page.get_by_test_id("report-values").inner_text()
    assert str(day["period"].previous()) in values and "+15（+75.0%）" in values
    page.goto(f"{base}/reviews/?sort=waiting")
    boxes = page.locator("input[name=pick]")
    assert boxes.count() == 3
    for i in range(3):
        boxes.nth(i).focus()
        page.keyboard.press("Space")
    # Meanwhile the unit changes the second report.
    submit(second.project, second.submitted_by, day["period"], percent=60, progress="又改了。")
    page.get_by_test_id("bulk-approve").focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    messages = page.locator(".messages").inner_text()
    assert "已通过 2 份填报" in messages
    assert second.project.name in messages and "已被修改" in messages
    assert ProjectUpdate.objects.get(pk=first.pk).review_state == "approved"
    kept = ProjectUpdate.objects.get(pk=second.pk)
    assert (kept.review_state, kept.percent_complete) == ("submitted", 60)


def test_a_session_that_runs_out_mid_form_loses_no_text(day, live_server, page):
    from django.contrib.sessions.models import Session

    base = live_server.url
    log_in(page, base, "kjj")
    project = day["mine"][3]
    page.goto(f"{base}/projects/{project.pk}/report/")
    form = page.get_by_test_id("report-form")
    form.locator("[name=status]").select_option("in_progress")
    form.locator("[name=percent_complete]").fill("40")
    text = "一小时的长文：完成主体结构，累计浇筑混凝土1.2万立方米，设备进场。"
    form.locator("[name=progress]").fill(text)
    Session.objects.all().delete()  # 60 minutes idle: the session is gone
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))
    assert not ProjectUpdate.objects.filter(project=project).exists()
    page.get_by_label("用户名").fill("kjj")
    page.get_by_label("密码").fill("pass-for-tests-1")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(rf"/projects/{project.pk}/report/"))
    # Back on the form with the text restored, and told so.
    assert page.get_by_test_id("draft-restored").is_visible()
    form = page.get_by_test_id("report-form")
    assert form.locator("[name=progress]").input_value() == text
    assert form.locator("[name=percent_complete]").input_value() == "40"
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"\?filed="))
    assert ProjectUpdate.objects.get(project=project).progress == text
    # Saved: the draft is gone, the next form opens clean.
    page.goto(f"{base}/projects/{project.pk}/report/?period={day['period'].previous()}")
    assert not page.get_by_test_id("draft-restored").is_visible()
