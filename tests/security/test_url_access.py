"""Every URL of the project, every method it takes, every role: the expected answer, and no
change where a write is refused. A new URL without an entry here fails the test."""

import datetime as dt
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from dashboard.models import PlanWorkbookImport
from indicators.models import Indicator, Target
from plan.models import Responsibility, Unit
from plan.periods import Period, reporting_period
from projects.models import Project, ProjectImport, ProjectUpdate
from supervision.briefings import briefing_issue
from supervision.evidence import evidence_add
from supervision.items import create_item, find_subject
from supervision.models import ReopenRequest, SupervisionItem, TaskReport
from supervision.review import token as review_token

User = get_user_model()
# The three separated administrators (系统/安全/审计管理员) read the dashboard like a leader;
# only the audit administrator reads the audit trail (plan.admin_roles).
SEPARATED = ["sysadmin", "secadmin", "auditor"]
ROLES = ["anonymous", "staff_own", "staff_other", "leader", "admin", "reviewer", *SEPARATED]
OPEN = dict.fromkeys(ROLES, 200)
READ = {"anonymous": 302, "staff_own": 200, "staff_other": 200, "leader": 200, "admin": 200,
        "reviewer": 200}  # fmt: skip
OWN_PAGE = {"anonymous": 302, "staff_own": 200, "staff_other": 403, "leader": 403, "admin": 200,
            "reviewer": 403}  # fmt: skip
OWN_WRITE = {"anonymous": 302, "staff_own": 302, "staff_other": 403, "leader": 403, "admin": 302,
             "reviewer": 403}  # fmt: skip
# Staff of any unit may upload (rows of other units' projects are refused in the preview).
IMPORT = {"anonymous": 302, "staff_own": 200, "staff_other": 200, "leader": 403, "admin": 200,
          "reviewer": 403}  # fmt: skip
# An import's preview belongs to the one who uploaded it (staff_own here): 404 for the rest.
OWNER = {"anonymous": 302, "staff_own": 200, "staff_other": 404, "leader": 404, "admin": 404,
         "reviewer": 404}  # fmt: skip
OWNER_POST = {"anonymous": 302, "staff_own": 302, "staff_other": 404, "leader": 404,
              "admin": 404, "reviewer": 404}  # fmt: skip
AUDIT = {**dict.fromkeys(ROLES, 403), "anonymous": 302, "auditor": 200}
LOGGED_IN = {**dict.fromkeys(ROLES, 200), "anonymous": 302}
# A value entered: the indicator page answers 302 on success; leaders and other units get 403.
LEAD_PAGE = {"anonymous": 302, "staff_own": 200, "staff_other": 403, "leader": 403, "admin": 200,
             "reviewer": 403}  # fmt: skip
# Review pages: reviewers and administrators (the report is 市科技局's: not theirs).
REVIEW_PAGE = {"anonymous": 302, "staff_own": 403, "staff_other": 403, "leader": 403,
               "admin": 200, "reviewer": 200}  # fmt: skip
REVIEW_WRITE = {**REVIEW_PAGE, "admin": 302, "reviewer": 302}
# Staff of any unit may ask to reopen (the form offers only their units); leaders may not.
UNIT_STAFF = {"anonymous": 302, "staff_own": 200, "staff_other": 200, "leader": 403, "admin": 200,
              "reviewer": 403}  # fmt: skip
# Supervision items (issue 25): leaders and the office write; the office assigns and closes;
# unit staff have a to-do. Everyone logged in reads an item and the list.
ITEM_WRITER = {**dict.fromkeys(ROLES, 403), "anonymous": 302, "leader": 200, "admin": 200,
               "reviewer": 200}  # fmt: skip
ITEM_WRITE = {**ITEM_WRITER, "leader": 302, "admin": 302, "reviewer": 302}
ITEM_OFFICE = {**ITEM_WRITER, "leader": 403}
ITEM_ASSIGN = {**ITEM_OFFICE, "admin": 302, "reviewer": 302}
ITEM_TODO = {**dict.fromkeys(ROLES, 403), "anonymous": 302, "staff_own": 200, "staff_other": 200}

# Starting a plan and carrying projects over (issue 18): plan administrators only.
PLAN_ADMIN = {**dict.fromkeys(ROLES, 403), "anonymous": 302, "admin": 200}
PLAN_ADMIN_WRITE = {**PLAN_ADMIN, "admin": 302}
for _expected in (READ, OWN_PAGE, OWN_WRITE, IMPORT, OWNER, OWNER_POST, LEAD_PAGE, REVIEW_PAGE,
                  REVIEW_WRITE, UNIT_STAFF):  # fmt: skip
    for _role in SEPARATED:
        _expected.setdefault(_role, _expected["leader"])


def period(plan):
    return str(reporting_period(timezone.localdate(), plan.start_year, plan.end_year))


