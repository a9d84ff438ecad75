"""Peer values typed in the browser: one row per member of the year, checked, saved as one batch
waiting for review; bad input keeps what was typed and says what is wrong on its row."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators.models import Indicator, Observation, PeerBatch, PeerGroup, PeerMember, PeerValue
from indicators.peer_entry import (
    PeerEntry,
    PeerValuesChanged,
    entry_years,
    peer_values_enter,
    stamp,
    year_values,
)
from plan.models import Unit
from supervision.models import ReviewState
from supervision.review import review_return, token

TODAY = dt.date(2025, 3, 1)


@pytest.fixture
def indicator(plan):
    group = PeerGroup.objects.get(name="东北地区地级城市")
    PeerMember.objects.bulk_create(
        [PeerMember(group=group, place="吉林市", is_home=True),
         PeerMember(group=group, place="长春市"), PeerMember(group=group, place="四平市"),
         PeerMember(group=group, place="大连市", from_year=2024)]
    )  # fmt: skip
    indicator = Indicator.objects.get(plan=plan, code="rd-intensity")
    indicator.responsible_unit = Unit.objects.get(name="市科技局")
    indicator.save()
    return indicator


def enter(indicator, user, year=2023, source="2023年统计公报", seen=None, **values):
    values = values or {"吉林市": Decimal("1.8"), "长春市": Decimal("2.6")}
    entry = PeerEntry(year=year, source=source, values=tuple(values.items()))
    seen = stamp(year_values(indicator, year), "value") if seen is None else seen
    years = entry_years(indicator, TODAY)
    return peer_values_enter(indicator=indicator, user=user, entry=entry, seen=seen, years=years)


def errors_of(call) -> dict:
    with pytest.raises(ValidationError) as raised:
        call()
    return raised.value.message_dict


def test_typed_values_are_saved_as_one_batch_waiting_for_review(indicator, people):
    batch = enter(indicator, people["staff_own"])
    assert batch.review_state == ReviewState.SUBMITTED and batch.source == "2023年统计公报"
    assert batch.entered_by == people["staff_own"] and batch.file_name == ""
    assert dict(PeerValue.objects.values_list("place", "value")) == {
        "吉林市": Decimal("1.8"), "长春市": Decimal("2.6")}  # fmt: skip
    assert set(PeerValue.objects.values_list("batch_id", flat=True)) == {batch.pk}


def test_each_problem_is_named_on_its_row_and_nothing_is_saved(indicator, people):
    def bad():
        entry = PeerEntry(year=2023, source=" ", values=(
            ("长春市", Decimal("2.6")), ("长春市", Decimal("2.7")), ("大连市", Decimal(3)),
            ("哈尔滨市", Decimal(1)), ("四平市", Decimal(120)), ("吉林市", None)))  # fmt: skip
        years = entry_years(indicator, TODAY)
        return peer_values_enter(indicator=indicator, user=people["admin"], entry=entry,
                                 seen=stamp({}, "value"), years=years)  # fmt: skip

    errors = errors_of(bad)
    assert "两次" in errors["长春市"][0]
    assert set(errors) == {"source", "长春市", "大连市", "哈尔滨市", "四平市", "吉林市"}
    # 大连 joins the group in 2024; the home city's value is required; % lies in 0..100
    assert "2023" in errors["大连市"][0]
    assert not PeerBatch.objects.exists() and not PeerValue.objects.exists()


def test_a_year_outside_the_plan_or_to_come_is_refused(indicator, people):
    assert entry_years(indicator, TODAY)[0] == 2025
    assert errors_of(lambda: enter(indicator, people["admin"], year=2026)).keys() == {"year"}


def test_the_form_is_the_whole_year_and_an_unreviewed_batch_is_revised_in_place(indicator, people):
    first = enter(indicator, people["staff_own"])
    second = enter(indicator, people["staff_own"], **{"吉林市": Decimal("1.9"), "四平市": 1})
    assert second.pk == first.pk and PeerBatch.objects.count() == 1
    # 长春 was left blank: the year holds what the form held
    assert dict(PeerValue.objects.values_list("place", "value")) == {
        "吉林市": Decimal("1.9"), "四平市": Decimal(1)}  # fmt: skip


def test_after_approval_a_change_is_a_new_batch_and_the_same_values_are_refused(indicator, people):
    first = enter(indicator, people["staff_own"])
    PeerBatch.objects.filter(pk=first.pk).update(review_state=ReviewState.APPROVED)
    errors = errors_of(lambda: enter(indicator, people["staff_own"]))
    assert list(errors) == ["__all__"]
    second = enter(indicator, people["staff_own"], **{"吉林市": Decimal("2.0"), "长春市": 2})
    assert second.pk != first.pk and second.review_state == ReviewState.SUBMITTED


def test_a_year_changed_meanwhile_is_refused_whole(indicator, people):
    seen = stamp(year_values(indicator, 2023), "value")
    enter(indicator, people["admin"])
    with pytest.raises(PeerValuesChanged):
        enter(indicator, people["staff_own"], seen=seen, **{"吉林市": 5, "四平市": 1})
    assert PeerValue.objects.filter(place="四平市").count() == 0


def test_only_the_responsible_unit_and_administrators_enter(indicator, people):
    for role in ("staff_other", "leader", "reviewer"):
        with pytest.raises(PermissionDenied):
            enter(indicator, people[role])
    assert not PeerBatch.objects.exists()


def test_published_ranks_are_whole_numbers(indicator, people):
    indicator.published_ranks = True
    indicator.save()
    errors = errors_of(lambda: enter(indicator, people["admin"], **{"吉林市": Decimal("2.5"),
                                                                    "长春市": 1}))  # fmt: skip
    assert list(errors) == ["吉林市"]
    enter(indicator, people["admin"], **{"吉林市": 2, "长春市": 1})
    assert dict(PeerValue.objects.values_list("place", "rank")) == {"吉林市": 2, "长春市": 1}


# The page


def url(indicator, year=None):
    base = reverse("indicators:peer-entry", args=[indicator.pk])
    return f"{base}?year={year}" if year else base


def test_the_page_has_a_row_per_member_of_the_year_and_offers_the_own_value(
    client, indicator, people
):
    Observation.objects.create(indicator=indicator, year=2023, value=Decimal("1.75"))
    client.force_login(people["staff_own"])
    page = client.get(url(indicator, 2023))
    assert page.status_code == 200
    form = page.context["form"]
    assert [m.place for m in form.members] == ["吉林市", "四平市", "长春市"]  # 大连 from 2024
    home = form.members[0]
    assert form.initial[form.field_name(home)] == "1.75"
    later = client.get(url(indicator, 2024)).context["form"]
    assert "大连市" in [m.place for m in later.members]
    assert client.get(indicator.get_absolute_url()).content.decode().count(url(indicator)) == 1


def test_bad_input_keeps_what_was_typed_and_says_what_is_wrong_where(client, indicator, people):
    client.force_login(people["staff_own"])
    form = client.get(url(indicator, 2023)).context["form"]
    names = {m.place: form.field_name(m) for m in form.members}
    data = {"year": 2023, "seen": form.initial["seen"], "source": "2023年统计公报", "note": "",
            names["吉林市"]: "", names["长春市"]: "很高", names["四平市"]: "0.9"}  # fmt: skip
    page = client.post(url(indicator), data)
    assert page.status_code == 200 and not PeerBatch.objects.exists()
    errors = page.context["form"].errors
    # every row's problem in one round: the number refused, the home city's value missing
    assert set(errors) == {names["长春市"], names["吉林市"]}
    assert errors[names["长春市"]] == ["请输入数字。"]
    html = page.content.decode()
    assert 'value="很高"' in html and 'value="0.9"' in html
    data[names["长春市"]] = "2.6"
    page = client.post(url(indicator), data)
    assert list(page.context["form"].errors) == [names["吉林市"]]
    assert 'value="2.6"' in page.content.decode()
    data[names["吉林市"]] = "1.8"
    response = client.post(url(indicator), data)
    assert response.status_code == 302 and "year=2023" in response["Location"]
    assert PeerBatch.objects.get().review_state == ReviewState.SUBMITTED


def test_a_stale_form_is_refused_with_the_typed_values_kept(client, indicator, people):
    client.force_login(people["staff_own"])
    form = client.get(url(indicator, 2023)).context["form"]
    names = {m.place: form.field_name(m) for m in form.members}
    enter(indicator, people["admin"])
    data = {"year": 2023, "seen": form.initial["seen"], "source": "年鉴", "note": "",
            names["吉林市"]: "3.3", names["长春市"]: "2.2"}  # fmt: skip
    page = client.post(url(indicator), data)
    assert page.status_code == 409 and 'value="3.3"' in page.content.decode()
    assert PeerValue.objects.get(place="吉林市").value == Decimal("1.8")
    # the form now knows the values as they are: a second save replaces them
    again = {**data, "seen": page.context["form"]["seen"].value()}
    assert client.post(url(indicator), again).status_code == 302
    assert PeerValue.objects.get(place="吉林市").value == Decimal("3.3")


def test_a_returned_batch_opens_with_the_comment_and_is_resubmitted(client, indicator, people):
    batch = enter(indicator, people["staff_own"])
    review_return(report=batch, user=people["reviewer"], seen_token=token(batch),
                  comment="长春市的数值与公报不符")  # fmt: skip
    client.force_login(people["staff_own"])
    page = client.get(url(indicator, 2023))
    assert "长春市的数值与公报不符" in page.content.decode()
    form = page.context["form"]
    names = {m.place: form.field_name(m) for m in form.members}
    data = {"year": 2023, "seen": form.initial["seen"], "source": "2023年统计公报", "note": "",
            names["吉林市"]: "1.8", names["长春市"]: "2.4"}  # fmt: skip
    assert client.post(url(indicator), data).status_code == 302
    batch.refresh_from_db()
    assert batch.review_state == ReviewState.SUBMITTED
    assert batch.returned_values["values"] == {"吉林市": "1.8", "长春市": "2.6"}


def test_others_may_not_open_the_form(client, indicator, people):
    for role in ("staff_other", "leader", "reviewer"):
        client.force_login(people[role])
        assert client.get(url(indicator)).status_code == 403


def test_the_forms_queries_do_not_grow_with_the_group(client, indicator, people):
    client.force_login(people["staff_own"])

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url(indicator, 2024)).status_code == 200
        return len(captured)

    small = queries()
    group = indicator.peer_group
    PeerMember.objects.bulk_create(PeerMember(group=group, place=f"城市{i}") for i in range(40))
    enter(indicator, people["admin"], year=2024, **{f"城市{i}": i for i in range(40)},
          **{"吉林市": 7})  # fmt: skip
    assert queries() == small <= 15
