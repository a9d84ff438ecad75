"""Targets that are revised, not overwritten; values entered by the responsible unit; the chart
JSON; the indicator pages."""

import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from indicators.models import Indicator, Observation, Target, TargetRevision
from indicators.services import target_revise
from plan.models import Unit
from tests.conftest import plan_page


@pytest.fixture
def indicator(plan):
    indicator = Indicator.objects.create(
        plan=plan, code="contracts", name="技术合同成交额", unit_of_measure="亿元",
        baseline_year=2021, baseline_value=Decimal(30), order=99,
        responsible_unit=Unit.objects.get(name="市科技局"),
    )  # fmt: skip
    Target.objects.create(indicator=indicator, year=2025, value=60, original_value=60)
    return indicator


def test_a_revision_keeps_both_values_the_reason_who_and_when(indicator, people):
    target = indicator.targets.get()
    target_revise(target_id=target.pk, user=people["admin"], value=Decimal(55), rank=None,
                  statement="", reason="外部环境变化")  # fmt: skip
    target.refresh_from_db()
    assert (target.value, target.original_value, target.revised) == (55, 60, True)
    revision = TargetRevision.objects.get()
    assert (revision.old_value, revision.new_value, revision.reason) == (60, 55, "外部环境变化")
    assert revision.changed_by == people["admin"] and revision.changed_at is not None


@pytest.mark.parametrize("role", ["staff_own", "leader"])
def test_only_administrators_revise_targets(indicator, people, role):
    with pytest.raises(PermissionDenied):
        target_revise(target_id=indicator.targets.get().pk, user=people[role], value=Decimal(1),
                      rank=None, statement="", reason="x")  # fmt: skip
    assert indicator.targets.get().value == 60


def test_a_revision_needs_a_reason(indicator, people):
    with pytest.raises(ValidationError):
        target_revise(target_id=indicator.targets.get().pk, user=people["admin"],
                      value=Decimal(50), rank=None, statement="", reason=" ")  # fmt: skip
    assert not TargetRevision.objects.exists()


def test_pages_show_progress_against_the_original_and_the_current_target(client, indicator, people):
    Observation.objects.create(
        indicator=indicator, year=2025, value=Decimal(52), review_state="approved"
    )
    target_revise(target_id=indicator.targets.get().pk, user=people["admin"], value=Decimal(55),
                  rank=None, statement="", reason="外部环境变化")  # fmt: skip
    client.force_login(people["leader"])
    page = client.get(indicator.get_absolute_url())
    row = page.context["progress"].years[-1]
    assert (row.target, row.original) == (55, 60)
    assert float(row.completion) == pytest.approx(22 / 25)  # (52-30)/(55-30)
    assert float(row.original_completion) == pytest.approx(22 / 30)
    assert 'data-testid="target-moved"' in page.text and "外部环境变化" in page.text
    evaluation = client.get(plan_page("plan:evaluation")).text
    assert "已调整" in evaluation and "88%" in evaluation and "73%" in evaluation


def test_admin_change_of_a_target_goes_through_a_revision(client, indicator, people):
    admin = people["admin"]
    admin.is_staff = admin.is_superuser = True  # the admin site needs staff status
    admin.save()
    client.force_login(admin)
    target = indicator.targets.get()
    url = reverse("admin:indicators_target_change", args=[target.pk])
    refused = client.post(url, {"value": "58", "rank": "", "statement": "", "revision_reason": ""})
    assert refused.status_code == 200 and not TargetRevision.objects.exists()
    saved = client.post(url, {"value": "58", "rank": "", "statement": "",
                              "revision_reason": "年中评估"})  # fmt: skip
    assert saved.status_code == 302
    target.refresh_from_db()
    assert (target.value, target.original_value) == (58, 60)
    assert TargetRevision.objects.get().reason == "年中评估"


