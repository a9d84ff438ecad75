"""The cockpit on paper and on a phone (issue 19): the demo's cockpit prints on at most two A4
pages, and its headline cards fill their rows (no orphan card) at 1366, 1920 and 390 px."""

import io
import re
import shutil
import subprocess

import pytest
from django.core.management import call_command

from tests.e2e.conftest import log_in

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not shutil.which("pdfinfo"), reason="pdfinfo (poppler-utils) is missing"),
]

# The headline cards' rows: how many cards start at each distinct top, and how wide each row is.
ROWS = """() => {
  const cards = [...document.querySelectorAll('[data-testid="headline"] > .figure')];
  const rows = {};
  for (const c of cards) {
    const r = c.getBoundingClientRect();
    const top = Math.round(r.top);
    const row = rows[top] || {left: r.left, right: r.right};
    rows[top] = {left: Math.min(row.left, r.left), right: Math.max(row.right, r.right)};
  }
  // A row's extent, first card's left edge to last card's right edge (gaps included).
  return Object.values(rows).map(row => Math.round(row.right - row.left));
}"""


def test_the_demo_cockpit_prints_on_two_pages_and_its_cards_fill_their_rows(
    transactional_db, live_server, page, tmp_path
):
    call_command("load_plan", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())
    log_in(page, live_server.url, "demo-leader", "jilin-demo-2025")
    for width in (1366, 1920, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/")
        widths = page.evaluate(ROWS)
        # Every row of cards is as wide as the first: the last row is not one lone card.
        assert max(widths) - min(widths) <= 4, (width, widths)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, width
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/")
    page.wait_for_selector('canvas[data-testid="chart-indicator-completion"][data-drawn="true"]')
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", print_background=True)
    path = tmp_path / "cockpit.pdf"
    path.write_bytes(pdf)
    # Counted by poppler's pdfinfo (poppler-utils).
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    pages = int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M).group(1))
    assert 1 <= pages <= 2, pages
