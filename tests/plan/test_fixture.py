"""The plan fixture, once loaded, says exactly what the source text says."""

from pathlib import Path

import pytest
from django.conf import settings

from indicators.models import Indicator, PeerGroup, Target
from plan.models import Column, Responsibility, Safeguard, Task, Unit
from projects.models import Annex, Project

SOURCE = Path(settings.BASE_DIR) / "fixtures" / "source" / "action-plan-2022-2025.zh.txt"

# Read off the source by hand, in the order each task's (责任单位:...) lists them.
TASK_UNITS = {
    1: ["市科技局", "市工信局", "市发改委", "市财政局", "市市场监管局", "各县(市)区和开发区"],
    2: ["市科技局", "市工信局", "市市场监管局", "市财政局", "市金融办", "各县(市)区和开发区"],
    3: ["市委组织部", "市人社局", "市教育局", "市科技局", "市外事办", "市公安局",
        "各驻吉高校和职业院校"],
    4: ["市科技局", "市工信局", "市发改委", "市财政局"],
    5: ["市科技局", "市工信局"],
    6: ["市科技局", "市人社局", "市发改委", "市商务局", "市合作交流办", "市外事办",
        "各县(市)区和开发区"],
    7: ["市委统战部", "市发改委", "市教育局", "市科技局", "市工信局", "市人社局", "市农业农村局",
        "市退役军人事务局", "团市委", "市妇联", "市科协"],
    8: ["市科技局", "市金融办", "市财政局", "市工信局", "各县(市)区和开发区"],
    9: ["市委组织部", "市委编办", "市委改革办", "市科技局", "市人社局", "市政数局", "市司法局",
        "市公安局", "市市场监管局"],
}  # fmt: skip
SHORT_TITLES = [
    "统筹双链融合", "统筹企业力量", "统筹人才引育", "统筹平台资源", "统筹校城融合",
    "统筹区域合作", "统筹创新创业", "统筹要素资源", "统筹环境塑造",
]  # fmt: skip
ANNEX_SIZES = {1: 6, 2: 16, 3: 9, 4: 12, 5: 4, 6: 6}
ANNEX_ENDS = {
    1: ("吉林碳纤维及复合材料产业研究院", "碳纤维复合材料回收再利用项目"),
    2: ("中国农业科学院东北农业科技中心", "东电光伏电站智能巡检与清洗维护一体化机器人研制与应用"),
    3: ("华微汽车电子器件检测中心项目", "吉林建龙智慧能源平台"),
    4: ("克尔达维保在线工业互联网平台项目", "新冠肺炎核酸检测大数据平台研发与示范应用"),
    5: ("5大细分产业研究中心建设工程", "25家细分行业应用技术研究院"),
    6: ("中科院苏州医工所吉林市工研院", "中白技术转移中心"),
}
COLUMN_TASK_ANNEXES = {1: (1, [1, 2]), 2: (2, [3]), 3: (4, [4]), 4: (5, [5]), 5: (6, [6])}


@pytest.fixture(scope="module")
def source() -> str:
    return SOURCE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def source_joined(source) -> str:
    """The source with its line breaks taken out: two names are broken across lines."""
    return source.replace("\n", "")


def test_nine_tasks_with_short_titles_and_programmes(plan, source):
    tasks = list(Task.objects.filter(plan=plan).order_by("number"))
    assert [t.number for t in tasks] == list(range(1, 10))
    assert [t.short_title for t in tasks] == SHORT_TITLES
    assert tasks[0].programme == "实施产业技术创新促进工程"
    for task in tasks:
        assert task.programme.startswith("实施") and task.programme.endswith("工程")
        assert f"{task.short_title},{task.headline},{task.programme}。" in source
        assert task.full_text in source


def test_each_task_lists_its_units_in_the_plans_order_and_the_first_leads(plan):
    for number, names in TASK_UNITS.items():
        rows = Responsibility.objects.filter(task__plan=plan, task__number=number).order_by("order")
        assert [r.unit.name for r in rows] == names
        assert [r.order for r in rows] == list(range(1, len(names) + 1))
        assert rows[0].is_lead and not any(r.is_lead for r in rows[1:])


def test_twenty_five_distinct_task_units_each_stored_once(plan):
    task_units = Unit.objects.filter(responsibilities__task__plan=plan).distinct()
    assert task_units.count() == 25
    assert {u.name for u in task_units} == {n for names in TASK_UNITS.values() for n in names}
    assert Unit.objects.count() == 26  # the 25 and the safeguards' 吉林市科技领导小组各成员单位


def test_responsibility_notes_keep_the_plans_extra_wording(plan):
    notes = dict(Task.objects.filter(plan=plan).values_list("number", "responsibility_note"))
    assert notes[7] == "等双创责任部门分工负责"
    assert notes[9] == "按职责分工负责"
    assert all(notes[n] == "" for n in (1, 2, 3, 4, 5, 6, 8))


