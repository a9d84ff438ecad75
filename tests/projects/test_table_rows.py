"""The project table's rows, written in Python (``projects/templatetags/project_rows.py``), are
django-tables2's own markup: the same page rendered through django-tables2's template gives the
same ``<tbody>``, sorted, filtered, empty, paged and on an annex page without the annex column."""

import datetime as dt
import re

import pytest

from projects.models import Project, ProjectStatus, ProjectUpdate
from projects.tables import ProjectTable
from tests.conftest import grow_plan, plan_page


def tbody(html: str) -> str:
    body = html[html.index("<tbody") : html.index("</tbody>")]
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", body)).strip()


@pytest.mark.parametrize(
    "url",
    [
        ("projects:project-list", ""),
        ("projects:project-list", "?sort=-colour&page=2"),
        ("projects:project-list", "?sort=last_reported_at"),
        ("projects:project-list", "?status=completed"),
        ("projects:project-list", "?q=no-such-project"),
        ("projects:annex-detail", "?sort=-percent_complete"),
    ],
)
def test_rows_written_in_python_are_django_tables2s_markup(client, people, plan, url, monkeypatch):
    grow_plan(plan, projects=60, units=5)
    reported = Project.objects.order_by("pk")[:6]
    for i, project in enumerate(reported):  # a mix of states, dates, lag and colours
        moment = dt.datetime(2026, 1, i + 1, 8, tzinfo=dt.UTC)
        ProjectUpdate.objects.create(
            project=project, year=2025, quarter=4, status=ProjectStatus.IN_PROGRESS,
            percent_complete=10 * i, submitted_at=moment,
        )  # fmt: skip
        Project.objects.filter(pk=project.pk).update(
            status=ProjectStatus.IN_PROGRESS if i % 2 else ProjectStatus.LAGGING,
            percent_complete=10 * i, last_reported_at=moment,
        )  # fmt: skip
    name, query = url
    url = plan_page(name, *([2] if "annex" in name else [])) + query
    client.force_login(people["staff_own"])
    ours = client.get(url).content.decode()
    monkeypatch.setattr(ProjectTable._meta, "template_name", "django_tables2/table.html")
    theirs = client.get(url).content.decode()
    assert tbody(ours) == tbody(theirs)
    assert "<tr" in tbody(ours)
