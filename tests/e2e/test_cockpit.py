"""The leader's cockpit draws its charts; an indicator's chart shows a value staff just entered."""

import io
import re
from decimal import Decimal

import pytest
from django.core.management import call_command

from indicators.models import Indicator, Target
from plan.models import Plan, Unit
from plan.permissions import LEADER, STAFF
from tests.e2e.conftest import log_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

# True when the canvas holds at least one pixel that is not fully transparent.
PAINTED = """c => {
  const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  for (let i = 3; i < data.length; i += 4) { if (data[i] !== 0) return true; }
  return false;
}"""


def wait_drawn(page, selector):
    page.wait_for_selector(f'{selector}[data-drawn="true"]')
    assert page.locator(selector).evaluate(PAINTED)


def test_cockpit_charts_draw_and_an_entered_value_reaches_the_chart(transactional_db, live_server,
                                                                     page):  # fmt: skip
    call_command("load_plan", stdout=io.StringIO())
    plan = Plan.objects.get()
    indicator = Indicator.objects.create(
        plan=plan, code="contracts", name="技术合同成交额", unit_of_measure="亿元", order=9,
        baseline_year=2021, baseline_value=Decimal(30),
        responsible_unit=Unit.objects.get(name="市科技局"),
    )  # fmt: skip
    Target.objects.create(indicator=indicator, year=2025, value=60, original_value=60)
    UserFactory(username="boss", role=LEADER)
    UserFactory(username="kjj", role=STAFF, unit=Unit.objects.get(name="市科技局"))
    base = live_server.url

    log_in(page, base, "boss")
    for chart in ("chart-task-progress", "chart-project-status", "chart-indicator-completion"):
        wait_drawn(page, f'canvas[data-testid="{chart}"]')
    page.get_by_role("link", name="指标", exact=True).click()
    page.get_by_role("link", name="技术合同成交额").click()
    page.wait_for_url(re.compile(r"/indicators/\d+/$"))
    wait_drawn(page, 'canvas[data-testid="indicator-chart"]')
    assert page.get_by_test_id("value-form").count() == 0
    page.get_by_role("button", name="退出").click()

    log_in(page, base, "kjj")
    page.goto(f"{base}{indicator.get_absolute_url()}")
    form = page.get_by_test_id("value-form")
    form.get_by_label("年份").select_option("2024")
    form.get_by_label("数值（亿元）").fill("47.5")
    form.get_by_label("来源").fill("2024年统计公报")
    form.get_by_role("button", name="保存数值").click()
    page.wait_for_url(re.compile(r"/indicators/\d+/$"))
    wait_drawn(page, 'canvas[data-testid="indicator-chart"]')
    actual = page.locator('canvas[data-testid="indicator-chart"]').evaluate(
        "c => c.chart.data.datasets[0].data"
    )
    assert actual == [None, None, 47.5, None]
    assert page.get_by_test_id("actual-2024").inner_text() == "47.50亿元"  # in its unit
