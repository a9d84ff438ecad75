"""A leader's instruction becomes a supervision item (督办件) in a real browser: the leader
writes it on a project page, the office assigns it to a lead unit and a co-unit with a deadline,
the co-unit adds its part, the lead unit answers with a PDF, the office returns it once (the
reporting matrix shows it yellow) and then closes it from the review queue, and the leader sees it
closed with the answer. ``ITEM_SHOTS=<dir>`` also saves the
leader's form, the office's queue and the unit's answer form at 390 and 1366 px wide."""

import datetime as dt
import io
import os
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from plan.models import Unit
from plan.permissions import LEADER, REVIEWER, STAFF
from projects.models import Project
from supervision.models import Evidence, ItemNote, ItemState, SupervisionItem
from tests.factories import UserFactory
from tests.supervision.test_evidence import PDF

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def people(transactional_db):
    call_command("load_plan", stdout=io.StringIO())
    UserFactory(username="kjj", role=STAFF, unit=Unit.objects.get(name="市科技局"))
    UserFactory(username="gxj", role=STAFF, unit=Unit.objects.get(name="市工信局"))
    UserFactory(username="shenhe", role=REVIEWER)
    UserFactory(username="boss", role=LEADER)


def switch_to(page, base, username):
    """Log in through the form, landing on the user's own list of items (not the cockpit, whose
    charts the conftest's ``log_in`` waits for)."""
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/?next=/items/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("pass-for-tests-1")
    page.get_by_label("密码").press("Enter")
    page.wait_for_url(re.compile(r"/items/"), wait_until="domcontentloaded")


