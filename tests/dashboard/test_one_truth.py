"""One truth for the figures (issue 19), the parts the reconciliation walk does not prove:
the cockpit's "what changed" figures, the note about reports waiting for review counted on the
same population as the counts beside it, switching the view moving each figure by exactly the
unapproved reports behind it, and the read-only files saying which view they hold."""

import datetime as dt
import io
import re
from collections import Counter
from urllib.parse import unquote

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from indicators.models import Indicator, Observation
from plan.periods import reporting_period
from projects.models import Project, ProjectStatus, ProjectUpdate
from supervision.models import ReviewState, TaskReport
from tests.dashboard.test_reconciliation import marks
from tests.dashboard.test_statuses_agree import INDICATOR_ROW


@pytest.fixture
def demo(plan, client):
    call_command("load_demo", stdout=io.StringIO())
    client.force_login(get_user_model().objects.get(username="demo-leader"))
    return plan


def this_period(plan):
    return reporting_period(timezone.localdate(), plan.start_year, plan.end_year)


@pytest.mark.parametrize("view", ["approved", "all"])
def test_the_cockpit_shows_this_quarters_changes_as_figures_that_open_their_rows(
    demo, client, view
):
    html = client.get(reverse("dashboard:home"), {"figures": view}).content.decode()
    panel = re.search(r'data-testid="changes-panel".*?</section>', html, re.S).group(0)
    figures = re.findall(r'<a [^>]*href="([^"]+)" data-figure="(\d+)"', panel)
    anchors = [href.split("#")[1] for href, _n in figures]
    assert anchors == ["changed", "newly-lagging", "newly-completed", "indicators", "returned"]
    page = marks(client.get(figures[0][0].replace("&amp;", "&")))
    for href, n in figures:
        assert f"figures={view}" in href and f"period={this_period(demo)}" in href
        assert page.counts_by_id[href.split("#")[1]] == int(n), (href, n)
    assert sum(int(n) for _href, n in figures) > 0, "the demo has changes this quarter"


def test_the_waiting_note_counts_the_population_of_the_counts_beside_it(demo, client):
    period = this_period(demo)
    html = client.get(reverse("dashboard:home"), {"figures": "approved"}).content.decode()
    note = re.search(r'<p [^>]*data-testid="waiting-note"[^>]*>', html).group(0)
    shown = {k: int(v) for k, v in re.findall(r'data-waiting-(\w+)="(\d+)"', note)}
    waiting = {"review_state": ReviewState.SUBMITTED}
    in_period = {"year": period.year, "quarter": period.quarter}
    tasks = TaskReport.objects.filter(task__plan=demo, **waiting)
    projects = ProjectUpdate.objects.filter(project__annex__plan=demo, **waiting)
    values = Observation.objects.filter(indicator__plan=demo, **waiting)
    assert shown["tasks"] == tasks.filter(**in_period).count()
    assert shown["projects"] == projects.filter(**in_period).count()
    assert shown["elsewhere"] == (
        tasks.exclude(**in_period).count() + projects.exclude(**in_period).count()
        + values.count()
    )  # fmt: skip
    assert shown["tasks"] and shown["projects"], "the demo has reports waiting this quarter"
    # Each is counted beside the count of reports it belongs to, and is part of it.
    for kind in ("tasks", "projects"):
        card = re.search(rf'data-testid="{kind[:-1]}-reports-waiting" data-waiting="(\d+)"', html)
        assert int(card.group(1)) == shown[kind]
    received = re.search(r'>(\d+)/(\d+)</span><span class="figure-l">[^<]*任务填报', html)
    assert shown["tasks"] <= int(received.group(1))
    # The all view counts them: no note there.
    html = client.get(reverse("dashboard:home"), {"figures": "all"}).content.decode()
    assert 'data-testid="waiting-note"' not in html


def latest_states(plan) -> tuple[dict, dict, set]:
    """Each project's status as last reported and as last approved, read from the reports
    themselves, and the projects whose latest report is not approved."""
    reported, approved, unapproved = {}, {}, set()
    reports = ProjectUpdate.objects.filter(project__annex__plan=plan).order_by(
        "project", "-year", "-quarter"
    )
    for report in reports:
        if report.project_id not in reported:
            reported[report.project_id] = report.status
            if report.review_state != ReviewState.APPROVED:
                unapproved.add(report.project_id)
        if report.review_state == ReviewState.APPROVED:
            approved.setdefault(report.project_id, report.status)
    for pk in Project.objects.filter(annex__plan=plan).values_list("pk", flat=True):
        reported.setdefault(pk, ProjectStatus.NOT_STARTED)
        approved.setdefault(pk, ProjectStatus.NOT_STARTED)
    return reported, approved, unapproved


def test_switching_the_view_moves_each_figure_by_exactly_the_unapproved_reports_behind_it(
    demo, client
):
    reported, approved, unapproved = latest_states(demo)
    assert unapproved, "the demo has projects whose latest report waits for review"
    shown = {
        view: marks(client.get(reverse("dashboard:home"), {"figures": view})).statuses
        for view in ("approved", "all")
    }
    expected_move = Counter()
    for pk in unapproved:  # only these can differ between the views
        expected_move[approved[pk]] += 1
        expected_move[reported[pk]] -= 1
    for status, _label in ProjectStatus.choices:
        assert shown["approved"][status] - shown["all"][status] == expected_move[status], status
    assert any(expected_move.values()), "some unapproved report changes a status"
    # Indicators: only an indicator with a value not yet approved changes its status.
    rows = {
        view: dict(INDICATOR_ROW.findall(client.get(
            reverse("indicators:indicator-list"), {"figures": view}).content.decode()))
        for view in ("approved", "all")
    }  # fmt: skip
    pending = set(
        Observation.objects.filter(indicator__plan=demo)
        .exclude(review_state=ReviewState.APPROVED)
        .values_list("indicator__code", flat=True)
    )
    moved = {code for code in rows["all"] if rows["all"][code] != rows["approved"][code]}
    assert moved and moved <= pending, (moved, pending)


