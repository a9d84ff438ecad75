"""Supervision items (督办件): every transition for each role, allowed and refused (a refused one
changes nothing), the pages, bad input keeping what was typed, the colours, the digest, the
Excel export read back, and the list pages' query counts at two sizes."""

import datetime as dt
import html
import io
import re

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from plan.models import Unit
from projects.models import Project
from supervision import items
from supervision.colours import Colour
from supervision.models import Evidence, ItemNote, ItemState, SupervisionItem
from supervision.reminders import OVERDUE, digest_for
from tests.conftest import plan_page

TODAY = timezone.localdate()


def pdf(name="答复.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")


@pytest.fixture
def project(plan):
    return Project.objects.get(annex__number=1, order=1)  # 市科技局's


@pytest.fixture
def units(plan):
    return Unit.objects.get(name="市科技局"), Unit.objects.get(name="市工信局")


def write(people, project, text="加快推进，月底前报进展"):
    subject = items.find_subject("project", project.pk)
    return items.create_item(user=people["leader"], plan=project.annex.plan,
                             instruction=text, subject=subject)  # fmt: skip


def assigned(people, project, units, days=20):
    item = write(people, project)
    lead, co = units
    return items.assign_item(item=item, user=people["reviewer"], version=item.version,
                             lead_unit=lead, co_units=[co],
                             deadline=TODAY + dt.timedelta(days=days))  # fmt: skip


def answered(people, project, units):
    item = assigned(people, project, units)
    return items.answer_item(item=item, user=people["staff_own"], version=item.version,
                             answer="已完成", uploads=[pdf()])  # fmt: skip


def snapshot(item):
    item = SupervisionItem.objects.get(pk=item.pk)
    return (item.state, item.version, item.lead_unit_id, item.deadline, item.answer,
            item.office_comment, item.history.count(), ItemNote.objects.count(),
            Evidence.objects.count())  # fmt: skip


# ---------------------------------------------------------------- write


def test_a_leader_writes_on_a_project_page_and_it_is_registered(client, people, project):
    client.force_login(people["leader"])
    page = client.get(project.get_absolute_url())
    assert b'data-testid="instruct-form"' in page.content
    response = client.post(reverse("supervision:item-new"), {
        "subject_kind": "project", "subject_id": project.pk, "source": "instruction",
        "instruction": "加快推进吉林化纤碳纤维项目，月底前报进展"})  # fmt: skip
    item = SupervisionItem.objects.get()
    assert response.status_code == 302 and response["Location"] == item.get_absolute_url()
    assert item.state == ItemState.REGISTERED
    assert item.plan == project.annex.plan
    assert item.subject_kind == "project" and item.subject_name == project.name
    assert item.given_by == people["leader"] and item.given_on == TODAY
    assert item.history.get().history_user == people["leader"]


@pytest.mark.parametrize("role", ["staff_own", "staff_other", "sysadmin"])
def test_only_leaders_and_the_office_write(client, people, project, role):
    client.force_login(people[role])
    assert b"instruct-form" not in client.get(project.get_absolute_url()).content
    response = client.post(
        reverse("supervision:item-new"), {"instruction": "x", "source": "instruction"}
    )
    assert response.status_code == 403
    assert not SupervisionItem.objects.exists()


def test_an_empty_instruction_is_refused_and_keeps_what_was_typed(client, people, project):
    client.force_login(people["leader"])
    response = client.post(reverse("supervision:item-new"), {
        "subject_kind": "project", "subject_id": project.pk, "source": "meeting",
        "instruction": "   ", "given_by_name": "市长办公会"})  # fmt: skip
    assert response.status_code == 200
    assert "instruction" in response.context["form"].errors
    assert "市长办公会" in response.content.decode()
    assert project.name in response.content.decode()
    assert not SupervisionItem.objects.exists()


