"""No link crosses from one plan to another (issue 18, item 2): a thematic box hangs on a task of
its own plan and an annex on a box of its own plan, refused by the models' rules, in the admin
and in the loaders. The other links reach their plan through one parent only."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from plan.loader import LoadReport, upsert
from plan.models import Column, Plan, Task
from projects.models import Annex
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def other(plan) -> Plan:
    other = Plan.objects.create(
        code="2026-2030", title="下一期行动计划", start_year=2026, end_year=2030, is_current=False
    )
    Task.objects.create(plan=other, number=1, short_title="新任务", programme="新工程")
    Column.objects.create(plan=other, task=other.tasks.get(), number=1, title="新专栏", text="…")
    return other


def test_a_box_on_another_plans_task_is_refused(plan, other):
    box = Column(plan=plan, task=other.tasks.get(), number=9, title="跨计划", text="…")
    with pytest.raises(ValidationError) as refused:
        box.full_clean()
    assert "task" in refused.value.message_dict


def test_an_annex_on_another_plans_box_is_refused(plan, other):
    annex = Annex(plan=plan, column=other.columns.get(), number=9, title="跨计划")
    with pytest.raises(ValidationError) as refused:
        annex.full_clean()
    assert "column" in refused.value.message_dict


def test_the_loader_refuses_a_cross_plan_link_and_stores_nothing(plan, other):
    with pytest.raises(ValidationError):
        upsert(Column, LoadReport(), {"plan": plan, "number": 9},
               {"task": other.tasks.get(), "title": "跨计划", "text": "…"})  # fmt: skip
    assert not Column.objects.filter(plan=plan, number=9).exists()
    box = plan.columns.order_by("number").first()
    with pytest.raises(ValidationError):
        upsert(Column, LoadReport(), {"plan": plan, "number": box.number},
               {"task": other.tasks.get(), "title": box.title, "text": box.text})  # fmt: skip
    box.refresh_from_db()
    assert box.task.plan == plan


@pytest.mark.parametrize("model", ["column", "annex"])
def test_the_admin_refuses_a_cross_plan_link_on_the_field(client, plan, other, model):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    if model == "column":
        url = reverse("admin:plan_column_add")
        data = {"plan": plan.pk, "task": other.tasks.get().pk, "number": 9, "title": "跨计划",
                "text": "…"}  # fmt: skip
        field, count = "task", Column.objects.count()
    else:
        url = reverse("admin:projects_annex_add")
        data = {"plan": plan.pk, "column": other.columns.get().pk, "number": 9, "title": "跨计划",
                "column_group": ""}  # fmt: skip
        field, count = "column", Annex.objects.count()
    response = client.post(url, data)
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert (Column if model == "column" else Annex).objects.count() == count
