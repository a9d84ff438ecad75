"""Query counts of the cockpit, the indicator table and an indicator page, at two data sizes."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators.models import Indicator, Observation, Target
from tests.conftest import grow_plan, plan_page


def grow_indicators(plan, count):
    indicators = Indicator.objects.bulk_create(
        Indicator(
            plan=plan,
            code=f"grown-{i}",
            name=f"扩充指标{i}",
            baseline_year=2021,
            baseline_value=Decimal(10),
            order=100 + i,
        )  # fmt: skip
        for i in range(count)
    )
    Target.objects.bulk_create(Target(indicator=i, year=2025, value=20, original_value=20)
                               for i in indicators)  # fmt: skip
    Observation.objects.bulk_create(
        Observation(indicator=i, year=year, value=10 + year - 2021)
        for i in indicators
        for year in (2022, 2023, 2024)
    )


def count(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    ("page", "pinned"), [("cockpit", 15), ("indicator-list", 9), ("indicator-detail", 10),
                         ("indicator-chart", 7), ("evaluation", 14)],
)  # fmt: skip
def test_query_count_is_pinned_at_two_sizes(client, people, plan, page, pinned):
    client.force_login(people["staff_own"])
    first = Indicator.objects.filter(plan=plan).order_by("pk").first()
    urls = {
        "cockpit": plan_page("dashboard:home"),
        "indicator-list": plan_page("indicators:indicator-list"),
        "indicator-detail": first.get_absolute_url(),
        # As its page asks for it: with the page's choice of figures.
        "indicator-chart": reverse("indicators:indicator-chart", args=[first.pk]) + "?figures=all",
        "evaluation": plan_page("plan:evaluation"),
    }
    small = count(client, urls[page])
    grow_plan(plan, projects=600, units=40)
    grow_indicators(plan, 60)
    Observation.objects.bulk_create(
        Observation(indicator=first, year=y, value=y) for y in (2022, 2023)
    )
    large = count(client, urls[page])
    assert (small, large) == (pinned, pinned)


@pytest.mark.parametrize("status", ["", "behind"])
def test_the_indicator_table_pages_in_order_and_keeps_its_filters(client, people, plan, status):
    """Without a status filter only the page's indicators are judged; with one, all are, and
    the pages hold the ones that match. The page links keep the filters."""
    client.force_login(people["staff_own"])
    grow_indicators(plan, 120)
    url = plan_page("indicators:indicator-list") + (f"?status={status}" if status else "")
    first, second = client.get(url), client.get(url + ("&" if status else "?") + "page=2")
    rows = first.context["rows"] + second.context["rows"]
    assert len(first.context["rows"]) == 50
    if status:
        assert {row.status for row in rows} == {status}
        assert f"status={status}&amp;page=2" in first.content.decode()
    else:
        assert (
            first.context["page_obj"].paginator.count == Indicator.objects.filter(plan=plan).count()
        )
    ordered = Indicator.objects.filter(plan=plan).order_by("order", "code")
    expected = [i.pk for i in ordered if not status or i.pk in {r.indicator.pk for r in rows}]
    assert [row.indicator.pk for row in rows] == expected[:100]
