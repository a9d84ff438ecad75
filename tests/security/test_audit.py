"""The audit trail: every kind of change, filters, links, the Excel export, a fixed cost."""

import io

import openpyxl
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators.models import Indicator, Target
from indicators.services import target_revise
from plan.models import Unit, UnitMembership
from projects.models import Project


@pytest.fixture
def changes(people, plan):
    """A change of each kind, made through the pages or services by different people."""
    staff, admin = people["staff_own"], people["admin"]
    client = Client()
    client.force_login(staff)
    project = Project.objects.get(annex__number=1, order=2)
    client.post(reverse("projects:project-edit", args=[project.pk]),
                {"version": 1, "builder": "=HYPERLINK(\"http://x\")", "location": "", "content": "",
                 "total_investment": "", "planned_start": "", "planned_end": ""})  # fmt: skip
    unit = Unit.objects.get(name="市科技局")
    indicator = Indicator.objects.create(plan=plan, code="audit", name="审计指标",
                                         responsible_unit=unit)  # fmt: skip
    target = Target.objects.create(indicator=indicator, year=2025, value=5, original_value=5)
    target_revise(target_id=target.pk, user=admin, value=6, rank=None, statement="",
                  reason="测试")  # fmt: skip
    UnitMembership.objects.create(user=people["leader"], unit=Unit.objects.get(name="市工信局"))
    leader = people["leader"]
    leader.first_name = "王"
    leader.save()
    return {"project": project, "indicator": indicator}


@pytest.fixture
def admin_client(client, people):
    """The audit administrator (审计管理员), the one role that reads the trail."""
    client.force_login(people["auditor"])
    return client


def test_only_the_audit_administrator_reads_it(client, people):
    for role in ("staff_own", "leader", "admin", "sysadmin", "secadmin"):
        client.force_login(people[role])
        assert client.get(reverse("dashboard:audit")).status_code == 403


def test_every_kind_of_change_is_listed_with_who_and_a_link(admin_client, changes, people):
    response = admin_client.get(reverse("dashboard:audit"))
    entries = response.context["entries"]
    kinds = {e.kind for e in entries}
    assert {"项目", "目标值", "单位成员", "用户", "指标"} <= kinds
    edit = next(e for e in entries if e.kind == "项目" and e.action == "修改")
    assert edit.who == people["staff_own"]
    assert edit.url == changes["project"].get_absolute_url()
    assert f'href="{edit.url}"' in response.text


def test_filters_by_user_unit_kind_and_date(admin_client, changes, people):
    url = reverse("dashboard:audit")
    by_user = admin_client.get(url, {"user": people["admin"].pk}).context["entries"]
    assert by_user and all(e.who == people["admin"] for e in by_user)
    by_kind = admin_client.get(url, {"kind": "target"}).context["entries"]
    assert by_kind and {e.kind for e in by_kind} == {"目标值"}
    unit = Unit.objects.get(name="市工信局")
    by_unit = admin_client.get(url, {"unit": unit.pk}).context["entries"]
    assert {e.kind for e in by_unit} == {"单位成员", "单位"}  # its members, and the unit itself
    assert any(e.name == "leader @ 市工信局" for e in by_unit)
    assert admin_client.get(url, {"until": "2000-01-01"}).context["total"] == 0


def test_excel_export_holds_the_rows_and_runs_no_formula(admin_client, changes):
    project = changes["project"]
    project.name = '=HYPERLINK("http://evil.example","点我")'
    project.save()
    response = admin_client.get(reverse("dashboard:audit-export"), {"kind": "project"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "filename*=utf-8''" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("时间", "操作人", "类别")
    assert len(rows) - 1 == admin_client.get(reverse("dashboard:audit"),
                                             {"kind": "project"}).context["total"]  # fmt: skip
    for row in sheet.iter_rows(min_row=2):
        assert all(cell.data_type != "f" for cell in row)
    names = [row[5] for row in sheet.iter_rows(min_row=2)]  # after the Plan column
    evil = next(cell for cell in names if str(cell.value).startswith("=HYPERLINK"))
    assert evil.data_type == "s" and evil.quotePrefix


def test_audit_page_costs_the_same_for_a_short_and_a_long_history(admin_client, changes):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(reverse("dashboard:audit")).status_code == 200
        return len(captured)

    short = queries()
    project = changes["project"]
    for i in range(60):
        project.location = f"地点{i}"
        project.save()
    assert queries() == short
