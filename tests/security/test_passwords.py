"""等保 2.0 level 2 password rules: length, kinds of character, no reuse of the last five, and
a password an administrator set must be replaced by the user before anything else."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from dashboard.demo import DEMO_PASSWORD, DEMO_USERS
from plan.accounts import PasswordHistory
from tests.conftest import plan_page
from tests.factories import UserFactory

User = get_user_model()
GOOD = "Jilin-Kj-2026"


@pytest.mark.parametrize(
    "password",
    ["Ab1-xyz", "lowercaseonly", "lowercase2026x", "UPPERCASE2026", "2026072520260725",
     "reviewer-2026"],  # the last: too like the user name
)  # fmt: skip
def test_a_password_breaking_the_policy_is_refused(db, password):
    user = UserFactory(username="reviewer")
    with pytest.raises(ValidationError):
        validate_password(password, user)


@pytest.mark.parametrize("password", [GOOD, "kj#2026#report", "Kj2026jilinshi", DEMO_PASSWORD])
def test_a_password_of_ten_characters_and_three_kinds_is_accepted(db, password):
    validate_password(password, UserFactory(username="clerk"))


def test_the_demo_password_meets_the_policy_for_every_demo_user(db):
    for demo in DEMO_USERS:
        validate_password(DEMO_PASSWORD, UserFactory(username=demo.username))


def test_the_messages_are_in_chinese(db):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        validate_password("lowercaseonlyxx", UserFactory(username="clerk"))
    text = " ".join(error.value.messages)
    assert "小写字母" in text


def set_password(user, password):
    user.set_password(password)
    user.save()


def test_none_of_the_last_five_passwords_may_be_used_again(db):
    user = UserFactory(username="clerk")
    passwords = [f"Jilin-Kj-{n}x" for n in range(1, 7)]
    for password in passwords:
        set_password(user, password)
    assert PasswordHistory.objects.filter(user=user).count() == 5
    for reused in passwords[1:]:  # the current one and the four before it
        with pytest.raises(ValidationError) as error:
            validate_password(reused, user)
        assert error.value.error_list[0].code == "password_reused"
    validate_password(passwords[0], user)  # six back: allowed again


def test_the_password_page_applies_the_policy_and_keeps_the_old_password(client, db):
    user = UserFactory(username="clerk")
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {"old_password": "pass-for-tests-1", "new_password1": "short", "new_password2": "short"},
    )
    assert response.status_code == 200 and response.context["form"].errors
    user.refresh_from_db()
    assert user.check_password("pass-for-tests-1")
    response = client.post(reverse("password_change"), {
        "old_password": "pass-for-tests-1", "new_password1": "pass-for-tests-1",
        "new_password2": "pass-for-tests-1"})  # fmt: skip
    assert "new_password2" in response.context["form"].errors  # the same one again


def log_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def add_user_in_the_admin(client, username, password):
    return client.post(reverse("admin:auth_user_add"), {
        "username": username, "password1": password, "password2": password,
        "usable_password": "true", "unit_memberships-TOTAL_FORMS": 0,
        "unit_memberships-INITIAL_FORMS": 0})  # fmt: skip


def assert_forced_until_changed(client, username, password):
    assert log_in(client, username, password).status_code == 302
    for url in [plan_page("dashboard:home"), plan_page("projects:project-list"), "/admin/"]:
        response = client.get(url)
        assert response.status_code == 302 and response.url == reverse("password_change"), url
    page = client.get(reverse("password_change"))
    assert 'data-testid="password-change-required"' in page.text
    response = client.post(reverse("password_change"), {
        "old_password": password, "new_password1": "Mine-Only-2026", "new_password2":
        "Mine-Only-2026"})  # fmt: skip
    assert response.status_code == 302
    assert client.get(plan_page("dashboard:home")).status_code == 200
    client.logout()
    assert log_in(client, username, "Mine-Only-2026").status_code == 302
    assert client.get(plan_page("dashboard:home")).status_code == 200


def test_an_account_the_system_administrator_creates_must_change_its_password_first(client, people):
    client.force_login(people["sysadmin"])
    assert add_user_in_the_admin(client, "newclerk", "Set-By-Admin-26").status_code == 302
    client.logout()
    assert_forced_until_changed(client, "newclerk", "Set-By-Admin-26")


def test_a_password_the_system_administrator_resets_must_be_changed_first(client, people):
    clerk = people["staff_own"]
    client.force_login(people["sysadmin"])
    url = reverse("admin:auth_user_password_change", args=[clerk.pk])
    response = client.post(url, {"password1": "Reset-By-Admin-26", "password2":
                                 "Reset-By-Admin-26", "usable_password": "true"})  # fmt: skip
    assert response.status_code == 302
    client.logout()
    assert_forced_until_changed(client, clerk.username, "Reset-By-Admin-26")


def test_a_user_changing_their_own_password_is_not_forced_again(client, db):
    UserFactory(username="clerk")
    assert log_in(client, "clerk", "pass-for-tests-1").status_code == 302
    assert client.get(plan_page("dashboard:home")).status_code == 200


def test_the_demo_loads_and_its_users_are_not_forced_to_change_their_password(client, plan):
    call_command("load_demo", stdout=io.StringIO())
    for demo in DEMO_USERS:
        client.logout()
        assert log_in(client, demo.username, DEMO_PASSWORD).status_code == 302
        assert client.get(plan_page("dashboard:home")).status_code == 200, demo.username
