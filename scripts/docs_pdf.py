"""Check the manual's images and print the manual (docs/manual/*.md) to one PDF with Chromium.

``python scripts/docs_pdf.py [--made made.txt] [--no-pdf]``

* every image a chapter names (``![…](images/x.png)``) must exist, and with ``--made`` must be
  one the screenshot run just made (the list ``scripts/docs_shots.py`` writes): an image the
  run no longer makes would otherwise stay in the manual, stale, unnoticed;
* the chapters are rendered with markdown-it-py (already installed: ``rich``, which bandit uses,
  depends on it) into one HTML file and printed by Chromium to ``docs/manual/user-manual.pdf``
  (A4, page numbers in the footer, each chapter on a new page).

``tests/test_docs.py`` uses ``referenced_images`` and ``CHAPTERS`` from here.
"""

from __future__ import annotations

import argparse
import html
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MANUAL = ROOT / "docs" / "manual"
# The manual in reading order: the introduction, then one chapter per role.
CHAPTERS = ["README.md", "staff.md", "reviewer.md", "leader.md", "admin.md"]
PDF = MANUAL / "user-manual.pdf"
IMAGE = re.compile(r"!\[[^\]]*\]\((images/[^)\s]+)\)")

CSS = """
@page { size: A4; margin: 16mm 15mm 18mm 15mm; }
html { font-family: "Noto Sans CJK SC", "Noto Sans CJK", "Source Han Sans SC", sans-serif;
       font-size: 10.5pt; line-height: 1.6; color: #1a1a1a; }
body { margin: 0; }
h1 { font-size: 20pt; border-bottom: 2px solid #0b4f8a; padding-bottom: 4pt; margin: 0 0 10pt; }
section.chapter { break-before: page; }
h2 { font-size: 14pt; color: #0b4f8a; margin: 18pt 0 6pt; break-after: avoid; }
h3 { font-size: 12pt; margin: 12pt 0 4pt; break-after: avoid; }
p, li { orphans: 3; widows: 3; }
ol > li { margin-bottom: 8pt; break-inside: avoid; }
img { display: block; max-width: 100%; max-height: 120mm; margin: 4pt 0 2pt;
      border: 1px solid #c8d0d8; break-inside: avoid; }
li > p:has(img) { break-inside: avoid; }
code { font-family: "Noto Sans Mono CJK SC", monospace; font-size: 9.5pt; background: #f1f3f5;
       padding: 0 2pt; }
table { border-collapse: collapse; margin: 6pt 0; }
th, td { border: 1px solid #c8d0d8; padding: 3pt 6pt; text-align: left; vertical-align: top; }
th { background: #eef2f6; }
blockquote { margin: 6pt 0; padding: 4pt 10pt; border-left: 3px solid #d9480f;
             background: #fff6f0; }
.cover { text-align: center; padding-top: 70mm; }
.cover h1 { border: none; font-size: 26pt; }
.cover p { color: #555; }
"""


def referenced_images(chapters=CHAPTERS) -> dict[str, list[str]]:
    """Each image the manual names, with the chapters that name it."""
    found: dict[str, list[str]] = {}
    for name in chapters:
        for image in IMAGE.findall((MANUAL / name).read_text(encoding="utf-8")):
            found.setdefault(image, []).append(name)
    return found


def check(made_list: Path | None) -> list[str]:
    made = None
    if made_list is not None:
        made = {line.strip() for line in made_list.read_text().splitlines() if line.strip()}
    problems = []
    for image, chapters in sorted(referenced_images().items()):
        where = ", ".join(sorted(set(chapters)))
        if not (MANUAL / image).is_file():
            problems.append(f"{where} names {image}, which does not exist")
        elif made is not None and Path(image).name not in made:
            problems.append(f"{where} names {image}, which this run did not make")
    if made is not None:
        named = {Path(image).name for image in referenced_images()}
        for extra in sorted(made - named - {"cockpit.png"}):
            print(f"   (made but not in the manual: {extra})")
    return problems


def render_html(images: Path) -> str:
    from markdown_it import MarkdownIt

    markdown = MarkdownIt("commonmark", {"html": False}).enable("table")
    anchors = {name: f"chapter-{i}" for i, name in enumerate(CHAPTERS)}
    sections = []
    for name in CHAPTERS:
        body = markdown.render((MANUAL / name).read_text(encoding="utf-8"))
        # Images from the manual's folder; links between chapters become links inside the PDF.
        body = body.replace('src="images/', f'src="{images.as_uri()}/')
        for other, anchor in anchors.items():
            body = body.replace(f'href="{other}"', f'href="#{anchor}"')
        sections.append(f'<section class="chapter" id="{anchors[name]}">{body}</section>')
    title = "吉林市创新创业高地行动计划监测平台 用户操作手册"
    cover = (
        f'<div class="cover"><h1>{html.escape(title)}</h1>'
        "<p>填报员 · 审核员 · 领导 · 管理员</p>"
        "<p>截图由 scripts/docs 从演示数据生成</p></div>"
    )
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{CSS}</style></head><body>"
        + cover
        + "".join(sections)
        + "</body></html>"
    )


def print_pdf(out: Path) -> None:
    from chromium_launch import CHROMIUM_FLAGS, chromium_path  # scripts/, beside this file
    from playwright.sync_api import sync_playwright

    chromium = chromium_path() or "/usr/bin/chromium"
    with tempfile.TemporaryDirectory() as folder:
        page_file = Path(folder) / "manual.html"
        # The PNGs as they are: Chromium stores an image's pixels again (Flate), so the PDF is
        # about twice the images' size; JPEG copies came out larger still, and blur the text.
        page_file.write_text(render_html(MANUAL / "images"), encoding="utf-8")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
            page = browser.new_page()
            page.goto(page_file.as_uri())
            page.wait_for_load_state("load")
            page.pdf(
                path=str(out),
                format="A4",
                print_background=True,
                display_header_footer=True,
                header_template="<span></span>",
                footer_template=(
                    '<div style="font-size:8pt;width:100%;text-align:center;color:#666">'
                    '<span class="pageNumber"></span> / <span class="totalPages"></span></div>'
                ),
                margin={"top": "16mm", "bottom": "18mm", "left": "15mm", "right": "15mm"},
            )
            browser.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--made", type=Path, help="the list of images the screenshot run made")
    parser.add_argument("--no-pdf", action="store_true", help="check the images only")
    args = parser.parse_args()
    problems = check(args.made)
    for problem in problems:
        print(f"!! {problem}")
    if not args.no_pdf:
        print_pdf(PDF)
        print(f"== {PDF.relative_to(ROOT)}: {PDF.stat().st_size // 1024} KB")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
