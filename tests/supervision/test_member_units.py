"""Collective units report member by member (issue 26): 各县(市)区和开发区 is many governments.

The collective of the plan's text (tasks 1, 2, 6 and 8) gets members in each test; each member
owes its own task report each quarter of its membership, and the collective's line rolls theirs
up.
"""

import datetime as dt
import io
from io import StringIO

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plan.members import UnitMember
from plan.models import Plan, Responsibility, Unit
from plan.periods import Period
from plan.permissions import REVIEWER, STAFF
from supervision.members import collective_board
from supervision.models import ReviewState, TaskReport
from supervision.reminders import digest_for
from supervision.reporting import task_matrix, todo_for
from tests.conftest import plan_page
from tests.factories import UnitFactory, UserFactory

COLLECTIVE = "各县(市)区和开发区"
P = Period(2025, 4)  # due 2026-01-10
TODAY = dt.date(2026, 1, 20)  # after the due date: a report not in is missing (overdue)
JOINED = dt.date(2022, 1, 1)


@pytest.fixture
def collective(plan):
    return Unit.objects.get(name=COLLECTIVE)


def add_members(collective, count, start=0, joined_on=JOINED, left_on=None):
    units = [UnitFactory(name=f"示例区{start + i:02d}") for i in range(count)]
    for unit in units:
        UnitMember.objects.create(
            collective=collective, member=unit, joined_on=joined_on, left_on=left_on
        )
    return units


def collective_tasks(collective):
    return [
        r.task
        for r in Responsibility.objects.filter(unit=collective).select_related("task")
        .order_by("task__number")
    ]  # fmt: skip


def report(task, unit, period=P, day=dt.date(2026, 1, 5), review=ReviewState.SUBMITTED):
    return TaskReport.objects.create(
        task=task, unit=unit, year=period.year, quarter=period.quarter, status="on_track",
        progress="x", submitted_at=dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC),
        review_state=review,
    )  # fmt: skip


def rows_of(matrix):
    return {row.unit.name: row for row in matrix.rows}


def test_the_plan_names_the_collective_and_no_member(plan, collective):
    """The plan's data keeps the collective as the text names it; members are entered."""
    assert [t.number for t in collective_tasks(collective)] == [1, 2, 6, 8]
    assert not UnitMember.objects.exists()
    # Without members the collective reports as one unit, as before.
    row = rows_of(task_matrix(plan, [P], TODAY))[COLLECTIVE]
    assert not row.rollup and len(row.cells[0].items) == 4


@pytest.mark.parametrize(
    ("story", "received", "late", "returned", "complete"),
    [
        ("none", 0, 0, 0, False),
        ("some", 4, 1, 0, False),
        ("all", 12, 1, 0, True),
        ("one returned", 12, 1, 1, False),
    ],
)
def test_the_collective_is_complete_when_every_members_report_is_in(
    plan, collective, story, received, late, returned, complete
):
    members = add_members(collective, 3)
    tasks = collective_tasks(collective)
    reporting = {"none": [], "some": members[:1]}.get(story, members)
    for unit in reporting:
        for i, task in enumerate(tasks):
            late_one = unit == members[0] and i == 0
            report(task, unit, day=dt.date(2026, 1, 15) if late_one else dt.date(2026, 1, 5))
    if story == "one returned":
        TaskReport.objects.filter(unit=members[2], task=tasks[0]).update(
            review_state=ReviewState.RETURNED
        )
    matrix = task_matrix(plan, [P], TODAY)
    rows = rows_of(matrix)
    rollup = rows[COLLECTIVE]
    assert rollup.rollup and [r.unit for r in rollup.members] == members
    cell = rollup.cells[0]
    assert (cell.received, len(cell.items)) == (received, 12)  # the matrix reads "4/12"
    assert rollup.totals["late"] == late
    assert rollup.totals["overdue"] == 12 - received
    assert rollup.review_totals["returned"] == returned
    # The matrix's totals count each member once, never the collective as well.
    assert sum(matrix.totals.values()) == sum(len(r.cells[0].items) for r in matrix.unit_rows)
    assert COLLECTIVE not in [r.unit.name for r in matrix.unit_rows]
    board = collective_board(plan, collective, P, TODAY)
    assert board.summary["received"] == received
    assert board.complete is complete
    behind = {"none": members, "some": members, "all": members[:1]}.get(story, members[:1])
    assert board.behind == behind  # late or missing


