"""No lost updates: a second save over a changed project gets the conflict page, keeps what its
author typed, and overwrites nothing; on PostgreSQL two real connections race for the row."""

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone

from projects.models import Project, ProjectUpdate
from projects.progress import reporting_period
from projects.services import ProjectConflict, ReportInput, project_edit, project_update_submit


@pytest.fixture
def project(plan):
    return Project.objects.get(annex__number=1, order=3)


def period(project):
    plan = project.annex.plan
    return reporting_period(timezone.localdate(), plan.start_year, plan.end_year)


def edit_data(version, **fields):
    data = {"version": version, "builder": "", "location": "", "content": "",
            "total_investment": "", "planned_start": "", "planned_end": ""}  # fmt: skip
    data.update(fields)
    return data


def test_second_edit_over_a_changed_project_gets_the_conflict_page(client, people, project):
    seen_version = project.version
    first, second = people["staff_own"], people["admin"]
    url = reverse("projects:project-edit", args=[project.pk])

    client.force_login(first)
    assert client.post(url, edit_data(seen_version, builder="甲公司")).status_code == 302

    client.force_login(second)
    response = client.post(url, edit_data(seen_version, location="丰满区", builder="乙公司"))
    assert response.status_code == 409
    text = response.text
    assert 'data-testid="conflict"' in text
    assert "甲公司" in text  # what the first person changed
    assert 'value="丰满区"' in text and 'value="乙公司"' in text  # what the second typed
    project.refresh_from_db()
    assert (project.builder, project.location) == ("甲公司", "")  # nothing overwritten
    assert response.context["form"]["version"].value() == project.version

    retry = client.post(url, edit_data(project.version, location="丰满区", builder="甲公司"))
    assert retry.status_code == 302
    project.refresh_from_db()
    assert (project.builder, project.location) == ("甲公司", "丰满区")


def test_second_report_over_a_changed_project_keeps_the_typed_report(client, people, project):
    seen_version = project.version
    url = reverse("projects:project-report", args=[project.pk])
    base = {"period": str(period(project)), "status": "in_progress", "next_steps": ""}
    client.force_login(people["staff_own"])
    assert client.post(url, {**base, "version": seen_version, "percent_complete": 30,
                             "progress": "第一人的填报"}).status_code == 302  # fmt: skip
    client.force_login(people["admin"])
    response = client.post(url, {**base, "version": seen_version, "percent_complete": 35,
                                 "progress": "第二人的填报"})  # fmt: skip
    assert response.status_code == 409
    assert "第二人的填报" in response.text
    assert ProjectUpdate.objects.get(project=project).progress == "第一人的填报"


@pytest.mark.django_db(transaction=True)
def test_two_connections_saving_at_once_give_one_save_and_one_conflict(plan, people):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; SQLite serialises whole-database writes")
    project = Project.objects.get(annex__number=1, order=3)
    version = project.version
    start = threading.Barrier(2)
    results = {}

    def save(name, user, data):
        try:
            start.wait(timeout=10)
            if name == "report":
                results[name] = project_update_submit(
                    project_id=project.pk, user=user, expected_version=version, data=data
                )
            else:
                results[name] = project_edit(
                    project_id=project.pk, user=user, expected_version=version, changes=data
                )
        except Exception as error:  # noqa: BLE001 - the test inspects what each thread got
            results[name] = error
        finally:
            connections.close_all()

    report = ReportInput(period=period(project), status="in_progress", percent_complete=25,
                         progress="并发填报")  # fmt: skip
    threads = [
        threading.Thread(target=save, args=("report", people["staff_own"], report)),
        threading.Thread(target=save, args=("edit", people["admin"],
                                            {"total_investment": Decimal("500")})),
    ]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    conflicts = [r for r in results.values() if isinstance(r, ProjectConflict)]
    saved = [r for r in results.values() if not isinstance(r, Exception)]
    assert len(conflicts) == 1 and len(saved) == 1, results
    project.refresh_from_db()
    assert project.version == version + 1
    assert conflicts[0].project.version == version + 1
    if "report" in {k for k, v in results.items() if v in saved}:
        assert ProjectUpdate.objects.filter(project=project).count() == 1
        assert project.total_investment is None
    else:
        assert not ProjectUpdate.objects.filter(project=project).exists()
        assert project.total_investment == Decimal("500")


def test_the_conflict_shows_only_what_changed_after_the_version_the_user_saw(plan, people):
    from projects.history import changes_since

    project = Project.objects.get(annex__number=1, order=4)
    project.location = "旧址"
    project.save()  # a save that kept the version: part of what the user saw
    seen = project.version
    project_edit(project_id=project.pk, user=people["staff_own"], expected_version=seen,
                 changes={"builder": "甲公司"})  # fmt: skip
    entries = changes_since(project, seen)
    assert [(c.label, c.old, c.new) for e in entries for c in e.changes] == [
        ("建设单位", "—", "甲公司")
    ]
    assert entries[0].who == people["staff_own"]


def test_the_edit_form_gives_dates_back_as_iso_so_a_save_keeps_them(client, people, project):
    import datetime as dt

    project.planned_start, project.planned_end = dt.date(2022, 7, 1), dt.date(2024, 12, 31)
    project.save()
    client.force_login(people["staff_own"])
    page = client.get(reverse("projects:project-edit", args=[project.pk])).text
    assert 'value="2022-07-01"' in page and 'value="2024-12-31"' in page
