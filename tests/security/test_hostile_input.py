"""Hostile input: generated form posts never cause a 500, and always end in a message or a
stored value that reads back equal; markup in names and texts comes out escaped everywhere."""

import html
import json
from decimal import Decimal, InvalidOperation

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indicators.models import Indicator, Observation
from plan.models import Unit
from plan.periods import reporting_period
from projects.models import Project, ProjectUpdate
from supervision.models import TaskReport
from tests.conftest import plan_page

EXAMPLES = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
TEXT = st.text(max_size=300)
NUMBERISH = st.one_of(st.integers(-10**6, 10**6).map(str), st.decimals(allow_nan=True).map(str),
                      TEXT)  # fmt: skip
MARKUP = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "{{ 7|add:7 }}{% now %}"]


@pytest.fixture
def staff(client, people):
    client.force_login(people["staff_own"])
    return client


def period_of(plan):
    return reporting_period(timezone.localdate(), plan.start_year, plan.end_year)


@EXAMPLES
@given(
    percent=NUMBERISH,
    investment=NUMBERISH,
    progress=TEXT,
    status=st.sampled_from(
        ["in_progress", "completed", "lagging", "suspended", "not_started", "", "bogus"]
    ),
)
def test_project_report_form(staff, plan, percent, investment, progress, status):
    project = Project.objects.get(annex__number=1, order=1)
    ProjectUpdate.objects.filter(project=project).delete()
    response = staff.post(reverse("projects:project-report", args=[project.pk]), {
        "version": project.version if Project.objects.filter(pk=project.pk).exists() else 1,
        "period": str(period_of(plan)), "status": status, "percent_complete": percent,
        "investment_completed": investment, "progress": progress,
    } | {"version": Project.objects.get(pk=project.pk).version})  # fmt: skip
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 302:
        saved = ProjectUpdate.objects.get(project=project)
        assert saved.percent_complete == int(percent)
        assert saved.progress == progress.replace("\r\n", "\n").strip()
        if investment.strip():
            assert saved.investment_completed == Decimal(investment).quantize(Decimal("0.01"))
    else:
        assert "errorlist" in response.text or 'role="alert"' in response.text
        assert not ProjectUpdate.objects.filter(project=project).exists()


@EXAMPLES
@given(progress=TEXT, figures=TEXT, status=st.sampled_from(["on_track", "lagging", "x", ""]))
def test_task_report_form(staff, plan, progress, figures, status):
    unit = Unit.objects.get(name="市科技局")
    TaskReport.objects.all().delete()
    url = plan_page("supervision:task-report", 3, unit.pk, str(period_of(plan)))
    response = staff.post(url, {"version": 0, "status": status, "progress": progress,
                                "figures": figures})  # fmt: skip
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        saved = TaskReport.objects.get()
        assert (saved.progress, saved.figures) == (progress.strip(), figures.strip())
    else:
        assert not TaskReport.objects.exists()


@EXAMPLES
@given(value=NUMBERISH, year=st.one_of(st.integers(1900, 2200).map(str), TEXT))
def test_value_form(staff, plan, value, year):
    indicator, _ = Indicator.objects.get_or_create(
        plan=plan, code="fuzz", defaults={"name": "模糊测试", "unit_of_measure": "%",
                                           "responsible_unit": Unit.objects.get(name="市科技局")},
    )  # fmt: skip
    Observation.objects.filter(indicator=indicator).delete()
    response = staff.post(indicator.get_absolute_url(), {"version": 0, "year": year,
                                                         "value": value, "source": ""})  # fmt: skip
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        saved = Observation.objects.get(indicator=indicator)
        assert saved.year == int(year)
        try:
            expected = Decimal(value.strip())
        except InvalidOperation:  # pragma: no cover - a 302 means the form took it
            pytest.fail(f"stored a value that is not a number: {value!r}")
        assert saved.value == expected and 0 <= saved.value <= 100
    else:
        assert not Observation.objects.filter(indicator=indicator).exists()


@pytest.mark.parametrize("markup", MARKUP)
def test_markup_in_names_and_texts_is_escaped_on_every_page_and_in_json(client, people, plan,
                                                                        markup):  # fmt: skip
    project = Project.objects.get(annex__number=1, order=1)
    project.name = f"项目{markup}"
    project.save()
    unit = Unit.objects.get(name="市科技局")
    unit.name = f"市科技局{markup}"
    unit.save()
    ProjectUpdate.objects.create(project=project, year=2025, quarter=4, status="in_progress",
                                 percent_complete=5, progress=f"进展{markup}",
                                 submitted_at=timezone.now())  # fmt: skip
    indicator = Indicator.objects.create(plan=plan, code="x", name=f"指标{markup}",
                                         responsible_unit=unit)  # fmt: skip
    client.force_login(people["admin"])
    pages = ["/", plan_page("plan:overview"), plan_page("plan:task-detail", 1),
             plan_page("plan:unit-list"), plan_page("plan:unit-detail", unit.pk),
             plan_page("projects:project-list"), plan_page("projects:annex-detail", 1),
             project.get_absolute_url(), plan_page("projects:my-projects"),
             plan_page("supervision:report-matrix") + "?kind=projects",
             plan_page("plan:evaluation"),
             plan_page("indicators:indicator-list"), indicator.get_absolute_url()]  # fmt: skip
    escaped = html.escape(markup, quote=True).replace("&#x27;", "&#39;")
    shown = 0
    for url in pages:
        text = client.get(url).content.decode()
        if "<" in markup:
            assert markup not in text, url  # it would be live markup
        shown += escaped in text or ("<" not in markup and markup in text)
    assert shown >= 8  # most pages show one of the names, escaped (a template tag as typed)
    chart = client.get(reverse("indicators:indicator-chart", args=[indicator.pk]))
    assert "<" not in chart.content.decode()
    assert json.loads(chart.content)["title"] == indicator.name


CELL_VALUES = st.one_of(
    st.none(), TEXT, st.integers(-10**9, 10**9), st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(), st.dates().map(lambda d: d), st.datetimes(),
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(value=CELL_VALUES, number_format=st.sampled_from([None, "General", "0%", "0.00%", "@"]))
def test_import_cell_parsing_reads_or_refuses_never_crashes(value, number_format):
    from projects.imports import PARSERS, CellError

    for kind, parse in PARSERS.items():
        try:
            parsed = parse(value, number_format)
        except CellError:
            continue
        if kind == "percent":
            assert isinstance(parsed, int) and 0 <= parsed <= 100
        elif kind == "money":
            assert parsed is None or (parsed >= 0 and parsed == parsed.quantize(Decimal("0.01")))
        elif kind == "status":
            assert parsed in {"not_started", "in_progress", "completed", "lagging", "suspended"}
