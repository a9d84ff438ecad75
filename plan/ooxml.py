"""What an Office Open XML container (.docx/.xlsx/.pptx) holds, judged by its content.

A macro is found by what the package *declares* and by what its parts *are*, never by a part's
name alone: Office runs a VBA project whatever the part is called, as long as
``[Content_Types].xml`` gives it the VBA content type. So a container is refused when

- it is a zip bomb (``plan.spreadsheets.check_zip``: the same guard as the Excel import);
- ``[Content_Types].xml`` is missing or cannot be read safely (defusedxml), or declares, as a
  default or for any part, a VBA project or its signature, a macro-enabled main document, an
  Excel 4.0 macro sheet or an ActiveX control;
- any part is called ``vbaProject*.bin`` (anywhere in the package), or any part's bytes start
  with the OLE2 compound-file magic (how a VBA project, an ActiveX control's binary or an
  embedded OLE object is stored): a document accepted as evidence carries text and pictures, not
  programs or objects a click may run.
"""

import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from .spreadsheets import ZIP_MAX_UNPACKED, ZipTooLarge, check_zip

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Lower-cased fragments of content types that mean code: VBA projects and their signatures,
# macro-enabled main parts (.docm/.xlsm/.pptm/templates/add-ins), Excel 4.0 macro sheets,
# ActiveX controls.
MACRO_TYPES = ("vbaproject", "macroenabled", "macrosheet", "activex")
MAIN_PARTS = {
    "word/document.xml": "docx",
    "xl/workbook.xml": "xlsx",
    "ppt/presentation.xml": "pptx",
}
# Evidence documents may hold many parts (a long slide deck: a part and its relations per slide).
MAX_ENTRIES = 5000


class NotOoxml(ValueError):
    """The zip is not an Office Open XML document (or cannot be read as one safely)."""


class HoldsMacros(ValueError):
    """The document holds macros, ActiveX controls or embedded OLE objects."""


@dataclass(frozen=True)
class Inspection:
    kind: str  # docx, xlsx or pptx


def declared_types(archive: zipfile.ZipFile) -> list[str]:
    """Every content type ``[Content_Types].xml`` declares (defaults and overrides)."""
    try:
        root = ElementTree.fromstring(archive.read("[Content_Types].xml"))
    except (KeyError, ElementTree.ParseError, DefusedXmlException) as error:
        raise NotOoxml("no readable [Content_Types].xml") from error
    return [element.get("ContentType", "") for element in root.iter() if element.get("ContentType")]


def inspect(upload) -> Inspection:
    """Inspect the zip ``upload`` (a seekable file): its kind, or ``ZipTooLarge``, ``NotOoxml``,
    ``HoldsMacros``, ``zipfile.BadZipFile``. Reads the directory, the content types and the
    first bytes of each part; leaves the file at its start."""
    try:
        entries = check_zip(upload, max_entries=MAX_ENTRIES, max_unpacked=ZIP_MAX_UNPACKED)
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            names = {entry.filename for entry in entries}
            if "[Content_Types].xml" not in names:
                raise NotOoxml("no [Content_Types].xml")
            for content_type in declared_types(archive):
                if any(mark in content_type.lower() for mark in MACRO_TYPES):
                    raise HoldsMacros(content_type)
            for entry in entries:
                base = PurePosixPath(entry.filename).name.lower()
                if base.startswith("vbaproject") and base.endswith(".bin"):
                    raise HoldsMacros(entry.filename)
                if entry.is_dir() or entry.file_size < len(OLE_MAGIC):
                    continue
                with archive.open(entry) as part:
                    if part.read(len(OLE_MAGIC)) == OLE_MAGIC:
                        raise HoldsMacros(entry.filename)
    finally:
        upload.seek(0)
    for part, kind in MAIN_PARTS.items():
        if part in names:
            return Inspection(kind)
    raise NotOoxml("no main document part")


__all__ = ["HoldsMacros", "Inspection", "NotOoxml", "ZipTooLarge", "inspect"]
