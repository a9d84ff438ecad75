"""The printed 附表: rendered to PDF by LibreOffice Calc, measured from the PDF's text positions.

Runs once in CI, on SQLite: the PDF says nothing about the database. Without ``soffice`` (or
poppler's ``pdftotext``) it skips on a developer's machine and fails under CI (``CI=true``), which
installs libreoffice-calc, fonts-noto-cjk and poppler-utils (.ci/run)."""

import datetime as dt
import io
import os
import re
import shutil
import subprocess  # nosec B404: fixed commands on files this test wrote
from html import unescape
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from projects.models import Project, ProjectUpdate
from tests.conftest import plan_page

ARTIFACTS = Path(django_settings.BASE_DIR) / "test-artifacts"
CJK = re.compile(r"^[\u4e00-\u9fff]{2,}$")
WORD = re.compile(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*)</word>')


def tools_or_skip():
    missing = [tool for tool in ("soffice", "pdftotext", "pdftoppm") if not shutil.which(tool)]
    if not missing:
        return
    hint = "apt-get install --no-install-recommends libreoffice-calc fonts-noto-cjk poppler-utils"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{', '.join(missing)} missing: {hint}")
    pytest.skip(f"{', '.join(missing)} missing: {hint}")


pytestmark = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="the printout does not depend on the database: rendered once, on SQLite",
)


def words(pdf: Path):
    """``(page, x0, y0, x1, y1, text)`` of every word ``pdftotext -bbox`` finds."""
    html = subprocess.run(  # nosec B603 B607
        ["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    found, page = [], 0
    for line in html.splitlines():
        if "<page " in line:
            page += 1
        match = WORD.search(line)
        if match:
            x0, y0, x1, y1 = (float(match.group(i)) for i in range(1, 5))
            found.append((page, x0, y0, x1, y1, unescape(match.group(5))))
    return found


@pytest.fixture
def long_reports(plan):
    progress = "完成主体结构施工并开展设备安装调试工作，" * 12  # about 240 characters
    problems = "土地征收手续尚未全部办结，资金到位滞后。" * 6
    now = timezone.now()
    for project in Project.objects.filter(annex__number=2):
        ProjectUpdate.objects.create(
            project=project, year=2025, quarter=4, status="in_progress", percent_complete=60,
            progress=progress, problems=problems, submitted_at=now,
        )  # fmt: skip
    Project.objects.filter(annex__number=2).update(total_investment=1234.5)


def test_the_printed_annex_is_legible_and_no_row_runs_into_the_next(client, people, long_reports,
                                                                     tmp_path):  # fmt: skip
    tools_or_skip()
    client.force_login(people["staff_own"])
    response = client.get(plan_page("projects:annex-print", 2))
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book["附表2"]
    texts = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert "单位：万元" in texts and "合计" in texts
    assert any("数据截至" in t and "季度" in t and f"{dt.date.today():%Y}" in t for t in texts)
    assert any(t.startswith("填报单位（盖章）") for t in texts) and "联系电话：" in texts
    source = tmp_path / "annex2.xlsx"
    source.write_bytes(response.content)
    subprocess.run(  # nosec B603 B607
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    pdf = tmp_path / "annex2.pdf"
    ARTIFACTS.mkdir(exist_ok=True)
    subprocess.run(  # nosec B603 B607
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(pdf),
         str(ARTIFACTS / "annex_print")], check=True,
    )  # fmt: skip
    found = words(pdf)
    assert found, "no text in the PDF"
    # A CJK glyph is one em wide: a run of them measures the printed font size.
    sizes = [(x1 - x0) / len(text) for _p, x0, _y0, x1, _y1, text in found if CJK.match(text)]
    body = [size for size in sizes if size < 14]  # the title is 16 pt
    assert body and min(body) >= 9, f"body text prints at {min(body):.1f} pt"
    # No word overlaps another: text that spilled out of its row would print over the next.
    for page in {w[0] for w in found}:
        boxes = sorted((w for w in found if w[0] == page), key=lambda w: (w[2], w[1]))
        for i, (_p, x0, y0, x1, y1, text) in enumerate(boxes):
            for _q, a0, b0, a1, b1, other in boxes[i + 1 :]:
                if b0 >= y1 - 0.5:
                    break
                overlap = min(x1, a1) - max(x0, a0) > 0.5 and min(y1, b1) - max(y0, b0) > 0.5
                assert not overlap, f"“{text}” and “{other}” overlap on page {page}"
    # Every project's text is printed in full (the rows are as high as their text).
    printed = "".join(w[5] for w in found)
    assert printed.count("资金到位滞后") >= 6 * Project.objects.filter(annex__number=2).count()
