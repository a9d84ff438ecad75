"""Issue 23's remaining point: a past quarter's briefing uses the figures as at that quarter's
end (the reports submitted, or approved, by its close), not today's, so it reads the same when
generated again later."""

import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.utils import timezone
from docx import Document

from dashboard import briefing, cockpit
from plan.periods import Period
from projects.models import Project, ProjectStatus, ProjectUpdate
from supervision.models import ReviewState

PAST = Period(2025, 2)
STATUSES = [s for s, _label in ProjectStatus.choices]


def statuses(b) -> dict:
    return {s: b.projects.get(s, 0) for s in [*STATUSES, "all", "lagging_rule"]}


@pytest.fixture
def demo(plan):
    call_command("load_demo", stdout=io.StringIO())
    return plan


def test_a_past_quarters_figures_are_its_reports_by_its_close(demo):
    cutoff = cockpit.as_at_cutoff(demo, Period(2022, 4))
    first = briefing.collect(demo, Period(2022, 4), approved=False)
    # In the demo every project reported for 2022Q4, its first period.
    reports = ProjectUpdate.objects.filter(year=2022, quarter=4, submitted_at__lt=cutoff)
    expected = Counter(reports.values_list("status", flat=True))
    expected[ProjectStatus.NOT_STARTED] += Project.objects.count() - reports.count()
    assert {s: first.projects.get(s, 0) for s in STATUSES} == {s: expected[s] for s in STATUSES}
    assert first.projects["all"] == Project.objects.count()


@pytest.mark.parametrize("approved", [True, False])
def test_a_past_quarters_briefing_reads_the_same_after_later_reports(demo, approved):
    before = briefing.collect(demo, PAST, approved=approved)
    today = cockpit.project_figures(demo, timezone.localdate(), approved=approved)[0]
    assert statuses(before) != {k: today.get(k, 0) for k in statuses(before)}, (
        "the demo's later reports moved the figures on since 2025Q2"
    )
    # Later: every waiting report approved now, every project reported completed.
    ProjectUpdate.objects.filter(review_state=ReviewState.SUBMITTED).update(
        review_state=ReviewState.APPROVED, reviewed_at=timezone.now()
    )
    Project.objects.update(status=ProjectStatus.COMPLETED, approved_status=ProjectStatus.COMPLETED,
                           percent_complete=100, approved_percent=100)  # fmt: skip
    after = briefing.collect(demo, PAST, approved=approved)
    assert statuses(after) == statuses(before)
    assert [t.rollup for t in after.tasks] == [t.rollup for t in before.tasks]
    assert [(p.pk, p.percent_complete) for p in after.lagging] == [
        (p.pk, p.percent_complete) for p in before.lagging
    ]
    # The document says which figures it used, and shows the as-at count.
    name, content = briefing.generate(demo, PAST, approved)
    text = "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)
    assert "2025年第二季度末" in text or "2025年第二季度" in text
    assert str(before.projects["lagging_rule"]) in text
