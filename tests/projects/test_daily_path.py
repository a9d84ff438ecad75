"""The clerk's daily path (issue 20): 我的项目 is the to-do (returned first, then what is owed,
then the rest), the project page shows the report just filed, the returned form lists the files
already attached, the closed periods take one line, and deadlines say how overdue they are."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from plan.deadlines import deadline_text
from plan.models import Unit
from plan.permissions import STAFF
from projects.models import Project, ProjectUpdate
from projects.progress import reporting_period
from supervision.evidence import evidence_add
from supervision.review import review_return, token
from tests.conftest import plan_page
from tests.factories import UserFactory
from tests.supervision.test_evidence import PDF, upload


@pytest.fixture
def staff(client, people):
    client.force_login(people["staff_own"])
    return client


def period_of(plan):
    return reporting_period(timezone.localdate(), plan.start_year, plan.end_year)


def filed(project, period, user, **fields):
    values = {"status": "in_progress", "percent_complete": 10, "progress": "施工中。"}
    values.update(fields)
    return ProjectUpdate.objects.create(
        project=project, year=period.year, quarter=period.quarter, submitted_at=timezone.now(),
        submitted_by=user, **values,
    )  # fmt: skip


def returned(report, reviewer, comment):
    review_return(report=report, user=reviewer, seen_token=token(report), comment=comment)
    report.refresh_from_db()
    return report


def test_returned_first_marked_with_the_comments_first_line_then_owed_then_the_rest(
    staff, plan, people
):
    period = period_of(plan)
    mine = Project.objects.filter(unit__name="市科技局")
    projects = list(mine.order_by("annex__number", "order"))
    done, sent_back = projects[0], projects[-1]
    filed(done, period, people["staff_own"])
    report = filed(sent_back, period, people["staff_own"])
    returned(report, people["reviewer"], "请补充佐证材料。\n第二行细节。")

    response = staff.get(plan_page("projects:my-projects"))
    rows = list(response.context["projects"])
    assert rows[0] == sent_back  # returned first, though last in plan order
    assert rows[-1] == done  # reported, waiting for review: last
    html = response.text
    first_row = html[html.index('data-testid="my-project-row"') :]
    first_row = first_row[: first_row.index("</tr>")]
    assert 'data-state="returned"' in first_row and "已退回" in first_row
    assert "请补充佐证材料。" in first_row and "第二行细节" not in first_row
    assert f"?period={period}" in first_row  # the fix opens the returned report
    assert "已提交" not in first_row  # not the green "submitted" of before
    last_row = html[html.rindex('data-testid="my-project-row"') :]
    assert "已提交，待审核" in last_row[: last_row.index("</tr>")]


def test_the_owed_count_is_the_owed_rows_on_one_page_and_across_pages(staff, plan, people):
    """The warning's count of projects still owing the period's report: on a single page it
    is counted from the rows shown, across pages by the database; either way it is the number
    of owed rows (data-state="owed") of the whole list."""
    period = period_of(plan)
    mine = Project.objects.filter(unit__name="市科技局").order_by("annex__number", "order")
    filed(mine.first(), period, people["staff_own"])

    def owed_count_and_rows():
        url, owed, page = plan_page("projects:my-projects"), 0, 1
        while True:
            response = staff.get(url, {"page": page})
            owed += response.text.count('data-state="owed"')
            if not response.context["page_obj"].has_next():
                return response.context["missing"], owed, page
            page += 1

    missing, owed, pages = owed_count_and_rows()
    assert (missing, pages) == (owed, 1) and owed == mine.count() - 1
    annex = mine.first().annex
    Project.objects.bulk_create(
        Project(annex=annex, order=1000 + n, name=f"扩充项目{n}", unit=mine.first().unit)
        for n in range(120)
    )  # fmt: skip
    missing, owed, pages = owed_count_and_rows()
    assert (missing, pages) == (owed, 2) and owed == mine.count() - 1


def test_a_unit_with_no_projects_gets_one_message(client, plan, people):
    empty = Unit.objects.create(name="市无项目局", sort_order=999)
    client.force_login(UserFactory(username="none", role=STAFF, unit=empty))
    html = client.get(plan_page("projects:my-projects")).text
    assert 'data-testid="no-projects"' in html
    assert 'data-testid="missing-count"' not in html  # no green "all reports are in" beside it


def test_overdue_deadlines_say_how_overdue():
    today = dt.date(2026, 12, 1)
    assert deadline_text(dt.date(2026, 1, 10), today) in ("11 months overdue", "已逾期 11 个月")
    assert deadline_text(dt.date(2026, 11, 21), today) in ("10 days overdue", "已逾期 10 天")
    assert deadline_text(dt.date(2026, 12, 6), today) in ("5 days left", "还有 5 天")
    assert deadline_text(today, today) in ("due today", "今天截止")


def test_my_projects_and_the_cockpit_todo_say_how_overdue(staff, plan):
    html = staff.get(plan_page("projects:my-projects")).text
    due = plan.due_date(period_of(plan))
    if due < timezone.localdate():
        assert re.search(r"已逾期 \d+ (天|个月)", html)
    else:
        assert re.search(r"还有 \d+ 天|今天截止", html)
    cockpit = staff.get(plan_page("dashboard:home")).text
    assert 'data-testid="todo-deadline"' in cockpit


def test_after_submitting_the_page_shows_the_report_filed_and_waiting(staff, plan, people):
    project = Project.objects.get(annex__number=1, order=1)
    period = period_of(plan)
    response = staff.post(
        reverse("projects:project-report", args=[project.pk]),
        {"version": project.version, "period": str(period), "status": "in_progress",
         "percent_complete": 40, "progress": "完成主体结构施工。", "investment_completed": "",
         "problems": "", "next_steps": "", "reason": ""},
    )  # fmt: skip
    assert response.status_code == 302
    page = staff.get(response["Location"]).text
    assert 'data-testid="filed-report"' in page
    assert "完成主体结构施工。" in page and "等待领导小组办公室审核" in page
    assert 'data-testid="report-form"' not in page  # not an empty form reading "not saved"
    # Changing it is one link away: the form opens on the filed report.
    form = staff.get(reverse("projects:project-report", args=[project.pk]), {"period": period})
    assert form.context["form"]["progress"].value() == "完成主体结构施工。"


def test_the_returned_form_lists_the_evidence_already_attached(staff, plan, people):
    project = Project.objects.get(annex__number=1, order=1)
    report = filed(project, period_of(plan), people["staff_own"])
    evidence_add(report=report, user=people["staff_own"], uploads=[upload("验收照片.pdf", PDF)])
    returned(report, people["reviewer"], "请补充说明。")
    for url in (project.get_absolute_url(), reverse("projects:project-report", args=[project.pk])):
        html = staff.get(url).text
        attached = html[html.index('data-testid="attached-evidence"') :]
        assert "验收照片.pdf" in attached[: attached.index("</table>")]


def test_closed_periods_take_one_line_with_the_rest_folded(staff, plan):
    plan.close_after_days = 30
    plan.save()
    project = Project.objects.get(annex__number=1, order=1)
    html = staff.get(reverse("projects:project-report", args=[project.pk])).text
    box = html[html.index('data-testid="period-closed"') :]
    box = box[: box.index("</div>")]
    summary = box[box.index("<summary>") : box.index("</summary>")]
    quarter = r"\d{4}年第[一二三四]季度"  # periods written for people (issue 19)
    closed = re.findall(quarter, box)
    assert len(closed) > 2  # the demo plan's earlier quarters are closed
    assert len(re.findall(quarter, summary)) == 1  # the line names only the latest
    assert "<details>" in box and "reopen-request-link" in box
