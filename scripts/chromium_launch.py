"""How this project launches Chromium, in one place: the browser tests (``tests/e2e``), the
manual's screenshots (``scripts/docs_shots.py``) and its PDF (``scripts/docs_pdf.py``).

Debian's ``chromium`` package (``CHROMIUM_PATH`` to point elsewhere), never a downloaded one;
headless, with nothing that reaches out to the internet, which the intranet does not have.
"""

import os
import shutil

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def chromium_path() -> str | None:
    """The system's Chromium, or ``None`` when there is none."""
    path = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    return path if os.path.exists(path) else shutil.which("chromium")
