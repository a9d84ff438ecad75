"""Written for people (issue 19): no rendered page of the demo shows ``None``, a number with
four trailing zeros, or an indicator's or plan object's code where its name belongs, whatever
the role."""

import io
import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from dashboard.demo import DEMO_USERS
from indicators.models import Indicator
from plan.models import Unit
from projects.models import Annex, Project


class VisibleText(HTMLParser):
    """The text a reader sees: no tags, scripts, styles or attribute values."""

    def __init__(self):
        super().__init__()
        self.parts, self.hidden = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self.hidden += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template"):
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def demo_pages(plan) -> list[str]:
    projects = Project.objects.filter(annex__plan=plan).order_by("pk")
    return [
        reverse("dashboard:home"), reverse("plan:overview"), reverse("plan:task-list"),
        *[reverse("plan:task-detail", args=[t.number]) for t in plan.tasks.all()],
        reverse("plan:unit-list"),
        *[reverse("plan:unit-detail", args=[u.pk])
          for u in Unit.objects.filter(projects__annex__plan=plan).distinct()[:6]],
        reverse("projects:project-list"),
        *[reverse("projects:annex-detail", args=[a.number])
          for a in Annex.objects.filter(plan=plan)],
        *[p.get_absolute_url() for p in projects[:12]],
        reverse("indicators:indicator-list"),
        *[i.get_absolute_url() for i in Indicator.objects.filter(plan=plan)],
        reverse("plan:evaluation"), reverse("plan:changes"),
        reverse("supervision:report-matrix"),
        reverse("supervision:report-matrix") + "?kind=projects",
        reverse("projects:my-projects"), reverse("supervision:review-queue"),
        reverse("supervision:reopen-list"), reverse("supervision:briefing-list"),
        reverse("supervision:item-home"), reverse("supervision:item-list"),
    ]  # fmt: skip


RAW_PERIOD = re.compile(r".{0,20}\b\d{4}Q[1-4]\b.{0,20}")
TRAILING_ZEROS = re.compile(r"\d\.\d*0000(?!\d)")
NONE = re.compile(r"\bNone\b")


@pytest.fixture
def demo(plan):
    call_command("load_demo", stdout=io.StringIO())
    return plan


@pytest.mark.parametrize("username", [u.username for u in DEMO_USERS])
def test_no_page_shows_none_raw_decimals_raw_periods_or_codes(demo, client, username):
    client.force_login(get_user_model().objects.get(username=username))
    codes = set(Indicator.objects.filter(plan=demo).values_list("code", flat=True))
    codes = {c for c in codes if not c.isdigit()}
    problems = []
    for url in demo_pages(demo):
        # Both views of the figures for the leader; the others in their default view.
        for view in ("approved", "all") if username == "demo-leader" else ("",):
            response = client.get(url, {"figures": view} if view else {})
            if response.status_code in (302, 403, 404):
                continue  # not this role's page
            assert response.status_code == 200, url
            text = visible(response.content.decode())
            problems += [(url, "None", m) for m in NONE.findall(text)]
            problems += [(url, "decimals", m) for m in TRAILING_ZEROS.findall(text)]
            # Periods read 2025年第四季度 (or 2025年四季度 where space is tight), never 2025Q4.
            problems += [(url, "period", m) for m in RAW_PERIOD.findall(text)]
            problems += [
                (url, "code", c)
                for c in codes
                if re.search(rf"(?<![\w-]){re.escape(c)}(?![\w-])", text)
            ]
            crumbs = re.search(
                r'<nav class="breadcrumbs">(.*?)</nav>', response.content.decode(), re.S
            )
            if crumbs:
                last = visible(crumbs.group(1)).split("›")[-1].strip()
                if last.isdigit() or last in codes:
                    problems.append((url, "breadcrumb", last))
    found = sorted({(url.split("?")[0], kind, m) for url, kind, m in problems})
    assert not found, "\n".join(map(str, found))


def test_the_filters_write_figures_for_people():
    from decimal import Decimal

    from django.utils import translation

    from indicators.models import Target
    from plan.periods import Period
    from plan.templatetags import readable

    assert readable.number(Decimal("55.0000")) == "55"
    assert readable.number(Decimal("1.2700")) == "1.27"
    assert readable.number(None) == "—"
    assert readable.percent(100) == "100%"
    with translation.override("zh-hans"):
        assert readable.rank(Decimal("8.0000")) == "第 8 位"
        assert readable.period_zh(Period(2025, 4)) == "2025年第四季度"
        assert readable.period_zh(Period(2025, 4), True) == "2025年四季度"
        assert readable.target_text(Target(rank=3, statement="")) == "第 3 位"
        assert readable.target_text(Target(value=Decimal("55.0000"), statement="")) == "55"
        assert readable.target_text(None) == "—"


def test_the_cockpit_writes_periods_in_chinese(demo, client):
    client.force_login(get_user_model().objects.get(username="demo-leader"))
    for url in (reverse("dashboard:home"), reverse("plan:overview"), reverse("plan:changes"),
                reverse("projects:project-list")):  # fmt: skip
        text = visible(client.get(url).content.decode())
        assert re.search(r"\d{4}年第[一二三四]季度", text), url
        assert not re.search(r"\d{4}Q[1-4]", text), (url, re.findall(r".{30}\d{4}Q[1-4]", text))
