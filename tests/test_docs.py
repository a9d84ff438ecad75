"""The README stays short and the user manual's images exist and stay small.

``scripts/docs`` regenerates the images (``docs/manual/images/``) and the PDF; this test needs no
browser or database: it reads the committed files, so a chapter naming a screenshot that no run
made, or a page's image that grew past the limit, fails here on every database.
"""

import importlib.util
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MANUAL = ROOT / "docs" / "manual"


def _docs_pdf():
    spec = importlib.util.spec_from_file_location("docs_pdf", ROOT / "scripts" / "docs_pdf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_image_the_manual_names_exists():
    docs_pdf = _docs_pdf()
    named = docs_pdf.referenced_images()
    assert len(named) >= 60, "the manual shows each task step by step"
    missing = [
        f"{image} (named in {', '.join(chapters)})"
        for image, chapters in sorted(named.items())
        if not (MANUAL / image).is_file()
    ]
    assert missing == [], "run scripts/docs: " + "; ".join(missing)


def test_every_chapter_is_in_the_manual_and_every_role_has_one():
    docs_pdf = _docs_pdf()
    assert sorted(p.name for p in MANUAL.glob("*.md")) == sorted(docs_pdf.CHAPTERS)
    index = (MANUAL / "README.md").read_text(encoding="utf-8")
    for chapter, role in [
        ("staff.md", "填报员"),
        ("reviewer.md", "审核员"),
        ("leader.md", "领导"),
        ("admin.md", "管理员"),
    ]:
        assert f"]({chapter})" in index
        text = (MANUAL / chapter).read_text(encoding="utf-8")
        assert text.startswith("# ") and role in text.splitlines()[0]
        # Each task is numbered steps, and each step has its screenshot.
        for task in re.split(r"^## ", text, flags=re.M)[1:]:
            steps = re.findall(r"^\d+\. ", task, flags=re.M)
            images = re.findall(r"!\[[^\]]*\]\(images/", task)
            assert steps and len(images) >= len(steps), task.splitlines()[0]


def test_images_and_pdf_are_small():
    images = sorted((MANUAL / "images").glob("*.png"))
    assert images
    large = [
        f"{p.name}: {p.stat().st_size // 1024} KB" for p in images if p.stat().st_size >= 200_000
    ]
    assert large == []
    pdf = MANUAL / "user-manual.pdf"
    assert pdf.read_bytes()[:5] == b"%PDF-"
    assert pdf.stat().st_size < 8_000_000


def test_readme_is_short_and_names_the_two_commands_and_the_docs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.encode()) < 5 * 1024
    assert "scripts/serve" in readme and "scripts/test" in readme
    assert (ROOT / "scripts" / "serve").is_file() and (ROOT / "scripts" / "test").is_file()
    for link in re.findall(r"\]\(((?:docs/)[^)#]+)\)", readme):
        assert (ROOT / link).exists(), link
    assert "jilin-demo-2025" in readme