def test_an_instruction_about_nothing_belongs_to_the_plan_read(client, people, plan):
    client.force_login(people["leader"])
    client.post(
        reverse("supervision:item-new"), {"instruction": "研究人才政策", "source": "instruction"}
    )
    item = SupervisionItem.objects.get()
    assert item.plan == plan and item.subject_kind == "" and item.subject_id is None


def test_a_leader_assigns_directly_only_when_the_setting_says(client, people, project, units,
                                                              settings):  # fmt: skip
    data = {"subject_kind": "project", "subject_id": project.pk, "source": "instruction",
            "instruction": "x", "lead_unit": units[0].pk,
            "deadline": (TODAY + dt.timedelta(days=9)).isoformat()}  # fmt: skip
    client.force_login(people["leader"])
    settings.LEADERS_ASSIGN_ITEMS = False
    client.post(reverse("supervision:item-new"), data)
    assert SupervisionItem.objects.get().state == ItemState.REGISTERED  # fields ignored
    assert SupervisionItem.objects.get().lead_unit is None
    settings.LEADERS_ASSIGN_ITEMS = True
    assert b'name="lead_unit"' in client.get(reverse("supervision:item-new")).content
    client.post(reverse("supervision:item-new"), data)
    item = SupervisionItem.objects.latest("pk")
    assert item.state == ItemState.ASSIGNED and item.lead_unit == units[0]


# ---------------------------------------------------------------- assign


def test_the_office_assigns_with_a_lead_unit_co_units_and_a_deadline(people, project, units):
    item = assigned(people, project, units)
    assert item.state == ItemState.ASSIGNED and item.lead_unit == units[0]
    assert list(item.co_units.all()) == [units[1]] and item.version == 2
    assert "市工信局" in item.history.latest().history_change_reason


@pytest.mark.parametrize("role", ["leader", "staff_own", "staff_other", "auditor"])
def test_assigning_is_refused_to_others_and_changes_nothing(people, project, units, role):
    item = write(people, project)
    before = snapshot(item)
    with pytest.raises(PermissionDenied):
        items.assign_item(item=item, user=people[role], version=item.version, lead_unit=units[0],
                          deadline=TODAY)  # fmt: skip
    assert snapshot(item) == before


@pytest.mark.parametrize("bad", ["past", "lead_is_co", "no_lead"])
def test_a_bad_assignment_is_refused_and_changes_nothing(people, project, units, bad):
    item = write(people, project)
    before = snapshot(item)
    kwargs = {"lead_unit": units[0], "co_units": [], "deadline": TODAY + dt.timedelta(days=3)}
    if bad == "past":
        kwargs["deadline"] = TODAY - dt.timedelta(days=1)
    elif bad == "lead_is_co":
        kwargs["co_units"] = [units[0]]
    else:
        kwargs["lead_unit"] = None
    with pytest.raises(ValidationError):
        items.assign_item(item=item, user=people["reviewer"], version=item.version, **kwargs)
    assert snapshot(item) == before


def test_the_assign_form_keeps_what_was_typed_on_bad_input(client, people, project, units):
    item = write(people, project)
    client.force_login(people["reviewer"])
    response = client.post(item.get_absolute_url(), {
        "action": "assign", "version": item.version, "lead_unit": units[0].pk,
        "co_units": [units[0].pk, units[1].pk], "deadline": "2020-13-40"})  # fmt: skip
    assert response.status_code == 200
    form = response.context["forms"]["assign"]
    assert "deadline" in form.errors and "co_units" in form.errors
    assert form["deadline"].value() == "2020-13-40"
    assert SupervisionItem.objects.get(pk=item.pk).state == ItemState.REGISTERED


