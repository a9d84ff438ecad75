"""Leadership open "what changed" from the navigation, pick a period, and print it on A4."""

import datetime as dt
import io
import os
import re

import pytest
from django.core.management import call_command

from plan.models import Plan
from plan.permissions import LEADER
from projects.models import Project, ProjectUpdate
from supervision.models import ReviewState
from tests.e2e.conftest import log_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_changes_page_is_reached_from_the_nav_and_prints_on_a4(transactional_db, live_server,
                                                               page, tmp_path):  # fmt: skip
    call_command("load_plan", stdout=io.StringIO())
    assert Plan.objects.count() == 1
    for i, project in enumerate(Project.objects.order_by("annex__number", "order")[:12]):
        for quarter, percent in ((2, 10 + i), (3, 30 + 5 * i)):
            ProjectUpdate.objects.create(
                project=project, year=2025, quarter=quarter, percent_complete=min(percent, 100),
                status="completed" if i == 0 and quarter == 3 else "in_progress",
                submitted_at=dt.datetime(2025, 3 * quarter, 28, tzinfo=dt.UTC),
                review_state=ReviewState.RETURNED if i == 1 and quarter == 3
                else ReviewState.SUBMITTED,
            )  # fmt: skip
    UserFactory(username="boss", role=LEADER)
    base = live_server.url

    log_in(page, base, "boss")
    page.get_by_role("link", name="本期变化", exact=True).click()
    page.wait_for_url(re.compile(r"/plan/changes/"))
    page.get_by_label("填报期").select_option("2025Q3")
    page.get_by_role("button", name="显示").click()
    page.wait_for_url(re.compile(r"period=2025Q3"))
    # A leader starts on approved reports; these are submitted, not yet approved: all reports.
    page.get_by_test_id("figures-switch").click()
    page.wait_for_url(re.compile(r"figures=all"))
    assert page.get_by_test_id("changed-projects").locator("tbody tr").count() == 12
    assert page.get_by_test_id("returned-reports").locator("tbody tr").count() == 1

    page.emulate_media(media="print")
    assert not page.get_by_test_id("changes-filters").is_visible()
    assert not page.locator(".site-header").is_visible()
    assert page.get_by_test_id("changed-projects").is_visible()
    pdf = page.pdf(format="A4", landscape=True, print_background=True)
    assert pdf.startswith(b"%PDF")
    artifacts = os.environ.get("E2E_ARTIFACTS")
    if artifacts:
        os.makedirs(artifacts, exist_ok=True)
        with open(os.path.join(artifacts, "changes-print.pdf"), "wb") as handle:
            handle.write(pdf)
        page.screenshot(path=os.path.join(artifacts, "changes-print.png"), full_page=True)
