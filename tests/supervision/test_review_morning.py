"""The reviewer's morning (issue 20): a count of what waits on the menu and the cockpit, the
queue sorted by date, unit, kind and days waiting, several reports approved at once (each with
its own staleness check: one changed meanwhile is refused and named, the others approved), and
the previous period's values beside the reported ones with the change."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from plan.periods import reporting_period
from plan.templatetags.readable import period_zh
from projects.models import Project, ProjectUpdate
from projects.services import ReportInput, project_update_submit
from supervision.queue import change_text
from tests.conftest import grow_plan, plan_page


def this_period(plan):
    return reporting_period(timezone.localdate(), plan.start_year, plan.end_year)


def submit(project, user, period, percent=30, **extra):
    project.refresh_from_db()
    replace = extra.pop("replace", True)
    return project_update_submit(
        project_id=project.pk, user=user, expected_version=project.version,
        data=ReportInput(period=period, status="in_progress", percent_complete=percent,
                         progress=extra.pop("progress", "施工中。"), **extra),
        replace=replace,
    )  # fmt: skip


@pytest.fixture
def three(plan, people):
    period = this_period(plan)
    projects = list(Project.objects.filter(annex__number=1).order_by("order")[:3])
    return [submit(p, people["staff_own"], period) for p in projects]


def picks(html):
    import re

    return re.findall(r'name="pick" value="([^"]+)"', html)


def test_bulk_approval_approves_the_unchanged_and_names_the_one_changed_meanwhile(
    client, people, three
):
    client.force_login(people["reviewer"])
    queue = client.get(reverse("supervision:review-queue"))
    chosen = picks(queue.text)
    assert len(chosen) == 3
    # Meanwhile the unit changes one of them.
    changed = three[1]
    changed.project.refresh_from_db()
    submit(changed.project, people["staff_own"], changed.period, percent=45, replace=True)
    response = client.post(
        reverse("supervision:review-bulk-approve"), {"pick": chosen, "next": "/reviews/"}
    )
    assert response.status_code == 302 and response["Location"] == "/reviews/"
    states = {r.pk: ProjectUpdate.objects.get(pk=r.pk).review_state for r in three}
    assert states == {three[0].pk: "approved", three[1].pk: "submitted", three[2].pk: "approved"}
    kept = ProjectUpdate.objects.get(pk=changed.pk)
    assert kept.percent_complete == 45  # nothing the unit saved is lost
    shown = [str(m) for m in client.get("/reviews/").context["messages"]]
    assert any("已通过 2 份填报" in m for m in shown), shown
    assert any(changed.project.name in m and "已被修改" in m for m in shown), shown


def test_bulk_approval_is_for_reviewers_only(client, people, three):
    client.force_login(people["staff_other"])
    value = f"project:{three[0].pk}:x"
    response = client.post(reverse("supervision:review-bulk-approve"), {"pick": [value]})
    assert response.status_code == 403
    assert ProjectUpdate.objects.get(pk=three[0].pk).review_state == "submitted"


def test_the_queue_sorts_by_waiting_unit_and_kind(client, people, three):
    old = three[2]
    ProjectUpdate.objects.filter(pk=old.pk).update(
        submitted_at=timezone.now() - dt.timedelta(days=20), revised_at=None
    )
    client.force_login(people["reviewer"])
    url = reverse("supervision:review-queue")
    newest = [r["pk"] for r in client.get(url).context["rows"]]
    waiting = client.get(url, {"sort": "waiting"})
    assert [r["pk"] for r in waiting.context["rows"]][0] == old.pk
    assert newest[-1] == old.pk
    assert "已等待 20 天" in waiting.text
    for order in ("unit", "kind"):
        response = client.get(url, {"sort": order})
        assert response.status_code == 200 and response.context["sort"] == order


def test_the_menu_and_the_cockpit_count_what_waits_for_review(client, people, three):
    client.force_login(people["reviewer"])
    home = client.get(plan_page("dashboard:home")).text
    assert 'data-testid="nav-review-count"' in home
    badge = home[home.index('data-testid="nav-review-count"') :]
    assert "3" in badge[: badge.index("</a>")]
    assert 'data-testid="review-waiting"' in home and "3 份填报等待您审核" in home
    client.force_login(people["staff_own"])
    assert 'data-testid="nav-review-count"' not in client.get(plan_page("dashboard:home")).text


def test_the_menu_count_costs_one_query_at_any_size(client, plan, people, three):
    client.force_login(people["reviewer"])
    url = plan_page("plan:task-list")

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    small = count()
    grow_plan(plan, projects=300, units=30)
    period = this_period(plan)
    ProjectUpdate.objects.bulk_create(
        ProjectUpdate(project=p, year=period.year, quarter=period.quarter, status="in_progress",
                      percent_complete=10, submitted_at=timezone.now())
        for p in Project.objects.filter(annex__plan=plan).exclude(updates__isnull=False)
    )  # fmt: skip
    assert count() == small <= 15


def test_the_review_page_shows_the_previous_period_and_the_change(client, plan, people):
    project = Project.objects.get(annex__number=1, order=1)
    period = this_period(plan)
    submit(project, people["staff_own"], period.previous(), percent=40, progress="上季度。")
    report = submit(project, people["staff_own"], period, percent=55, progress="本季度。")
    client.force_login(people["reviewer"])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("supervision:review-detail", args=["project", report.pk]))
    assert len(queries) <= 15
    html = response.text
    values = html[html.index('data-testid="report-values"') :]
    values = values[: values.index("</table>")]
    assert "上期（" in values and str(period.previous()) in values
    assert "上季度。" in values and "本季度。" in values
    assert "+15（+37.5%）" in values


def test_change_text():
    assert change_text("53690", "56000") == "+2,310（+4.3%）"
    assert change_text("1.50", "1.25") == "-0.25（-16.7%）"
    assert change_text("甲", "乙") == "≠"
    assert change_text("5", "5") == ""


def test_the_matrix_has_one_mark_per_cell_a_legend_and_one_reminder_period(client, people, three):
    import re

    client.force_login(people["reviewer"])
    html = client.get(plan_page("supervision:report-matrix"), {"kind": "projects"}).text
    cells = re.findall(r'<td class="center cell .*?</td>', html, re.S)
    assert cells
    for cell in cells:
        assert cell.count('class="mark ') == 1, cell  # one mark: a shape and a word
    # 市科技局's current cell: most are missing, so it says so, with 3 of 53 in.
    assert any('data-mark="missing"' in c and re.search(r"3/\d+<", c) for c in cells)
    legend = html[html.index('data-testid="matrix-legend"') :]
    assert all(word in legend[:2000] for word in ("已审核", "待审核", "已退回", "未报"))
    assert html.count('name="period"') == 1 and 'id="remind-form"' in html
    assert html.count('form="remind-form" name="unit"') == html.count('data-testid="remind"')


@pytest.mark.parametrize(
    "chosen",
    [{}, {"kinds": ["project"]}, {"kinds": ["task"]}, {"period": "this"}, {"unit": "own"},
     {"states": "all"}],
)  # fmt: skip
def test_the_queue_counts_exactly_the_rows_it_lists(plan, people, three, chosen):
    """Issue 22: the menu's and the queue page's counts are taken over the reports' own rows,
    not over the queue's UNION of shown columns; for every filter they must equal the rows."""
    from plan.models import Unit
    from supervision.models import ReviewState
    from supervision.queue import queue_count, review_queue

    # one of the three approved and one returned, so that the states tell them apart
    ProjectUpdate.objects.filter(pk=three[1].pk).update(review_state=ReviewState.APPROVED)
    ProjectUpdate.objects.filter(pk=three[2].pk).update(review_state=ReviewState.RETURNED)
    args = {"states": (ReviewState.SUBMITTED,), "plan": [plan]}
    if chosen.get("states"):
        args["states"] = (ReviewState.SUBMITTED, ReviewState.RETURNED, ReviewState.APPROVED)
    if chosen.get("kinds"):
        args["kinds"] = chosen["kinds"]
    if chosen.get("period"):
        args["period"] = this_period(plan)
    if chosen.get("unit"):
        args["unit_id"] = Unit.objects.get(name="市科技局").pk
    rows = list(review_queue(**args))
    assert queue_count(**args) == len(rows)
    assert len(rows) >= (3 if chosen.get("states") else 1) or chosen.get("kinds") == ["task"]


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["", "?sort=waiting", "?kind=project", "?state=returned"])
def test_the_queue_page_counts_once_and_the_menu_shows_the_waiting_count(
    client, people, three, query
):
    """The menu's badge counts the waiting reports of the queue's plans. Where the page lists
    exactly those (unfiltered, in any order), the page's count serves the badge, so the page
    runs one COUNT, not two; a filtered page runs its own and the badge its own, still the
    waiting count."""
    client.force_login(people["reviewer"])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("supervision:review-queue") + query)
    assert response.status_code == 200
    counts = [q["sql"] for q in queries if q["sql"].startswith("SELECT COUNT(*)")]
    waiting = response.context["review_waiting"]
    assert waiting == len(three)  # all three waiting; the badge, whatever the page lists
    assert f">{waiting}<" in response.content.decode().split('data-testid="nav-review-count"')[1]
    if query in ("", "?sort=waiting"):
        assert response.context["page_obj"].paginator.count == waiting
        assert len(counts) == 1, counts
    else:
        assert len(counts) == 2, counts