def test_a_change_against_an_older_version_is_refused(client, people, project, units):
    item = write(people, project)
    stale = item.version
    items.assign_item(item=item, user=people["admin"], version=stale, lead_unit=units[0],
                      deadline=TODAY + dt.timedelta(days=5))  # fmt: skip
    before = snapshot(item)
    with pytest.raises(items.ItemConflict):
        items.assign_item(item=item, user=people["reviewer"], version=stale, lead_unit=units[1],
                          deadline=TODAY + dt.timedelta(days=5))  # fmt: skip
    assert snapshot(item) == before
    client.force_login(people["reviewer"])
    response = client.post(item.get_absolute_url(), {
        "action": "assign", "version": stale, "lead_unit": units[1].pk,
        "deadline": (TODAY + dt.timedelta(days=7)).isoformat()})  # fmt: skip
    assert response.status_code == 409
    assert (
        "Someone else changed" in response.content.decode() or "他人" in response.content.decode()
    )
    assert (
        response.context["forms"]["assign"]["deadline"].value()
        == (TODAY + dt.timedelta(days=7)).isoformat()
    )
    assert snapshot(item) == before


# ---------------------------------------------------------------- progress, parts, answer


def test_the_lead_unit_writes_progress_and_a_co_unit_its_part(people, project, units):
    item = assigned(people, project, units)
    note = items.add_note(item=item, user=people["staff_other"], version=item.version, text="协办")
    item.refresh_from_db()
    assert note.kind == ItemNote.Kind.PART and note.unit == units[1]
    assert item.state == ItemState.ASSIGNED
    note = items.add_note(item=item, user=people["staff_own"], version=item.version, text="推进中")
    item.refresh_from_db()
    assert note.kind == ItemNote.Kind.PROGRESS and item.state == ItemState.IN_PROGRESS


@pytest.mark.parametrize("role", ["leader", "reviewer", "admin"])
def test_notes_are_refused_outside_the_units(people, project, units, role):
    item = assigned(people, project, units)
    before = snapshot(item)
    with pytest.raises(PermissionDenied):
        items.add_note(item=item, user=people[role], version=item.version, text="x")
    assert snapshot(item) == before


def test_the_lead_unit_answers_with_a_pdf(people, project, units):
    item = answered(people, project, units)
    assert item.state == ItemState.ANSWERED and item.answered_by == people["staff_own"]
    (file,) = Evidence.objects.for_report(item)
    assert file.name == "答复.pdf" and file.unit == units[0]


@pytest.mark.parametrize("role", ["staff_other", "leader", "reviewer"])
def test_only_the_lead_unit_answers(people, project, units, role):
    item = assigned(people, project, units)
    before = snapshot(item)
    with pytest.raises(PermissionDenied):
        items.answer_item(item=item, user=people[role], version=item.version, answer="x")
    assert snapshot(item) == before


def test_a_refused_file_refuses_the_answer(people, project, units):
    item = assigned(people, project, units)
    before = snapshot(item)
    bad = SimpleUploadedFile("x.pdf", b"MZ\x90\x00program", content_type="application/pdf")
    with pytest.raises(ValidationError):
        items.answer_item(item=item, user=people["staff_own"], version=item.version,
                          answer="x", uploads=[bad])  # fmt: skip
    assert snapshot(item) == before


def test_the_answer_form_keeps_the_text_when_a_file_is_refused(client, people, project, units):
    item = assigned(people, project, units)
    client.force_login(people["staff_own"])
    bad = SimpleUploadedFile("x.pdf", b"#!/bin/sh\n", content_type="application/pdf")
    response = client.post(
        item.get_absolute_url(),
        {"action": "answer", "version": item.version, "answer": "已按要求完成", "files": bad},
    )
    assert response.status_code == 200
    assert "已按要求完成" in response.content.decode()
    assert SupervisionItem.objects.get(pk=item.pk).state == ItemState.ASSIGNED


def test_nothing_is_answered_before_it_is_assigned(people, project):
    item = write(people, project)
    with pytest.raises(PermissionDenied):  # no lead unit yet: nobody's to answer
        items.answer_item(item=item, user=people["staff_own"], version=item.version, answer="x")


# ---------------------------------------------------------------- close, return


