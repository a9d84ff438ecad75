"""Every model is in the admin; its list, search and add pages work for an administrator."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from tests.factories import UserFactory

OUR_APPS = ["plan", "projects", "indicators"]
OUR_MODELS = [
    model
    for app in OUR_APPS
    for model in apps.get_app_config(app).get_models()
    if not model.__name__.startswith("Historical")
]


def test_every_model_of_ours_is_registered():
    assert [m.__name__ for m in OUR_MODELS if m not in admin.site._registry] == []


@pytest.fixture
def admin_client_with_plan(plan, client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("model", OUR_MODELS, ids=lambda m: m.__name__)
def test_admin_list_search_and_add_pages_answer(admin_client_with_plan, model):
    info = (model._meta.app_label, model._meta.model_name)
    changelist = reverse("admin:{}_{}_changelist".format(*info))
    response = admin_client_with_plan.get(changelist)
    assert response.status_code == 200
    model_admin = admin.site._registry[model]
    if model_admin.search_fields:
        assert admin_client_with_plan.get(changelist, {"q": "科技"}).status_code == 200
    add = admin_client_with_plan.get(reverse("admin:{}_{}_add".format(*info)))
    request = RequestFactory().get("/")
    request.user = UserFactory(username="root")
    assert add.status_code == (200 if model_admin.has_add_permission(request) else 403)
    first = model.objects.first()
    if first is not None:
        change = reverse("admin:{}_{}_change".format(*info), args=[first.pk])
        assert admin_client_with_plan.get(change).status_code == 200


def test_administrators_set_roles_and_units_on_the_user_page(admin_client_with_plan, people):
    from django.contrib.auth import get_user_model

    staff = people["staff_own"]
    response = admin_client_with_plan.get(reverse("admin:auth_user_change", args=[staff.pk]))
    assert response.status_code == 200
    assert "unit_memberships-0-unit" in response.text
    listing = admin_client_with_plan.get(reverse("admin:auth_user_changelist")).text
    assert "市科技局" in listing and "填报员" in listing
    assert get_user_model().objects.filter(unit_memberships__unit__name="市科技局").exists()


def test_an_admin_edit_raises_the_project_version(admin_client_with_plan):
    from projects.models import Project

    project = Project.objects.get(annex__number=1, order=1)
    url = reverse("admin:projects_project_change", args=[project.pk])
    form = admin_client_with_plan.get(url).context["adminform"].form
    data = {k: ("" if v is None else v) for k, v in form.initial.items()}
    data.update(builder="管理员改", unit=project.unit_id, annex=project.annex_id)
    response = admin_client_with_plan.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    project.refresh_from_db()
    assert (project.builder, project.version) == ("管理员改", 2)


def test_a_user_given_the_administrator_role_can_use_the_admin(admin_client_with_plan, people,
                                                               client):  # fmt: skip
    from django.contrib.auth.models import Group

    from plan.permissions import ADMINISTRATOR

    clerk = people["staff_other"]
    url = reverse("admin:auth_user_change", args=[clerk.pk])
    form = admin_client_with_plan.get(url).context["adminform"].form
    data = {k: ("" if v is None else v) for k, v in form.initial.items() if k != "password"}
    data.update(
        groups=[Group.objects.get(name=ADMINISTRATOR).pk], date_joined_0="2026-01-01",
        date_joined_1="00:00:00", last_login_0="", last_login_1="",
        **{"unit_memberships-TOTAL_FORMS": 0, "unit_memberships-INITIAL_FORMS": 0},
    )  # fmt: skip
    data.pop("user_permissions", None)
    data.pop("date_joined", None)
    data.pop("last_login", None)
    response = admin_client_with_plan.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    clerk.refresh_from_db()
    assert clerk.is_staff and not clerk.is_superuser
    client.force_login(clerk)
    assert client.get(reverse("admin:projects_project_changelist")).status_code == 200
    assert client.get(reverse("admin:indicators_target_changelist")).status_code == 200