def value_post(client, indicator, **data):
    form = {"version": 0, "year": 2024, "value": "40", "source": "统计公报", "note": ""}
    form.update(data)
    return client.post(indicator.get_absolute_url(), form)


def test_staff_of_the_responsible_unit_enter_a_value_with_history(client, indicator, people):
    client.force_login(people["staff_own"])
    assert value_post(client, indicator).status_code == 302
    value = Observation.objects.get()
    assert (value.year, value.value, value.entered_by) == (2024, 40, people["staff_own"])
    assert value.history.get().history_user == people["staff_own"]


@pytest.mark.parametrize("role", ["staff_other", "leader"])
def test_others_cannot_enter_values(client, indicator, people, role):
    client.force_login(people[role])
    assert value_post(client, indicator).status_code == 403
    assert not Observation.objects.exists()
    assert 'data-testid="value-form"' not in client.get(indicator.get_absolute_url()).text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"value": "很多"}, "请输入数字"),
        ({"value": ""}, "请输入数字"),
        ({"year": "2026"}, "年份须在计划期内"),
        ({"year": "2021"}, "年份须在计划期内"),
    ],
)
def test_bad_values_are_refused_on_the_form(client, indicator, people, data, message):
    client.force_login(people["staff_own"])
    response = value_post(client, indicator, **data)
    assert response.status_code == 200 and message in response.text
    assert not Observation.objects.exists()


def test_a_percentage_stays_within_0_100_and_a_rank_is_positive(client, plan, people):
    unit = Unit.objects.get(name="市科技局")
    share = Indicator.objects.create(plan=plan, code="share", name="占比", unit_of_measure="%",
                                     responsible_unit=unit)  # fmt: skip
    rank = Indicator.objects.create(plan=plan, code="rank", name="排名", kind="rank",
                                    responsible_unit=unit)  # fmt: skip
    client.force_login(people["staff_own"])
    assert "0 到 100" in value_post(client, share, value="120").text
    assert "从 1 开始的整数" in value_post(client, rank, rank="0").text
    assert "从 1 开始的整数" in value_post(client, rank, rank="一").text
    assert not Observation.objects.exists()
    assert value_post(client, rank, rank="3").status_code == 302


def test_a_value_already_there_is_shown_before_it_is_replaced(client, indicator, people):
    client.force_login(people["staff_own"])
    value_post(client, indicator, value="40")
    response = value_post(client, indicator, value="41")  # the form did not know of the 40
    assert response.status_code == 409 and "40" in response.text
    assert Observation.objects.get().value == 40
    again = client.post(indicator.get_absolute_url(), {"version": 1, "year": 2024, "value": "41",
                        "source": "", "note": "", "correct": "1"})  # fmt: skip
    assert again.status_code == 302 and Observation.objects.get().value == 41


def test_chart_json_matches_values_and_targets_exactly(client, indicator, people):
    Observation.objects.create(
        indicator=indicator, year=2023, value=Decimal("41.5"), review_state="approved"
    )
    client.force_login(people["leader"])
    data = client.get(reverse("indicators:indicator-chart", args=[indicator.pk])).json()
    assert data["labels"] == ["2022", "2023", "2024", "2025"]
    actual, path, original = data["datasets"]
    assert actual["data"] == [None, 41.5, None, None]
    assert path["data"] == [37.5, 45.0, 52.5, 60.0]
    assert original["data"] == path["data"]
    assert data["unit"] == "亿元"


def test_chart_json_escapes_user_text(client, indicator, people):
    indicator.name = '</script><img src=x onerror="alert(1)">&'
    indicator.save()
    client.force_login(people["leader"])
    response = client.get(reverse("indicators:indicator-chart", args=[indicator.pk]))
    raw = response.content.decode()
    assert "<" not in raw and ">" not in raw and "&" not in raw
    assert json.loads(raw)["title"] == indicator.name
    assert response["Content-Type"].startswith("application/json")


