"""The figures cache (plan.figures_cache): a committed write stales the plan-wide fragments, a
rolled-back one does not, and a cached fragment never reaches a page it was not rendered for
(another plan, language, filter or a reviewer's live matrix)."""

import datetime as dt
import re
from contextlib import contextmanager

import pytest
from django.core.cache import caches
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from dashboard.demo import load_demo, remove_demo
from plan.figures_cache import (
    CACHE_ALIAS,
    DOMAINS,
    INDICATORS,
    PROJECTS,
    STAMP_CHANGES,
    TASKS,
    figures_changed,
    fragment_key,
    stamp_field,
)
from plan.models import Plan, Unit
from projects.models import Project, ProjectStatus, ProjectUpdate
from supervision import items
from supervision.models import ReviewState
from supervision.review import review_approve, token
from tests.conftest import plan_page
from tests.supervision.test_items import write
from tests.supervision.test_review import indicator_value, project_report, task_report


@pytest.fixture
def cached(settings):
    settings.FIGURES_CACHE_SECONDS = 600
    caches[CACHE_ALIAS].clear()
    yield
    caches[CACHE_ALIAS].clear()


def run_pending_stamp_changes():
    """The fixtures' writes would have committed before the test starts, and their stamp change
    with them; under the test's one transaction it is still pending, and a later write in the
    same transaction would not register another (one per transaction). Run it now."""
    pending = [c for c in connection.run_on_commit if c[1] in STAMP_CHANGES.values()]
    connection.run_on_commit[:] = [c for c in connection.run_on_commit if c not in pending]
    for _sids, func, _robust in pending:
        func()


@contextmanager
def committed():
    """The block as a transaction of its own that commits at its end."""
    run_pending_stamp_changes()
    yield
    run_pending_stamp_changes()


@pytest.fixture
def people(people):
    """The shared fixture's users, with the setup's writes taken as committed."""
    run_pending_stamp_changes()
    return people


def figures_part(page: str) -> str:
    """The cached part of the cockpit, without the CSRF tokens of the forms around it (the
    header's, and a leader's instruction form)."""
    part = page[page.index('data-testid="headline"') :]
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", part)


def stamp(plan) -> str:
    fields = [stamp_field(domain) for domain in DOMAINS]
    return dict(zip(DOMAINS, Plan.objects.values_list(*fields).get(pk=plan.pk), strict=True))


def test_a_committed_report_changes_the_stamp_once(
    plan, people, django_capture_on_commit_callbacks
):
    before = stamp(plan)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        project_report(plan, people)  # saves the report and its project: several writes
    assert stamp(plan) == before  # not before the commit
    stamps = [c for c in callbacks if c in STAMP_CHANGES.values()]
    # One UPDATE per transaction, however many writes, and only for the project figures.
    assert stamps == [STAMP_CHANGES[PROJECTS]], callbacks
    stamps[0]()
    after = stamp(plan)
    assert after[PROJECTS] != before[PROJECTS]
    assert {d: after[d] for d in (TASKS, INDICATORS)} == {d: before[d] for d in (TASKS, INDICATORS)}


