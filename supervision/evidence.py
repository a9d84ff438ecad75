"""Evidence files (佐证材料) on reports: what is accepted, adding and removing files, and the
question a reviewer asks before approving (``has_evidence``).

A file is judged by its content, never by its name: its first bytes must be those of a PDF, a
PNG, JPEG, GIF or WebP image, an Office Open XML document (.docx/.xlsx/.pptx, a zip that holds
``[Content_Types].xml`` and the document's main part, without macros) or an OLE2 compound file
(.doc/.xls/.ppt and WPS's own .wps/.et/.dps). The name must then end in an extension that fits
the content, so that the file opens in the right program when downloaded. Anything else (a
program, a web page, a script, an archive) is refused with a message saying so.

The name the user gave is kept for display and download only, and it is the only copy of it:
a name over ``NAME_MAX`` characters (the column's length) is refused with a message asking for
a shorter one, never cut. The file is stored under a random name, so a name such as
``../../x.pdf`` never reaches the storage path. Sizes are limited per file and per report
(``EVIDENCE_MAX_FILE_BYTES``, ``EVIDENCE_MAX_REPORT_BYTES``; removed files do not count).

Any report model works: the unit whose staff may change its files is the report's own
``unit_id``, or that of the object its ``evidence_owner`` property names (a project report's
project). Removing a file only marks it removed: the row, its history and the stored file stay.
Files follow their report through the cycle (``supervision.evidence_cycle``): refused in a closed
period unless reopened, and a change to an approved report's files sends it back for review.
"""

import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch, Sum
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plan import ooxml
from plan.permissions import can_report_on
from plan.textlimits import limit

from .evidence_cycle import evidence_changed, require_evidence_open
from .models import Evidence

NAME_MAX = limit("supervision.Evidence", "name")

