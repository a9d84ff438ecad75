"""Unbroken text never widens a page: a 50,000-character word in a report and a 120-character
file name wrap inside the viewport on a desktop (1366 px) and a phone (390 px), and the file's
remove button stays on screen. The word is written straight into the database: reports saved
before the text limits (plan.textlimits) existed may hold such text, and the pages must bear it.
"""

import datetime as dt
import io
import os

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command

from plan.models import Unit
from plan.permissions import ADMINISTRATOR, AUDIT_ADMINISTRATOR
from projects.models import Project, ProjectUpdate
from supervision.models import Evidence, TaskReport
from tests.e2e.conftest import log_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

WORD = "长" * 25_000 + "w" * 25_000  # one word: no space, no break opportunity in the Latin half
FILE_NAME = "a" * 116 + ".pdf"  # 120 characters, the most a name may have
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
WIDTHS = (1366, 390)


def attach(report, unit, user):
    row = Evidence(report=report, unit=unit, name=FILE_NAME, size=len(PDF),
                   media_type="application/pdf", uploaded_by=user)  # fmt: skip
    row.file.save("evidence.pdf", ContentFile(PDF), save=False)
    row.save()


def fits(page) -> dict:
    return page.evaluate(
        """() => {
            const width = document.documentElement.clientWidth;
            const button = [...document.querySelectorAll('[data-testid="evidence-list"] button')]
                .map(b => b.getBoundingClientRect())[0];
            return {
                width,
                scroll: document.documentElement.scrollWidth,
                button: button ? [button.left, button.right] : null,
            };
        }"""
    )


def test_long_words_and_file_names_wrap_inside_the_viewport(transactional_db, live_server, page):
    call_command("load_plan", stdout=io.StringIO())
    unit = Unit.objects.get(name="市科技局")
    admin = UserFactory(username="admin", role=ADMINISTRATOR)
    UserFactory(username="auditor", role=AUDIT_ADMINISTRATOR, is_staff=True)
    task = unit.responsibilities.order_by("task__number").first().task
    when = dt.datetime(2025, 10, 5, tzinfo=dt.UTC)
    task_report = TaskReport.objects.create(
        task=task, unit=unit, year=2025, quarter=3, status="on_track", progress=WORD,
        problems=WORD, submitted_at=when,
    )  # fmt: skip
    project = Project.objects.filter(unit=unit).order_by("pk").first()
    update = ProjectUpdate.objects.create(
        project=project, year=2025, quarter=3, status="in_progress", percent_complete=10,
        progress=WORD, problems=WORD, submitted_at=when,
    )  # fmt: skip
    Project.objects.filter(pk=project.pk).update(content=WORD, builder="b" * 200)
    attach(task_report, unit, admin)
    attach(update, unit, admin)
    base = live_server.url
    log_in(page, base, "admin")
    pages = {
        "task report": f"/plan/reports/{task_report.pk}/",
        "task report files": f"/plan/reports/{task_report.pk}/evidence/",
        "project": f"/projects/{project.pk}/",
        "project report files": f"/projects/updates/{update.pk}/evidence/",
        "task review": f"/reviews/task/{task_report.pk}/",
        "project review": f"/reviews/project/{update.pk}/",
        "project table": "/projects/",
        "annex": f"/projects/annex/{project.annex.number}/",
        "task": f"/plan/tasks/{task.number}/",
        "review queue": "/reviews/",
    }
    problems = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for name, path in pages.items():
            page.goto(base + path)
            if "files" in name or name.endswith(" review"):
                assert FILE_NAME in page.content()
            measured = fits(page)
            if measured["scroll"] > measured["width"]:
                problems.append(f"{name} at {width}px: {measured['scroll']}px wide")
            button = measured["button"]
            if shots := os.environ.get("E2E_ARTIFACTS"):
                page.screenshot(path=f"{shots}/long-text-{width}-{name.replace(' ', '-')}.png")
            if "files" in name and (button is None or button[0] < 0 or button[1] > width):
                problems.append(f"{name} at {width}px: remove button at {button}")
    # The audit trail is the audit administrator's to read (等保 2.0's separated duties).
    page.context.clear_cookies()
    log_in(page, base, "auditor")
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(base + "/audit/")
        measured = fits(page)
        if measured["scroll"] > measured["width"]:
            problems.append(f"audit trail at {width}px: {measured['scroll']}px wide")
    assert problems == [], "\n".join(problems)
