"""Browser harness: Playwright for Python driving Debian's Chromium against Django's live server.

Each page a test opens is watched: a console error, an uncaught page error or a request to any
host but the live server fails the test. No browser is downloaded: the tests use the system's
Chromium (``CHROMIUM_PATH``, default ``/usr/bin/chromium``). Without it they fail under CI and
skip, saying how to install it, elsewhere.
"""

import os
import re
from urllib.parse import urlsplit

import pytest
from django.core.servers.basehttp import WSGIRequestHandler

from scripts.chromium_launch import CHROMIUM_FLAGS, chromium_path

# Playwright's sync API runs an event loop in this thread; Django's ORM, used by the tests to set
# up data, refuses to run beside one unless told that this is deliberate.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

INSTALL_HINT = "apt-get install -y chromium (Debian's package; never `playwright install`)"


@pytest.fixture(autouse=True)
def figures_cached(settings):
    """The browser tests' writes commit, as in production: they run with the figures cache on,
    so every flow that changes a figure also checks that the cached pages show it."""
    from django.core.cache import caches

    from plan.figures_cache import CACHE_ALIAS

    settings.FIGURES_CACHE_SECONDS = 600
    caches[CACHE_ALIAS].clear()
    yield
    caches[CACHE_ALIAS].clear()


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    in_ci = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
    if path is None:
        message = f"No Chromium found for the browser tests: {INSTALL_HINT}."
        if in_ci:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if in_ci:
            pytest.fail("Playwright for Python is not installed.", pytrace=False)
        pytest.skip("Playwright for Python is not installed: pip install -r requirements-dev.txt")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


# The live server answers each request on a connection of its own (HTTP/1.0), as a reverse
# proxy in front of gunicorn does: with HTTP/1.1 keep-alive, Chromium now and then sent a form's
# redirected GET on a connection the test server's thread no longer read, and the page waited
# for good (the report test, 2 runs of 5 on PostgreSQL, with the report saved and committed).
WSGIRequestHandler.protocol_version = "HTTP/1.0"


class PageWatch:
    """What a page did that a test must not accept: console errors, page errors, foreign hosts."""

    def __init__(self, live_url: str):
        self.origin = urlsplit(live_url).netloc
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.foreign_requests: list[str] = []

    def attach(self, page):
        page.on(
            "console",
            lambda m: self.console_errors.append(m.text) if m.type == "error" else None,
        )
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        page.route("**/*", self._route)

    def _route(self, route):
        url = route.request.url
        if urlsplit(url).scheme in {"data", "blob"} or urlsplit(url).netloc == self.origin:
            route.continue_()
        else:
            # Recorded and refused: the intranet has no internet, so neither do the tests.
            self.foreign_requests.append(url)
            route.abort()

    def assert_clean(self):
        assert self.foreign_requests == [], "requests to other hosts"
        assert self.page_errors == [], "uncaught errors in the page"
        assert self.console_errors == [], "browser console errors"


@pytest.fixture
def page(browser, live_server, request):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    watch = PageWatch(live_server.url)
    watch.attach(page)
    page.watch = watch
    yield page
    artifacts = os.environ.get("E2E_ARTIFACTS")
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    if artifacts and failed:
        os.makedirs(artifacts, exist_ok=True)
        page.screenshot(path=os.path.join(artifacts, f"{request.node.name}.png"), full_page=True)
    context.close()
    watch.assert_clean()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def log_in(page, base_url: str, username: str, password: str = "pass-for-tests-1") -> None:
    """Log in through the login form, as a person would, and land on the cockpit."""
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    # The cockpit is the default plan's: "/" redirects to /plans/<code>/ (plan.urlplans).
    page.wait_for_url(re.compile(re.escape(base_url) + r"/(plans/[-\w]+/)?$"))
