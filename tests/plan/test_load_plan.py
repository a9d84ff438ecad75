"""``load_plan`` is idempotent and never undoes what administrators changed."""

import io

from django.apps import apps
from django.core.management import call_command
from django.utils import translation

from plan.models import Plan, Unit
from projects.models import Project

LOCAL_APPS = ["plan", "projects", "indicators"]


def snapshot() -> dict:
    """Every row of every model of ours, history tables included."""
    rows = {}
    for app in LOCAL_APPS:
        for model in apps.get_app_config(app).get_models():
            rows[model._meta.label] = sorted(map(repr, model.objects.values_list()))
    return rows


def test_loading_twice_leaves_the_same_rows(db):
    first_output = io.StringIO()
    with translation.override("en"):
        call_command("load_plan", stdout=first_output)
    first = snapshot()
    second_output = io.StringIO()
    call_command("load_plan", stdout=second_output)
    assert snapshot() == first
    assert "created 53 key projects" in first_output.getvalue()
    assert "nothing changed" in second_output.getvalue()
    assert Plan.objects.count() == 1


def test_reload_keeps_an_administrators_reassignment(plan):
    project = Project.objects.get(annex__number=3, order=1)
    other = Unit.objects.get(name="市工信局")
    project.unit = other
    project.save()
    call_command("load_plan", stdout=io.StringIO())
    project.refresh_from_db()
    assert project.unit == other


def test_reload_restores_a_changed_source_text(plan):
    task = plan.tasks.get(number=1)
    original = task.full_text
    task.full_text = "改坏了"
    task.save()
    call_command("load_plan", stdout=io.StringIO())
    task.refresh_from_db()
    assert task.full_text == original
