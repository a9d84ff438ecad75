"""Carry-over (结转, issue 18 item 5): unfinished projects of an ending plan continue in the next
plan as new projects linked to their predecessors; the old plan does not change."""

import datetime as dt
import json
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone

from dashboard import carry_over as carry
from dashboard import cockpit
from dashboard import plan_workbook as pw
from plan.lifecycle import plan_make_default, plan_state_change
from plan.models import Plan, PlanState
from projects.models import Project, ProjectStatus, ProjectUpdate
from tests.dashboard.test_plan_workbook import edit, new_plan_workbook, read

pytestmark = pytest.mark.django_db


@pytest.fixture
def target(plan) -> Plan:
    """A 2026-2030 draft built from the workbook: the same tasks, boxes and annexes."""

    def years(book):
        book["计划"]["C6"], book["计划"]["C7"] = 2026, 2030
        for row in book["目标"].iter_rows(min_row=3):
            row[1].value = 2030

    created = pw.apply_preview(read(edit(new_plan_workbook(plan), years)))
    assert list(created.years) == [2026, 2027, 2028, 2029, 2030]
    return created


@pytest.fixture
def lagging(plan, people) -> list[Project]:
    """Two lagging projects of 2022-2025 (one by status, one past its end), one with a report,
    and one completed project."""
    projects = list(Project.objects.filter(annex__plan=plan).order_by("annex__number", "order"))
    first, second, done = projects[0], projects[7], projects[3]
    first.status, first.percent_complete = ProjectStatus.LAGGING, 40
    first.save()
    second.status, second.percent_complete = ProjectStatus.IN_PROGRESS, 70
    second.planned_start, second.planned_end = dt.date(2022, 1, 1), dt.date(2025, 6, 30)
    second.save()
    done.status, done.percent_complete = ProjectStatus.COMPLETED, 100
    done.save()
    ProjectUpdate.objects.create(
        project=first,
        year=2025,
        quarter=4,
        status=ProjectStatus.LAGGING,
        percent_complete=40,
        progress="主体完工",
        submitted_by=people["staff_own"],
        submitted_at=timezone.now(),
    )
    return [first, second]


def figures(plan: Plan) -> str:
    """The old plan's figures as text: counts, task roll-ups, reporting completeness."""
    today = timezone.localdate()
    counts, rollups = cockpit.project_figures(plan, today)
    approved = cockpit.project_counts(plan, today, approved=True)
    tasks = {t.number: rollups.get(t.pk) for t in plan.tasks.all()}
    return json.dumps([sorted(counts.items()), sorted(approved.items()), repr(tasks)])


def page(client, url) -> str:
    text = client.get(url).text
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)


def projects_of(plan: Plan) -> list:
    return list(Project.objects.filter(annex__plan=plan).order_by("pk").values())


def test_the_page_ticks_the_lagging_projects_and_offers_the_unfinished(
    client, people, plan, target, lagging
):
    client.force_login(people["admin"])
    response = client.get(
        reverse("dashboard:carry-over"), {"source": plan.code, "target": target.code}
    )
    rows = response.context["rows"]
    assert response.context["target"] == target
    assert ProjectStatus.COMPLETED not in {r["project"].status for r in rows}
    assert len(rows) == Project.objects.filter(annex__plan=plan).count() - 1
    ticked = {r["project"].pk for r in rows if r["checked"]}
    assert ticked == {r["project"].pk for r in rows if r["project"].is_lagging}
    assert {p.pk for p in lagging} <= ticked
    # The default annex is the target's annex of the same number.
    row = next(r for r in rows if r["project"].pk == lagging[1].pk)
    assert target.annexes.get(pk=row["annex_id"]).number == lagging[1].annex.number