def test_the_office_returns_then_closes(people, project, units):
    item = answered(people, project, units)
    item = items.return_item(item=item, user=people["reviewer"], version=item.version,
                             comment="补充佐证")  # fmt: skip
    assert item.state == ItemState.RETURNED and item.office_comment == "补充佐证"
    assert items.item_colour(item) == Colour.YELLOW
    item = items.answer_item(item=item, user=people["staff_own"], version=item.version,
                             answer="已补充")  # fmt: skip
    item = items.close_item(item=item, user=people["reviewer"], version=item.version)
    assert item.state == ItemState.CLOSED and item.closed_by == people["reviewer"]
    states = [h.state for h in item.history.order_by("history_date", "history_id")]
    assert states == ["registered", "assigned", "answered", "returned_item", "answered", "closed"]


def test_a_return_needs_a_comment(people, project, units):
    item = answered(people, project, units)
    before = snapshot(item)
    with pytest.raises(ValidationError):
        items.return_item(item=item, user=people["reviewer"], version=item.version, comment=" ")
    assert snapshot(item) == before


@pytest.mark.parametrize("role", ["leader", "staff_own", "staff_other"])
def test_closing_is_refused_to_others(people, project, units, role):
    item = answered(people, project, units)
    before = snapshot(item)
    with pytest.raises(PermissionDenied):
        items.close_item(item=item, user=people[role], version=item.version)
    with pytest.raises(PermissionDenied):
        items.return_item(item=item, user=people[role], version=item.version, comment="x")
    assert snapshot(item) == before


def test_a_reviewer_of_the_lead_unit_may_not_close_its_item(people, project, units):
    from plan.models import UnitMembership

    item = answered(people, project, units)
    UnitMembership.objects.create(user=people["reviewer"], unit=units[0])
    reviewer = type(people["reviewer"]).objects.get(pk=people["reviewer"].pk)
    with pytest.raises(PermissionDenied):
        items.close_item(item=item, user=reviewer, version=item.version)


def test_an_unanswered_item_cannot_be_closed(people, project, units):
    item = assigned(people, project, units)
    before = snapshot(item)
    with pytest.raises(ValidationError):
        items.close_item(item=item, user=people["reviewer"], version=item.version)
    assert snapshot(item) == before


def test_the_pages_post_refuses_an_action_the_role_may_not(client, people, project, units):
    item = answered(people, project, units)
    before = snapshot(item)
    client.force_login(people["leader"])
    assert (
        client.post(
            item.get_absolute_url(), {"action": "close", "version": item.version}
        ).status_code
        == 403
    )
    assert snapshot(item) == before


# ---------------------------------------------------------------- colours, digest, audit


def test_colours_in_python_and_sql_agree(people, project, units):
    red = assigned(people, project, units)
    SupervisionItem.objects.filter(pk=red.pk).update(deadline=TODAY - dt.timedelta(days=1))
    blue = assigned(people, project, units, days=3)
    none = assigned(people, project, units, days=60)
    yellow = answered(people, project, units)
    yellow = items.return_item(item=yellow, user=people["admin"], version=yellow.version,
                               comment="补")  # fmt: skip
    expected = {red.pk: Colour.RED, blue.pk: Colour.BLUE, none.pk: Colour.NONE,
                yellow.pk: Colour.YELLOW}  # fmt: skip
    for item in SupervisionItem.objects.all():
        assert items.item_colour(item, TODAY) == expected.get(item.pk, Colour.NONE)
    for colour in Colour.MARKED:
        found = set(items.colour_filter(SupervisionItem.objects.all(), colour, TODAY)
                    .values_list("pk", flat=True))  # fmt: skip
        assert found == {pk for pk, c in expected.items() if c == colour}