def test_member_lines_follow_their_collective_in_the_matrix(plan, collective):
    members = add_members(collective, 3)
    names = [row.unit.name for row in task_matrix(plan, [P], TODAY).rows]
    at = names.index(COLLECTIVE)
    assert names[at + 1 : at + 4] == [m.name for m in members]


def test_a_member_joining_mid_plan_owes_from_its_quarter_and_one_leaving_keeps_its_past(
    plan, collective
):
    task = collective_tasks(collective)[0]
    old = add_members(collective, 1, joined_on=JOINED, left_on=dt.date(2025, 7, 1))[0]
    new = add_members(collective, 1, start=1, joined_on=dt.date(2025, 11, 15))[0]
    report(task, old, Period(2025, 2), day=dt.date(2025, 7, 3))
    periods = [Period(2025, 2), Period(2025, 3), Period(2025, 4)]
    rows = rows_of(task_matrix(plan, periods, TODAY, task))
    # The member that left owes 2025Q2 (reported) and nothing after it left on 1 July.
    assert [len(c.items) for c in rows[old.name].cells] == [1, 0, 0]
    assert rows[old.name].cells[0].state == "submitted"
    # The member that joined in November owes 2025Q4 only.
    assert [len(c.items) for c in rows[new.name].cells] == [0, 0, 1]
    rollup = rows[COLLECTIVE]
    assert [(c.received, len(c.items)) for c in rollup.cells] == [(1, 1), (0, 0), (0, 1)]


def test_membership_days_must_make_sense(collective):
    member = UnitFactory(name="示例区X")
    link = UnitMember(collective=collective, member=member, joined_on=JOINED, left_on=JOINED)
    with pytest.raises(ValidationError):
        link.full_clean()
    with pytest.raises(ValidationError):
        UnitMember(collective=collective, member=collective, joined_on=JOINED).full_clean()


def form(version=0):
    return {"version": version, "status": "on_track", "progress": "本区完成年度工作要点。",
            "figures": "", "problems": "", "next_steps": ""}  # fmt: skip


def form_url(task_number, unit, period=P):
    return plan_page("supervision:task-report", task_number, unit.pk, str(period))


def test_a_members_staff_report_only_for_their_member(client, plan, collective):
    a, b = add_members(collective, 2)
    clerk = UserFactory(username="clerk-a", role=STAFF, unit=a)
    client.force_login(clerk)
    assert client.get(form_url(1, a)).status_code == 200
    response = client.post(form_url(1, a), form())
    assert response.status_code == 302
    filed = TaskReport.objects.get(task__number=1, unit=a, year=2025, quarter=4)
    assert filed.submitted_by == clerk
    # Not for another member, not for the collective (it reports through its members), not
    # for a task the collective does not share.
    assert client.post(form_url(1, b), form()).status_code == 403
    assert client.post(form_url(1, collective), form()).status_code == 404
    assert client.post(form_url(3, a), form()).status_code == 404
    assert TaskReport.objects.count() == 1