def test_a_rolled_back_write_leaves_the_stamp(plan, people):
    before = stamp(plan)
    with (
        committed(),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        Project.objects.filter(annex__plan=plan).first().save()
        raise RuntimeError("the write fails")
    assert stamp(plan) == before


@pytest.mark.django_db(transaction=True)
def test_a_write_outside_a_transaction_changes_the_stamp_at_once():
    from django.core.management import call_command

    call_command("load_plan", stdout=open("/dev/null", "w"))  # noqa: SIM115
    plan = Plan.objects.get(code="2022-2025")
    before = stamp(plan)
    project = Project.objects.filter(annex__plan=plan).first()
    project.name += "（改）"
    project.save()
    assert stamp(plan)[PROJECTS] != before[PROJECTS]
    assert stamp(plan)[INDICATORS] == before[INDICATORS]


@pytest.mark.parametrize("write", ["approve", "demo", "remove demo", "by hand"])
def test_writes_that_send_no_signal_change_the_stamp(plan, people, write):
    if write == "approve":
        report = project_report(plan, people)
    elif write == "remove demo":
        load_demo(plan)
    run_pending_stamp_changes()
    before = stamp(plan)
    with committed():
        if write == "approve":  # the project's approved state is saved with update()
            review_approve(report=report, user=people["reviewer"], seen_token=token(report))
        elif write == "demo":
            load_demo(plan)
        elif write == "remove demo":
            remove_demo(plan)
        else:  # a bulk write of our own code says so itself
            Project.objects.filter(annex__plan=plan).update(status=ProjectStatus.COMPLETED)
            figures_changed()
    after = stamp(plan)
    changed = {domain for domain in DOMAINS if after[domain] != before[domain]}
    assert changed == ({PROJECTS} if write == "approve" else set(DOMAINS))


def test_the_cockpit_is_served_from_the_cache_until_a_report_commits(plan, people, client, cached):
    client.force_login(people["leader"])
    url = plan_page("dashboard:home") + "?figures=all"
    with CaptureQueriesContext(connection) as live:
        first = figures_part(client.get(url).content.decode())
    with CaptureQueriesContext(connection) as hit:
        again = figures_part(client.get(url).content.decode())
    assert len(hit) < len(live) - 5, (len(hit), len(live))  # the figures' queries are skipped
    Project.objects.filter(annex__plan=plan).update(status=ProjectStatus.COMPLETED)
    # Without a word to the cache (no signal, no figures_changed): still the cached figures.
    assert figures_part(client.get(url).content.decode()) == again
    with committed():
        project_report(plan, people)  # a real write through the service
    after = figures_part(client.get(url).content.decode())
    total = Project.objects.filter(annex__plan=plan).count()
    # The headline's projects by status (issue 19): all but the one reported are completed.
    assert f'data-status-count="completed">{total - 1}</a>' in after
    assert first != after


def test_a_fragment_is_kept_per_language_and_per_plan(plan, people, client, cached):
    client.force_login(people["leader"])
    url = plan_page("dashboard:home")
    english = client.get(url, headers={"accept-language": "en"}).content.decode()
    chinese = client.get(url, headers={"accept-language": "zh-hans"}).content.decode()
    heading = "key projects, by reported status"
    assert heading in english and heading not in chinese
    with translation.override("en"):
        key = fragment_key(plan, "cockpit", DOMAINS, [True])
        other = Plan(
            pk=plan.pk + 1, **{stamp_field(d): getattr(plan, stamp_field(d)) for d in DOMAINS}
        )
        assert fragment_key(other, "cockpit", DOMAINS, [True]) != key
        assert fragment_key(plan, "cockpit", DOMAINS, [False]) != key
        assert fragment_key(plan, "cockpit", [PROJECTS], [True]) != key
        # A fragment of the indicators does not see a new stamp of the projects.
        indicators = fragment_key(plan, "indicator-table", [INDICATORS], [True])
        plan.projects_stamp = "changed"
        assert fragment_key(plan, "cockpit", DOMAINS, [True]) != key
        assert fragment_key(plan, "indicator-table", [INDICATORS], [True]) == indicators


def test_a_project_report_leaves_the_indicator_table_cached(plan, people, client, cached):
    client.force_login(people["staff_own"])
    url = plan_page("indicators:indicator-list")
    with CaptureQueriesContext(connection) as live:
        client.get(url)
    with committed():
        project_report(plan, people)
    with CaptureQueriesContext(connection) as after_report:
        client.get(url)
    assert len(after_report) < len(live) - 2, (len(after_report), len(live))
    with committed():
        indicator_value(plan, people)
    with CaptureQueriesContext(connection) as after_value:
        client.get(url)
    assert len(after_value) == len(live)


def test_the_reviewers_matrix_is_live_and_never_served_to_staff(plan, people, client, cached):
    url = plan_page("supervision:report-matrix") + "?kind=projects"
    client.force_login(people["reviewer"])
    reviewer_page = client.get(url).content.decode()
    assert 'data-testid="remind"' in reviewer_page and "csrfmiddlewaretoken" in reviewer_page
    client.force_login(people["staff_own"])
    staff_page = client.get(url).content.decode()
    assert 'data-testid="remind"' not in staff_page
    client.force_login(people["reviewer"])
    assert 'data-testid="remind"' in client.get(url).content.decode()


def test_filters_and_pages_each_have_their_own_table(plan, people, client, cached):
    client.force_login(people["staff_own"])
    url = plan_page("projects:project-list")
    everything = client.get(url).content.decode()
    completed = client.get(url + "?status=completed").content.decode()
    assert everything.count("<tr data-lagging") == 25  # a full page
    assert completed.count("<tr data-lagging") == 0  # none is completed yet


def test_an_approved_report_shows_in_the_approved_figures(plan, people, client, cached):
    client.force_login(people["leader"])  # reads approved figures by default
    url = plan_page("dashboard:home")
    with committed():
        report = project_report(plan, people, percent=100)
    submitted = figures_part(client.get(url).content.decode())
    with committed():
        review_approve(report=report, user=people["reviewer"], seen_token=token(report))
    assert ProjectUpdate.objects.get(pk=report.pk).review_state == ReviewState.APPROVED
    approved = figures_part(client.get(url).content.decode())
    assert approved != submitted  # the task's progress from approved reports moved
    assert figures_part(client.get(url).content.decode()) == approved


def test_the_cockpit_charts_follow_a_committed_report(plan, people, client, cached):
    client.force_login(people["leader"])
    url = plan_page("dashboard:cockpit-chart", "task-progress") + "?figures=all"
    before = client.get(url).json()
    with CaptureQueriesContext(connection) as hit:
        assert client.get(url).json() == before
    with committed():
        project_report(plan, people, percent=90)  # project 1 of task 1: from 0% to 90%
    after = client.get(url).json()
    assert after["values"] != before["values"]
    with CaptureQueriesContext(connection) as live:
        client.get(url)
    assert len(hit) == len(live) < 8  # served from the cache, before and after


def test_a_task_report_stales_the_task_matrix_and_leaves_the_project_table(
    plan, people, client, cached
):
    client.force_login(people["staff_own"])
    matrix = plan_page("supervision:report-matrix") + "?kind=tasks"
    table = plan_page("projects:project-list")
    counts = {}
    for url in (matrix, table):
        with CaptureQueriesContext(connection) as live:
            client.get(url)
        with CaptureQueriesContext(connection) as hit:
            client.get(url)
        counts[url] = len(live), len(hit)
        assert len(hit) < len(live), url
    with committed():
        task_report(plan, people)
    for url, expected in ((matrix, counts[matrix][0]), (table, counts[table][1])):
        with CaptureQueriesContext(connection) as after:
            client.get(url)
        assert len(after) == expected, url


def test_the_cockpits_task_report_counts_wait_for_a_task_report_not_a_project_report(
    plan, people, client, cached, monkeypatch
):
    """Issue 22: the cockpit's task report counts are kept under the task figures' stamp, so a
    project report, which renders the headline again, does not count them again; a task
    report does."""
    from dashboard import cockpit
    from supervision import members

    calls = []

    def counting(*args):
        calls.append(args)
        return members.task_report_counts(*args)

    monkeypatch.setattr(cockpit, "task_report_counts", counting)
    client.force_login(people["leader"])
    url = plan_page("dashboard:home") + "?figures=all"
    client.get(url)
    assert len(calls) == 1
    with committed():
        project_report(plan, people)
    client.get(url)
    assert len(calls) == 1  # the project figures rendered again, the task counts kept
    with committed():
        task_report(plan, people)
    client.get(url)
    assert len(calls) == 2  # a task report: counted again


def test_the_matrixs_item_section_is_cached_until_an_item_changes(plan, people, client, cached):
    """The section of supervision items below the matrix is served from the cache, and a
    committed change of an item (its assignment, with its co-unit) shows at once."""

    def section(page: str) -> str:
        return page[page.index('data-testid="deadline-section-item"') :].split("</section>")[0]

    client.force_login(people["staff_own"])
    url = plan_page("supervision:report-matrix")
    with CaptureQueriesContext(connection) as live:
        empty = section(client.get(url).text)
    with CaptureQueriesContext(connection) as hit:
        assert section(client.get(url).text) == empty
    items_read = [q for q in live if "supervision_supervisionitem" in q["sql"]]
    assert items_read and not [q for q in hit if "supervision_supervisionitem" in q["sql"]]
    assert 'data-testid="deadline-row"' not in empty
    project = Project.objects.get(annex__number=1, order=1)
    co_unit = Unit.objects.get(name="市工信局")
    with committed():
        item = write(people, project)
    with committed():
        items.assign_item(
            item=item, user=people["reviewer"], version=item.version,
            lead_unit=project.unit, co_units=[co_unit],
            deadline=timezone.localdate() + dt.timedelta(days=3),  # due soon: blue
        )  # fmt: skip
    due_soon = section(client.get(url).text)
    rows = re.findall(r'data-unit="([^"]+)"', due_soon)
    assert sorted(rows) == sorted([project.unit.name, co_unit.name])
    assert due_soon.count('data-testid="deadline-blue"') == 2  # the lead unit and the co-unit