def test_overdue_items_are_in_the_reminder_digest(people, project, units, plan):
    item = assigned(people, project, units)
    SupervisionItem.objects.filter(pk=item.pk).update(deadline=TODAY - dt.timedelta(days=2))
    for unit in units:  # the lead unit and the co-unit
        digest = digest_for(people["staff_own"], {unit.pk}, plan, TODAY, 7)
        lines = [i for i in digest.items if i.key.startswith(f"item:{item.pk}:")]
        assert len(lines) == 1 and lines[0].section == OVERDUE
        assert lines[0].url.endswith(item.get_absolute_url())


def test_the_audit_trail_lists_item_changes(client, people, project, units):
    assigned(people, project, units)
    client.force_login(people["auditor"])
    page = client.get(reverse("dashboard:audit")).content.decode()
    assert "加快推进" in page


# ---------------------------------------------------------------- pages, export, query counts


def test_each_role_finds_its_items(client, people, project, units):
    item = assigned(people, project, units)
    client.force_login(people["staff_other"])  # a co-unit
    page = client.get(reverse("supervision:item-todo"))
    assert [r.pk for r in page.context["rows"]] == [item.pk]
    client.force_login(people["leader"])
    assert [r.pk for r in client.get(reverse("supervision:item-mine")).context["rows"]] == [item.pk]
    assert client.get(reverse("supervision:item-home"))["Location"] == reverse(
        "supervision:item-mine"
    )
    client.force_login(people["reviewer"])
    assert client.get(reverse("supervision:item-home"))["Location"] == reverse(
        "supervision:item-queue"
    )
    client.force_login(people["staff_own"])
    assert client.get(reverse("supervision:item-queue")).status_code == 403


def test_the_list_filters(client, people, project, units):
    a = assigned(people, project, units)
    b = write(people, project, "研究人才新政")
    client.force_login(people["leader"])
    url = plan_page("supervision:item-list")
    assert {r.pk for r in client.get(url).context["rows"]} == {a.pk, b.pk}
    assert [r.pk for r in client.get(url, {"state": "registered"}).context["rows"]] == [b.pk]
    assert [r.pk for r in client.get(url, {"q": "人才"}).context["rows"]] == [b.pk]
    assert [r.pk for r in client.get(url, {"unit": units[1].pk}).context["rows"]] == [a.pk]
    assert client.get(url, {"colour": "red"}).context["rows"] == []


def test_the_export_reads_back(client, people, project, units):
    item = answered(people, project, units)
    client.force_login(people["leader"])
    response = client.get(plan_page("supervision:item-export"))
    book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["编号"] == item.pk
    assert row["批示原文"] == item.instruction
    assert row["牵头单位"] == "市科技局" and row["协办单位"] == "市工信局"
    assert row["办理情况"] == "已完成" and row["状态"] == "已反馈"


def many(people, project, units, n):
    lead, co = units
    for i in range(n):
        item = write(people, project, f"批示{i}")
        if i % 2:
            items.assign_item(item=item, user=people["admin"], version=item.version,
                              lead_unit=lead, co_units=[co],
                              deadline=TODAY + dt.timedelta(days=i))  # fmt: skip


@pytest.mark.parametrize("name,role", [("supervision:item-list", "leader"),
                                       ("supervision:item-queue", "reviewer"),
                                       ("supervision:item-todo", "staff_other"),
                                       ("supervision:item-mine", "leader")])  # fmt: skip
def test_list_pages_run_a_fixed_number_of_queries(client, people, project, units, name, role):
    client.force_login(people[role])
    url = plan_page(name) if name.endswith(("list", "queue")) else reverse(name)
    counts = []
    for n in (4, 40):
        many(people, project, units, n)
        client.get(url)  # warm the session and caches
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 15, counts


