"""Who may do what on every project URL, for each role and method; a refusal changes nothing."""

import pytest
from django.urls import reverse
from django.utils import timezone

from projects import urls as project_urls
from projects.models import Project, ProjectUpdate
from projects.progress import reporting_period

ROLES = ["anonymous", "staff_own", "staff_other", "leader", "admin"]
READ = {"anonymous": 302, "staff_own": 200, "staff_other": 200, "leader": 200, "admin": 200}
WRITE_PAGE = {"anonymous": 302, "staff_own": 200, "staff_other": 403, "leader": 403, "admin": 200}
WRITE = {"anonymous": 302, "staff_own": 302, "staff_other": 403, "leader": 403, "admin": 302}

# (url name, method, expected status by role); every URL of projects/urls.py must be here.
MATRIX = [
    ("project-list", "get", READ),
    ("my-projects", "get", READ),
    ("annex-detail", "get", READ),
    ("project-detail", "get", READ),
    ("project-report", "get", WRITE_PAGE),
    ("project-report", "post", WRITE),
    ("project-edit", "get", WRITE_PAGE),
    ("project-edit", "post", WRITE),
    ("export", "get", READ),
    ("annex-export", "get", READ),
    ("annex-print", "get", READ),
    (
        "import",
        "get",
        {"anonymous": 302, "staff_own": 200, "staff_other": 200, "leader": 403, "admin": 200},
    ),
]
# An import's preview needs an upload first, a report's files page a report; both are covered by
# tests/security/test_url_access.py (and evidence by tests/plan/test_evidence.py).
ELSEWHERE = {"import-preview", "update-evidence"}


def test_every_project_url_is_in_the_matrix():
    names = {p.name for p in project_urls.urlpatterns}
    assert names == {name for name, _, _ in MATRIX} | ELSEWHERE


def url_for(name, project):
    if name in {"project-detail", "project-report", "project-edit"}:
        return reverse(f"projects:{name}", args=[project.pk])
    if name in {"annex-detail", "annex-export", "annex-print"}:
        return reverse(f"projects:{name}", args=[project.annex.number])
    return reverse(f"projects:{name}")


def form_data(name, project):
    project.refresh_from_db()
    if name == "project-report":
        plan = project.annex.plan
        period = reporting_period(timezone.localdate(), plan.start_year, plan.end_year)
        return {"version": project.version, "period": str(period), "status": "in_progress",
                "percent_complete": 20, "progress": "推进中。"}  # fmt: skip
    return {"version": project.version, "builder": "某建设单位", "location": "吉林市",
            "content": "", "total_investment": "100", "planned_start": "",
            "planned_end": ""}  # fmt: skip


def state(project):
    project.refresh_from_db()
    return (project.version, project.builder, project.status, ProjectUpdate.objects.count())


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("name", "method", "expected"), MATRIX, ids=[f"{n}-{m}" for n, m, _ in MATRIX]
)
def test_each_role_gets_the_expected_answer(client, people, role, name, method, expected):
    project = Project.objects.get(annex__number=2, order=3)
    if role != "anonymous":
        client.force_login(people[role])
    url = url_for(name, project)
    before = state(project)
    send = client.get if method == "get" else client.post
    response = send(url, form_data(name, project) if method == "post" else None)
    assert response.status_code == expected[role], (role, name, method)
    if response.status_code == 302 and role == "anonymous":
        assert response["Location"].startswith(reverse("login"))
    if method == "post":
        changed = state(project) != before
        assert changed is (expected[role] == 302 and role != "anonymous")


@pytest.mark.parametrize("role", ["staff_other", "leader"])
def test_a_guessed_report_url_of_another_units_project_changes_nothing(client, people, role):
    project = Project.objects.get(annex__number=4, order=1)
    client.force_login(people[role])
    before = state(project)
    response = client.post(reverse("projects:project-report", args=[project.pk]),
                           form_data("project-report", project))  # fmt: skip
    assert response.status_code == 403
    assert state(project) == before
    assert not ProjectUpdate.objects.exists()


@pytest.mark.parametrize(("role", "sees_form"), [("staff_own", True), ("admin", True),
                         ("staff_other", False), ("leader", False)])  # fmt: skip
def test_only_those_allowed_see_the_report_form(client, people, role, sees_form):
    project = Project.objects.get(annex__number=1, order=2)
    client.force_login(people[role])
    text = client.get(project.get_absolute_url()).text
    assert ('data-testid="report-form"' in text) is sees_form
    assert (reverse("projects:project-edit", args=[project.pk]) in text) is sees_form


def test_reassigning_a_project_moves_the_right_to_report(client, people, plan):
    from plan.models import Unit

    project = Project.objects.get(annex__number=1, order=2)
    project.unit = Unit.objects.get(name="市工信局")
    project.save()
    client.force_login(people["staff_other"])
    assert client.get(reverse("projects:project-report", args=[project.pk])).status_code == 200
    client.force_login(people["staff_own"])
    assert client.get(reverse("projects:project-report", args=[project.pk])).status_code == 403