@pytest.mark.parametrize(
    "language, one_day, twenty_days, select",
    [("zh-hans", "已等待 1 天", "已等待 20 天", "选择 {subject}，{unit}，{period}"),
     ("en", "waiting 1 day", "waiting 20 days", "Select {subject}, {unit}, {period}")],
)  # fmt: skip
def test_each_row_says_how_long_it_waited_names_its_checkbox_and_links_its_report(
    client, people, three, language, one_day, twenty_days, select
):
    now = timezone.now()
    ProjectUpdate.objects.filter(pk=three[0].pk).update(
        submitted_at=now - dt.timedelta(days=20, hours=1), revised_at=None
    )
    ProjectUpdate.objects.filter(pk=three[1].pk).update(
        submitted_at=now - dt.timedelta(days=1, hours=1), revised_at=None
    )
    client.force_login(people["reviewer"])
    client.cookies["django_language"] = language
    html = client.get(reverse("supervision:review-queue")).text
    rows = {r.pk: r for r in three}
    for pk, waited in ((three[0].pk, twenty_days), (three[1].pk, one_day)):
        report = ProjectUpdate.objects.select_related("project__unit").get(pk=pk)
        row = html[html.index(f'id="pick-project-{pk}"') :]
        row = row[: row.index("</tr>")]
        with translation.override(language):
            period = period_zh(str(rows[pk].period))
        name = select.format(subject=report.project.name, unit=report.project.unit.name,
                             period=period)  # fmt: skip
        assert f'aria-label="{escape(name)}"' in row
        assert f'href="{reverse("supervision:review-detail", args=["project", pk])}"' in row
        late = "deadline-late" if waited == twenty_days else "muted"
        assert f'<span class="small {late}" data-testid="days-waiting">{waited}</span>' in row