def test_the_exports_follow_the_view_and_say_which(demo, client):
    pending = Observation.objects.filter(
        indicator__plan=demo, review_state=ReviewState.SUBMITTED
    ).first()
    code = pending.indicator.code
    books = {}
    for view in ("approved", "all"):
        response = client.get(reverse("indicators:indicator-export"), {"figures": view})
        book = load_workbook(io.BytesIO(response.content))
        sheet = book.active
        rows = list(sheet.iter_rows(values_only=True))
        header = rows[0]
        books[view] = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
        said = "仅审核通过" if view == "approved" else "全部数值"
        assert said in sheet.title and said in unquote(response["Content-Disposition"])
        assert all(said in row["口径"] for row in books[view].values())
        matrix = client.get(reverse("supervision:report-export"), {"figures": view})
        sheet = load_workbook(io.BytesIO(matrix.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        said = "仅审核通过" if view == "approved" else "全部填报"
        assert said in sheet.title and {row[-1] for row in rows[1:]} == {said}
        cells = [c for row in rows[1:] for c in row[1:-8] if c]
        assert all(("审核通过" in c) == (view == "approved") for c in cells), cells[:3]
    # The value waiting for review is the latest in one view, not in the other.
    assert books["all"][code]["最新年份"] == pending.year
    assert books["approved"][code]["最新年份"] != pending.year


def test_indicator_values_are_written_in_their_unit_and_decimals(demo, client):
    """No ``55.0000``; a percent with its sign; a rank target as a rank; the decimals an
    indicator is given."""
    percent = Indicator.objects.get(plan=demo, code="demo-rd-coverage")
    patents = Indicator.objects.get(plan=demo, code="demo-patents")
    patents.decimals = 2
    patents.save()
    ranked = Indicator.objects.get(plan=demo, code="demo-region-rank")
    listed = client.get(reverse("indicators:indicator-list"), {"figures": "all"}).content.decode()

    def row(code):
        return re.search(rf'<tr data-code="{code}">(.*?)</tr>', listed, re.S).group(1)

    assert "26%" in row(percent.code) and "35%" in row(percent.code)  # latest, target
    assert "4.10件" in row(patents.code) and "2.10件" in row(patents.code)
    assert "第 5 位" in row(ranked.code)
    detail = client.get(percent.get_absolute_url(), {"figures": "all"}).content.decode()
    years = re.search(r'data-testid="indicator-years".*?</table>', detail, re.S).group(0)
    assert re.findall(r'data-testid="actual-\d+">(\d+%)', years) == ["19%", "21%", "23%", "26%"]
    evaluation = client.get(reverse("plan:evaluation"), {"figures": "all"}).content.decode()
    assert re.search(rf'<tr data-code="{percent.code}">.*?26%.*?</tr>', evaluation, re.S)
    for html in (listed, detail, evaluation):
        assert not re.search(r"\d\.\d*0000(?!\d)", html)


@pytest.mark.parametrize("approved", [True, False])
def test_the_cockpits_one_query_of_projects_gives_the_figures_of_the_separate_ones(demo, approved):
    """The cockpit reads its project figures and this quarter's changes from one query of a row
    a project: the same counts, roll-ups and changes as ``project_figures`` and the changes
    page's ``project_changes``."""
    from dashboard import changes, cockpit

    today = timezone.localdate()
    period = this_period(demo)
    counts, rollups, moved = cockpit.project_figures_with_changes(demo, today, approved)
    expected_counts, expected_rollups = cockpit.project_figures(demo, today, period, approved)
    assert counts == expected_counts
    assert rollups == expected_rollups
    assert moved == changes.change_counts(changes.project_changes(demo, period, approved))
    assert counts["reported_waiting"] and sum(moved.values())


def test_the_cockpits_stored_query_follows_the_plans_due_date_the_day_and_the_view(demo):
    """The cockpit's query of projects is built once for what its SQL depends on and reused:
    a second call reads the same figures, and a changed due date (which decides which reports
    are late and which projects are red) or another day builds it anew."""
    from dashboard import cockpit

    today = timezone.localdate()
    period = this_period(demo)
    for approved in (True, False):
        first = cockpit.project_figures_with_changes(demo, today, approved)
        assert cockpit.project_figures_with_changes(demo, today, approved) == first
    late_before = first[0]["reported_late"]
    demo.report_due_days += 60  # every report of the period is now in time
    demo.save()
    counts, rollups, _moved = cockpit.project_figures_with_changes(demo, today)
    assert (counts, rollups) == cockpit.project_figures(demo, today, period)
    assert counts["reported_late"] == 0 < late_before
    tomorrow = today + dt.timedelta(days=1)
    assert cockpit.project_figures_with_changes(demo, tomorrow)[:2] == cockpit.project_figures(
        demo, tomorrow, reporting_period(tomorrow, demo.start_year, demo.end_year)
    )
