"""One truth for the figures (issue 19): every figure that links to a list opens a list of
exactly that many rows, in the same view of the figures (approved reports only, or all), and
the cockpit's project statuses partition the number of projects.

Figures are marked in the pages with ``data-figure="N"`` on their link; list pages say how many
rows they hold (every page of them) with ``data-count="N"``.
"""

import datetime as dt
import io
import random
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import F
from django.urls import reverse

from indicators.models import Indicator
from plan.models import Unit
from projects.models import Project, ProjectStatus
from tests.conftest import grow_plan


class Marks(HTMLParser):
    """Every ``[data-figure]`` link, every ``[data-count]`` and ``[data-status-count]``."""

    def __init__(self):
        super().__init__()
        self.figures, self.counts, self.statuses, self.total = [], [], {}, None
        self.counts_by_id = {}  # a page of several lists (the changes page): each list's count

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "data-figure" in attrs and tag == "a":
            self.figures.append((int(attrs["data-figure"]), attrs["href"]))
        if "data-count" in attrs:
            self.counts.append(int(attrs["data-count"]))
            if "id" in attrs:
                self.counts_by_id[attrs["id"]] = int(attrs["data-count"])
        if "data-status-count" in attrs:
            self.statuses[attrs["data-status-count"]] = int(attrs["data-figure"])
        if "data-projects-total" in attrs:
            self.total = int(attrs["data-projects-total"])


def marks(response) -> Marks:
    assert response.status_code == 200, response
    parser = Marks()
    parser.feed(response.content.decode())
    return parser


def pages(plan):
    unit = Unit.objects.filter(projects__annex__plan=plan).order_by("pk").first()
    return [
        reverse("dashboard:home"),
        reverse("plan:overview"),
        reverse("plan:task-list"),
        *[reverse("plan:task-detail", args=[t.number]) for t in plan.tasks.order_by("number")],
        reverse("plan:unit-detail", args=[unit.pk]),
        reverse("indicators:indicator-list"),
        reverse("plan:evaluation"),
    ]


def reconcile(client, plan, view):
    """Walk every page's figures in ``view``; return how many links were followed."""
    followed = 0
    for page in pages(plan):
        found = marks(client.get(page, {"figures": view}))
        for figure, href in found.figures:
            query = parse_qs(urlsplit(href).query)
            assert query.get("figures") == [view], (page, href)  # the view travels along
            listed = marks(client.get(href))
            assert listed.counts, f"{href} (from {page}) says no row count"
            fragment = urlsplit(href).fragment
            count = listed.counts_by_id[fragment] if fragment else listed.counts[0]
            assert count == figure, f"{page}: {figure} links to {href}: {listed.counts}"
            followed += 1
    return followed


def partition(client, view):
    found = marks(client.get(reverse("dashboard:home"), {"figures": view}))
    assert set(found.statuses) == {s for s, _ in ProjectStatus.choices}
    assert sum(found.statuses.values()) == found.total
    return found


def login(client, username):
    client.force_login(get_user_model().objects.get(username=username))


@pytest.fixture
def demo(plan):
    call_command("load_demo", stdout=io.StringIO())
    return plan


@pytest.mark.parametrize("username", ["demo-leader", "demo-staff-kjj"])
@pytest.mark.parametrize("view", ["approved", "all"])
def test_every_figure_on_the_demo_opens_a_list_of_that_many_rows(demo, client, username, view):
    login(client, username)
    assert reconcile(client, demo, view) >= 20
    found = partition(client, view)
    assert found.total == Project.objects.filter(annex__plan=demo).count()


def test_the_views_differ_by_the_unapproved_reports_behind_them(demo, client):
    """Switching the view changes each status count by exactly the projects whose latest
    report is not approved and says another status."""
    login(client, "demo-leader")
    approved = partition(client, "approved").statuses
    everything = partition(client, "all").statuses
    projects = Project.objects.filter(annex__plan=demo)
    for status, _label in ProjectStatus.choices:
        assert approved[status] == projects.filter(approved_status=status).count()
        assert everything[status] == projects.filter(status=status).count()
    moved = projects.exclude(status=F("approved_status")).count()
    assert moved, "the demo has unapproved reports that change a status"
    assert sum(abs(approved[s] - everything[s]) for s in approved) <= 2 * moved


@pytest.fixture
def generated(plan):
    """A small generated plan: extra units and projects, statuses and dates drawn at random,
    a third of them with an approved state behind their last report."""
    grow_plan(plan, projects=36, units=6)
    rng = random.Random(19)
    statuses = [s for s, _ in ProjectStatus.choices]
    projects = list(Project.objects.filter(annex__plan=plan))
    for project in projects:
        project.status = rng.choice(statuses)
        project.percent_complete = rng.randrange(0, 101, 5)
        project.approved_status = project.status if rng.random() < 0.66 else rng.choice(statuses)
        project.approved_percent = max(0, project.percent_complete - rng.randrange(0, 40, 10))
        year = rng.choice([2022, 2023, 2024])
        project.planned_start = project.planned_start or dt.date(year, 1, 1)
        project.planned_end = project.planned_end or dt.date(year + 2, 12, 31)
    Project.objects.bulk_update(
        projects,
        ["status", "percent_complete", "approved_status", "approved_percent", "planned_start",
         "planned_end"],
    )  # fmt: skip
    assert Indicator.objects.filter(plan=plan).exists()
    return plan


@pytest.mark.parametrize("role", ["leader", "staff_own"])
@pytest.mark.parametrize("view", ["approved", "all"])
def test_every_figure_on_a_generated_plan_opens_a_list_of_that_many_rows(
    generated, people, client, role, view
):
    client.force_login(people[role])
    assert reconcile(client, generated, view) >= 20
    found = partition(client, view)
    assert found.total == Project.objects.filter(annex__plan=generated).count()


def test_the_figures_view_is_kept_for_the_session(demo, client):
    login(client, "demo-leader")
    assert marks(client.get(reverse("dashboard:home"))).figures  # approved by default
    client.get(reverse("dashboard:home"), {"figures": "all"})
    response = client.get(reverse("plan:task-list"))
    assert 'data-figures-view="all"' in response.content.decode()


def test_the_cockpit_is_written_from_the_plans_own_numbers(demo, client):
    """A cockpit for any plan: its task heading counts the plan's tasks, and a task without
    projects is labelled so in the chart (no bar that reads as 0 %)."""
    login(client, "demo-leader")
    tasks = list(demo.tasks.order_by("number"))
    html = client.get(reverse("dashboard:home")).content.decode()
    assert f"本规划的 {len(tasks)} 项主要任务" in html and "九项主要任务" not in html
    chart = client.get(reverse("dashboard:cockpit-chart", args=["task-progress"])).json()
    with_projects = set(
        Project.objects.filter(annex__plan=demo).values_list("annex__column__task", flat=True)
    )
    assert len(chart["labels"]) == len(tasks)
    for task, label, value in zip(tasks, chart["labels"], chart["values"], strict=True):
        if task.pk in with_projects:
            assert "无项目" not in label and value is not None
        else:
            assert label.endswith("（无项目）") and value is None
    assert len(with_projects) < len(tasks), "the demo has a task without projects"
