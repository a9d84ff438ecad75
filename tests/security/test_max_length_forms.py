"""Every form of the dashboard, every text field at its limit and one character past it, as each
role allowed to submit it: never a 500. At the limit the text is stored in full; one past, the
form is refused with a message on that field and nothing is saved.

The limits come from ``plan.textlimits``. SQLite does not enforce ``varchar(n)``; PostgreSQL
does, and before this test a reason or a comment longer than ~95 characters was copied into
django-simple-history's ``history_change_reason`` (``varchar(100)``) and was a 500 there. CI
runs this file on both databases; nothing here is skipped on either.
"""

import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from indicators.models import Indicator, Observation
from plan.models import Responsibility, Unit
from plan.textlimits import CHANGE_REASON, LIMITS, limit
from projects.excel import HEADERS
from projects.models import Project, ProjectImport, ProjectUpdate
from supervision.models import (
    Evidence,
    ReminderNotice,
    ReopenRequest,
    ReopenState,
    ReviewState,
    TaskReport,
    TaskSummary,
)
from tests.conftest import plan_page
from tests.factories import UserFactory

UNIT_ROLES = ["staff_own", "admin"]  # who may write a unit's reports
REVIEW_ROLES = ["reviewer", "admin"]  # who may review them (never their own unit's)

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def text(length: int) -> str:
    """Text of ``length`` characters with no spaces to strip: Chinese, as clerks write it."""
    return ("进展情况良好" * (length // 6 + 1))[:length]


def refused_on(form, field: str, maximum: int) -> None:
    assert field in form.errors, form.errors
    assert str(maximum) in " ".join(form.errors[field])


def period(plan) -> str:
    return str(plan.reporting_periods[-1])


def no_history_reason_too_long() -> None:
    """Whatever was saved, no history row carries a change reason its column cannot hold."""
    for model in (ReopenRequest, ReminderNotice, ProjectUpdate, TaskReport, Observation):
        for reason in model.history.values_list("history_change_reason", flat=True):
            assert reason is None or len(reason) <= CHANGE_REASON


def test_the_table_has_a_limit_for_every_free_text_field_users_fill_in():
    expected = {
        "projects.ProjectUpdate": {"progress", "problems", "next_steps", "reason"},
        "supervision.TaskReport": {"progress", "figures", "problems", "next_steps"},
        "supervision.TaskSummary": {"summary"},
        "indicators.Observation": {"text", "source", "note"},
        "supervision.ReopenRequest": {"reason", "decision_comment"},
    }
    for model, fields in expected.items():
        assert fields <= set(LIMITS[model.rpartition(".")[2]]), model
    # Short fields stop at their column; report narratives fit one cell and one printed row.
    assert limit("projects.Project", "builder") == Project._meta.get_field("builder").max_length
    assert limit("supervision.Evidence", "name") == Evidence._meta.get_field("name").max_length
    assert limit("indicators.Observation", "text") == 300
    assert all(n <= 32767 for fields in LIMITS.values() for n in fields.values())


# ---- unit staff: project report and edit, task report and summary, value, files ------------


@pytest.mark.parametrize("role", UNIT_ROLES)
def test_project_report_every_text_at_its_limit_and_one_past(client, plan, people, role):
    client.force_login(people[role])
    project = Project.objects.get(annex__number=1, order=1)
    url = reverse("projects:project-report", args=[project.pk])
    for field, maximum in LIMITS["ProjectUpdate"].items():
        base = {"period": period(plan), "status": "in_progress", "percent_complete": 10,
                "progress": "正常推进", "replace": "on"}  # fmt: skip
        for length in (maximum + 1, maximum):
            version = Project.objects.get(pk=project.pk).version
            before = ProjectUpdate.objects.filter(**{field: text(length)}).count()
            response = client.post(url, {**base, "version": version, field: text(length)})
            if length > maximum:
                assert response.status_code == 200
                refused_on(response.context["form"], field, maximum)
                assert Project.objects.get(pk=project.pk).version == version
            else:
                assert response.status_code == 302, response.context["form"].errors
                assert getattr(project.updates.get(), field) == text(maximum)
            assert ProjectUpdate.objects.filter(**{field: text(length)}).count() == (
                before if length > maximum else 1
            )
    no_history_reason_too_long()


@pytest.mark.parametrize("role", UNIT_ROLES)
def test_project_edit_every_text_at_its_limit_and_one_past(client, plan, people, role):
    client.force_login(people[role])
    project = Project.objects.get(annex__number=1, order=2)
    url = reverse("projects:project-edit", args=[project.pk])
    for field in ("builder", "location", "content"):
        maximum = limit("projects.Project", field)
        for length in (maximum + 1, maximum):
            version = Project.objects.get(pk=project.pk).version
            response = client.post(url, {"version": version, field: text(length)})
            project.refresh_from_db()
            if length > maximum:
                assert response.status_code == 200
                refused_on(response.context["form"], field, maximum)
                assert project.version == version and getattr(project, field) != text(length)
            else:
                assert response.status_code == 302, response.context["form"].errors
                assert getattr(project, field) == text(maximum)


@pytest.mark.parametrize("role", UNIT_ROLES)
def test_task_report_and_summary_every_text_at_its_limit_and_one_past(client, plan, people, role):
    client.force_login(people[role])
    lead = Responsibility.objects.get(task__number=1, order=1)
    if role == "staff_own":  # staff of the task's lead unit (the fixture's is 市科技局's)
        client.force_login(UserFactory(username="lead", role="填报员", unit=lead.unit))
    url = plan_page("supervision:task-report", 1, lead.unit_id, period(plan))
    for field, maximum in LIMITS["TaskReport"].items():
        for length in (maximum + 1, maximum):
            report = TaskReport.objects.filter(task=lead.task, unit=lead.unit).first()
            version = report.version if report else 0
            data = {"version": version, "status": "on_track", "progress": "正常推进",
                    field: text(length)}  # fmt: skip
            response = client.post(url, data)
            if length > maximum:
                assert response.status_code == 200
                refused_on(response.context["form"], field, maximum)
                assert not TaskReport.objects.filter(**{field: text(length)}).exists()
            else:
                assert response.status_code == 302, response.context["form"].errors
                assert getattr(TaskReport.objects.get(), field) == text(maximum)
    summary_url = plan_page("supervision:task-summary", 1, period(plan))
    maximum = limit("supervision.TaskSummary", "summary")
    for length in (maximum + 1, maximum):
        row = TaskSummary.objects.first()
        response = client.post(
            summary_url, {"version": row.version if row else 0, "summary": text(length)}
        )
        if length > maximum:
            assert response.status_code == 200
            refused_on(response.context["form"], "summary", maximum)
            assert not TaskSummary.objects.exists()
        else:
            assert response.status_code == 302
            assert TaskSummary.objects.get().summary == text(maximum)


@pytest.mark.parametrize("role", UNIT_ROLES)
def test_indicator_value_every_text_at_its_limit_and_one_past(client, plan, people, role):
    client.force_login(people[role])
    indicator = Indicator.objects.create(
        plan=plan, code="q", name="营商环境", kind=Indicator.Kind.QUALITATIVE,
        responsible_unit=Unit.objects.get(name="市科技局"),
    )  # fmt: skip
    for field, maximum in LIMITS["Observation"].items():
        for length in (maximum + 1, maximum):
            row = Observation.objects.first()
            data = {"version": row.version if row else 0, "year": 2024, "text": "位居前列",
                    "source": "统计公报", "note": "", "correct": "1"}  # fmt: skip
            data[field] = text(length)
            response = client.post(indicator.get_absolute_url(), data)
            if length > maximum:
                assert response.status_code == 200
                refused_on(response.context["form"], field, maximum)
                assert not Observation.objects.filter(**{field: text(length)}).exists()
            else:
                assert response.status_code == 302, response.context["form"].errors
                assert getattr(Observation.objects.get(), field) == text(maximum)


@pytest.mark.parametrize("role", UNIT_ROLES)
def test_evidence_file_name_at_its_limit_and_one_past(client, plan, people, role):
    client.force_login(people[role])
    project = Project.objects.get(annex__number=1, order=1)
    report = ProjectUpdate.objects.create(
        project=project, year=2025, quarter=4, status="in_progress", percent_complete=5,
        submitted_at="2026-01-05T00:00:00Z",
    )  # fmt: skip
    url = reverse("projects:update-evidence", args=[report.pk])
    maximum = limit("supervision.Evidence", "name")
    for length in (maximum + 1, maximum):
        name = text(length - 4) + ".pdf"
        response = client.post(url, {"files": SimpleUploadedFile(name, PDF)})
        if length > maximum:
            assert response.status_code == 200
            refused_on(response.context["form"], "files", maximum)
            assert not Evidence.objects.exists()
        else:
            assert response.status_code == 302
            assert Evidence.objects.get().name == name


# ---- reviewers: approve, return, undo an approval -------------------------------------------


@pytest.mark.parametrize("role", REVIEW_ROLES)
def test_review_comments_at_their_limit_and_one_past(client, plan, people, role):
    client.force_login(people[role])
    project = Project.objects.get(annex__number=1, order=1)
    report = ProjectUpdate.objects.create(
        project=project, year=2025, quarter=4, status="in_progress", percent_complete=5,
        submitted_at="2026-01-05T00:00:00Z",
    )  # fmt: skip
    url = reverse("supervision:review-detail", args=["project", report.pk])
    maximum = limit("supervision.Reviewable", "review_comment")
    steps = [  # action, its text field, the state it leads to
        ("approve", "comment", ReviewState.APPROVED),
        ("unapprove", "reason", ReviewState.SUBMITTED),
        ("return", "comment", ReviewState.RETURNED),
    ]
    for action, field, state in steps:
        for length in (maximum + 1, maximum):
            report.refresh_from_db()
            before = report.review_state
            token = client.get(url).context["forms"][action].initial["token"]
            response = client.post(url, {"action": action, f"{action}-token": token,
                                         f"{action}-{field}": text(length)})  # fmt: skip
            report.refresh_from_db()
            if length > maximum:
                assert response.status_code == 200
                refused_on(response.context["forms"][action], field, maximum)
                assert report.review_state == before
            else:
                assert response.status_code == 302
                assert report.review_state == state
                assert report.review_comment == text(maximum)
    no_history_reason_too_long()


# ---- the reopening cycle and reminders -------------------------------------------------------


def test_reopen_request_and_decisions_at_their_limit_and_one_past(client, plan, people):
    plan.close_after_days = 30  # every period of the ended plan is closed now
    plan.save()
    client.force_login(people["staff_own"])
    unit = Unit.objects.get(name="市科技局")
    url = plan_page("supervision:reopen-request")
    maximum = limit("supervision.ReopenRequest", "reason")
    projects = list(Project.objects.filter(annex__number=1, unit=unit).order_by("order")[:2])
    for project in projects:
        for length in (maximum + 1, maximum):
            data = {"unit": unit.pk, "period": period(plan), "reason": text(length),
                    "scope": "project", "object": project.pk}  # fmt: skip
            response = client.post(url, data)
            if length > maximum:
                assert response.status_code == 200
                refused_on(response.context["form"], "reason", maximum)
            else:
                assert response.status_code == 302
    assert [r.reason for r in ReopenRequest.objects.all()] == [text(maximum)] * 2
    maximum = limit("supervision.ReopenRequest", "decision_comment")
    for role, row, action in zip(
        REVIEW_ROLES, ReopenRequest.objects.order_by("pk"), ("refuse", "grant"), strict=True
    ):
        client.force_login(people[role])
        decide = reverse("supervision:reopen-decide", args=[row.pk])
        for length in (maximum + 1, maximum):
            prefix = f"r{row.pk}"
            response = client.post(decide, {f"{prefix}-action": action, f"{prefix}-days": 7,
                                            f"{prefix}-comment": text(length)})  # fmt: skip
            row.refresh_from_db()
            if length > maximum:
                assert response.status_code == 200
                form = next(r.form for r in response.context["waiting"] if r.pk == row.pk)
                refused_on(form, "comment", maximum)
                assert row.state == ReopenState.OPEN
            else:
                assert response.status_code == 302
                assert row.decision_comment == text(maximum)
                assert row.state != ReopenState.OPEN
    no_history_reason_too_long()


@pytest.mark.parametrize("role", REVIEW_ROLES)
def test_a_reminder_with_an_overlong_kind_is_no_500(client, plan, people, role):
    client.force_login(people[role])
    unit = Unit.objects.get(name="市工信局")
    response = client.post(plan_page("supervision:reminder-notice"), {
        "unit": unit.pk, "period": period(plan), "kind": "projects" * 100,
    })  # fmt: skip
    assert response.status_code == 302
    assert ReminderNotice.objects.get().kind in ("tasks", "projects")
    no_history_reason_too_long()


# ---- the Excel import: text that comes from a file -------------------------------------------


def test_excel_import_cells_at_their_limit_and_one_past(client, plan, people):
    client.force_login(people["staff_own"])
    exported = client.get(plan_page("projects:annex-export", 1)).content
    versions = dict(Project.objects.values_list("pk", "version"))
    cells = {"建设单位": limit("projects.Project", "builder"),
             "建设内容": limit("projects.Project", "content"),
             "最新进展": limit("projects.ProjectUpdate", "progress"),
             "存在问题": limit("projects.ProjectUpdate", "problems")}  # fmt: skip

    def upload(extra: int) -> ProjectImport:
        book = openpyxl.load_workbook(io.BytesIO(exported))
        sheet = book["附表1"]
        for header, maximum in cells.items():  # row 3: the first project
            sheet.cell(row=3, column=HEADERS.index(header) + 1).value = text(maximum + extra)
        sheet.cell(row=3, column=HEADERS.index("完成进度") + 1).value = "10%"
        out = io.BytesIO()
        book.save(out)
        name = "附表1" + "长" * 300 + ".xlsx"  # the name only labels the import: shortened
        response = client.post(plan_page("projects:import"),
                               {"file": SimpleUploadedFile(name, out.getvalue())})  # fmt: skip
        assert response.status_code == 302
        pending = ProjectImport.objects.latest("pk")
        assert len(pending.file_name) == 200 and pending.file_name.endswith("…")
        return pending

    refused = upload(1)
    preview = client.get(refused.get_absolute_url()).context["preview"]
    errors = {(e.sheet, e.row, e.column.split("（")[0]): e.message for e in preview.errors}
    for header, maximum in cells.items():
        assert str(maximum) in errors[("附表1", 3, header)]
    assert client.post(refused.get_absolute_url()).status_code == 302
    assert not ProjectUpdate.objects.exists()
    assert dict(Project.objects.values_list("pk", "version")) == versions

    accepted = upload(0)
    preview = client.get(accepted.get_absolute_url()).context["preview"]
    assert not preview.errors and [c.row for c in preview.changes] == [3]
    assert client.post(accepted.get_absolute_url()).status_code == 302
    first = Project.objects.get(annex__number=1, order=1)
    assert first.builder == text(200) and first.content == text(2000)
    update = first.updates.get()
    assert (update.progress, update.problems) == (text(2000), text(2000))


# ---- the login form --------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["login", "admin:login"])
def test_login_username_at_its_limit_and_one_past(client, db, url):
    # A failed login is logged by django-axes with the name typed, in a varchar(255): a longer
    # name was a DataError on PostgreSQL. Names past any account's length never get that far.
    name = "u" * 150
    UserFactory(username=name, role="管理员", is_staff=True)
    login = reverse(url)
    for typed in (name + "u", "u" * 256, "u" * 100_000):
        response = client.post(login, {"username": typed, "password": "pass-for-tests-1"})
        assert response.status_code == 200
        refused_on(response.context["form"], "username", 150)
        assert "_auth_user_id" not in client.session
    response = client.post(login, {"username": name, "password": "pass-for-tests-1"})
    assert response.status_code == 302 and "_auth_user_id" in client.session


# ---- the admin's forms keep the same limits ---------------------------------------------------


@pytest.mark.parametrize(
    ("model_label", "fields"),
    [
        ("projects.Project", ["content", "builder"]),
        ("projects.ProjectUpdate", ["progress", "problems", "next_steps", "review_comment"]),
        ("supervision.TaskReport", ["progress", "figures", "review_comment"]),
        ("supervision.TaskSummary", ["summary"]),
        ("indicators.Observation", ["note", "text", "review_comment"]),
    ],
)
def test_the_admins_change_forms_refuse_text_past_the_limit(rf, people, model_label, fields):
    from django.apps import apps
    from django.contrib import admin

    from plan.textlimits import model_limit

    model = apps.get_model(model_label)
    request = rf.get("/")
    request.user = people["admin"]
    form_class = admin.site._registry[model].get_form(request)
    for name in fields:
        maximum = model_limit(model, name)
        field = form_class.base_fields[name]
        assert field.max_length == maximum, name
        field.clean(text(maximum))
        with pytest.raises(ValidationError, match=str(maximum)):
            field.clean(text(maximum + 1))
