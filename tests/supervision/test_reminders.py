"""Reminders (催办): one digest e-mail per person and run, never the same state twice a day;
reviewers' one-click notices from the report matrix reach the unit's to-do and its digest."""

import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from plan.models import Responsibility, Unit
from plan.periods import Period
from supervision.models import ReminderLog, ReminderNotice, TaskReport
from supervision.review import review_return, token
from tests.conftest import plan_page
from tests.factories import UserFactory

# 2025Q2's reports are due on 07-10 (within 7 days: due soon); 2025Q1's were due on 04-10 and,
# with periods closing 90 days after, are still open (overdue).
TODAY = dt.date(2025, 7, 5)
DUE_SOON, OVERDUE = Period(2025, 2), Period(2025, 1)


@pytest.fixture
def setup(plan, people, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    plan.close_after_days = 90
    plan.save()
    kjj, gxj = Unit.objects.get(name="市科技局"), Unit.objects.get(name="市工信局")
    people["staff_own"].email = "kjj@example.gov.cn"
    people["staff_own"].save()
    people["staff_other"].email = "gxj@example.gov.cn"
    people["staff_other"].save()
    people["kjj2"] = UserFactory(
        username="kjj2", role="填报员", unit=kjj, email="kjj2@example.gov.cn"
    )
    people["nomail"] = UserFactory(username="nomail", role="填报员", unit=gxj)
    for role in ("leader", "admin", "reviewer"):
        people[role].email = f"{role}@example.gov.cn"
        people[role].save()
    return {"plan": plan, "kjj": kjj, "gxj": gxj, "people": people}


def run(today=TODAY, *args) -> str:
    out = StringIO()
    call_command("send_reminders", f"--date={today.isoformat()}", *args, stdout=out)
    return out.getvalue()


def mails_to(address):
    return [m for m in mail.outbox if m.to == [address]]


def test_each_staff_member_gets_one_email_with_every_item_of_their_units(setup):
    out = run()
    assert sorted(m.to[0] for m in mail.outbox) == [
        "gxj@example.gov.cn", "kjj2@example.gov.cn", "kjj@example.gov.cn"
    ]  # fmt: skip
    assert "nomail" in out and "no e-mail address" in out
    gxj_mail = mails_to("gxj@example.gov.cn")[0]
    tasks = Responsibility.objects.filter(unit=setup["gxj"], task__plan=setup["plan"])
    for r in tasks:
        for period in (DUE_SOON, OVERDUE):
            link = plan_page("supervision:task-report", r.task.number, r.unit_id, str(period))
            assert link in gxj_mail.body
    kjj_mail = mails_to("kjj@example.gov.cn")[0]
    assert kjj_mail.body.count("/projects/") >= 2 * setup["kjj"].projects.count()
    assert "/projects/" not in gxj_mail.body  # 市工信局 answers for no project
    html, kind = kjj_mail.alternatives[0]
    assert kind == "text/html" and "<ul>" in html
    assert ReminderLog.objects.count() == 3


def test_a_second_run_on_the_same_day_sends_nothing_new(setup):
    run()
    first = len(mail.outbox)
    out = run()
    assert len(mail.outbox) == first
    assert "3 already sent today" in out
    run(TODAY + dt.timedelta(days=1))  # the next day is a new day's reminder
    assert len(mail.outbox) == 2 * first


def test_a_report_returned_the_same_day_sends_an_update_to_that_units_staff(setup):
    run()
    before = len(mail.outbox)
    r = Responsibility.objects.filter(unit=setup["gxj"]).first()
    report = TaskReport.objects.create(
        task=r.task, unit=setup["gxj"], year=2024, quarter=4, status="on_track", progress="x",
        submitted_at=timezone.now(),
    )  # fmt: skip
    review_return(report=report, user=setup["people"]["reviewer"], seen_token=token(report),
                  comment="请补充数据来源")  # fmt: skip
    run()
    new = mail.outbox[before:]
    assert [m.to[0] for m in new] == ["gxj@example.gov.cn"]
    assert "请补充数据来源" in new[0].body
    assert report.get_absolute_url() in new[0].body
    assert "2025-07-05" not in new[0].subject  # the subject counts items, says it is an update
    assert new[0].subject != mails_to("gxj@example.gov.cn")[0].subject


def test_a_notice_from_the_matrix_reaches_the_todo_and_the_next_digest(setup, client, monkeypatch):
    people, gxj = setup["people"], setup["gxj"]
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    client.force_login(people["reviewer"])
    matrix = client.get(plan_page("supervision:report-matrix") + "?year=2025").content.decode()
    assert 'data-testid="remind"' in matrix
    data = {"unit": gxj.pk, "period": "2025Q1", "kind": "tasks", "year": 2025}
    response = client.post(plan_page("supervision:reminder-notice"), data)
    assert response.status_code == 302
    notice = ReminderNotice.objects.get()
    assert (notice.unit, notice.period, notice.sent_by) == (gxj, OVERDUE, people["reviewer"])
    assert (
        'data-testid="last-notice"'
        in client.get(plan_page("supervision:report-matrix") + "?year=2025").content.decode()
    )
    client.force_login(people["staff_other"])
    todo = client.get(plan_page("dashboard:home")).content.decode()
    assert 'data-testid="todo-notices"' in todo and "2025Q1" in todo
    client.force_login(people["staff_own"])
    assert (
        'data-testid="todo-notices"' not in client.get(plan_page("dashboard:home")).content.decode()
    )
    run()
    notice_link = plan_page("supervision:unit-period-reports", gxj.pk, "2025Q1")
    assert notice_link in mails_to("gxj@example.gov.cn")[0].body
    assert notice_link not in mails_to("kjj@example.gov.cn")[0].body
    client.force_login(people["auditor"])
    audit = client.get(reverse("dashboard:audit") + "?kind=reminder").content.decode()
    assert "市工信局 2025Q1" in audit


@pytest.mark.parametrize("role", ["staff_own", "staff_other", "leader"])
def test_only_reviewers_and_administrators_send_notices(setup, client, role):
    client.force_login(setup["people"][role])
    data = {"unit": setup["gxj"].pk, "period": "2025Q1", "kind": "tasks"}
    response = client.post(plan_page("supervision:reminder-notice"), data)
    assert response.status_code == 403
    assert ReminderNotice.objects.count() == 0
    matrix = client.get(plan_page("supervision:report-matrix")).content.decode()
    assert 'data-testid="remind"' not in matrix


def test_a_notice_for_a_period_outside_the_plan_is_refused_with_a_message(setup, client):
    client.force_login(setup["people"]["reviewer"])
    response = client.post(plan_page("supervision:reminder-notice"),
                           {"unit": setup["gxj"].pk, "period": "2030Q1", "kind": "tasks"},
                           follow=True)  # fmt: skip
    assert "2030Q1" in response.content.decode()
    assert ReminderNotice.objects.count() == 0


def test_a_dry_run_sends_and_logs_nothing(setup):
    out = run(TODAY, "--dry-run")
    assert "would send" in out and mail.outbox == [] and ReminderLog.objects.count() == 0


def test_a_failing_mailbox_is_reported_and_the_others_still_get_theirs(setup, monkeypatch):
    from django.core.mail import EmailMultiAlternatives

    original = EmailMultiAlternatives.send

    def send(message, *args, **kwargs):
        if message.to == ["gxj@example.gov.cn"]:
            raise OSError("connection refused")
        return original(message, *args, **kwargs)

    monkeypatch.setattr(EmailMultiAlternatives, "send", send)
    err = StringIO()
    call_command("send_reminders", f"--date={TODAY.isoformat()}", stdout=StringIO(), stderr=err)
    assert "gxj" in err.getvalue()
    assert len(mail.outbox) == 2
    assert not ReminderLog.objects.filter(user=setup["people"]["staff_other"]).exists()


def test_the_matrix_with_reminder_buttons_costs_the_same_for_more_units(
    setup, client, django_assert_num_queries
):
    from tests.conftest import grow_plan, plan_page

    client.force_login(setup["people"]["reviewer"])
    url = plan_page("supervision:report-matrix") + "?year=2025"
    with django_assert_num_queries(PINNED_MATRIX):
        client.get(url)
    grow_plan(setup["plan"], projects=120, units=30)
    ReminderNotice.objects.create(
        plan=setup["plan"], unit=setup["gxj"], year=2025, quarter=1,
        sent_by=setup["people"]["reviewer"], sent_at=timezone.now(),
    )  # fmt: skip
    with django_assert_num_queries(PINNED_MATRIX):
        page = client.get(url)
    assert page.content.decode().count('data-testid="remind"') > 30


# With the menu's count of what waits for review, and the section of supervision items (one
# query; one more for their co-units when there are items to show: test_item_kind).
PINNED_MATRIX = 11
