"""The demo and the set-up command with another plan beside the 2022-2025 one (issue 18, item 6):
``load_demo`` and ``load_demo --remove`` work whichever plan is the default, never delete a user
whom real reports name, and ``load_demo --if-safe`` (what ``scripts/serve`` runs) skips the demo
where real reports exist instead of stopping the server's start."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from plan.models import Plan
from projects.models import Project, ProjectUpdate
from supervision.models import TaskReport

pytestmark = pytest.mark.django_db


@pytest.fixture
def successor(plan) -> Plan:
    """A 2026-2030 plan, saved after the first and marked as the default, as the issue found."""
    return Plan.objects.create(
        code="2026-2030",
        title="下一期行动计划",
        start_year=2026,
        end_year=2030,
        is_current=True,
        state="active",
    )


def _run(*args) -> str:
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def test_the_demo_goes_into_the_2022_2025_plan_even_when_another_is_the_default(plan, successor):
    assert Plan.objects.current() == successor
    assert "Demo data loaded into" in _run()
    plan.refresh_from_db()
    successor.refresh_from_db()
    assert plan.demo_data and not successor.demo_data
    assert ProjectUpdate.objects.filter(project__annex__plan=plan, is_demo=True).count() > 600
    # Loading again (what scripts/serve does on every start) replaces it, no ProtectedError.
    _run()
    assert "Demo data removed." in _run("--remove")
    plan.refresh_from_db()
    assert not plan.demo_data
    assert not ProjectUpdate.objects.filter(is_demo=True).exists()
    assert not get_user_model().objects.filter(username__startswith="demo-").exists()


def test_a_plan_is_chosen_by_its_code(plan, successor):
    with pytest.raises(CommandError, match="No plan with the code"):
        _run("--plan", "1999-2000")
    assert "Demo data loaded into" in _run("--plan", "2022-2025")


def test_removal_keeps_a_demo_user_that_real_reports_name(plan, successor):
    _run()
    clerk = get_user_model().objects.get(username="demo-staff-kjj")
    # A real report (outside the demo's quarters), filed by mistake with a demo login.
    project = Project.objects.filter(annex__plan=plan).first()
    real = ProjectUpdate.objects.create(
        project=project, year=2022, quarter=1, status="in_progress", percent_complete=5,
        submitted_at="2022-04-05T10:00:00+08:00", submitted_by=clerk, is_demo=False,
    )  # fmt: skip
    out = _run("--remove")
    assert "Kept user demo-staff-kjj (deactivated)" in out
    clerk.refresh_from_db()
    assert clerk.is_active is False
    assert ProjectUpdate.objects.filter(pk=real.pk).exists()
    assert not get_user_model().objects.filter(username="demo-admin").exists()


def test_if_safe_skips_the_demo_where_real_reports_exist_and_changes_nothing(plan, user):
    project = Project.objects.filter(annex__plan=plan).first()
    ProjectUpdate.objects.create(
        project=project, year=2024, quarter=1, status="in_progress", percent_complete=5,
        submitted_at="2024-04-05T10:00:00+08:00", submitted_by=user,
    )  # fmt: skip
    before = (ProjectUpdate.objects.count(), TaskReport.objects.count())
    out = _run("--if-safe")
    assert "Skipped the demo data" in out and "real reports" in out
    assert (ProjectUpdate.objects.count(), TaskReport.objects.count()) == before
    plan.refresh_from_db()
    assert not plan.demo_data
    # Without --if-safe it still refuses, loudly.
    with pytest.raises(CommandError, match="real progress reports"):
        _run()


def test_scripts_serve_loads_the_demo_only_if_safe():
    from pathlib import Path

    from django.conf import settings

    serve = (Path(settings.BASE_DIR) / "scripts" / "serve").read_text()
    assert "manage.py load_demo --if-safe" in serve
