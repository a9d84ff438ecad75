"""Login throttling behind a reverse proxy: locks on the pair (user name, real address), a
ceiling per account from any address and a higher one per address, and the real address in the
log. A client's X-Forwarded-For counts only when the request comes from a trusted proxy."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory

PROXY = "10.0.0.1"
RIGHT = "pass-for-tests-1"


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = [PROXY, "10.0.1.0/24"]
    return settings


def login(client, username, password="wrong", address="10.0.0.7", forwarded=None):
    extra = {"REMOTE_ADDR": address}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def via_proxy(client, username, client_address, password="wrong"):
    return login(client, username, password, address=PROXY, forwarded=client_address)


def test_a_made_up_users_failures_behind_the_proxy_do_not_lock_the_administrator(
    client, behind_proxy, db
):
    UserFactory(username="admin")
    for _ in range(10):
        via_proxy(client, "nobody", "203.0.113.5")
    assert via_proxy(client, "nobody", "203.0.113.5").status_code == 429
    assert via_proxy(client, "admin", "198.51.100.7", password=RIGHT).status_code == 302


def test_without_a_proxy_a_made_up_users_failures_do_not_lock_others_at_that_address(client, db):
    UserFactory(username="admin")
    for _ in range(5):
        login(client, "nobody")
    assert login(client, "nobody").status_code == 429
    assert login(client, "admin", RIGHT).status_code == 302


def test_behind_the_proxy_a_pair_locks_at_five_failures_and_only_that_pair(
    client, behind_proxy, db
):
    UserFactory(username="clerk")
    for _ in range(4):
        assert via_proxy(client, "clerk", "203.0.113.5").status_code == 200
    assert via_proxy(client, "clerk", "203.0.113.5").status_code == 429
    assert via_proxy(client, "clerk", "203.0.113.5", password=RIGHT).status_code == 429
    assert via_proxy(client, "clerk", "198.51.100.7", password=RIGHT).status_code == 302


def test_a_chain_of_trusted_proxies_gives_the_first_untrusted_address(
    client, behind_proxy, db, caplog
):
    UserFactory(username="clerk")
    with caplog.at_level("INFO", logger="dashboard.auth"):
        # The client claims 1.1.1.1; the outer proxy (10.0.1.9, trusted) saw 203.0.113.5.
        login(client, "clerk", address=PROXY, forwarded="1.1.1.1, 203.0.113.5, 10.0.1.9")
    messages = [r.getMessage() for r in caplog.records if r.name == "dashboard.auth"]
    assert "login failed user=clerk address=203.0.113.5" in messages


def test_a_spoofed_forwarded_for_from_an_untrusted_client_is_ignored(client, behind_proxy, db):
    UserFactory(username="clerk")
    for i in range(5):
        login(client, "clerk", address="10.9.9.9", forwarded=f"192.0.2.{i}")
    # A new made-up address in the header does not make a new pair.
    response = login(client, "clerk", RIGHT, address="10.9.9.9", forwarded="192.0.2.200")
    assert response.status_code == 429
    assert login(client, "clerk", RIGHT, address="10.9.9.10").status_code == 302


def test_no_header_is_trusted_when_no_proxy_is_configured(client, db, caplog):
    UserFactory(username="clerk")
    with caplog.at_level("INFO", logger="dashboard.auth"):
        login(client, "clerk", address=PROXY, forwarded="203.0.113.5")
    messages = [r.getMessage() for r in caplog.records if r.name == "dashboard.auth"]
    assert f"login failed user=clerk address={PROXY}" in messages


def test_the_log_names_the_real_address_behind_the_proxy(client, behind_proxy, db, caplog):
    UserFactory(username="clerk")
    with caplog.at_level("INFO", logger="dashboard.auth"):
        via_proxy(client, "clerk", "203.0.113.5")
        via_proxy(client, "clerk", "198.51.100.7", password=RIGHT)
    messages = [r.getMessage() for r in caplog.records if r.name == "dashboard.auth"]
    assert "login failed user=clerk address=203.0.113.5" in messages
    assert "login succeeded user=clerk address=198.51.100.7" in messages


@pytest.mark.parametrize("proxied", [False, True])
def test_an_account_is_refused_after_twenty_failures_from_any_addresses(
    client, behind_proxy, db, proxied
):
    UserFactory(username="clerk")
    for i in range(20):  # four from each of five addresses: no pair reaches five
        address = f"198.51.100.{i // 4}"
        if proxied:
            assert via_proxy(client, "clerk", address).status_code == 200
        else:
            assert login(client, "clerk", address=address).status_code == 200
    fresh = "198.51.100.77"
    response = via_proxy(client, "clerk", fresh, RIGHT) if proxied else login(
        client, "clerk", RIGHT, address=fresh)  # fmt: skip
    assert response.status_code == 429
    assert 'data-testid="locked-out"' in response.text
    assert "_auth_user_id" not in client.session
    UserFactory(username="other")
    assert login(client, "other", RIGHT, address=fresh).status_code == 302


@pytest.mark.parametrize("proxied", [False, True])
def test_an_address_is_refused_after_a_hundred_failures_for_any_accounts(
    client, behind_proxy, db, proxied
):
    UserFactory(username="clerk")
    for i in range(100):
        if proxied:
            assert via_proxy(client, f"guess{i}", "203.0.113.5").status_code == 200
        else:
            assert login(client, f"guess{i}", address="203.0.113.5").status_code == 200
    if proxied:
        assert via_proxy(client, "clerk", "203.0.113.5", RIGHT).status_code == 429
        assert via_proxy(client, "clerk", "198.51.100.7", RIGHT).status_code == 302
    else:
        assert login(client, "clerk", RIGHT, address="203.0.113.5").status_code == 429
        assert login(client, "clerk", RIGHT, address="198.51.100.7").status_code == 302


def test_the_ceilings_come_from_settings(client, settings, db):
    settings.LOGIN_ACCOUNT_FAILURE_LIMIT = 6
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 8
    UserFactory(username="clerk")
    for i in range(6):
        login(client, "clerk", address=f"198.51.100.{i}")
    assert login(client, "clerk", RIGHT, address="198.51.100.50").status_code == 429
    for i in range(8):
        login(client, f"guess{i}", address="203.0.113.9")
    UserFactory(username="other")
    assert login(client, "other", RIGHT, address="203.0.113.9").status_code == 429
    assert login(client, "other", RIGHT, address="203.0.113.10").status_code == 302


def test_the_defaults_are_five_per_pair_twenty_per_account_a_hundred_per_address():
    from django.conf import settings

    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.LOGIN_ACCOUNT_FAILURE_LIMIT == 20
    assert settings.LOGIN_ADDRESS_FAILURE_LIMIT == 100
    assert settings.TRUSTED_PROXIES == []
