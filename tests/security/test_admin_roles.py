"""三员分立: the system, security and audit administrators, none able to do another's job; the
plan administrator (管理员) keeps the plan's data only; nobody deletes or edits history."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from plan.history_admin import historical_models
from plan.permissions import (
    ADMINISTRATOR,
    AUDIT_ADMINISTRATOR,
    SECURITY_ADMINISTRATOR,
    SYSTEM_ADMINISTRATOR,
)
from projects.models import Project
from tests.conftest import plan_page
from tests.factories import UserFactory


def user_form(client, user):
    """The user change page's form data as the page shows it (read-only fields left out)."""
    url = reverse("admin:auth_user_change", args=[user.pk])
    response = client.get(url)
    assert response.status_code == 200
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = form.initial.get(name)
        if name.startswith("date_joined") or name == "last_login":
            continue
        if isinstance(value, list | tuple):
            data[name] = [getattr(v, "pk", v) for v in value]
        elif value is None:
            data[name] = ""
        else:
            data[name] = getattr(value, "pk", value)
    if "date_joined" in form.fields:
        data.update(date_joined_0="2026-01-01", date_joined_1="00:00:00")
    if "last_login" in form.fields:
        data.update(last_login_0="", last_login_1="")
    data.update({"unit_memberships-TOTAL_FORMS": 0, "unit_memberships-INITIAL_FORMS": 0})
    return url, data


def test_the_system_administrator_manages_accounts_but_not_roles(client, people):
    clerk = people["staff_other"]
    client.force_login(people["sysadmin"])
    assert client.get(reverse("admin:auth_user_add")).status_code == 200
    url, data = user_form(client, clerk)
    assert "groups" not in data and "user_permissions" not in data
    data.update(first_name="李", groups=[Group.objects.get(name=SECURITY_ADMINISTRATOR).pk])
    assert client.post(url, data).status_code == 302
    clerk.refresh_from_db()
    assert clerk.first_name == "李"
    assert not clerk.groups.filter(name=SECURITY_ADMINISTRATOR).exists()
    group = Group.objects.get(name=ADMINISTRATOR)
    assert client.get(reverse("admin:auth_group_change", args=[group.pk])).status_code in (
        200, 403)  # fmt: skip
    response = client.post(reverse("admin:auth_group_change", args=[group.pk]),
                           {"name": "改名", "permissions": []})  # fmt: skip
    assert response.status_code == 403
    assert Group.objects.filter(name=ADMINISTRATOR).exists()
    # Plan data and units are the system administrator's too.
    assert client.get(reverse("admin:projects_project_changelist")).status_code == 200
    assert client.get(reverse("admin:plan_unit_changelist")).status_code == 200


def test_the_security_administrator_gives_roles_and_nothing_else(client, people):
    clerk = people["staff_other"]
    client.force_login(people["secadmin"])
    assert client.get(reverse("admin:auth_user_add")).status_code == 403
    url, data = user_form(client, clerk)
    assert "username" not in data and "is_active" not in data
    data.update(username="hijacked", groups=[Group.objects.get(name=AUDIT_ADMINISTRATOR).pk])
    assert client.post(url, data).status_code == 302
    clerk.refresh_from_db()
    assert clerk.username == "gxj"
    assert list(clerk.groups.values_list("name", flat=True)) == [AUDIT_ADMINISTRATOR]
    assert clerk.is_staff  # an administrator role opens the admin
    password = reverse("admin:auth_user_password_change", args=[clerk.pk])
    assert client.get(password).status_code == 403
    assert client.get(reverse("admin:projects_project_changelist")).status_code == 403
    assert client.get(reverse("admin:plan_unit_changelist")).status_code == 403
    assert client.get(reverse("dashboard:audit")).status_code == 403


