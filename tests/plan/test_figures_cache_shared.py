"""One figures cache for every worker (issue 22, item 3): with ``DJANGO_FIGURES_CACHE_URL`` the
fragments live in Redis, so a figure rendered by one worker is served to the others; and a cache
server that is down never fails a page: its figures are rendered live."""

import logging
import os
import threading

import pytest
from django.test import override_settings
from django.urls import reverse

from plan import figures_cache

# One Redis database for these tests: under pytest-xdist they keep to one worker.
pytestmark = pytest.mark.xdist_group("redis")

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_cache(url: str) -> dict:
    return {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "figures": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "jilin-dashboard-test",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.5},
        },
    }


@pytest.fixture(autouse=True)
def _unpaused():
    figures_cache._paused_until = 0.0
    yield
    figures_cache._paused_until = 0.0


@pytest.fixture
def redis_server():
    """The Redis server CI starts (.ci/run); locally a missing one skips, in CI it fails."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as error:
        if os.environ.get("CI"):
            pytest.fail(f"Redis is not running at {REDIS_URL} ({error}); .ci/run starts it")
        pytest.skip(f"no Redis at {REDIS_URL}")
    client.flushdb()
    yield client
    client.flushdb()


@pytest.mark.django_db
def test_a_figure_rendered_by_one_worker_is_served_to_another(plan, redis_server):
    computed = []

    def compute():
        computed.append(threading.current_thread().name)
        return "<p>figures</p>"

    with override_settings(CACHES=_redis_cache(REDIS_URL), FIGURES_CACHE_SECONDS=600):
        first = figures_cache.cached(plan, "cockpit", ["projects"], [], compute)
        # Another worker: another thread, so another connection to the cache server.
        served = []
        other = threading.Thread(
            target=lambda: served.append(
                figures_cache.cached(plan, "cockpit", ["projects"], [], compute)
            ),
            name="worker-2",
        )
        other.start()
        other.join()
    assert first == served[0] == "<p>figures</p>"
    assert computed == ["MainThread"]  # rendered once, by the first worker
    assert any(b"figures:cockpit" in key for key in redis_server.keys("*"))


@pytest.mark.django_db
def test_pages_render_live_when_the_cache_server_is_down(plan, client, caplog):
    from plan.permissions import LEADER
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="leader", role=LEADER))
    # Nothing listens on port 1: every connection is refused at once.
    with (
        override_settings(CACHES=_redis_cache("redis://127.0.0.1:1/0"), FIGURES_CACHE_SECONDS=600),
        caplog.at_level(logging.WARNING, logger="plan.figures_cache"),
    ):
        names = ["dashboard:home", "projects:project-list", "supervision:report-matrix",
                 "indicators:indicator-list"]  # fmt: skip
        for url in map(reverse, names):
            response = client.get(url)
            assert response.status_code == 200, url
            assert "项目" in response.text
    warnings = [r for r in caplog.records if "figures cache unreachable" in r.getMessage()]
    # Said once, then the cache is left alone for a while instead of timing out on each page.
    assert len(warnings) == 1
    assert figures_cache._paused_until > 0