def test_preview_then_confirm_carries_into_new_projects_and_the_old_plan_stays(
    client, people, plan, target, lagging
):
    client.force_login(people["admin"])
    before = (
        figures(plan),
        projects_of(plan),
        list(ProjectUpdate.objects.values()),
        page(client, reverse("plan:evaluation")),
        page(client, reverse("dashboard:home")),
    )
    annex = target.annexes.get(number=2)
    data = {
        "source": plan.code,
        "target": target.code,
        "project": [p.pk for p in lagging],
        **{f"annex-{p.pk}": annex.pk for p in lagging},
    }
    preview = client.post(reverse("dashboard:carry-over"), {**data, "action": "preview"})
    assert [r.project for r in preview.context["preview"]] == lagging
    assert preview.context["preview_ok"]
    assert not Project.objects.filter(annex__plan=target, carried_from__isnull=False).exists()
    response = client.post(
        reverse("dashboard:carry-over"), {**data, "action": "confirm"}, follow=True
    )
    assert "已将 2 个项目从 2022-2025 结转至 2026-2030" in response.text
    carried = list(Project.objects.filter(carried_from__isnull=False).order_by("order"))
    assert [p.carried_from for p in carried] == lagging
    last = annex.projects.exclude(pk__in=[p.pk for p in carried]).order_by("order").last()
    assert [(p.annex, p.order) for p in carried] == [
        (annex, last.order + 1),
        (annex, last.order + 2),
    ]
    for new, old in zip(carried, lagging, strict=True):
        assert (new.name, new.unit, new.status, new.percent_complete, new.planned_end) == (
            old.name,
            old.unit,
            old.status,
            old.percent_complete,
            old.planned_end,
        )
        assert not new.updates.exists() and new.approved_percent == 0
    after = (
        figures(plan),
        projects_of(plan),
        list(ProjectUpdate.objects.values()),
        page(client, reverse("plan:evaluation")),
        page(client, reverse("dashboard:home")),
    )
    assert after[0] == before[0]
    assert after[1] == before[1]
    assert after[2] == before[2]
    assert after[3] == before[3]
    assert after[4] == before[4]


def test_the_same_project_is_not_carried_twice_into_one_plan(client, people, plan, target, lagging):
    annex = target.annexes.get(number=1)
    choices = {lagging[0].pk: annex.pk}
    carry.carry_over(source=plan, target=target, choices=choices, user=people["admin"])
    with pytest.raises(carry.CarryRefused, match="已结转至 2026-2030"):
        carry.carry_over(source=plan, target=target, choices=choices, user=people["admin"])
    assert Project.objects.filter(carried_from=lagging[0]).count() == 1
    client.force_login(people["admin"])
    rows = client.get(reverse("dashboard:carry-over"), {"target": target.code}).context["rows"]
    row = next(r for r in rows if r["project"].pk == lagging[0].pk)
    assert row["carried"] and not row["checked"]


def test_what_cannot_be_carried_is_refused_and_nothing_is_written(plan, target, lagging, people):
    admin = people["admin"]
    done = Project.objects.get(annex__plan=plan, status=ProjectStatus.COMPLETED)
    annex = target.annexes.first()
    for choices, message in (
        ({lagging[0].pk: annex.pk, done.pk: annex.pk}, "已完成"),
        ({lagging[0].pk: plan.annexes.first().pk}, "请选择 2026-2030 的附表"),
        ({}, "请至少选择"),
    ):
        with pytest.raises(carry.CarryRefused, match=message):
            carry.carry_over(source=plan, target=target, choices=choices, user=admin)
    with pytest.raises(carry.CarryRefused, match="另一个计划"):
        carry.carry_over(source=plan, target=plan, choices={lagging[0].pk: annex.pk}, user=admin)
    with pytest.raises(carry.CarryRefused, match="已结束的计划，或处于最后一年"):
        carry.carry_over(source=target, target=plan, choices={}, user=admin)
    with pytest.raises(PermissionDenied):
        carry.carry_over(
            source=plan, target=target, choices={lagging[0].pk: annex.pk}, user=people["reviewer"]
        )
    assert not Project.objects.filter(carried_from__isnull=False).exists()


