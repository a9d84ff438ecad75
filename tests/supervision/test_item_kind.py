"""Supervision items (督办件) registered with ``supervision.registry`` like the report kinds: the
review queue lists answered items as waiting (and returned, closed ones in their tabs), the
menu's count agrees with it, the unit's to-do and digest list returned items, the reporting
matrix has a section of items by unit and colour whose counts open exactly those items, and
the digest's overdue and due-soon lines come from the same registry path."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from plan.models import Unit
from projects.models import Project
from supervision import registry
from supervision.colours import Colour, deadline_colour
from supervision.models import ItemState, SupervisionItem
from supervision.queue import returned_to
from supervision.reminders import DUE_SOON, OVERDUE, RETURNED, digest_for
from supervision.reporting import deadline_sections
from tests.conftest import grow_plan, plan_page
from tests.supervision.test_items import answered, assigned

TODAY = timezone.localdate()


@pytest.fixture
def project(plan):
    return Project.objects.get(annex__number=1, order=1)  # 市科技局's


@pytest.fixture
def units(plan):
    return Unit.objects.get(name="市科技局"), Unit.objects.get(name="市工信局")


def _return(people, item, comment="请补充佐证"):
    from supervision import items

    return items.return_item(item=item, user=people["reviewer"], version=item.version,
                             comment=comment)  # fmt: skip


def _close(people, item):
    from supervision import items

    return items.close_item(item=item, user=people["reviewer"], version=item.version)


def queue_rows(client, state="waiting", **params):
    query = "&".join(f"{k}={v}" for k, v in {"state": state, **params}.items())
    response = client.get(reverse("supervision:review-queue") + "?" + query)
    assert response.status_code == 200
    return response, [r for r in response.context["rows"] if r["kind"] == "item"]


def test_items_are_a_registered_kind_reviewed_on_their_own_page():
    kind = registry.kind("item")
    assert registry.kind_of_model(SupervisionItem) is kind
    assert kind in registry.deadline_kinds() and kind not in registry.matrix_kinds()
    assert not kind.bulk_approval and kind.review_url(7) == SupervisionItem(pk=7).get_absolute_url()
    assert kind.state_values(["submitted", "returned", "approved"]) == [
        ItemState.ANSWERED, ItemState.RETURNED, ItemState.CLOSED,
    ]  # fmt: skip


def test_an_answered_item_waits_in_the_review_queue_and_the_menu_counts_it(
    client, people, project, units
):
    item = answered(people, project, units)
    assigned(people, project, units)  # not answered: not waiting for the office
    client.force_login(people["reviewer"])
    response, rows = queue_rows(client)
    assert [r["pk"] for r in rows] == [item.pk]
    row = rows[0]
    assert row["review_state"] == "submitted" and row["unit_name"] == "市科技局"
    assert row["url"] == item.get_absolute_url()  # reviewed on the item's own page
    assert row["subject"] == item.instruction[:60] and not row["bulk"]
    html = response.text
    assert f'href="{item.get_absolute_url()}"' in html
    assert f'value="item:{item.pk}:' not in html  # no bulk-approval checkbox for an item
    # The menu's count is the queue's count (supervision.context_processors).
    assert response.context["review_waiting"] == response.context["page_obj"].paginator.count
    assert response.context["review_waiting"] == 1
    _, only_items = queue_rows(client, kind="item")
    assert [r["pk"] for r in only_items] == [item.pk]


def test_returned_and_closed_items_are_in_their_tabs(client, people, project, units):
    returned = _return(people, answered(people, project, units))
    closed = _close(people, answered(people, project, units))
    client.force_login(people["reviewer"])
    _, rows = queue_rows(client, "returned")
    assert [(r["pk"], r["comment"]) for r in rows] == [(returned.pk, "请补充佐证")]
    _, rows = queue_rows(client, "approved")
    assert [r["pk"] for r in rows] == [closed.pk]
    _, rows = queue_rows(client, "waiting")
    assert rows == []


def test_an_item_answered_again_after_a_return_is_flagged_like_a_resubmission(
    client, people, project, units
):
    from supervision import items

    item = _return(people, answered(people, project, units))
    items.answer_item(item=item, user=people["staff_own"], version=item.version,
                      answer="已补充")  # fmt: skip
    client.force_login(people["reviewer"])
    response, rows = queue_rows(client)
    assert [r["pk"] for r in rows] == [item.pk] and rows[0]["returned"]
    assert "resubmitted" in response.text or "退回后重新提交" in response.text


def test_the_queue_filters_items_by_the_period_of_their_deadline(client, people, project, units):
    from plan.periods import Period

    item = answered(people, project, units)  # due in 20 days
    due = SupervisionItem.objects.get(pk=item.pk).deadline
    client.force_login(people["reviewer"])
    _, rows = queue_rows(client, period=str(Period.containing(due)))
    assert [r["pk"] for r in rows] == [item.pk]
    _, rows = queue_rows(client, period=str(Period.containing(due).previous()))
    assert rows == []


def test_the_review_page_of_an_item_is_its_own_page(client, people, project, units):
    item = answered(people, project, units)
    client.force_login(people["reviewer"])
    url = reverse("supervision:review-detail", args=["item", item.pk])
    response = client.get(url, follow=False)
    assert response.status_code == 302 and response["Location"] == item.get_absolute_url()
    before = SupervisionItem.objects.get(pk=item.pk).version
    assert client.post(url, {"action": "approve"}).status_code == 404
    # A tampered bulk approval names no item: nothing changes.
    client.post(reverse("supervision:review-bulk-approve"), {"pick": f"item:{item.pk}:x|submitted"})
    current = SupervisionItem.objects.get(pk=item.pk)
    assert (current.state, current.version) == (ItemState.ANSWERED, before)


def test_a_returned_item_is_on_the_lead_units_todo_and_in_its_digest(people, project, units, plan):
    lead, co = units
    item = _return(people, answered(people, project, units))
    rows = returned_to({lead.pk}, plan)
    assert [(r["kind"], r["pk"]) for r in rows] == [("item", item.pk)]
    assert rows[0]["url"] == item.get_absolute_url()
    assert returned_to({co.pk}, plan) == []  # the lead unit answers
    digest = digest_for(people["staff_own"], {lead.pk}, plan, TODAY, 7)
    lines = [i for i in digest.items if i.section == RETURNED]
    assert len(lines) == 1 and "请补充佐证" in lines[0].text
    assert lines[0].key.startswith(f"returned:item:{item.pk}:")


def test_the_digest_lists_items_overdue_and_due_soon_through_the_registry(
    people, project, units, plan
):
    late = assigned(people, project, units)
    SupervisionItem.objects.filter(pk=late.pk).update(deadline=TODAY - dt.timedelta(days=2))
    soon = assigned(people, project, units, days=3)
    assigned(people, project, units, days=40)  # not within the digest's week
    done = answered(people, project, units)  # waits on the office, not the unit
    SupervisionItem.objects.filter(pk=done.pk).update(deadline=TODAY - dt.timedelta(days=1))
    lead, _co = units
    digest = digest_for(people["staff_own"], {lead.pk}, plan, TODAY, 7)
    found = {i.key.split(":")[1]: i.section for i in digest.items if i.key.startswith("item:")}
    assert found == {str(late.pk): OVERDUE, str(soon.pk): DUE_SOON}


def test_deadline_colours_are_the_three_colours():
    day = dt.date(2026, 6, 10)
    colour = lambda **kw: deadline_colour(  # noqa: E731
        **{"done": False, "answered": False, "returned": False, "today": day, "days": 10, **kw}
    )
    assert colour(due=day - dt.timedelta(days=1)) == Colour.RED
    assert colour(due=day - dt.timedelta(days=1), returned=True) == Colour.RED
    assert colour(due=day + dt.timedelta(days=30), returned=True) == Colour.YELLOW
    assert colour(due=day) == colour(due=day + dt.timedelta(days=10)) == Colour.BLUE
    assert colour(due=day + dt.timedelta(days=11)) == Colour.NONE
    assert colour(due=day - dt.timedelta(days=5), answered=True) == Colour.NONE
    assert colour(due=day - dt.timedelta(days=5), done=True) == Colour.NONE
    assert colour(due=None) == Colour.NONE


def _coloured(people, project, units):
    """One item of each colour, and one due later (no colour)."""
    red = assigned(people, project, units)
    SupervisionItem.objects.filter(pk=red.pk).update(deadline=TODAY - dt.timedelta(days=1))
    blue = assigned(people, project, units, days=3)
    assigned(people, project, units, days=60)
    yellow = _return(people, answered(people, project, units))
    return red, yellow, blue


def _link_count(client, url) -> int:
    response = client.get(url)
    assert response.status_code == 200
    return response.context["page_obj"].paginator.count


def test_the_matrix_shows_items_by_unit_and_colour_linking_to_exactly_those(
    client, people, project, units, plan
):
    red, yellow, blue = _coloured(people, project, units)
    lead, co = units
    # Each item has the lead unit and one co-unit: both rows count all three colours.
    client.force_login(people["reviewer"])
    for kind in ("tasks", "projects"):
        response = client.get(plan_page("supervision:report-matrix") + f"?kind={kind}")
        assert response.status_code == 200
        html = response.text
        assert 'data-testid="deadline-section-item"' in html
    (section,) = response.context["deadline_sections"]
    by_unit = {unit.name: cells for unit, cells in section.rows}
    assert set(by_unit) == {lead.name, co.name}
    for unit_name, cells in by_unit.items():
        counts = {colour: n for colour, _mark, n, _url in cells}
        assert counts == {Colour.RED: 1, Colour.YELLOW: 1, Colour.BLUE: 1}, unit_name
        for _colour, _mark, n, url in cells:
            assert _link_count(client, url) == n
    totals = {colour: (n, url) for colour, _mark, n, url in section.totals}
    assert {c: n for c, (n, _u) in totals.items()} == {"red": 1, "yellow": 1, "blue": 1}
    for n, url in totals.values():
        assert _link_count(client, url) == n
    # The page links each count (and says which colour) and reads the same to every role.
    assert len(re.findall(r'data-testid="deadline-(red|yellow|blue)"', html)) == 6
    client.force_login(people["leader"])
    assert (
        'data-testid="deadline-section-item"'
        in client.get(plan_page("supervision:report-matrix")).text
    )


def test_a_plan_without_items_due_says_so(client, people, plan):
    assert [s.rows for s in deadline_sections(plan, TODAY)] == [[]]
    client.force_login(people["reviewer"])
    html = client.get(plan_page("supervision:report-matrix")).text
    assert (
        'data-testid="deadline-section-item"' in html and 'data-testid="deadline-row"' not in html
    )


def test_the_matrix_costs_two_queries_for_items_at_any_size(client, people, project, units, plan):
    _coloured(people, project, units)
    client.force_login(people["reviewer"])
    url = plan_page("supervision:report-matrix") + "?kind=tasks"

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries), [q["sql"] for q in queries.captured_queries]

    small, _ = count()
    grow_plan(plan, projects=100, units=30)
    extra = list(Unit.objects.order_by("-pk")[:12])
    for i in range(12):
        item = assigned(people, project, units, days=1 + i % 5)
        item.co_units.add(*extra[i : i + 3])
    large, sql = count()
    assert small == large
    # the items and their co-units (the menu's count of what waits is the queue's UNION)
    assert sum("supervision_supervisionitem" in q and "UNION" not in q for q in sql) == 2


def test_the_demo_has_items_in_every_state_labelled_and_they_reach_the_queue_and_matrix(
    client, plan, people
):
    import io

    from django.core.management import call_command

    call_command("load_demo", stdout=io.StringIO())
    demo = SupervisionItem.objects.filter(plan=plan, is_demo=True)
    assert set(demo.values_list("state", flat=True)) == set(ItemState.values)
    assert all(text.startswith("【演示】") for text in demo.values_list("instruction", flat=True))
    assert not SupervisionItem.objects.filter(is_demo=False).exists()
    client.force_login(people["reviewer"])
    _, rows = queue_rows(client)
    assert {r["pk"] for r in rows} == set(
        demo.filter(state=ItemState.ANSWERED).values_list("pk", flat=True)
    )
    (section,) = deadline_sections(plan, TODAY)
    assert {colour: n for colour, _mark, n, _url in section.totals} == {
        Colour.RED: 1, Colour.YELLOW: 1, Colour.BLUE: 1,
    }  # fmt: skip
