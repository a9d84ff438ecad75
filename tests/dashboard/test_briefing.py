"""The quarterly briefing (issue 23): the .docx read back (python-docx) says what the cockpit
says for the same plan, period and view, on the demo and on a grown plan; lists are capped."""

import datetime as dt
import io
import re

import pytest
from django.utils import translation
from docx import Document

from dashboard import briefing
from dashboard.demo import load_demo
from dashboard.views import CockpitFigures
from plan.periods import Period, reporting_period
from projects.models import Project, ProjectStatus
from tests.conftest import grow_plan

TODAY = dt.date(2025, 11, 20)


def read(content: bytes):
    return Document(io.BytesIO(content))


def text_of(doc) -> str:
    return "\n".join(p.text for p in doc.paragraphs)


def cockpit_figures(plan, period, approved):
    return CockpitFigures(briefing._Source(plan, period, TODAY, approved), plan)


def check_against_cockpit(plan, approved):
    period = reporting_period(TODAY, plan.start_year, plan.end_year)
    name, content = briefing.generate(plan, period, approved, TODAY, "/projects/export.xlsx")
    assert name == "2025年第三季度推进情况通报.docx"
    with translation.override("zh-hans"):
        b = briefing.collect(plan, period, approved=approved, today=TODAY)
        opening = briefing.opening(b)
    doc = read(content)
    text = text_of(doc)
    figures = cockpit_figures(plan, period, approved)
    p, c = figures.projects, figures.completeness
    # The opening paragraph holds the cockpit's headline figures.
    assert opening in text
    numbers = [int(n) for n in re.findall(r"\d+", doc.paragraphs[2].text)[3:]]
    assert numbers[:4] == [p["all"], p[ProjectStatus.COMPLETED], p[ProjectStatus.IN_PROGRESS],
                           p["lagging_rule"]]  # fmt: skip
    assert c["tasks"].expected in numbers and c["projects"].expected in numbers
    headings = [x.text for x in doc.paragraphs if x.style.name == "Heading 1"]
    assert len(headings) == 8 and headings[6] == "七、督办件办理情况"
    # Tables: lagging projects (capped), late units, indicators (then the supervision items').
    lagging, units, indicators = doc.tables[:3]
    assert len(lagging.rows) - 1 == min(p["lagging_rule"], briefing.LAGGING_LIMIT)
    cockpit_first = [x.name for x in figures.lagging_projects]
    assert [r.cells[1].text for r in lagging.rows[1 : 1 + len(cockpit_first)]] == cockpit_first
    assert [r.cells[0].text for r in indicators.rows[1:]] == [
        r.indicator.name for r in figures.indicators
    ]
    assert [r.cells[3].text for r in indicators.rows[1:]] == [
        str(r.status_label) for r in figures.indicators
    ]
    view = "仅已审核通过的填报" if approved else "全部已提交的填报"
    assert view in text and str(period) in text
    # Three charts (two if no indicator is judged yet), as PNG images.
    images = [r for r in doc.part.rels.values() if "image" in r.reltype]
    assert len(images) >= 2
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert "PAGE" in section.footer._element.xml
    return b, doc


@pytest.mark.django_db
@pytest.mark.parametrize("approved", [True, False])
def test_briefing_on_the_demo_says_what_the_cockpit_says(plan, approved):
    load_demo(plan)
    check_against_cockpit(plan, approved)


@pytest.mark.django_db
def test_briefing_on_a_grown_plan_caps_its_tables_with_and_n_more(plan):
    load_demo(plan)
    grow_plan(plan, projects=300, units=60)
    # The added projects are not started and should be half done: every one of them lags.
    Project.objects.filter(name__startswith="扩充项目").update(
        planned_start=dt.date(2024, 1, 1), planned_end=dt.date(2025, 12, 31)
    )
    b, doc = check_against_cockpit(plan, True)
    assert b.lagging_total >= 300 > briefing.LAGGING_LIMIT
    text = text_of(doc)
    assert f"另有 {b.lagging_total - briefing.LAGGING_LIMIT} 个滞后项目" in text
    assert "/projects/export.xlsx" in text
    assert b.units_total > briefing.UNIT_LIMIT
    assert f"另有 {b.units_total - briefing.UNIT_LIMIT} 个单位" in text
    assert len(doc.tables[1].rows) == briefing.UNIT_LIMIT + 1


@pytest.mark.django_db
def test_a_past_periods_briefing_says_its_figures_are_as_at_the_periods_close(plan):
    _name, content = briefing.generate(plan, Period(2025, 1), True, TODAY)
    text = text_of(read(content))
    # The plan as loaded never closes its periods: 2025Q1 is read as at the end of 2025Q2, the
    # last day it was the period being reported.
    assert "往期通报" in text and "2025年第一季度末" in text and "2025-06-30" in text
    assert "截至2025-06-30，" in text and TODAY.isoformat() not in text.split("\n", 2)[2]
    _name, content = briefing.generate(plan, Period(2025, 3), True, TODAY)
    assert "往期通报" not in text_of(read(content))
