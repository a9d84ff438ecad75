"""Every chart said in words beside it (issue 20, item 6): the summary on the page is the one
in the chart's JSON, and its figures are the chart's (highest, lowest, tasks without projects,
status counts and shares, indicators reaching their target, latest value against target)."""

import html
import io
import json
import re
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import translation

from dashboard import chart_words
from indicators.charts import indicator_chart_summary
from indicators.models import Indicator
from plan.templatetags.readable import number, percent, rank
from tests.conftest import plan_page

CHARTS = ["task-progress", "project-status", "indicator-completion"]


def summary_on(page: str, key: str) -> str:
    found = re.search(rf'<p class="chart-summary" id="summary-{key}"[^>]*>(.*?)</p>', page, re.S)
    assert found, f"no summary for {key}"
    return html.unescape(found.group(1)).strip()


@pytest.fixture
def demo(plan, client):
    call_command("load_demo", stdout=io.StringIO())
    client.force_login(get_user_model().objects.get(username="demo-leader"))
    return plan


@pytest.mark.parametrize("view", ["approved", "all"])
def test_each_cockpit_chart_has_the_summary_its_json_carries(demo, client, view):
    urls = {key: plan_page("dashboard:cockpit-chart", key) for key in CHARTS}
    page = client.get(plan_page("dashboard:home"), {"figures": view}).content.decode()
    for key in CHARTS:
        chart = json.loads(client.get(urls[key], {"figures": view}).content)
        said = summary_on(page, key)
        assert said == chart["summary"], key
        # The canvas points to its words.
        assert f'aria-describedby="summary-{key}"' in page
        check_figures(key, chart, said)


def check_figures(key, chart, said):
    labels, values = chart["labels"], chart["values"]
    if key == "task-progress":
        drawn = [v for v in values if v is not None]
        assert percent(max(drawn), 1) in said and percent(min(drawn), 1) in said
        top = labels[values.index(max(drawn))].split(". ", 1)[1]
        bottom = labels[values.index(min(drawn))].split(". ", 1)[1]
        assert f"“{top}”完成度最高" in said and f"“{bottom}”最低" in said
        empty = [label.split(".")[0] for label, v in zip(labels, values, strict=True) if v is None]
        assert f"{len(empty)} 个任务无项目（任务{'、'.join(empty)}）" in said
    elif key == "project-status":
        total = sum(values)
        assert f"共 {total} 个项目" in said
        for label, count in zip(labels, values, strict=True):
            if count:
                assert f"{label} {count} 个（{percent(count * 100 / total)}）" in said
            else:
                assert label not in said
    else:
        reached = sum(1 for v in values if v >= 100)
        assert f"{len(values)} 个指标有实际值和目标值，其中 {reached} 个达到目标" in said
        top, bottom = labels[values.index(max(values))], labels[values.index(min(values))]
        assert f"最高：{top}（{percent(max(values), 1)}）" in said
        assert f"最低：{bottom}（{percent(min(values), 1)}）" in said


@pytest.mark.parametrize("view", ["approved", "all"])
def test_each_indicator_chart_has_its_summary_beside_it(demo, client, view):
    charted = Indicator.objects.filter(plan=demo).exclude(kind="qualitative")
    assert charted.filter(is_demo=True).count() >= 4
    for indicator in charted:
        page = client.get(plan_page("indicators:indicator-detail", indicator.pk),
                          {"figures": view}).content.decode()  # fmt: skip
        chart = json.loads(
            client.get(
                plan_page("indicators:indicator-chart", indicator.pk), {"figures": view}
            ).content  # fmt: skip
        )
        said = summary_on(page, "indicator")
        assert said == chart["summary"], indicator.code
        series = {d["kind"]: d["data"] for d in chart["datasets"]}
        shown = [
            (y, v) for y, v in zip(chart["labels"], series["actual"], strict=True) if v is not None
        ]
        if not shown:
            assert "尚未填报数值" in said
            continue
        year, value = shown[-1]
        written = rank(value) if indicator.kind == "rank" else number(value)
        assert f"最新值（{year}年）：{written}" in said, (indicator.code, said)


def test_the_revised_demo_target_names_the_original_too(demo, client):
    indicator = Indicator.objects.get(code="demo-tech-contracts")
    said = summary_on(
        client.get(plan_page("indicators:indicator-detail", indicator.pk), {"figures": "all"})
        .content.decode(), "indicator",
    )  # fmt: skip
    assert said == (
        "最新值（2025年）：52亿元。2022年为36亿元。2025年目标：55亿元。原定2025年目标：60亿元。"
    )


def tasks(*rows):
    return [SimpleNamespace(number=n, short_title=t) for n, t in rows]


def test_task_words_for_one_task_none_and_some_without_projects():
    with translation.override("en"):
        three = tasks((1, "A"), (2, "B"), (3, "C"))
        assert chart_words.task_progress_summary(three, [None, None, None]) == (
            "No task has projects yet."
        )
        assert chart_words.task_progress_summary(three, [40.0, None, None]) == (
            "task 1 A is 40% complete. 2 tasks have no projects (tasks 2, 3)."
        )
        assert chart_words.task_progress_summary(three, [40.0, 78.5, 12.0]) == (
            "Of the 3 tasks with projects, task 2 B is furthest along (78.5%) and task 3 C "
            "least (12%)."
        )


def test_status_and_indicator_words_with_nothing_to_say():
    with translation.override("en"):
        assert chart_words.project_status_summary(["a", "b"], [0, 0]) == "No projects."
        assert chart_words.project_status_summary(["a", "b"], [1, 3]) == (
            "4 projects: b 3 (75%), a 1 (25%)."
        )
        assert chart_words.indicator_completion_summary([], []) == (
            "No indicator has both a value and a target yet."
        )


def test_a_rank_indicator_is_said_as_ranks():
    chart = {"labels": ["2022", "2023"], "unit": "rank", "datasets": [
        {"kind": "actual", "data": [8, 6]}, {"kind": "target", "data": [None, 5]},
        {"kind": "original", "data": [None, 5]}]}  # fmt: skip
    with translation.override("zh-hans"):
        said = indicator_chart_summary(chart, rank=True)
    assert said == f"最新值（2023年）：{rank(6)}。2022年为{rank(8)}。2023年目标：{rank(5)}。"