def objects(plan):
    """The objects the URLs point at: all of them answered for by 市科技局 (staff_own's unit)."""
    unit = Unit.objects.get(name="市科技局")
    project = Project.objects.get(annex__number=1, order=1)
    indicator = Indicator.objects.create(
        plan=plan, code="walk", name="走查指标", responsible_unit=unit, baseline_year=2021,
        baseline_value=Decimal(1),
    )  # fmt: skip
    Target.objects.create(indicator=indicator, year=2025, value=2, original_value=2)
    r = Responsibility.objects.get(task__number=3, unit=unit)
    report = TaskReport.objects.create(
        task=r.task, unit=unit, year=2024, quarter=1, status="on_track", progress="x",
        submitted_at=dt.datetime(2024, 4, 2, tzinfo=dt.UTC),
    )  # fmt: skip
    pending = ProjectImport.objects.create(
        user=User.objects.get(username="kjj"), file_name="x.xlsx", year=2025, quarter=4,
        preview={"changes": [], "unchanged": 1, "errors": []},
    )  # fmt: skip
    update = ProjectUpdate.objects.create(
        project=project, year=2024, quarter=1, status="in_progress", percent_complete=5,
        submitted_at=dt.datetime(2024, 4, 2, tzinfo=dt.UTC),
    )  # fmt: skip
    (evidence,) = evidence_add(report=report, user=User.objects.get(username="admin"),
                               uploads=[pdf_upload()])  # fmt: skip
    reopen = ReopenRequest.objects.create(
        plan=plan, unit=unit, year=2024, quarter=1, subject="走查", reason="走查",
        requested_by=User.objects.get(username="kjj"), requested_at=timezone.now(),
    )  # fmt: skip
    issued = briefing_issue(plan=plan, period=Period(2024, 1), upload=pdf_upload(),
                            user=User.objects.get(username="reviewer"))  # fmt: skip
    # An uploaded plan workbook with a problem: confirming it is refused (a redirect back).
    workbook = PlanWorkbookImport.objects.create(
        user=User.objects.get(username="admin"), file_name="计划.xlsx", plan_code="2026-2030",
        preview={"plan_code": "2026-2030", "plan_title": "", "updates_existing": False,
                 "problems": [{"sheet": "任务", "row": 3, "column": "简称（B）", "message": "x"}],
                 "rows": [], "data": {}},
    )  # fmt: skip
    item = create_item(user=User.objects.get(username="leader"), plan=plan, instruction="走查",
                       subject=find_subject("project", project.pk))  # fmt: skip
    return {"unit": unit, "project": project, "indicator": indicator, "report": report,
            "import": pending, "update": update, "evidence": evidence,
            "reopen": reopen, "briefing": issued, "workbook": workbook, "item": item}  # fmt: skip


def pdf_upload():
    return SimpleUploadedFile("走查.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")


