"""Zip-based evidence (.docx/.xlsx/.pptx) is checked like the Excel import: a zip bomb is refused
from its directory, and macros are found by declared content type and by the parts' bytes, not by
their names. The hostile files are built here, small on disk."""

import functools
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from plan import ooxml, spreadsheets
from projects import imports
from projects.models import Project, ProjectUpdate
from supervision.evidence import check_upload
from supervision.models import Evidence

TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
DOCUMENT = (
    '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
    'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>佐证</w:t></w:r></w:p></w:body>'
    "</w:document>"
)
MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
VBA = "application/vnd.ms-office.vbaProject"


def content_types(defaults=(), overrides=()) -> str:
    parts = ['<Default Extension="xml" ContentType="application/xml"/>']
    parts += [f'<Default Extension="{ext}" ContentType="{kind}"/>' for ext, kind in defaults]
    parts += [f'<Override PartName="{name}" ContentType="{kind}"/>' for name, kind in overrides]
    return f'<?xml version="1.0"?><Types xmlns="{TYPES_NS}">{"".join(parts)}</Types>'


def docx(*, types=None, parts=(), main=MAIN) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            types or content_types(overrides=[("/word/document.xml", main)]),
        )
        archive.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships/>')
        archive.writestr("word/document.xml", DOCUMENT)
        for name, data in parts:
            archive.writestr(name, data)
    return buffer.getvalue()


@functools.cache
def zip_bomb() -> bytes:
    """A Word document with a 900 MB part of zeros: under 1 MB on disk."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types())
        archive.writestr("word/document.xml", DOCUMENT)
        with archive.open("word/media/image1.png", "w", force_zip64=True) as part:
            chunk = b"\0" * (1 << 24)
            for _ in range(900 * (1 << 20) // len(chunk)):
                part.write(chunk)
    return buffer.getvalue()


def many_parts() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", content_types())
        archive.writestr("word/document.xml", DOCUMENT)
        for n in range(ooxml.MAX_ENTRIES):
            archive.writestr(f"word/media/p{n}.xml", "")
    return buffer.getvalue()


def check(name: str, content: bytes):
    return check_upload(SimpleUploadedFile(name, content))


def test_a_clean_document_is_still_accepted():
    assert check("报告.docx", docx()).extension == "docx"


def test_a_zip_bomb_renamed_docx_is_refused_from_its_directory():
    content = zip_bomb()
    assert len(content) < 2 * 1024 * 1024  # small on disk, 900 MB unpacked
    with pytest.raises(ValidationError, match="解压后远大于"):
        check("报告.docx", content)


def test_a_document_with_more_parts_than_any_document_is_refused():
    with pytest.raises(ValidationError, match="解压后远大于"):
        check("报告.docx", many_parts())


HOSTILE = {
    "a VBA project under another name, declared by override": docx(
        types=content_types(overrides=[("/word/document.xml", MAIN), ("/word/foo.bin", VBA)]),
        parts=[("word/foo.bin", b"Attribute VB_Name")],
    ),
    "a VBA project declared by extension": docx(
        types=content_types(defaults=[("dat", VBA)], overrides=[("/word/document.xml", MAIN)]),
        parts=[("word/stuff.dat", b"Attribute VB_Name")],
    ),
    "a VBA signature": docx(
        types=content_types(
            overrides=[
                ("/word/document.xml", MAIN),
                ("/word/sig.bin", "application/vnd.ms-office.vbaProjectSignature"),
            ]
        ),
        parts=[("word/sig.bin", b"sig")],
    ),  # fmt: skip
    "a macro-enabled main part (a .docm renamed)": docx(
        main="application/vnd.ms-word.document.macroEnabled.main+xml"
    ),
    "an ActiveX control": docx(
        types=content_types(
            overrides=[
                ("/word/document.xml", MAIN),
                ("/word/activeX/activeX1.xml", "application/vnd.ms-office.activeX+xml"),
            ]
        ),
        parts=[("word/activeX/activeX1.xml", "<ax/>")],
    ),  # fmt: skip
    "an Excel 4.0 macro sheet": docx(
        types=content_types(
            overrides=[
                ("/word/document.xml", MAIN),
                ("/xl/macrosheets/sheet1.xml", "application/vnd.ms-excel.macrosheet+xml"),
            ]
        ),
    ),  # fmt: skip
    "vbaProject.bin in another folder, undeclared": docx(
        parts=[("customXml/vbaProject.bin", b"\x00" * 16)]
    ),
    "an OLE2 part named like a picture": docx(
        parts=[("word/media/image1.png", ooxml.OLE_MAGIC + b"\x00" * 504)]
    ),
}


@pytest.mark.parametrize("content", HOSTILE.values(), ids=HOSTILE.keys())
def test_macros_are_found_by_content_type_and_by_part_not_by_name(content):
    with pytest.raises(ValidationError, match="宏"):
        check("报告.docx", content)


def test_unreadable_content_types_are_not_a_document():
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>'
        f'<Types xmlns="{TYPES_NS}"><Default Extension="x" ContentType="&b;"/></Types>'
    )
    with pytest.raises(ValidationError, match="不是可作为佐证材料的文件类型"):
        check("报告.docx", docx(types=bomb))


def test_the_import_and_the_evidence_share_one_zip_guard():
    # The import reads through plan.spreadsheets.open_workbook, whose guard is check_zip.
    assert imports.open_workbook is spreadsheets.open_workbook
    assert ooxml.check_zip is spreadsheets.check_zip
    with pytest.raises(spreadsheets.ZipTooLarge):
        spreadsheets.check_zip(zip_bomb())
    with pytest.raises(spreadsheets.BadFile):
        spreadsheets.open_workbook(zip_bomb())


def test_a_hostile_document_on_the_page_gets_a_message_and_stores_nothing(
    client, plan, people, media_root
):
    client.force_login(people["staff_own"])
    project = Project.objects.get(annex__number=1, order=1)
    report = ProjectUpdate.objects.create(
        project=project, year=2025, quarter=4, status="in_progress", percent_complete=5,
        submitted_at="2026-01-05T00:00:00Z",
    )  # fmt: skip
    url = reverse("projects:update-evidence", args=[report.pk])
    for content in (zip_bomb(), HOSTILE["a VBA project under another name, declared by override"]):
        response = client.post(url, {"files": SimpleUploadedFile("报告.docx", content)})
        assert response.status_code == 200 and response.context["form"].errors["files"]
    assert not Evidence.objects.exists()
    assert not [p for p in media_root.rglob("*") if p.is_file()] if media_root.exists() else True