OOXML = "application/vnd.openxmlformats-officedocument."
OLE_TYPES = {
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "ppt": "application/vnd.ms-powerpoint",
    "wps": "application/vnd.ms-works",
    "et": "application/octet-stream",
    "dps": "application/octet-stream",
}
# Content family -> (media type, or None for "by extension"), the extensions that fit it.
KINDS = {
    "pdf": ("application/pdf", {"pdf"}),
    "png": ("image/png", {"png"}),
    "jpeg": ("image/jpeg", {"jpg", "jpeg"}),
    "gif": ("image/gif", {"gif"}),
    "webp": ("image/webp", {"webp"}),
    "docx": (OOXML + "wordprocessingml.document", {"docx"}),
    "xlsx": (OOXML + "spreadsheetml.sheet", {"xlsx"}),
    "pptx": (OOXML + "presentationml.presentation", {"pptx"}),
    "ole": (None, set(OLE_TYPES)),
}
ACCEPTED = gettext_lazy(
    "PDF, PNG, JPEG, GIF, WebP, Word (.doc/.docx), Excel (.xls/.xlsx), PowerPoint (.ppt/.pptx), "
    "WPS (.wps/.et/.dps)"
)
PROGRAM_STARTS = (b"\x7fELF", b"MZ", b"#!", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe")


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed the checks: its display name, size, media type and extension."""

    upload: object
    name: str
    size: int
    media_type: str
    extension: str


def _kind_from_content(upload) -> str | None:
    """The content family of ``upload`` from its first bytes (and a zip's directory)."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if head.startswith(b"PK\x03\x04"):
        return _ooxml_kind(upload)
    return None


def _ooxml_kind(upload) -> str | None:
    """docx/xlsx/pptx for a zip holding the parts of one (``plan.ooxml``); None for any other
    zip; refused (``ValidationError``) for a zip bomb or a document with macros, judged by the
    package's declared content types and its parts' bytes, not by their names."""
    try:
        return ooxml.inspect(upload).kind
    except ooxml.ZipTooLarge as error:
        raise ValidationError(
            _("The document unpacks to far more than any document: it is not accepted.")
        ) from error
    except ooxml.HoldsMacros as error:
        raise ValidationError(
            _("Documents with macros are not accepted: save it without them.")
        ) from error
    except (ooxml.NotOoxml, zipfile.BadZipFile, OSError, EOFError, RuntimeError,
            NotImplementedError, zlib.error):  # fmt: skip
        return None


def display_name(raw: str) -> str:
    """The uploader's name for display: refused if it holds a path or control characters, or
    is longer than ``NAME_MAX`` characters (it is the only copy of the name: never cut)."""
    name = (raw or "").strip()
    if not name or name in {".", ".."} or "/" in name or "\\" in name:
        raise ValidationError(_("The file name must be a plain name, without folders."))
    if any(not char.isprintable() for char in name):
        raise ValidationError(_("The file name holds characters that cannot be shown."))
    if len(name) > NAME_MAX:
        raise ValidationError(
            _("The file name has %(length)s characters; at most %(max)s are kept. Rename the "
              "file with a shorter name and upload it again.")
            % {"length": len(name), "max": NAME_MAX}
        )  # fmt: skip
    return name


def check_upload(upload) -> CheckedFile:
    """Check one uploaded file; ``ValidationError`` with a message for the user if it is refused.

    Reads only the file's first bytes (and, for a zip, its directory), never the whole file.
    """
    name = display_name(getattr(upload, "name", ""))
    size = upload.size
    if not size:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": name})
    limit = settings.EVIDENCE_MAX_FILE_BYTES
    if size > limit:
        raise ValidationError(
            _("“%(name)s” is %(size)s; a file may be at most %(limit)s.")
            % {"name": name, "size": filesizeformat(size), "limit": filesizeformat(limit)}
        )
    kind = _kind_from_content(upload)
    if kind is None:
        upload.seek(0)
        if upload.read(4).startswith(PROGRAM_STARTS):
            upload.seek(0)
            raise ValidationError(
                _("“%(name)s” is a program, not a document: it is not accepted.") % {"name": name}
            )
        upload.seek(0)
        raise ValidationError(
            _("“%(name)s” is not a file type accepted as evidence (judged by its content). "
              "Accepted: %(types)s.") % {"name": name, "types": ACCEPTED}
        )  # fmt: skip
    media_type, extensions = KINDS[kind]
    extension = PurePosixPath(name).suffix.lower().lstrip(".")
    if extension not in extensions:
        raise ValidationError(
            _("“%(name)s” holds a %(kind)s file but its name does not end in %(ext)s. Rename it "
              "and upload it again.")
            % {"name": name, "kind": kind.upper() if kind != "ole" else "Office/WPS",
               "ext": " / ".join(f".{e}" for e in sorted(extensions))}
        )  # fmt: skip
    return CheckedFile(
        upload=upload,
        name=name,
        size=size,
        media_type=media_type or OLE_TYPES[extension],
        extension=extension,
    )


def evidence_owner(report):
    """The object whose ``unit_id`` says who may change ``report``'s files."""
    return getattr(report, "evidence_owner", report)


def can_manage_evidence(user, report) -> bool:
    """May ``user`` add files to and remove files from ``report``?"""
    return can_report_on(user, evidence_owner(report))


def stored_bytes(report) -> int:
    """Bytes of the files attached to ``report`` now (removed ones not counted)."""
    total = Evidence.objects.for_report(report).active().aggregate(total=Sum("size"))["total"]
    return total or 0


@transaction.atomic
def evidence_add(*, report, user, uploads) -> list[Evidence]:
    """Attach files to ``report``; all of them or none.

    Raises ``PermissionDenied`` unless ``user`` may report on the report's unit, and
    ``ValidationError`` (nothing stored: no row, no file) for a refused file or when the report's
    files would exceed ``EVIDENCE_MAX_REPORT_BYTES``. The report row is locked while its total
    is checked, so two uploads at once cannot together pass the limit.
    """
    owner = evidence_owner(report)
    if not can_report_on(user, owner):
        raise PermissionDenied(_("Only staff of the responsible unit may change this."))
    checked = [item if isinstance(item, CheckedFile) else check_upload(item) for item in uploads]
    if not checked:
        return []
    require_evidence_open(report)
    type(report).objects.select_for_update().filter(pk=report.pk).first()
    limit = settings.EVIDENCE_MAX_REPORT_BYTES
    total = stored_bytes(report) + sum(item.size for item in checked)
    if total > limit:
        raise ValidationError(
            _("The report's files would come to %(total)s; a report may hold at most %(limit)s. "
              "Remove a file or upload smaller ones.")
            % {"total": filesizeformat(total), "limit": filesizeformat(limit)}
        )  # fmt: skip
    storage = Evidence._meta.get_field("file").storage
    stored, rows = [], []
    try:
        for item in checked:
            row = Evidence(
                report=report, unit_id=owner.unit_id, name=item.name, size=item.size,
                media_type=item.media_type, uploaded_by=user,
            )  # fmt: skip
            item.upload.seek(0)
            row.file.save(f"evidence.{item.extension}", item.upload, save=False)
            stored.append(row.file.name)
            row._history_user = user
            row.save()
            rows.append(row)
        evidence_changed(report, user, _("files added: %(names)s")
                         % {"names": ", ".join(row.name for row in rows)})  # fmt: skip
    except Exception:
        # The rows roll back with the transaction; the files written so far go too.
        for name in stored:
            storage.delete(name)
        raise
    return rows


@transaction.atomic
def evidence_remove(*, evidence: Evidence, user) -> Evidence:
    """Take a file off its report. The row, its history and the stored file are kept."""
    if not can_report_on(user, evidence):
        raise PermissionDenied(_("Only staff of the responsible unit may change this."))
    evidence = Evidence.objects.select_for_update().get(pk=evidence.pk)
    if evidence.removed_at is None:
        report = evidence.report
        require_evidence_open(report)
        evidence.removed_at = timezone.now()
        evidence.removed_by = user
        evidence._history_user = user
        evidence.save(update_fields=["removed_at", "removed_by"])
        evidence_changed(report, user, _("file removed: %(name)s") % {"name": evidence.name})
    return evidence


def has_evidence(report) -> bool:
    """Does ``report`` have at least one file attached (not removed)? One query, or none when
    the report's ``evidence`` was prefetched with ``evidence_prefetch()``."""
    cache = getattr(report, "_prefetched_objects_cache", {})
    if "evidence" in cache:
        return any(item.removed_at is None for item in cache["evidence"])
    return Evidence.objects.for_report(report).active().exists()


def evidence_prefetch():
    """A ``Prefetch`` for a queryset of reports: their attached files with their uploaders,
    in one query for all of them (``report.evidence.all()`` then runs none)."""
    return Prefetch("evidence", queryset=Evidence.objects.active().for_list())
