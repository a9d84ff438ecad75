"""Every transition of a supervision item (督办件) tried by every role: the roles allowed make
the change, every other role is refused and the item (its state, version, history, notes and
files, and the e-mails) stays exactly as it was."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from plan.models import Unit
from projects.models import Project
from supervision import items
from supervision.models import Evidence, ItemNote, ItemState, SupervisionItem

TODAY = timezone.localdate()
ROLES = ["staff_own", "staff_other", "leader", "admin", "reviewer", "sysadmin", "secadmin",
         "auditor"]  # fmt: skip
# staff_own is staff of the lead unit (市科技局), staff_other of the co-unit (市工信局).
ALLOWED = {
    "write": {"leader", "admin", "reviewer"},
    "assign": {"admin", "reviewer"},
    "note": {"staff_own", "staff_other"},
    "answer": {"staff_own"},
    "extend": {"staff_own"},
    "decide": {"admin", "reviewer"},
    "return": {"admin", "reviewer"},
    "close": {"admin", "reviewer"},
    "remind": {"admin", "reviewer"},
}
# the state each move leaves the item in, for the roles allowed
AFTER = {
    "write": ItemState.REGISTERED,
    "assign": ItemState.ASSIGNED,
    "answer": ItemState.ANSWERED,
    "extend": ItemState.ASSIGNED,
    "decide": ItemState.ASSIGNED,
    "return": ItemState.RETURNED,
    "close": ItemState.CLOSED,
    "remind": ItemState.ASSIGNED,
}


@pytest.fixture
def setup(plan, people, settings):
    settings.LEADERS_ASSIGN_ITEMS = False
    for person in people.values():  # someone to remind in each unit
        person.email = f"{person.username}@example.org"
        person.save()
    project = Project.objects.get(annex__number=1, order=1)
    lead, co = Unit.objects.get(name="市科技局"), Unit.objects.get(name="市工信局")
    return people, project, lead, co


def _item(setup, state: str):
    """A fresh item in ``state``: registered, assigned, extension (asked), answered."""
    people, project, lead, co = setup
    subject = items.find_subject("project", project.pk)
    item = items.create_item(user=people["leader"], plan=project.annex.plan, instruction="批示",
                             subject=subject)  # fmt: skip
    if state == "registered":
        return item
    item = items.assign_item(item=item, user=people["reviewer"], version=item.version,
                             lead_unit=lead, co_units=[co],
                             deadline=TODAY + dt.timedelta(days=20))  # fmt: skip
    if state == "extension":
        until = TODAY + dt.timedelta(days=40)
        item = items.request_extension(item=item, user=people["staff_own"], version=item.version,
                                       until=until, reason="用地未批")  # fmt: skip
    if state == "answered":
        item = items.answer_item(item=item, user=people["staff_own"], version=item.version,
                                 answer="已完成")  # fmt: skip
    return item


def _snapshot(item):
    item = SupervisionItem.objects.get(pk=item.pk)
    return (item.state, item.version, item.lead_unit_id, item.deadline, item.extension_until,
            item.answer, item.office_comment, item.history.count(),
            ItemNote.objects.filter(item=item).count(),
            Evidence.objects.for_report(item).count())  # fmt: skip


def _pdf():
    return SimpleUploadedFile("答复.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")


def _do(move, item, user, setup):
    _people, _project, lead, co = setup
    common = {"item": item, "user": user, "version": item.version}
    if move == "assign":
        return items.assign_item(**common, lead_unit=lead, co_units=[co],
                                 deadline=TODAY + dt.timedelta(days=9))  # fmt: skip
    if move == "note":
        return items.add_note(**common, text="进展")
    if move == "answer":
        return items.answer_item(**common, answer="已办理", uploads=[_pdf()])
    if move == "extend":
        return items.request_extension(**common, until=item.deadline + dt.timedelta(days=9),
                                       reason="原因")  # fmt: skip
    if move == "decide":
        return items.decide_extension(**common, grant=True)
    if move == "return":
        return items.return_item(**common, comment="请补充")
    if move == "close":
        return items.close_item(**common)
    if move == "remind":
        return items.remind_item(item=item, user=user)
    raise AssertionError(move)


START = {"assign": "registered", "note": "assigned", "answer": "assigned", "extend": "assigned",
         "decide": "extension", "return": "answered", "close": "answered",
         "remind": "assigned"}  # fmt: skip


@pytest.mark.parametrize("move", list(START))
def test_each_role_may_or_may_not_and_a_refusal_changes_nothing(setup, move, mailoutbox):
    people = setup[0]
    for role in ROLES:
        item = _item(setup, START[move])
        before, mails = _snapshot(item), len(mailoutbox)
        if role in ALLOWED[move]:
            _do(move, item, people[role], setup)
            after = _snapshot(item)
            assert after != before, (move, role)
            if move == "note":  # the lead unit's progress, or the co-unit's part
                expected = ItemState.IN_PROGRESS if role == "staff_own" else ItemState.ASSIGNED
                assert after[0] == expected, role
            else:
                assert after[0] == AFTER[move], (move, role)
        else:
            with pytest.raises(PermissionDenied):
                _do(move, item, people[role], setup)
            assert _snapshot(item) == before, (move, role)
            assert len(mailoutbox) == mails, (move, role)


def test_each_role_may_or_may_not_write(setup):
    people, project, _lead, _co = setup
    subject = items.find_subject("project", project.pk)
    for role in ROLES:
        count = SupervisionItem.objects.count()
        if role in ALLOWED["write"]:
            item = items.create_item(user=people[role], plan=project.annex.plan,
                                     instruction="批示", subject=subject)  # fmt: skip
            assert item.state == AFTER["write"] and item.given_by == people[role]
        else:
            with pytest.raises(PermissionDenied):
                items.create_item(user=people[role], plan=project.annex.plan,
                                  instruction="批示", subject=subject)  # fmt: skip
            assert SupervisionItem.objects.count() == count, role


def test_a_leader_assigns_decides_and_reminds_only_when_the_setting_says(setup, settings):
    people = setup[0]
    settings.LEADERS_ASSIGN_ITEMS = True
    for move in ("assign", "decide", "remind"):
        item = _item(setup, START[move])
        _do(move, item, people["leader"], setup)
        assert _snapshot(item)[0] == AFTER[move], move