# name -> (args, {method: (expected by role, form data or None)})
def matrix(plan, o):
    p = period(plan)
    project, unit = o["project"], o["unit"]

    def version():
        return Project.objects.get(pk=project.pk).version

    def report_form():
        return {"version": version(), "period": p, "status": "in_progress",
                "percent_complete": 10, "progress": "走查"}  # fmt: skip

    def edit_form():
        return {"version": version(), "builder": "走查", "location": "", "content": "",
                "total_investment": "", "planned_start": "", "planned_end": ""}  # fmt: skip

    task_form = {"version": 0, "status": "on_track", "progress": "走查"}
    return {
        "dashboard:home": ([], {"get": (READ, None)}),
        "dashboard:cockpit-chart": (["task-progress"], {"get": (READ, None)}),
        "supervision:report-matrix": ([], {"get": (READ, None)}),
        "supervision:report-export": ([], {"get": (READ, None)}),
        "indicators:indicator-export": ([], {"get": (READ, None)}),
        "dashboard:audit": ([], {"get": (AUDIT, None)}),
        "supervision:review-queue": ([], {"get": (REVIEW_PAGE, None)}),
        # Nothing ticked: told so, back to the queue, nothing approved.
        "supervision:review-bulk-approve": ([], {"post": (REVIEW_WRITE, {})}),
        "supervision:review-detail": (["task", o["report"].pk], {
            "get": (REVIEW_PAGE, None),
            "post": (REVIEW_WRITE, lambda: {"action": "approve", "approve-token": review_token(
                TaskReport.objects.get(pk=o["report"].pk))}),
        }),
        "dashboard:audit-export": ([], {"get": (AUDIT, None)}),
        # The quarterly briefing: the office (reviewers, administrators) generates and issues
        # it; everyone logged in reads the issued ones.
        "dashboard:briefing": ([], {"get": (REVIEW_PAGE, None)}),
        "dashboard:briefing-download": ([], {"get": (REVIEW_PAGE, None)}),
        "supervision:briefing-list": ([], {"get": (READ, None)}),
        "supervision:briefing-upload": ([], {"post": (REVIEW_WRITE, lambda: {
            "period": p, "file": pdf_upload()})}),
        "supervision:briefing-download": ([o["briefing"].pk], {"get": (READ, None)}),
        "supervision:unit-period-reports": ([unit.pk, p], {"get": (READ, None)}),
        "plan:overview": ([], {"get": (READ, None)}),
        "plan:evaluation": ([], {"get": (READ, None)}),
        "plan:changes": ([], {"get": (READ, None)}),
        "plan:task-list": ([], {"get": (READ, None)}),
        "plan:task-detail": ([3], {"get": (READ, None)}),
        "supervision:task-report": ([3, unit.pk, p], {"get": (OWN_PAGE, None),
                                               "post": (OWN_WRITE, task_form)}),
        "supervision:task-summary": ([1, p], {"get": (LEAD_PAGE, None),
                                       "post": (OWN_WRITE, {"version": 0, "summary": "走查"})}),
        "supervision:task-report-detail": ([o["report"].pk], {"get": (READ, None)}),
        "supervision:task-report-evidence": ([o["report"].pk], {
            "get": (READ, None), "post": (OWN_WRITE, lambda: {"files": pdf_upload()})}),
        "supervision:evidence-download": ([o["evidence"].pk], {"get": (READ, None)}),
        "supervision:evidence-remove": ([o["evidence"].pk], {"post": (OWN_WRITE, {})}),
        "plan:unit-list": ([], {"get": (READ, None)}),
        "plan:unit-detail": ([unit.pk], {"get": (READ, None)}),
        "projects:project-list": ([], {"get": (READ, None)}),
        "projects:export": ([], {"get": (READ, None)}),
        "projects:annex-export": ([1], {"get": (READ, None)}),
        "projects:annex-print": ([1], {"get": (READ, None)}),
        "projects:import": ([], {"get": (IMPORT, None), "post": (IMPORT, {})}),
        "projects:import-preview": ([o["import"].pk], {"get": (OWNER, None),
                                                      "post": (OWNER_POST, {})}),
        "projects:my-projects": ([], {"get": (READ, None)}),
        "projects:annex-detail": ([1], {"get": (READ, None)}),
        "projects:project-detail": ([project.pk], {"get": (READ, None)}),
        "projects:project-report": ([project.pk], {"get": (OWN_PAGE, None),
                                                   "post": (OWN_WRITE, report_form)}),
        "projects:project-edit": ([project.pk], {"get": (OWN_PAGE, None),
                                                 "post": (OWN_WRITE, edit_form)}),
        "projects:update-evidence": ([o["update"].pk], {
            "get": (READ, None), "post": (OWN_WRITE, lambda: {"files": pdf_upload()})}),
        "indicators:indicator-list": ([], {"get": (READ, None)}),
        "indicators:indicator-detail": ([o["indicator"].pk], {
            "get": (READ, None),
            "post": (OWN_WRITE, {"version": 0, "year": 2024, "value": "1.5", "source": "",
                                 "note": ""}),
        }),
        "indicators:indicator-chart": ([o["indicator"].pk], {"get": (READ, None)}),
        # No file: the form is shown again with its errors, nothing imported.
        "indicators:peer-import": ([o["indicator"].pk], {"get": (OWN_PAGE, None),
                                                         "post": (OWN_PAGE, {})}),
        # Nothing typed: the form is shown again with its errors, nothing saved.
        "indicators:peer-entry": ([o["indicator"].pk], {"get": (OWN_PAGE, None),
                                                        "post": (OWN_PAGE, {})}),
        "supervision:reopen-list": ([], {"get": (READ, None)}),
        "supervision:reopen-request": ([], {
            "get": (UNIT_STAFF, None),
            # No period of the walked plan is closed: the form refuses and stores nothing.
            "post": (UNIT_STAFF, {"unit": unit.pk, "period": p, "scope": "period",
                                  "reason": "走查"}),
        }),
        "supervision:reopen-decide": ([o["reopen"].pk], {"post": (REVIEW_WRITE, {
            f"r{o['reopen'].pk}-action": "grant", f"r{o['reopen'].pk}-days": 7})}),
        "supervision:reminder-notice": ([], {"post": (REVIEW_WRITE, {
            "unit": unit.pk, "period": p, "kind": "tasks", "year": p[:4]})}),
        # No file: the form is shown again with its error, nothing written.
        "dashboard:plan-builder": ([], {"get": (PLAN_ADMIN, None), "post": (PLAN_ADMIN, {})}),
        "dashboard:plan-builder-template": ([], {"get": (PLAN_ADMIN, None)}),
        "dashboard:plan-builder-preview": ([o["workbook"].pk], {
            "get": (PLAN_ADMIN, None), "post": (PLAN_ADMIN_WRITE, {})}),
        "dashboard:plan-export": ([plan.code], {"get": (PLAN_ADMIN, None)}),
        # The walked database has no plan to carry into: the post goes back to the page.
        "dashboard:carry-over": ([], {"get": (PLAN_ADMIN, None),
                                      "post": (PLAN_ADMIN_WRITE, {"action": "preview"})}),
        "supervision:item-home": ([], {"get": (dict.fromkeys(ROLES, 302), None)}),
        "supervision:item-new": ([], {"get": (ITEM_WRITER, None), "post": (ITEM_WRITE, {
            "instruction": "走查", "source": "instruction", "subject_kind": "project",
            "subject_id": project.pk})}),
        "supervision:item-mine": ([], {"get": (ITEM_WRITER, None)}),
        "supervision:item-todo": ([], {"get": (ITEM_TODO, None)}),
        "supervision:item-queue": ([], {"get": (ITEM_OFFICE, None)}),
        "supervision:item-list": ([], {"get": (READ, None)}),
        "supervision:item-export": ([], {"get": (READ, None)}),
        "supervision:item-detail": ([o["item"].pk], {"get": (READ, None), "post": (
            ITEM_ASSIGN, lambda: {"action": "assign", "lead_unit": unit.pk,
                                  "version": SupervisionItem.objects.get(pk=o["item"].pk).version,
                                  "deadline": (timezone.localdate() + dt.timedelta(days=9))})}),
        "login": ([], {"get": (OPEN, None)}),
        "favicon": ([], {"get": (dict.fromkeys(ROLES, 301), None)}),
        "logout": ([], {"post": (dict.fromkeys(ROLES, 302), {})}),
        # A refused change (the old password is wrong) shows the form again and changes nothing.
        "password_change": ([], {"get": (LOGGED_IN, None),
                                 "post": (LOGGED_IN, {"old_password": "x",
                                                      "new_password1": "Neu-Passwort-2026",
                                                      "new_password2": "Neu-Passwort-2026"})}),
        "password_change_done": ([], {"get": (LOGGED_IN, None)}),
        "set_language": ([], {"post": (dict.fromkeys(ROLES, 302), {"language": "en"})}),
    }  # fmt: skip