def test_indicator_table_filters_by_status_category_and_unit(client, indicator, people, plan):
    Observation.objects.create(
        indicator=indicator, year=2024, value=Decimal(60), review_state="approved"
    )  # met
    client.force_login(people["leader"])
    url = plan_page("indicators:indicator-list")
    codes = lambda **p: [r.indicator.code for r in client.get(url, p).context["rows"]]  # noqa: E731
    assert codes(status="met") == ["contracts"]
    assert "rd-intensity" in codes(status="no_data")
    assert codes(unit=indicator.responsible_unit_id) == ["contracts"]
    Indicator.objects.filter(pk=indicator.pk).update(category="output")
    assert codes(category="output") == ["contracts"]


def test_latest_only_progress_agrees_with_the_full_years(plan):
    import io as _io

    from django.core.management import call_command

    from indicators.selectors import progress_of, with_progress_data

    call_command("load_demo", stdout=_io.StringIO())
    full = {r.indicator.pk: r for r in map(progress_of, with_progress_data(
        Indicator.objects.filter(plan=plan)))}  # fmt: skip
    latest = [
        progress_of(i, latest_only=True)
        for i in with_progress_data(Indicator.objects.filter(plan=plan), latest_only=True)
    ]
    assert len(latest) == len(full) == 10  # the plan's 5, 4 demo ones and the demo ranked one
    for row in latest:
        other = full[row.indicator.pk]
        assert (row.status, row.completion, row.original_completion) == (
            other.status, other.completion, other.original_completion)  # fmt: skip
        assert (row.latest.year if row.latest else None) == (
            other.latest.year if other.latest else None)  # fmt: skip


@pytest.fixture
def milestone(plan):
    return Indicator.objects.create(
        plan=plan, code="platform", name="创新平台建成", kind=Indicator.Kind.MILESTONE, order=98,
        responsible_unit=Unit.objects.get(name="市科技局"),
    )  # fmt: skip


def test_a_milestone_is_judged_by_a_dated_value_with_evidence(client, milestone, people):
    client.force_login(people["staff_own"])
    form = {"version": 0, "year": 2024, "judgement": "partly", "judged_on": "2024-12-20",
            "text": "平台主体建成,尚未认定", "source": "市科技局文件", "note": ""}  # fmt: skip
    assert client.post(milestone.get_absolute_url(), form).status_code == 302
    value = Observation.objects.get(indicator=milestone)
    assert (value.judgement, str(value.judged_on)) == ("partly", "2024-12-20")
    assert value.review_state == "submitted"  # reviewed like other values


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"judgement": ""}, "judgement"),
        ({"judged_on": ""}, "judged_on"),
        ({"text": "", "source": ""}, "text"),
    ],
)
def test_a_milestone_needs_a_judgement_a_date_and_evidence(client, milestone, people, data, field):
    client.force_login(people["staff_own"])
    form = {"version": 0, "year": 2024, "judgement": "met", "judged_on": "2024-12-20",
            "text": "已建成", "source": "文件", "note": ""}  # fmt: skip
    form.update(data)
    response = client.post(milestone.get_absolute_url(), form)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not Observation.objects.exists()


def test_a_rank_read_from_words_needs_its_reading_note(plan, people):
    target = Target.objects.get(indicator__code="rd-intensity")
    with pytest.raises(ValidationError) as error:
        target_revise(target_id=target.pk, user=people["admin"], value=None, rank=5,
                      statement=target.statement, reason="领导小组会议确定")  # fmt: skip
    assert "reading_note" in error.value.message_dict
    target_revise(target_id=target.pk, user=people["admin"], value=None, rank=5,
                  statement=target.statement, reason="领导小组会议确定",
                  reading_note="前列 read as top 5")  # fmt: skip
    target.refresh_from_db()
    assert (target.rank, target.reading_note, target.original_rank) == (
        5,
        "前列 read as top 5",
        None,
    )