def test_the_collectives_own_staff_see_every_member_but_report_for_none(client, plan, collective):
    a, b = add_members(collective, 2)
    report(collective_tasks(collective)[0], a)
    coordinator = UserFactory(username="qx-office", role=STAFF, unit=collective)
    client.force_login(coordinator)
    page = client.get(plan_page("plan:unit-detail", collective.pk))
    assert page.status_code == 200
    board = page.context["collective_board"]
    assert [line.unit for line in board.lines] == [a, b]
    assert 'data-member="示例区00"' in page.text and 'data-member="示例区01"' in page.text
    assert client.post(form_url(1, a), form()).status_code == 403
    # Its period page adds its members' reports up, task by task, and offers no form.
    period_page = client.get(plan_page("supervision:unit-period-reports", collective.pk, str(P)))
    report(collective_tasks(collective)[0], b)
    again = client.get(plan_page("supervision:unit-period-reports", collective.pk, str(P)))
    assert [state for _r, _rep, state, _c in period_page.context["tasks"]][0] == "overdue"
    assert [state for _r, _rep, state, _c in again.context["tasks"]] == [
        "submitted", "overdue", "overdue", "overdue"
    ]  # fmt: skip
    assert not again.context["can_report"]
    # The collective owes nothing of its own, so its to-do has no task report.
    assert todo_for(coordinator, {collective.pk}, plan, P).task_reports == []


def test_a_members_todo_lists_its_share_of_the_collectives_tasks(plan, collective):
    a, b = add_members(collective, 2)
    tasks = collective_tasks(collective)
    report(tasks[0], a)
    clerk = UserFactory(username="clerk-a", role=STAFF, unit=a)
    todo = todo_for(clerk, {a.pk}, plan, P)
    assert [(r.task.number, r.unit) for r in todo.task_reports] == [(2, a), (6, a), (8, a)]
    assert {r.collective for r in todo.task_reports} == {collective}


