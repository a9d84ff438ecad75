"""Issue 21 end to end: an administrator creates a peer group, imports a year of its values,
sets the rank target with its reading note and approves the batch; the leader sees the rank
and the status on the indicator page and the indicator counted on the cockpit."""

import io
import re

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from indicators.models import Indicator
from plan.models import Plan
from plan.permissions import LEADER
from tests.e2e.conftest import log_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def workbook() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "2024"
    sheet.append(["地区", "数值"])
    for place, value in (("吉林市", 2.1), ("长春市", 2.6), ("四平市", 0.9)):
        sheet.append([place, value])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_admin_sets_up_a_ranked_indicator_and_the_leader_sees_its_rank(live_server, page):
    call_command("load_plan", stdout=io.StringIO())
    plan = Plan.objects.get()
    indicator = Indicator.objects.get(plan=plan, code="rd-intensity")
    UserFactory(username="root", is_superuser=True, is_staff=True)
    UserFactory(username="boss", role=LEADER)
    base = live_server.url

    log_in(page, base, "root")
    # 1. a group, with the home city among its places
    page.goto(f"{base}/admin/indicators/peergroup/add/")
    page.fill("#id_name", "东北测试组")
    for n, place in enumerate(("吉林市", "长春市", "四平市")):
        page.fill(f"#id_members-{n}-place", place)
    page.check("#id_members-0-is_home")
    page.click("input[name=_save]")
    page.wait_for_url(re.compile(r"/admin/indicators/peergroup/$"))
    page.goto(f"{base}/admin/indicators/indicator/{indicator.pk}/change/")
    page.select_option("#id_peer_group", label="东北测试组")
    page.click("input[name=_save]")
    page.wait_for_url(re.compile(r"/admin/indicators/indicator/$"))

    # 2. a year of the group's values from a workbook: preview, then one batch
    page.goto(f"{base}/indicators/{indicator.pk}/peers/import/")
    page.fill("#id_year", "2024")
    page.fill("#id_source", "2024年统计公报")
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    page.set_input_files("#id_file", files=[{"name": "东北.xlsx", "buffer": workbook(),
                                             "mimeType": xlsx}])  # fmt: skip
    page.get_by_role("button", name="预览").click()
    page.get_by_test_id("peer-confirm").click()
    page.wait_for_url(re.compile(rf"/indicators/{indicator.pk}/$"))

    # 3. the rank target, with how the plan's words were read
    target = indicator.targets.get()
    page.goto(f"{base}/admin/indicators/target/{target.pk}/change/")
    page.fill("#id_rank", "2")
    page.fill("#id_reading_note", "前列 read as top 2")
    page.fill("#id_revision_reason", "领导小组会议确定")
    page.click("input[name=_save]")
    page.wait_for_url(re.compile(r"/admin/indicators/target/$"))

    # 4. the batch approved whole
    page.goto(f"{base}/admin/indicators/peerbatch/")
    page.check("input[name=_selected_action]")
    page.select_option("select[name=action]", "approve_batches")
    page.click("button[name=index]")
    page.wait_for_url(re.compile(r"/admin/indicators/peerbatch/$"))
    page.goto(f"{base}/")
    page.get_by_role("button", name="退出").click()

    # 5. the leader: rank and status on the indicator page, the indicator on the cockpit
    log_in(page, base, "boss")
    page.goto(f"{base}{indicator.get_absolute_url()}")
    assert page.get_by_test_id("standing-2024").inner_text() == "第 2 / 3"
    assert "前列 read as top 2" in page.get_by_test_id("rank-target").inner_text()
    assert "已达标" in page.get_by_test_id("rank-years").inner_text()
    assert page.get_by_test_id("peer-home").inner_text().startswith("2")
    page.goto(f"{base}/indicators/?status=met")
    assert page.get_by_role("link", name=indicator.name).count() == 1


def test_the_unit_types_a_years_values_and_a_reviewer_approves_them_in_the_queue(live_server, page):
    """The responsible unit types the group's values in the browser (a wrong cell refused on
    its row, the typed values kept), the batch waits in the review queue with the other
    reports, the reviewer opens it with its values and approves it; the leader sees the rank."""
    from indicators.models import PeerGroup, PeerMember, Target
    from plan.models import Unit
    from plan.permissions import REVIEWER, STAFF

    call_command("load_plan", stdout=io.StringIO())
    plan = Plan.objects.get()
    unit = Unit.objects.get(name="市科技局")
    group = PeerGroup.objects.get(name="东北地区地级城市")
    for place in ("吉林市", "长春市", "四平市"):
        PeerMember.objects.create(group=group, place=place, is_home=place == "吉林市")
    indicator = Indicator.objects.get(plan=plan, code="rd-intensity")
    indicator.responsible_unit = unit
    indicator.save()
    Target.objects.filter(indicator=indicator).update(rank=2, reading_note="前列 read as top 2")
    UserFactory(username="kjj", role=STAFF, unit=unit)
    UserFactory(username="office", role=REVIEWER)
    UserFactory(username="boss", role=LEADER)
    base = live_server.url

    log_in(page, base, "kjj")
    page.goto(f"{base}{indicator.get_absolute_url()}")
    page.get_by_test_id("peer-entry-link").click()
    page.select_option("#entry-year", "2024")
    page.get_by_role("button", name="显示").click()
    page.fill("#id_source", "2024年统计公报")
    page.get_by_label("吉林市").fill("2.1")
    page.get_by_label("长春市").fill("2.6")
    page.get_by_label("四平市").fill("约0.9")  # not a number
    page.get_by_test_id("peer-entry-save").click()
    row = page.locator("tr[data-place='四平市']")
    assert row.get_by_test_id("row-error").inner_text() == "请输入数字。"
    assert page.get_by_label("四平市").input_value() == "约0.9"  # kept, with what was right
    assert page.get_by_label("吉林市").input_value() == "2.1"
    page.get_by_label("四平市").fill("0.9")
    page.get_by_test_id("peer-entry-save").click()
    page.wait_for_url(re.compile(rf"/indicators/{indicator.pk}/\?year=2024"))
    page.get_by_role("button", name="退出").click()

    log_in(page, base, "office")
    page.goto(f"{base}/reviews/")
    queue = page.locator("tr", has_text="对标数值")
    queue.get_by_role("link", name=indicator.name).click()
    values = page.get_by_test_id("batch-values").inner_text()
    assert "吉林市" in values and "2.6" in values and "0.9" in values
    page.get_by_test_id("approve-form").get_by_role("button").click()
    page.wait_for_url(re.compile(r"/reviews/$"))
    page.get_by_role("button", name="退出").click()

    log_in(page, base, "boss")
    page.goto(f"{base}{indicator.get_absolute_url()}")
    assert page.get_by_test_id("standing-2024").inner_text() == "第 2 / 3"
