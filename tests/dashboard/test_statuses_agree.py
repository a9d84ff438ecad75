"""Statuses agree everywhere within a view of the figures (issue 19): the same project or
indicator shows the same status on every page; the final evaluation judges the target year only."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from indicators.models import Indicator, Observation
from plan.models import Unit
from projects.models import Project

ROW = re.compile(r'<tr[^>]*data-project="(\d+)"[^>]*data-status="(\w+)"')
ROW_REVERSED = re.compile(r'<tr[^>]*data-status="(\w+)"[^>]*data-project="(\d+)"')
INDICATOR_ROW = re.compile(r'<tr data-code="([\w-]+)">.*?data-status="(\w+)"', re.S)


def project_statuses(html: str) -> dict[int, str]:
    found = {int(pk): status for pk, status in ROW.findall(html)}
    found.update({int(pk): status for status, pk in ROW_REVERSED.findall(html)})
    return found


@pytest.fixture
def demo(plan, client):
    call_command("load_demo", stdout=io.StringIO())
    client.force_login(get_user_model().objects.get(username="demo-leader"))
    return plan


@pytest.mark.parametrize("view", ["approved", "all"])
def test_a_project_has_the_same_status_on_every_page(demo, client, view):
    field = "approved_status" if view == "approved" else "status"
    truth = dict(Project.objects.filter(annex__plan=demo).values_list("pk", field))
    seen = {}
    listed = client.get(reverse("projects:project-list"), {"figures": view, "per_page": 100})
    pages = [listed.content.decode()]
    for task in demo.tasks.all():
        pages.append(client.get(reverse("plan:task-detail", args=[task.number]),
                                {"figures": view}).content.decode())  # fmt: skip
    for unit in Unit.objects.filter(projects__annex__plan=demo).distinct():
        pages.append(client.get(reverse("plan:unit-detail", args=[unit.pk]),
                                {"figures": view}).content.decode())  # fmt: skip
    for html in pages:
        for pk, status in project_statuses(html).items():
            seen.setdefault(pk, set()).add(status)
    assert seen and all(len(statuses) == 1 for statuses in seen.values())
    assert {pk: statuses.pop() for pk, statuses in seen.items()} == {pk: truth[pk] for pk in seen}
    assert set(seen) == set(truth)  # every project was on some page


@pytest.mark.parametrize("view", ["approved", "all"])
def test_an_indicator_has_the_same_status_on_the_cockpit_and_the_list(demo, client, view):
    cockpit = client.get(reverse("dashboard:home"), {"figures": view}).content.decode()
    listed = client.get(reverse("indicators:indicator-list"), {"figures": view}).content.decode()
    on_cockpit, on_list = dict(INDICATOR_ROW.findall(cockpit)), dict(INDICATOR_ROW.findall(listed))
    assert on_cockpit and len(on_list) == Indicator.objects.filter(plan=demo).count()
    assert {code: on_list[code] for code in on_cockpit} == on_cockpit


def test_the_evaluation_says_no_value_for_the_target_year_never_an_older_status(demo, client):
    judged = Observation.objects.filter(
        indicator__plan=demo, indicator__kind=Indicator.Kind.NUMERIC, year=demo.end_year
    ).first()
    indicator = judged.indicator
    judged.delete()
    assert Observation.objects.filter(indicator=indicator).exists()  # older years keep theirs
    html = client.get(reverse("plan:evaluation"), {"figures": "all"}).content.decode()
    row = re.search(rf'<tr data-code="{indicator.code}">.*?</tr>', html, re.S).group(0)
    assert f"{demo.end_year}年无数值" in row
    assert 'data-status="no_data"' in row
    # Elsewhere the latest year with a value is shown, labelled with its year.
    listed = client.get(reverse("indicators:indicator-list"), {"figures": "all"}).content.decode()
    row = re.search(rf'<tr data-code="{indicator.code}">.*?</tr>', listed, re.S).group(0)
    assert f'data-status-year="{demo.end_year - 1}"' in row


DETAIL_STATUS = re.compile(r'data-testid="indicator-status".*?data-status="(\w+)"', re.S)


@pytest.mark.parametrize("view", ["approved", "all"])
def test_an_indicator_has_the_same_status_on_every_indicator_page(demo, client, view):
    """The cockpit, the indicator list, the indicator's own page and the final evaluation give
    each indicator one status within a view; the evaluation, which judges the target year,
    gives "no value for 2025" where that year has none, and the others then name the year of
    the value they judge."""
    # One indicator without a value for the target year, so that both rules are walked.
    Observation.objects.filter(
        indicator__plan=demo, indicator__code="demo-patents", year=demo.end_year
    ).delete()
    ask = {"figures": view}
    cockpit = client.get(reverse("dashboard:home"), ask).content.decode()
    listed = client.get(reverse("indicators:indicator-list"), ask).content.decode()
    evaluation = client.get(reverse("plan:evaluation"), ask).content.decode()
    on_cockpit, on_list = dict(INDICATOR_ROW.findall(cockpit)), dict(INDICATOR_ROW.findall(listed))
    on_evaluation = dict(INDICATOR_ROW.findall(evaluation))
    years = {}  # the year each indicator's status on the list is from
    for code, row in re.findall(r'<tr data-code="([\w-]+)">(.*?)</tr>', listed, re.S):
        year = re.search(r'data-status-year="(\d+)"', row)
        if year:
            years[code] = year.group(1)
    indicators = Indicator.objects.filter(plan=demo)
    assert set(on_list) == set(on_evaluation) == {i.code for i in indicators}
    walked = {"same": 0, "no value": 0}
    for indicator in indicators:
        status = on_list[indicator.code]
        page = client.get(indicator.get_absolute_url(), ask).content.decode()
        assert DETAIL_STATUS.search(page).group(1) == status, indicator.code
        if indicator.code in on_cockpit:
            assert on_cockpit[indicator.code] == status, indicator.code
        if years.get(indicator.code) == str(demo.end_year):
            assert on_evaluation[indicator.code] == status, indicator.code
            walked["same"] += 1
        elif indicator.code in years:  # judged on an older year elsewhere
            row = re.search(rf'<tr data-code="{indicator.code}">.*?</tr>', evaluation, re.S)
            assert f"{demo.end_year}年无数值" in row.group(0), indicator.code
            assert on_evaluation[indicator.code] == "no_data"
            assert f'data-status-year="{years[indicator.code]}"' in page, indicator.code
            walked["no value"] += 1
    assert walked["same"] >= 3 and walked["no value"] >= 1, walked
