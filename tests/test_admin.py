"""Every model is in the admin; its list, search and add pages work for an administrator."""

import pytest
from django.apps import apps
from django.contrib import admin
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
    assert admin_client_with_plan.get(reverse("admin:{}_{}_add".format(*info))).status_code == 200
    first = model.objects.first()
    if first is not None:
        change = reverse("admin:{}_{}_change".format(*info), args=[first.pk])
        assert admin_client_with_plan.get(change).status_code == 200