def test_an_ended_plan_carries_into_an_active_one_but_not_into_an_ended_one(
    plan, target, lagging, people
):
    admin = people["admin"]
    plan_state_change(plan=plan, state=PlanState.ENDED, user=admin)
    plan_state_change(plan=target, state=PlanState.ACTIVE, user=admin)
    plan.refresh_from_db(), target.refresh_from_db()
    annex = target.annexes.first()
    assert carry.carry_over(
        source=plan, target=target, choices={lagging[0].pk: annex.pk}, user=admin
    )
    plan_state_change(plan=target, state=PlanState.ENDED, user=admin)
    target.refresh_from_db()
    with pytest.raises(carry.CarryRefused, match="草稿或执行中"):
        carry.carry_over(source=plan, target=target, choices={lagging[1].pk: annex.pk}, user=admin)


def test_only_administrators_open_the_carry_over(client, people):
    for who in ("leader", "staff_own", "reviewer"):
        client.force_login(people[who])
        assert client.get(reverse("dashboard:carry-over")).status_code == 403


def test_the_link_to_the_predecessor_is_the_one_link_that_crosses_plans(plan, target, lagging):
    old = lagging[0]
    same_plan = Project(annex=old.annex, order=999, name="x", unit=old.unit, carried_from=old)
    with pytest.raises(ValidationError) as refused:
        same_plan.full_clean()
    assert "carried_from" in refused.value.message_dict
    other = Project(
        annex=target.annexes.first(), order=999, name="x", unit=old.unit, carried_from=old
    )
    other.full_clean()  # accepted: another plan's project


def test_the_pages_link_the_old_and_the_new_project(client, people, plan, target, lagging):
    admin = people["admin"]
    [new] = carry.carry_over(
        source=plan, target=target, choices={lagging[0].pk: target.annexes.first().pk}, user=admin
    )
    client.force_login(people["leader"])
    old_page = client.get(reverse("projects:project-detail", args=[lagging[0].pk])).text
    assert "已结转至" in old_page and reverse("projects:project-detail", args=[new.pk]) in old_page
    plan_state_change(plan=target, state=PlanState.ACTIVE, user=admin)
    plan_make_default(plan=target, user=admin)
    new_page = client.get(reverse("projects:project-detail", args=[new.pk])).text
    assert "结转自" in new_page
    assert reverse("projects:project-detail", args=[lagging[0].pk]) in new_page
    with pytest.raises(ProtectedError):
        lagging[0].delete()


def test_the_carry_over_page_runs_a_fixed_number_of_queries_at_two_sizes(
    client, people, plan, target, lagging
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.conftest import grow_plan

    client.force_login(people["admin"])
    carry.carry_over(source=plan, target=target, choices={lagging[0].pk: target.annexes.first().pk},
                     user=people["admin"])  # fmt: skip
    url = reverse("dashboard:carry-over")
    counts = []
    for grow in (False, True):
        if grow:
            grow_plan(plan, projects=600, units=20)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, {"source": plan.code, "target": target.code})
        assert response.status_code == 200
        counts.append(len(queries))
    assert len(response.context["rows"]) > 600
    assert counts == [12, 12]  # with the menu's count of reports waiting for review


def test_the_builder_page_runs_a_fixed_number_of_queries(client, people, plan, target):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(people["admin"])
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("dashboard:plan-builder")).status_code == 200
    assert len(queries) == 7  # with the menu's count of reports waiting for review


def test_an_active_plan_before_its_last_year_is_not_carried_from(plan, target, people):
    plan_state_change(plan=target, state=PlanState.ACTIVE, user=people["admin"])
    target.refresh_from_db()
    assert carry.is_ending(plan, dt.date(2026, 1, 1))
    assert not carry.is_ending(plan, dt.date(2024, 6, 1))
    assert not carry.is_ending(target, dt.date(2026, 12, 1))
    assert carry.is_ending(target, dt.date(2030, 1, 1))
    with pytest.raises(carry.CarryRefused, match="截止 2030 年"):
        carry.carry_over(source=target, target=plan, choices={}, user=people["admin"])
