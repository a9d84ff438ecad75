"""No cache on the way keeps a page meant for one logged-in user (the URL walk checks every
named URL of the project; these are the pages it leaves out)."""

from django.urls import reverse

from tests.security.test_url_access import private_no_store


def test_admin_pages_and_error_pages_are_private_and_not_stored(client, people):
    client.force_login(people["admin"])
    for url in ["/admin/", "/admin/auth/user/", "/no-such-page/"]:
        response = client.get(url)
        assert private_no_store(response), (url, response.get("Cache-Control"))


def test_the_login_pages_and_a_lock_out_are_not_stored(client, db):
    assert private_no_store(client.get(reverse("login")))
    assert private_no_store(client.get(reverse("admin:login")))
    for _ in range(5):
        response = client.post(reverse("login"), {"username": "x", "password": "y"})
    assert response.status_code == 429
    assert private_no_store(response)


def test_static_files_keep_their_own_caching(client, people):
    client.force_login(people["leader"])
    response = client.get("/static/css/site.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