def shots(page, name):
    folder = os.environ.get("ITEM_SHOTS")
    if not folder:
        return
    os.makedirs(folder, exist_ok=True)
    for width in (390, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=os.path.join(folder, f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_instruction_assigned_answered_returned_closed_and_the_leader_sees_it(
    people, live_server, page, tmp_path
):
    base = live_server.url
    project = Project.objects.get(annex__number=1, order=1)
    deadline = timezone.localdate() + dt.timedelta(days=20)

    # The leader writes an instruction on the project page, in one step.
    switch_to(page, base, "boss")
    page.goto(f"{base}/projects/{project.pk}/")
    box = page.get_by_test_id("instruct")
    box.locator("summary").click()
    box.locator("textarea[name=instruction]").fill("加快推进，月底前报进展")
    shots(page, "leader-form")
    box.get_by_test_id("instruct-submit").click()
    page.wait_for_url(re.compile(r"/items/\d+/$"))
    assert page.get_by_test_id("item-state").first.inner_text() == "已立项"
    item = SupervisionItem.objects.get()
    assert item.subject_name == project.name

    # The office finds it in its queue and assigns it with a co-unit and a deadline.
    switch_to(page, base, "shenhe")
    page.get_by_test_id("nav-items").click()
    queue = page.get_by_test_id("queue-to_assign")
    assert "加快推进，月底前报进展" in queue.inner_text()
    shots(page, "office-queue")
    queue.get_by_role("link", name=f"#{item.pk}").click()
    form = page.get_by_test_id("item-form-assign")
    form.locator("[name=lead_unit]").select_option(label="市科技局")
    form.locator("[name=co_units]").select_option(label=["市工信局"])
    form.locator("[name=deadline]").fill(deadline.isoformat())
    form.get_by_test_id("item-submit-assign").click()
    page.wait_for_url(re.compile(rf"/items/{item.pk}/$"))
    assert page.get_by_test_id("item-state").first.inner_text() == "已交办"
    assert page.get_by_test_id("item-lead").inner_text() == "市科技局"

    # The co-unit adds its part from its to-do.
    switch_to(page, base, "gxj")
    page.get_by_test_id("nav-items").click()
    page.get_by_test_id("item-todo").get_by_role("link", name=f"#{item.pk}").click()
    assert page.get_by_test_id("item-form-answer").count() == 0  # only the lead unit answers
    note = page.get_by_test_id("item-form-note")
    note.locator("[name=text]").fill("市工信局已协调配套资金。")
    note.get_by_test_id("item-submit-note").click()
    page.wait_for_url(re.compile(rf"/items/{item.pk}/$"))
    assert "市工信局已协调配套资金。" in page.get_by_test_id("item-timeline").inner_text()

    # The lead unit asks for an extension; the office grants it, the first deadline kept.
    switch_to(page, base, "kjj")
    page.get_by_test_id("nav-items").click()
    page.get_by_test_id("item-todo").get_by_role("link", name=f"#{item.pk}").click()
    later = deadline + dt.timedelta(days=10)
    extend = page.get_by_test_id("item-form-extend")
    extend.locator("[name=until]").fill(later.isoformat())
    extend.locator("[name=reason]").fill("设备到货延迟。")
    extend.get_by_test_id("item-submit-extend").click()
    page.wait_for_url(re.compile(rf"/items/{item.pk}/$"))
    switch_to(page, base, "shenhe")
    page.get_by_test_id("nav-items").click()
    page.get_by_test_id("queue-extensions").get_by_role("link", name=f"#{item.pk}").click()
    decide = page.get_by_test_id("item-form-decide")
    decide.locator("input[name=decision][value=grant]").check()
    decide.get_by_test_id("item-submit-decide").click()
    page.wait_for_url(re.compile(rf"/items/{item.pk}/$"))
    shown = page.get_by_test_id("item-deadline").inner_text()
    assert later.isoformat() in shown and deadline.isoformat() in shown

    # The lead unit answers with a PDF; first without text: told, nothing saved, file to choose.
    switch_to(page, base, "kjj")
    page.goto(f"{base}/items/{item.pk}/")
    answer = page.get_by_test_id("item-form-answer")
    answer.get_by_test_id("item-submit-answer").click()
    assert page.get_by_test_id("item-form-answer").locator(".errorlist").count() >= 1
    assert SupervisionItem.objects.get().state == ItemState.ASSIGNED
    shots(page, "unit-answer")
    evidence = tmp_path / "进展情况说明.pdf"
    evidence.write_bytes(PDF)
    answer = page.get_by_test_id("item-form-answer")
    answer.locator("[name=answer]").fill("主体工程已完工，月底前投产。")
    answer.locator("input[type=file]").set_input_files(str(evidence))
    answer.get_by_test_id("item-submit-answer").click()
    page.wait_for_url(re.compile(rf"/items/{item.pk}/$"))
    assert page.get_by_test_id("item-state").first.inner_text() == "已反馈"
    assert "进展情况说明.pdf" in page.get_by_test_id("item-answer").inner_text()

    # The office returns it once with a comment ...
    switch_to(page, base, "shenhe")
    page.goto(f"{base}/items/{item.pk}/")
    back = page.get_by_test_id("item-form-return")
    back.locator("[name=comment]").fill("请补充投产时间节点。")
    back.get_by_test_id("item-submit-return").click()
    page.wait_for_url(re.compile(rf"/items/{item.pk}/$"))
    assert page.get_by_test_id("item-state").first.inner_text() == "已退回"
    # The reporting matrix's section of items shows it yellow (returned) for the lead unit and
    # the co-unit; the number opens exactly it.
    page.goto(f"{base}/reports/")
    section = page.get_by_test_id("deadline-section-item")
    lead_row = section.locator("tr[data-unit='市科技局']")
    assert lead_row.get_by_test_id("deadline-yellow").inner_text() == "1"
    assert section.locator("tr[data-unit='市工信局']").get_by_test_id("deadline-yellow").count()
    lead_row.get_by_test_id("deadline-yellow").click()
    page.wait_for_url(re.compile(r"/items/list/\?colour=yellow&unit=\d+$"))
    assert page.locator("tr[data-testid=item-row]").count() == 1

    # ... the unit answers again, seeing the comment ...
    switch_to(page, base, "kjj")
    page.goto(f"{base}/items/{item.pk}/")
    answer = page.get_by_test_id("item-form-answer")
    assert "请补充投产时间节点。" in answer.inner_text()
    answer.locator("[name=answer]").fill("主体工程已完工，12月20日投产。")
    answer.get_by_test_id("item-submit-answer").click()
    page.wait_for_url(re.compile(rf"/items/{item.pk}/$"))

    # ... and the office, counted in its menu, finds the answer in the review queue beside the
    # reports, and closes it on the item's page.
    switch_to(page, base, "shenhe")
    assert re.sub(r"\D", "", page.get_by_test_id("nav-review-count").text_content()) == "1"
    page.get_by_test_id("nav-review").click()
    rows = page.get_by_test_id("queue-row")
    assert rows.count() == 1 and "加快推进" in rows.first.inner_text()
    assert "退回后重新提交" in rows.first.inner_text()  # answered again after a return
    assert rows.first.locator("input[type=checkbox]").count() == 0  # not approved in bulk
    rows.first.get_by_role("link", name="审核").click()
    page.wait_for_url(re.compile(rf"/items/{item.pk}/$"))
    page.get_by_test_id("item-submit-close").click()
    page.wait_for_url(re.compile(rf"/items/{item.pk}/$"))
    assert page.get_by_test_id("item-state").first.inner_text() == "已办结"

    # The leader sees it closed, with the answer, under "my instructions".
    switch_to(page, base, "boss")
    page.get_by_test_id("nav-items").click()
    mine = page.get_by_test_id("item-mine")
    row = mine.locator(f"tr[data-item='{item.pk}']")
    assert row.get_by_test_id("item-state").inner_text() == "已办结"
    assert "12月20日投产" in row.inner_text()

    # The cockpit counts it among the closed items, and the count's link lists exactly it.
    page.goto(f"{base}/")
    closed = page.get_by_test_id("item-count-closed")
    assert closed.locator(".num").inner_text() == "1"
    closed.click()
    page.wait_for_url(re.compile(r"/items/list/\?state=closed$"), wait_until="domcontentloaded")
    assert page.locator("tr[data-testid=item-row]").count() == 1
    shots(page, "leader-list")

    item.refresh_from_db()
    assert item.state == ItemState.CLOSED and item.version == 9
    assert ItemNote.objects.get().kind == ItemNote.Kind.PART
    assert Evidence.objects.for_report(item).count() == 1
    assert (item.deadline, item.original_deadline) == (later, deadline)
