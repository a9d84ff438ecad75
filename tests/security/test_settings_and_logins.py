"""Deploy settings, security headers, login throttling and logging, deactivated users."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from projects.models import Project, ProjectUpdate
from tests.factories import UserFactory

ROOT = Path(settings.BASE_DIR)
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "k7#Vq2!xR9@mZ4$wL8^nB1&cT6*yH3(pD0)sF5-gJ2+eU9=aQ7%iO4",
    "DJANGO_ALLOWED_HOSTS": "kj.jlcity.gov.cn",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://kj.jlcity.gov.cn",
    "DATABASE_URL": "sqlite:////tmp/deploy-check.sqlite3",
}


def manage(*args, env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env={**clean, **env},
                          capture_output=True, text=True, timeout=120)  # fmt: skip


def test_check_deploy_with_the_production_environment_prints_no_warnings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_behind_a_proxy_with_no_trusted_proxy():
    behind = {**PRODUCTION, "DJANGO_BEHIND_TLS_PROXY": "true"}
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=behind)
    assert result.returncode != 0 and "plan.W001" in result.stdout + result.stderr
    trusted = {**behind, "DJANGO_TRUSTED_PROXIES": "127.0.0.1,10.1.0.0/24"}
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=trusted)
    assert result.returncode == 0, result.stdout + result.stderr
    typo = {**behind, "DJANGO_TRUSTED_PROXIES": "127.0.0.1,10.1.0.0/33"}
    result = manage("check", "--deploy", env=typo)
    assert result.returncode != 0 and "plan.E001" in result.stdout + result.stderr


def test_collectstatic_works_with_the_production_settings(tmp_path):
    result = manage("collectstatic", "--noinput", "-v0",
                    env={**PRODUCTION, "DJANGO_STATIC_ROOT": str(tmp_path)})  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "staticfiles.json").exists()
    assert list(tmp_path.glob("vendor/chart.umd.min.*.js"))


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION.items() if k != "DJANGO_SECRET_KEY"}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_headers_allow_only_our_origin_and_no_inline_script(client, people):
    client.force_login(people["leader"])
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_no_page_has_inline_script_or_style():
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert "<script>" not in text and "<style" not in text and 'style="' not in text, path
        assert "onclick=" not in text and "onload=" not in text, path


def test_sessions_end_with_the_browser_and_after_idle_time():
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert settings.SESSION_COOKIE_HTTPONLY
    assert settings.SESSION_COOKIE_AGE == 60 * 60


def fail_login(client, username, address="10.0.0.7"):
    return client.post(reverse("login"), {"username": username, "password": "wrong"},
                       REMOTE_ADDR=address)  # fmt: skip


def test_repeated_failures_for_an_account_from_an_address_lock_that_pair_with_a_clear_message(
    client, db
):
    UserFactory(username="clerk")
    for _ in range(4):
        assert fail_login(client, "clerk").status_code == 200
    assert fail_login(client, "clerk").status_code == 429  # the fifth failure locks
    locked = client.post(reverse("login"), {"username": "clerk", "password": "pass-for-tests-1"},
                         REMOTE_ADDR="10.0.0.7")  # fmt: skip
    assert locked.status_code == 429
    assert 'data-testid="locked-out"' in locked.text and "15" in locked.text
    assert "_auth_user_id" not in client.session
    # The same account from elsewhere is not locked: a stranger cannot lock it out (see
    # test_login_throttling.py for the per-account and per-address ceilings).
    elsewhere = client.post(reverse("login"), {"username": "clerk",
                                               "password": "pass-for-tests-1"},
                            REMOTE_ADDR="10.0.0.8")  # fmt: skip
    assert elsewhere.status_code == 302


def test_failures_for_other_names_at_an_address_do_not_lock_an_account_there(client, db):
    UserFactory(username="clerk")
    for i in range(5):
        fail_login(client, f"guess{i}", address="10.9.9.9")
    response = client.post(reverse("login"), {"username": "clerk", "password": "pass-for-tests-1"},
                           REMOTE_ADDR="10.9.9.9")  # fmt: skip
    assert response.status_code == 302


def test_a_success_clears_the_count(client, db):
    UserFactory(username="clerk")
    for _ in range(4):
        fail_login(client, "clerk")
    ok = client.post(reverse("login"), {"username": "clerk", "password": "pass-for-tests-1"},
                     REMOTE_ADDR="10.0.0.7")  # fmt: skip
    assert ok.status_code == 302
    client.logout()
    for _ in range(4):
        assert fail_login(client, "clerk").status_code == 200


def test_logins_are_logged(client, db, caplog):
    UserFactory(username="clerk")
    with caplog.at_level("INFO", logger="dashboard.auth"):
        fail_login(client, "clerk")
        client.post(reverse("login"), {"username": "clerk", "password": "pass-for-tests-1"},
                    REMOTE_ADDR="10.0.0.7")  # fmt: skip
    messages = [r.getMessage() for r in caplog.records if r.name == "dashboard.auth"]
    assert "login failed user=clerk address=10.0.0.7" in messages
    assert "login succeeded user=clerk address=10.0.0.7" in messages


@pytest.mark.parametrize("password", ["12345678", "password", "clerk2025", "short"])
def test_weak_passwords_are_refused(db, password):
    user = UserFactory(username="clerk2025")
    with pytest.raises(ValidationError):
        validate_password(password, user)


def test_a_deactivated_user_cannot_log_in_and_keeps_their_history(client, people, plan):
    staff = people["staff_own"]
    project = Project.objects.get(annex__number=1, order=1)
    update = ProjectUpdate.objects.create(project=project, year=2025, quarter=4,
                                          status="in_progress", percent_complete=5,
                                          submitted_by=staff,
                                          submitted_at="2026-01-05T10:00:00+08:00")  # fmt: skip
    staff.is_active = False
    staff.save()
    response = client.post(reverse("login"), {"username": staff.username,
                                              "password": "pass-for-tests-1"})  # fmt: skip
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    update.refresh_from_db()
    assert update.submitted_by == staff
    assert client.get(project.get_absolute_url()).status_code == 302  # not logged in


def test_a_login_sets_last_login_without_an_audit_row(client, db):
    user = UserFactory(username="clerk")
    rows = user.history.count()
    client.post(reverse("login"), {"username": "clerk", "password": "pass-for-tests-1"},
                REMOTE_ADDR="10.0.0.7")  # fmt: skip
    user.refresh_from_db()
    assert user.last_login is not None
    assert user.history.count() == rows