def test_the_reminder_digest_goes_to_each_members_staff_for_its_own_reports(
    plan, collective, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    a, b = add_members(collective, 2)
    report(collective_tasks(collective)[0], a)
    clerk_a = UserFactory(username="clerk-a", role=STAFF, unit=a, email="a@example.gov.cn")
    clerk_b = UserFactory(username="clerk-b", role=STAFF, unit=b, email="b@example.gov.cn")
    digest_a = digest_for(clerk_a, {a.pk}, plan, TODAY, 7)
    digest_b = digest_for(clerk_b, {b.pk}, plan, TODAY, 7)
    texts_a = [item.text for item in digest_a.items]
    texts_b = [item.text for item in digest_b.items]
    assert len(texts_a) == 3 and all(a.name in t for t in texts_a)
    assert len(texts_b) == 4 and all(b.name in t for t in texts_b)
    assert not any(COLLECTIVE in t for t in texts_a + texts_b)
    # The daily command mails each of them their own list.
    call_command("send_reminders", f"--date={TODAY.isoformat()}", stdout=StringIO())
    bodies = {m.to[0]: m.body for m in mail.outbox}
    assert a.name in bodies["a@example.gov.cn"] and b.name not in bodies["a@example.gov.cn"]
    assert b.name in bodies["b@example.gov.cn"]


def count(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured), response


# As a reviewer (the matrix's reminder forms are theirs). The collective's unit and period
# pages build its members' board (the matrix's three queries and the tasks).
# A reviewer's pages include the menu's count of reports waiting for review (one query).
PINNED = {
    "supervision:report-matrix": 11,  # with the section of supervision items (督办件)
    "plan:unit-detail": 13,
    "supervision:unit-period-reports": 13,
    "plan:task-detail": 15,
}


@pytest.mark.parametrize(
    "page",
    [
        ("supervision:report-matrix", "?kind=tasks&year=all"),
        ("plan:unit-detail", ""),
        ("supervision:unit-period-reports", ""),
        ("plan:task-detail", ""),
    ],
    ids=["matrix", "unit", "unit-period", "task"],
)
def test_pages_with_members_cost_the_same_for_3_and_12_members(client, plan, collective, page):
    Plan.objects.filter(pk=plan.pk).update(reporting_start_year=2022, reporting_start_quarter=4)
    name, query = page
    args = {
        "plan:unit-detail": [collective.pk],
        "supervision:unit-period-reports": [collective.pk, str(P)],
        "plan:task-detail": [1],
    }.get(name, [])
    url = plan_page(name, *args) + query
    client.force_login(UserFactory(username="rev", role=REVIEWER))
    add_members(collective, 3)
    for unit in Unit.objects.filter(name__startswith="示例区"):
        report(collective_tasks(collective)[0], unit)
    small, response = count(client, url)
    add_members(collective, 9, start=3)
    for unit in Unit.objects.filter(name__startswith="示例区").order_by("name")[3:]:
        report(collective_tasks(collective)[1], unit)
    large, response = count(client, url)
    assert (small, large) == (PINNED[name], PINNED[name]) and small <= 15
    if name == "plan:unit-detail":
        assert len(response.context["collective_board"].lines) == 12


def test_a_reminder_to_the_collective_reaches_every_members_staff(plan, collective):
    from django.utils import timezone

    from supervision.cycle import reminder_notice_send
    from supervision.reminders import todo_notices

    a, b = add_members(collective, 2)
    reviewer = UserFactory(username="rev", role=REVIEWER)
    reminder_notice_send(plan=plan, unit=collective, period=P, kind="tasks", user=reviewer)
    today = timezone.localdate()
    for member in (a, b):
        assert [n.unit for n in todo_notices({member.pk}, plan, today)] == [collective]
        digest = digest_for(UserFactory(username=f"c{member.pk}"), {member.pk}, plan, today, 7)
        assert any(COLLECTIVE in item.text for item in digest.items)
    other = Unit.objects.get(name="市科技局")
    assert todo_notices({other.pk}, plan, today) == []


def test_a_members_report_closes_reopens_carries_evidence_and_is_returned_like_any(
    client, plan, collective
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dashboard.demo import DEMO_PDF
    from supervision.cycle import reopen_grant, reopen_request_submit
    from supervision.models import ReopenScope
    from supervision.review import review_return, token

    Plan.objects.filter(pk=plan.pk).update(close_after_days=30)  # 2025Q4 closed since February
    plan.refresh_from_db()
    (a,) = add_members(collective, 1)
    task = collective_tasks(collective)[0]
    clerk = UserFactory(username="clerk-a", role=STAFF, unit=a)
    reviewer = UserFactory(username="rev", role=REVIEWER)
    client.force_login(clerk)
    refused = client.post(form_url(task.number, a), form())
    assert refused.status_code == 200 and not TaskReport.objects.exists()  # closed: refused
    request = reopen_request_submit(
        plan=plan, unit=a, period=P, scope=ReopenScope.TASK, object_id=task.pk,
        subject=str(task), reason="补报本区数据", user=clerk,
    )  # fmt: skip
    reopen_grant(request_id=request.pk, user=reviewer)
    evidence = SimpleUploadedFile("佐证.pdf", DEMO_PDF, content_type="application/pdf")
    response = client.post(form_url(task.number, a), {**form(), "evidence": evidence})
    assert response.status_code == 302
    filed = TaskReport.objects.get(unit=a, task=task)
    assert filed.evidence.count() == 1
    review_return(report=filed, user=reviewer, seen_token=token(filed), comment="请补充数据。")
    # Returned to the member: on its to-do, yellow on the collective's board, not complete.
    returned = todo_for(clerk, {a.pk}, plan, P).returned
    assert [(r["kind"], r["period"]) for r in returned] == [("task", str(P))]
    board = collective_board(plan, collective, P, TODAY)
    assert board.lines[0].items[0].colour == "yellow" and not board.complete


def test_the_matrix_workbook_marks_the_rollup_and_its_members(client, plan, collective):
    import openpyxl

    add_members(collective, 2)
    client.force_login(UserFactory(username="rev", role=REVIEWER))
    response = client.get(plan_page("supervision:report-export") + "?kind=tasks&year=2025")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    at = names.index(f"{COLLECTIVE}（成员合计）")
    assert names[at + 1 : at + 3] == [
        f"示例区00（{COLLECTIVE}成员）",
        f"示例区01（{COLLECTIVE}成员）",
    ]