@pytest.mark.parametrize("role", ["reviewer", "staff_own", "leader"])
def test_the_item_page_runs_a_fixed_number_of_queries(client, people, project, units, role):
    """The page of one item costs the same with 2 or 20 notes, files and history rows."""
    item = assigned(people, project, units)
    client.force_login(people[role])
    counts = []
    for notes in (2, 20):
        while ItemNote.objects.filter(item=item).count() < notes:
            item = SupervisionItem.objects.get(pk=item.pk)
            author = people["staff_own"] if notes % 2 else people["staff_other"]
            items.add_note(item=item, user=author, version=item.version, text="进展")
        Evidence.objects.bulk_create(
            Evidence(report=item, unit=units[0], name=f"{i}.pdf", size=10, file="x.pdf",
                     media_type="application/pdf", uploaded_by=people["staff_own"])
            for i in range(notes)
        )  # fmt: skip
        client.get(item.get_absolute_url())  # warm the session and caches
        with CaptureQueriesContext(connection) as queries:
            response = client.get(item.get_absolute_url())
        assert response.status_code == 200
        assert response.text.count('data-testid="item-note"') == notes
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 15, counts


# ---------------------------------------------------------------- extensions


def test_an_extension_granted_keeps_the_original_deadline(people, project, units):
    item = assigned(people, project, units)
    first = item.deadline
    later = first + dt.timedelta(days=15)
    item = items.request_extension(item=item, user=people["staff_own"], version=item.version,
                                   until=later, reason="设备到货延迟")  # fmt: skip
    assert item.extension_until == later and item.deadline == first
    item = items.decide_extension(item=item, user=people["reviewer"], version=item.version,
                                  grant=True)  # fmt: skip
    assert (item.deadline, item.original_deadline, item.extension_until) == (later, first, None)
    assert item.extension_reason == "设备到货延迟"


def test_an_extension_refused_leaves_the_deadline(people, project, units):
    item = assigned(people, project, units)
    first = item.deadline
    item = items.request_extension(item=item, user=people["staff_own"], version=item.version,
                                   until=first + dt.timedelta(days=5), reason="x")  # fmt: skip
    item = items.decide_extension(item=item, user=people["admin"], version=item.version,
                                  grant=False)  # fmt: skip
    assert (item.deadline, item.original_deadline, item.extension_until) == (first, None, None)


@pytest.mark.parametrize("role", ["staff_other", "leader", "reviewer"])
def test_only_the_lead_unit_asks_for_an_extension(people, project, units, role):
    item = assigned(people, project, units)
    before = snapshot(item)
    with pytest.raises(PermissionDenied):
        items.request_extension(item=item, user=people[role], version=item.version,
                                until=item.deadline + dt.timedelta(days=5), reason="x")  # fmt: skip
    assert snapshot(item) == before


def test_an_extension_to_an_earlier_date_is_refused(people, project, units):
    item = assigned(people, project, units)
    before = snapshot(item)
    with pytest.raises(ValidationError):
        items.request_extension(item=item, user=people["staff_own"], version=item.version,
                                until=item.deadline, reason="x")  # fmt: skip
    assert snapshot(item) == before


@pytest.mark.parametrize("role", ["staff_own", "leader"])
def test_only_the_office_decides_on_extensions(people, project, units, role):
    item = assigned(people, project, units)
    later = item.deadline + dt.timedelta(days=5)
    item = items.request_extension(item=item, user=people["staff_own"], version=item.version,
                                   until=later, reason="x")  # fmt: skip
    before = snapshot(item)
    with pytest.raises(PermissionDenied):
        items.decide_extension(item=item, user=people[role], version=item.version, grant=True)
    assert snapshot(item) == before


def test_the_cockpit_counts_match_the_linked_lists(client, people, project, units):
    red = assigned(people, project, units)
    SupervisionItem.objects.filter(pk=red.pk).update(deadline=TODAY - dt.timedelta(days=1))
    assigned(people, project, units, days=3)  # blue
    answered(people, project, units)
    write(people, project)
    client.force_login(people["leader"])
    page = client.get(plan_page("dashboard:home")).content.decode()
    found = 0
    for key in [*ItemState.values, *Colour.MARKED]:
        match = re.search(rf'<a href="([^"]+)" data-testid="item-count-{key}">.*?'
                          r'<span class="num">(\d+)</span>', page, re.S)  # fmt: skip
        url, n = html.unescape(match.group(1)), int(match.group(2))
        assert len(client.get(url).context["rows"]) == n, key
        found += n
    assert found == 4 + 2  # every item in one state; red and blue once each


