"""An ended plan's final evaluation is frozen, in both views, as it stood when the plan ended
(issue 18, item 1): later values change the live figures, never the record; the record is
readable on the evaluation page and downloadable."""

from decimal import Decimal

import pytest

from dashboard.models import FrozenEvaluation
from indicators.models import Indicator, Observation, Target
from plan.lifecycle import plan_state_change
from plan.models import PlanState, Unit
from plan.urlplans import plan_url


@pytest.fixture
def indicator(plan):
    indicator = Indicator.objects.create(
        plan=plan, code="contracts", name="技术合同成交额", unit_of_measure="亿元",
        baseline_year=2021, baseline_value=Decimal(30), order=99,
        responsible_unit=Unit.objects.get(name="市科技局"),
    )  # fmt: skip
    Target.objects.create(indicator=indicator, year=2025, value=60, original_value=60)
    Observation.objects.create(
        indicator=indicator, year=2025, value=Decimal(45), review_state="approved"
    )
    Observation.objects.create(
        indicator=indicator, year=2024, value=Decimal(41), review_state="submitted"
    )
    return indicator


def record_of(html: str) -> str:
    return html.split('<div class="frozen-evaluation">', 1)[1].rsplit("</main>", 1)[0]


def evaluation(client, plan, figures, **extra):
    query = "&".join([f"figures={figures}", *(f"{k}={v}" for k, v in extra.items())])
    return client.get(plan_url(plan, "plan:evaluation") + "?" + query)


def test_ending_a_plan_freezes_its_evaluation_in_both_views(client, plan, people, indicator):
    plan_state_change(plan=plan, state=PlanState.ENDED, user=people["admin"])
    frozen = {f.approved_only: f for f in FrozenEvaluation.objects.filter(plan=plan)}
    assert set(frozen) == {True, False}
    assert all(f.frozen_by == people["admin"] for f in frozen.values())
    assert "技术合同成交额" in frozen[True].html and "45" in frozen[True].html
    # Links in the record stay inside the plan whatever becomes the default later.
    assert 'href="/plans/2022-2025/' in frozen[True].html
    assert "<header" not in frozen[True].html and "csrfmiddlewaretoken" not in frozen[True].html


def test_later_values_change_the_live_page_not_the_record(client, plan, people, indicator):
    plan_state_change(plan=plan, state=PlanState.ENDED, user=people["admin"])
    client.force_login(people["leader"])
    before = evaluation(client, plan, "approved")
    assert 'data-testid="frozen-evaluation"' in before.text
    # Statistics come a year late: the 2025 value is corrected after the plan ended.
    Observation.objects.filter(indicator=indicator, year=2025).update(value=Decimal("58.5"))
    after = evaluation(client, plan, "approved")
    assert record_of(after.text) == record_of(before.text)
    assert "58.5" not in record_of(after.text)
    live = evaluation(client, plan, "approved", live=1)
    assert "58.5" in live.text and 'data-testid="frozen-evaluation"' not in live.text
    for figures in ("approved", "all"):
        record = FrozenEvaluation.objects.get(plan=plan, approved_only=figures == "approved")
        assert record.html in evaluation(client, plan, figures).text


def test_the_record_downloads_as_a_file(client, plan, people, indicator):
    plan_state_change(plan=plan, state=PlanState.ENDED, user=people["admin"])
    client.force_login(people["leader"])
    response = evaluation(client, plan, "all", download=1)
    assert response["Content-Disposition"] == (
        'attachment; filename="2022-2025-final-evaluation-all.html"'
    )
    record = FrozenEvaluation.objects.get(plan=plan, approved_only=False)
    assert record.html in response.text and "<header" not in response.text


def test_an_active_plan_shows_the_live_evaluation(client, plan, people, indicator):
    client.force_login(people["leader"])
    page = evaluation(client, plan, "approved")
    assert page.status_code == 200 and 'data-testid="frozen-evaluation"' not in page.text
    assert not FrozenEvaluation.objects.exists()


def test_a_failed_freeze_leaves_the_plan_active(plan, people, monkeypatch):
    from dashboard import evaluation_freeze

    def broken(*args, **kwargs):
        raise RuntimeError("render failed")

    monkeypatch.setattr(evaluation_freeze, "render_evaluation", broken)
    with pytest.raises(RuntimeError):
        plan_state_change(plan=plan, state=PlanState.ENDED, user=people["admin"])
    plan.refresh_from_db()
    assert plan.state == PlanState.ACTIVE and not FrozenEvaluation.objects.exists()