def test_the_security_administrator_lifts_a_lock_out(client, people):
    attempt = AccessAttempt.objects.create(
        username="clerk", ip_address="10.0.0.7", user_agent="x", failures_since_start=5,
        attempt_time=timezone.now(), get_data="", post_data="", http_accept="", path_info="/",
    )  # fmt: skip
    client.force_login(people["secadmin"])
    assert client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 200
    delete = reverse("admin:axes_accessattempt_delete", args=[attempt.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not AccessAttempt.objects.exists()
    for role in ("sysadmin", "auditor", "admin"):
        client.force_login(people[role])
        # 403, or the admin's login page for one who may not use the admin at all
        assert client.get(reverse("admin:axes_accessattempt_changelist")).status_code in (
            302, 403)  # fmt: skip


def test_the_audit_administrator_reads_the_trail_only(client, people, plan):
    project = Project.objects.get(annex__number=1, order=1)
    project.builder = "审计"
    project.save()
    client.force_login(people["auditor"])
    assert client.get(reverse("dashboard:audit")).status_code == 200
    assert client.get(reverse("admin:projects_historicalproject_changelist")).status_code == 200
    row = Project.history.first()
    change = reverse("admin:projects_historicalproject_change", args=[row.pk])
    assert client.get(change).status_code == 200  # read-only view
    for url in [reverse("admin:projects_project_changelist"), reverse("admin:auth_user_add"),
                reverse("admin:auth_user_change", args=[people["staff_own"].pk])]:  # fmt: skip
        assert client.get(url).status_code == 403, url


def test_the_plan_administrator_keeps_the_plan_but_not_accounts_roles_or_the_trail(client, people):
    people["admin"].is_staff = True  # as the user page sets it for the role
    people["admin"].save()
    client.force_login(people["admin"])
    assert client.get(reverse("admin:projects_project_changelist")).status_code == 200
    assert client.get(reverse("admin:auth_user_add")).status_code == 403
    group = Group.objects.get(name=ADMINISTRATOR)
    response = client.post(reverse("admin:auth_group_change", args=[group.pk]),
                           {"name": "改名", "permissions": []})  # fmt: skip
    assert response.status_code == 403
    assert client.get(reverse("dashboard:audit")).status_code == 403
    assert client.get(reverse("admin:projects_historicalproject_changelist")).status_code == 403


@pytest.fixture
def root(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.mark.parametrize("who", ["root", "admin", "sysadmin", "auditor"])
def test_no_one_deletes_or_edits_a_history_row_in_the_admin(client, people, plan, root, who):
    project = Project.objects.get(annex__number=1, order=1)
    project.builder = "改"
    project.save()
    rows = Project.history.count()
    row = Project.history.first()
    user = root if who == "root" else people[who]
    user.is_staff = True  # every one of them may use the admin
    user.save()
    client.force_login(user)
    change = reverse("admin:projects_historicalproject_change", args=[row.pk])
    delete = reverse("admin:projects_historicalproject_delete", args=[row.pk])
    changelist = reverse("admin:projects_historicalproject_changelist")
    assert client.post(change, {"builder": "篡改", "history_change_reason": "x"}).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    client.post(changelist, {"action": "delete_selected", "_selected_action": [row.pk],
                             "post": "yes"})  # fmt: skip
    assert Project.history.count() == rows
    row.refresh_from_db()
    assert row.builder == "改"


def test_every_history_table_is_read_only_for_a_superuser_and_no_one_deletes_a_user(rf, root):
    request = rf.get("/")
    request.user = root
    models = historical_models()
    assert len(models) >= 13
    for model in models:
        model_admin = admin.site._registry[model]
        assert not model_admin.has_add_permission(request), model
        assert not model_admin.has_change_permission(request), model
        assert not model_admin.has_delete_permission(request), model
    user_admin = admin.site._registry[type(root)]
    assert not user_admin.has_delete_permission(request, root)


def test_the_audit_trail_is_kept_at_least_six_months():
    assert settings.AUDIT_RETENTION_DAYS >= 183


def test_no_one_but_a_superuser_changes_a_superusers_account(client, people, root):
    client.force_login(people["sysadmin"])
    url, data = user_form(client, root)  # shown read-only
    data.update(username="taken")
    assert client.post(url, data).status_code == 403
    password = reverse("admin:auth_user_password_change", args=[root.pk])
    response = client.post(password, {"password1": "Taken-Over-2026", "password2":
                                      "Taken-Over-2026", "usable_password": "true"})  # fmt: skip
    assert response.status_code == 403
    root.refresh_from_db()
    assert root.check_password("pass-for-tests-1") and root.username == "root"


def test_the_security_administrator_cannot_give_themselves_a_role_or_change_a_role_group(
    client, people
):
    me = people["secadmin"]
    client.force_login(me)
    url, data = user_form(client, me)
    assert "groups" not in data
    data["groups"] = [Group.objects.get(name=SYSTEM_ADMINISTRATOR).pk]
    client.post(url, data)
    assert list(me.groups.values_list("name", flat=True)) == [SECURITY_ADMINISTRATOR]
    group = Group.objects.get(name=SECURITY_ADMINISTRATOR)
    response = client.post(reverse("admin:auth_group_change", args=[group.pk]),
                           {"name": group.name, "permissions": [1, 2, 3]})  # fmt: skip
    assert response.status_code == 403
    assert client.get(reverse("admin:auth_group_add")).status_code == 403


def test_the_system_administrator_cannot_take_over_the_security_or_audit_administrator(
    client, people
):
    client.force_login(people["sysadmin"])
    for role in ("secadmin", "auditor"):
        target = people[role]
        password = reverse("admin:auth_user_password_change", args=[target.pk])
        taken = {"password1": "Taken-Over-2026", "password2": "Taken-Over-2026",
                 "usable_password": "true"}  # fmt: skip
        response = client.post(password, taken)
        assert response.status_code == 403, role
        target.refresh_from_db()
        assert target.check_password("pass-for-tests-1")


def test_only_a_superuser_grants_individual_permissions(client, people):
    client.force_login(people["secadmin"])
    url, data = user_form(client, people["staff_other"])
    assert "user_permissions" not in data


@pytest.mark.parametrize(
    ("role", "label"),
    [("sysadmin", "系统管理员"), ("secadmin", "安全管理员"), ("auditor", "审计管理员")],
)
def test_the_page_header_names_each_administrators_role(client, people, role, label):
    client.force_login(people[role])
    page = client.get(plan_page("dashboard:home")).text
    assert f"{people[role].username} · {label}" in page
