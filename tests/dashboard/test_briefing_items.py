"""The briefing's section on supervision items (督办件, issue 25 item 5), read back from the
.docx: items closed in the period, overdue, and extended with the original and new deadline; a
past quarter's section reads the same after later transitions."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from docx import Document

from dashboard import briefing
from plan.models import Unit
from plan.periods import Period, reporting_period
from plan.permissions import LEADER, REVIEWER, STAFF
from supervision import items as svc
from supervision.colours import Colour
from supervision.models import ItemState, SupervisionItem
from tests.factories import UserFactory

PAST = Period(2025, 3)


def section(content: bytes) -> tuple[list[str], list[list[list[str]]]]:
    """The items section's paragraphs and its tables (rows of cell texts)."""
    doc = Document(io.BytesIO(content))
    body = doc.element.body
    texts, tables, inside = [], [], False
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = "".join(t.text or "" for t in child.iter() if t.tag.endswith("}t"))
            style = child.find(".//{*}pStyle")
            level = style.get(style.keys()[0]) if style is not None else ""
            if level.startswith("Heading1"):
                inside = text.startswith("七、")
            if inside:
                texts.append(text)
        elif tag == "tbl" and inside:
            rows = [
                ["".join(t.text or "" for t in tc.iter() if t.tag.endswith("}t"))
                 for tc in tr.iter() if tc.tag.endswith("}tc")]
                for tr in child.iter() if tr.tag.endswith("}tr")
            ]  # fmt: skip
            tables.append(rows)
    return texts, tables


@pytest.fixture
def people(plan):
    kjj = Unit.objects.get(name="市科技局")
    return {
        "leader": UserFactory(username="leader", role=LEADER),
        "office": UserFactory(username="office", role=REVIEWER),
        "staff": UserFactory(username="kjj", role=STAFF, unit=kjj),
        "lead": kjj,
        "co": Unit.objects.get(name="市工信局"),
    }


@pytest.mark.django_db
def test_the_current_periods_items_closed_overdue_and_extended(plan, people):
    office, staff, lead, co = people["office"], people["staff"], people["lead"], people["co"]
    today = timezone.localdate()

    def assigned(text, days):
        item = svc.create_item(user=people["leader"], plan=plan, instruction=text)
        return svc.assign_item(item=item, user=office, version=item.version, lead_unit=lead,
                               co_units=[co], deadline=today + dt.timedelta(days=days))  # fmt: skip

    closed = assigned("加快推进碳纤维项目，月底前报进展", 20)
    closed = svc.answer_item(item=closed, user=staff, version=closed.version, answer="已办结。")
    closed = svc.close_item(item=closed, user=office, version=closed.version)
    overdue = assigned("研究解决用地问题，两周内报方案", 1)
    overdue.deadline = today - dt.timedelta(days=4)  # as the demo does: four days past it
    overdue.save()
    extended = assigned("协调配套资金到位", 10)
    until = today + dt.timedelta(days=40)
    extended = svc.request_extension(item=extended, user=staff, version=extended.version,
                                     until=until, reason="资金审批未完成")  # fmt: skip
    extended = svc.decide_extension(item=extended, user=office, version=extended.version,
                                    grant=True)  # fmt: skip
    assigned("按期完成年度目标", 30)  # open, not due: in no list

    period = reporting_period(today, plan.start_year, plan.end_year)
    _name, content = briefing.generate(plan, period, True, today)
    texts, tables = section(content)
    assert texts[0] == "七、督办件办理情况"
    assert f"办结督办件 1 件；截至{today.isoformat()}逾期未办结 1 件；延期办理 1 件" in texts[1]
    assert "本期办结的督办件" in texts and "逾期未办结的督办件" in texts
    assert "延期办理的督办件" in texts
    done, late, moved = tables
    assert done[0] == ["督办件", "牵头单位", "办理时限", "办结日期"]
    assert done[1] == [closed.instruction, "市科技局", str(closed.deadline), today.isoformat()]
    assert late[1] == [overdue.instruction, "市科技局", str(overdue.deadline), "4"]
    assert moved[0] == ["督办件", "牵头单位", "原办理时限", "延期后时限"]
    extended.refresh_from_db()
    assert moved[1] == [extended.instruction, "市科技局", str(extended.original_deadline),
                        str(extended.deadline)]  # fmt: skip
    assert extended.original_deadline == today + dt.timedelta(days=10)
    # The overdue count is the cockpit's red count of items today.
    assert svc.counts(plan, today)[Colour.RED] == 1


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def saved(item, when: dt.datetime, **changes) -> SupervisionItem:
    """A transition made on ``when`` (its history row dated then), as the services save it."""
    for name, value in changes.items():
        setattr(item, name, value)
    item.version += 1
    item._history_date = when
    item.save()
    del item._history_date
    return item