def url_names(patterns=None, namespace=""):
    """Every named URL of the project; Django's admin is tested on its own (test_admin.py)."""
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            inner = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else (
                entry.namespace or namespace)  # fmt: skip
            yield from url_names(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}:{entry.name}" if namespace else entry.name


def private_no_store(response) -> bool:
    """A page for a logged-in user (or the login page) may be kept by no cache on the way."""
    directives = {d.strip().split("=")[0] for d in response.get("Cache-Control", "").split(",")}
    return {"private", "no-store"} <= directives


def snapshot():
    """Row counts and versions of everything a write could touch, history included."""
    state = {}
    for app in ("plan", "supervision", "projects", "indicators"):
        for model in apps.get_app_config(app).get_models():
            state[model._meta.label] = model.objects.count()
    state["project-versions"] = list(
        Project.objects.order_by("pk").values_list("version", flat=True)
    )
    return state


def test_every_url_name_has_expected_answers(plan, people):
    table = matrix(plan, objects(plan))
    assert set(url_names()) == set(table), "a URL without expected answers, or an entry too many"


@pytest.mark.parametrize("role", ROLES)
def test_each_url_method_and_role_gets_its_answer_and_refusals_change_nothing(
    client, people, plan, role
):
    table = matrix(plan, objects(plan))
    user = None if role == "anonymous" else people[role]
    failures = []
    for name, (args, methods) in sorted(table.items()):
        url = reverse(name, args=args)
        for method, (expected, data) in methods.items():
            client.logout()
            if user is not None:
                client.force_login(user)
            before = snapshot()
            if method == "get":
                response = client.get(url)
            else:
                response = client.post(url, data() if callable(data) else data)
            if response.status_code != expected[role]:
                failures.append((name, method, response.status_code, expected[role]))
            if (user is not None or name == "login") and not private_no_store(response):
                failures.append((name, method, "cacheable", response.get("Cache-Control")))
            refused = response.status_code != 302
            after = snapshot()  # once: ~50 COUNTs, the walk's main cost on PostgreSQL
            if method == "post" and refused and after != before:
                failures.append((name, method, "changed data while refusing"))
            if method == "post" and role == "anonymous" and after != before:
                failures.append((name, method, "anonymous changed data"))
            if any(after[label] < count for label, count in before.items()
                   if ".Historical" in label):  # fmt: skip
                failures.append((name, method, "history rows went missing"))
    assert failures == []
