"""Every page, as each demo role, on a phone and a PC (issue 20, "Done when"): the test walks the
site from the cockpit through its own links, one page for each kind of page (URL name) a role
can reach, and fails if a page at 390 px is wider than the screen, if a row's main action lies
outside it, or if axe-core finds a WCAG 2.1 A/AA violation at 390 or 1366 px.

Not walked: Django's own admin (/admin/, not our templates), files (exports, downloads,
evidence shown inline), the language switch and logging out.

These checks read pages, not the database: CI runs them once, on SQLite (marker ``layout``).
"""

import io
import re
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.urls import Resolver404, resolve

from dashboard.demo import DEMO_PASSWORD, DEMO_USERS
from tests.e2e.conftest import log_in
from tests.e2e.test_daily_path import PC, PHONE, axe_violations

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.layout]

NOT_WALKED = re.compile(
    r"/admin/|/i18n/|logout|download|export|\.(xlsx|docx|pdf|json)$|/evidence/\d+/|template"
)
MOST_PAGES = 80  # a guard against a walk that never ends; a role reaches about 30 kinds


def kind_of(path: str) -> str | None:
    """The URL name of a path of ours (the plan prefix /plans/<code>/ taken off first)."""
    try:
        return resolve(re.sub(r"^/plans/[^/]+", "", path) or "/").view_name
    except Resolver404:
        return None


def links(page) -> list[str]:
    return page.evaluate("[...document.querySelectorAll('a[href]')].map(a => a.href)")


def layout_problems(page, path: str, size: dict) -> list[str]:
    problems = []
    if size is PHONE:
        scroll, inner = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
        if scroll > inner:
            problems.append(f"{path} at 390 px is {scroll} px wide")
        off = page.evaluate(
            """() => [...document.querySelectorAll('.stack-action a, .stack-action button')]
                 .filter(a => a.getBoundingClientRect().right > innerWidth)
                 .map(a => a.textContent.trim())"""
        )
        if off:
            problems.append(f"{path}: actions off screen: {off[:3]}")
    problems += [f"{path} at {size['width']} px: {v}" for v in axe_violations(page)]
    return problems


@pytest.fixture
def demo(transactional_db):
    call_command("load_plan", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())


@pytest.mark.parametrize("username", [u.username for u in DEMO_USERS])
def test_every_page_fits_a_phone_and_passes_axe(demo, live_server, page, username):
    base = live_server.url
    origin = urlsplit(base).netloc
    log_in(page, base, username, DEMO_PASSWORD)
    seen, queue, problems, walked = {"dashboard:home"}, ["/"], [], []
    while queue and len(walked) < MOST_PAGES:
        path = queue.pop(0)
        page.set_viewport_size(PHONE)
        response = page.goto(base + path)
        assert response is not None and response.status == 200, (username, path)
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        walked.append(path)
        problems += layout_problems(page, path, PHONE)
        for href in links(page):
            parts = urlsplit(href)
            if parts.netloc != origin or NOT_WALKED.search(parts.path):
                continue
            kind = kind_of(parts.path)
            if kind and kind not in seen:
                seen.add(kind)
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
        page.set_viewport_size(PC)
        page.reload()
        problems += layout_problems(page, path, PC)
    # The walk reached the role's pages: at least the menu's.
    assert len(walked) >= 12, walked
    assert problems == []