def test_five_columns_under_their_tasks_pointing_to_their_annexes(plan, source):
    columns = Column.objects.filter(plan=plan).order_by("number")
    assert columns.count() == 5
    for column in columns:
        task_number, annex_numbers = COLUMN_TASK_ANNEXES[column.number]
        assert column.task.number == task_number
        assert sorted(a.number for a in column.annexes.all()) == annex_numbers
        assert column.text in source
    assert columns[3].title == "校城融合“567”工程及细分行业研究院"


def test_six_annexes_hold_every_named_project_in_order(plan, source_joined):
    annexes = Annex.objects.filter(plan=plan).order_by("number")
    assert {a.number: a.projects.count() for a in annexes} == ANNEX_SIZES
    assert Project.objects.filter(annex__plan=plan).count() == 53
    for annex in annexes:
        names = list(annex.projects.order_by("order").values_list("name", flat=True))
        assert (names[0], names[-1]) == ANNEX_ENDS[annex.number]
        assert list(annex.projects.order_by("order").values_list("order", flat=True)) == list(
            range(1, len(names) + 1)
        )
        # Every name is in the source, in the order the box names them.
        positions = [source_joined.index(name) for name in names]
        assert positions == sorted(positions)
        assert f"{annex.number}.{annex.title}" in source_joined


def test_annex_five_holds_the_four_programme_lines_of_567(plan):
    names = list(
        Project.objects.filter(annex__plan=plan, annex__number=5)
        .order_by("order")
        .values_list("name", flat=True)
    )
    assert names == [
        "5大细分产业研究中心建设工程",
        "6大创新创业基地建设工程",
        "7大产业创新支撑平台建设工程",
        "25家细分行业应用技术研究院",
    ]


def test_projects_go_to_their_tasks_lead_unit_and_say_it_was_by_rule(plan):
    for project in Project.objects.filter(annex__plan=plan).select_related("annex__column__task"):
        lead = project.annex.column.task.responsibilities.get(order=1).unit
        assert project.unit == lead
        assert "牵头单位" in project.data_note
    assert "lead unit" in plan.data_notes


def test_four_safeguards_answer_to_the_leading_groups_members(plan, source):
    safeguards = Safeguard.objects.filter(plan=plan).order_by("number")
    assert [s.title for s in safeguards] == [
        "强化组织领导",
        "加强统筹推进",
        "加大政策支持",
        "营造良好氛围",
    ]
    for s in safeguards:
        assert s.responsible.name == "吉林市科技领导小组各成员单位"
        assert s.text in source


def test_plan_texts_come_from_the_source(plan, source):
    assert plan.title == "吉林市创新创业高地暨高水平创新型城市建设行动计划(2022-2025)"
    assert (plan.start_year, plan.end_year) == (2022, 2025)
    for text in (plan.preamble, plan.guiding_thought, plan.principles, plan.goals):
        assert text and text in source
    assert plan.indicator_system_title in source


def test_indicators_are_the_ones_the_text_names_with_its_targets_and_no_invented_numbers(
    plan, source
):
    indicators = Indicator.objects.filter(plan=plan)
    assert {i.name for i in indicators} == {
        "科学研究和试验发展(R&D)投入强度",
        "财政科技支出占一般公共预算支出比重",
        "国家高新技术企业",
        "营商环境主要指标",
        "营商环境综合评价",
    }
    for indicator in indicators:
        assert indicator.name in source
        assert indicator.source_quote in source
        assert indicator.baseline_value is None and indicator.baseline_year is None
    targets = Target.objects.filter(indicator__plan=plan)
    assert targets.count() == 5
    for target in targets:
        assert target.year == 2025
        assert target.value is None and target.rank is None
        assert target.statement in source


def test_the_named_indicators_have_their_kind_and_the_groups_the_text_names_stay_empty(
    plan, source
):
    kinds = {i.code: (i.kind, i.peer_group and i.peer_group.name) for i in plan.indicators.all()}
    assert kinds == {
        "rd-intensity": ("rank", "东北地区地级城市"),
        "fiscal-st-share": ("rank", "东北地区地级城市"),
        "national-hte": ("rank", "东北地区地级城市"),
        "business-env-main": ("milestone", None),
        "business-env-overall": ("rank", "全国地级市"),
    }
    assert plan.indicators.get(code="business-env-overall").published_ranks
    for group in PeerGroup.objects.all():
        assert group.name in source
        assert not group.members.exists()  # no list of cities invented in the plan's data
    for target in Target.objects.filter(indicator__plan=plan):
        assert target.rank is None and target.reading_note == ""  # top-N is an administrator's
