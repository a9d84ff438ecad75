"""The briefing prints: LibreOffice Writer turns the generated .docx into a PDF of several A4
pages with its three charts as images and the Noto CJK fonts embedded (issue 23).

Run once in CI, on SQLite: the document does not depend on the database, and LibreOffice takes
seconds. Skipped where soffice is missing, except in CI (``CI=true``), where that fails."""

import datetime as dt
import os
import re
import shutil
import subprocess  # nosec B404: fixed argument lists, no shell
from pathlib import Path

import pytest

from dashboard import briefing
from dashboard.demo import load_demo
from plan.periods import Period

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

pytestmark = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql")),
    reason="runs once, on SQLite: the document does not depend on the database",
)


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        message = f"{name} is missing: apt-get install libreoffice-writer poppler-utils"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return found


def run(*args, cwd=None) -> str:
    done = subprocess.run(args, capture_output=True, text=True, timeout=180, check=True, cwd=cwd)  # nosec B603
    return done.stdout


@pytest.mark.django_db
def test_briefing_renders_to_a_pdf_with_its_pages_charts_and_fonts(plan, tmp_path):
    soffice, pdfinfo = tool("soffice"), tool("pdfinfo")
    pdfimages, pdffonts = tool("pdfimages"), tool("pdffonts")
    load_demo(plan)
    name, content = briefing.generate(plan, Period(2025, 3), True, dt.date(2025, 11, 20))
    source = tmp_path / "briefing.docx"
    source.write_bytes(content)
    profile = (tmp_path / "lo-profile").as_uri()  # its own profile: runs side by side
    run(soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
        "--outdir", str(tmp_path), str(source))  # fmt: skip
    pdf = tmp_path / "briefing.pdf"
    info = run(pdfinfo, str(pdf))
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    assert 3 <= pages <= 12, info
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
    assert (round(width), round(height)) == (595, 842), info  # A4 in points
    listed = run(pdfimages, "-list", str(pdf)).splitlines()[2:]
    images = [line for line in listed if line.split()[2] == "image"]  # not their alpha masks
    assert len(images) == 3, listed  # task progress, project status, indicator completion
    fonts = run(pdffonts, str(pdf))
    assert "NotoSerifCJK" in fonts and "NotoSansCJK" in fonts, fonts
    # Kept for a person to look at (test-artifacts/ is not committed).
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(pdf, ARTIFACTS / "briefing.pdf")