def test_the_cockpit_costs_readers_no_query_for_items(client, people):
    client.force_login(people["staff_own"])
    assert b"item-figures" not in client.get(plan_page("dashboard:home")).content


def test_the_form_is_on_task_and_indicator_pages_too(client, people, plan):
    from indicators.models import Indicator

    client.force_login(people["leader"])
    indicator = Indicator.objects.filter(plan=plan).first()
    for url, kind, pk in [(plan_page("plan:task-detail", 3), "task", plan.tasks.get(number=3).pk),
                          (indicator.get_absolute_url(), "indicator", indicator.pk)]:  # fmt: skip
        page = client.get(url).content.decode()
        assert f'name="subject_kind" value="{kind}"' in page
        assert f'name="subject_id" value="{pk}"' in page
        client.post(
            reverse("supervision:item-new"),
            {"subject_kind": kind, "subject_id": pk, "source": "instruction", "instruction": kind},
        )
        item = SupervisionItem.objects.get(instruction=kind)
        assert item.plan == plan and item.subject_id == pk and item.subject_name


# ---------------------------------------------------------------- remind (催办)


@pytest.fixture
def addresses(people):
    for role in ("staff_own", "staff_other"):
        people[role].email = f"{people[role].username}@example.gov.cn"
        people[role].save()


def test_the_office_reminds_the_units_with_one_click(
    client, people, project, units, mailoutbox, addresses
):
    item = assigned(people, project, units)
    client.force_login(people["reviewer"])
    page = client.get(item.get_absolute_url()).content.decode()
    assert 'data-testid="item-form-remind"' in page
    response = client.post(item.get_absolute_url(), {"action": "remind", "version": item.version})
    assert response.status_code == 302
    to = sorted(a for m in mailoutbox for a in m.to)
    assert to == sorted([people["staff_own"].email, people["staff_other"].email])
    assert item.get_absolute_url() in mailoutbox[0].body and "月底前报进展" in mailoutbox[0].body
    note = ItemNote.objects.get(kind=ItemNote.Kind.REMINDER)
    assert note.written_by == people["reviewer"] and people["staff_own"].username in note.text
    fresh = SupervisionItem.objects.get(pk=item.pk)
    assert (fresh.state, fresh.version) == (item.state, item.version)  # nobody's form goes stale
    assert "item-note" in client.get(item.get_absolute_url()).content.decode()


def test_a_second_reminder_the_same_day_is_refused_and_sends_nothing(
    people, project, units, mailoutbox, addresses
):
    item = assigned(people, project, units)
    items.remind_item(item=item, user=people["reviewer"])
    sent = len(mailoutbox)
    with pytest.raises(ValidationError):
        items.remind_item(item=item, user=people["reviewer"])
    assert len(mailoutbox) == sent and ItemNote.objects.count() == 1


@pytest.mark.parametrize("role", ["leader", "staff_own", "staff_other"])
def test_only_the_office_reminds(client, people, project, units, mailoutbox, addresses, role):
    item = assigned(people, project, units)
    client.force_login(people[role])
    assert "item-form-remind" not in client.get(item.get_absolute_url()).content.decode()
    response = client.post(item.get_absolute_url(), {"action": "remind", "version": item.version})
    assert response.status_code == 403
    assert not mailoutbox and not ItemNote.objects.exists()


def test_a_closed_item_is_not_reminded(people, project, units, mailoutbox, addresses):
    item = answered(people, project, units)
    item = items.close_item(item=item, user=people["reviewer"], version=item.version)
    with pytest.raises(ValidationError):
        items.remind_item(item=item, user=people["reviewer"])
    assert not mailoutbox