@pytest.mark.django_db
def test_a_past_quarters_items_read_the_same_after_later_transitions(plan, people):
    leader, office, staff = people["leader"], people["office"], people["staff"]
    lead = people["lead"]

    def written(text, day):
        item = SupervisionItem(plan=plan, instruction=text, given_by=leader, given_on=day,
                               created_at=at(day))  # fmt: skip
        item._history_date = at(day)
        item.save()
        del item._history_date
        return item

    # 2025Q3, as it happened: one closed, one overdue at the quarter's end, one extended.
    done = written("总结经验做法，形成简报", dt.date(2025, 7, 3))
    saved(done, at(dt.date(2025, 7, 4)), state=ItemState.ASSIGNED, lead_unit=lead,
          deadline=dt.date(2025, 8, 31))  # fmt: skip
    saved(done, at(dt.date(2025, 8, 20)), state=ItemState.ANSWERED, answer="已形成简报。")
    saved(
        done, at(dt.date(2025, 8, 22)), state=ItemState.CLOSED, closed_at=at(dt.date(2025, 8, 22))
    )
    late = written("加强调度，确保年底投产", dt.date(2025, 7, 10))
    saved(late, at(dt.date(2025, 7, 11)), state=ItemState.ASSIGNED, lead_unit=lead,
          deadline=dt.date(2025, 9, 15))  # fmt: skip
    moved = written("协调配套资金到位", dt.date(2025, 7, 12))
    saved(moved, at(dt.date(2025, 7, 13)), state=ItemState.ASSIGNED, lead_unit=lead,
          deadline=dt.date(2025, 9, 10))  # fmt: skip
    saved(moved, at(dt.date(2025, 9, 5)), original_deadline=dt.date(2025, 9, 10),
          deadline=dt.date(2025, 10, 31))  # fmt: skip

    _name, content = briefing.generate(plan, PAST, True)
    first = section(content)
    texts, (closed_rows, overdue_rows, extended_rows) = first
    assert (
        "2025-07-01至2025-09-30，办结督办件 1 件；截至2025-09-30逾期未办结 1 件；延期办理 1 件"
        in texts[1]
    )
    assert closed_rows[1] == ["总结经验做法，形成简报", "市科技局", "2025-08-31", "2025-08-22"]
    assert overdue_rows[1] == ["加强调度，确保年底投产", "市科技局", "2025-09-15", "15"]
    assert extended_rows[1] == ["协调配套资金到位", "市科技局", "2025-09-10", "2025-10-31"]

    # Later, through the services: the overdue item is answered and closed, the extended one
    # is extended again, a new item is written.
    late.refresh_from_db()
    late = svc.answer_item(item=late, user=staff, version=late.version, answer="已投产。")
    svc.close_item(item=late, user=office, version=late.version)
    moved.refresh_from_db()
    until = moved.deadline + dt.timedelta(days=30)
    moved = svc.request_extension(item=moved, user=staff, version=moved.version, until=until,
                                  reason="再延期")  # fmt: skip
    svc.decide_extension(item=moved, user=office, version=moved.version, grant=True)
    svc.create_item(user=leader, plan=plan, instruction="新的批示")

    _name, content = briefing.generate(plan, PAST, True)
    assert section(content) == first
