"""Issued quarterly briefings (季度通报): the record of what the coordinating office sent out.

The generator is a leadership page's (``dashboard.briefing``); the office edits the draft in Word
or WPS and uploads the issued version here. The file is checked by its content exactly like an
evidence file (``supervision.evidence.check_upload``: Office Open XML without macros, PDF, or a
WPS/Office binary document), stored under a random name and only ever downloaded as an
attachment.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from plan.models import Plan
from plan.periods import Period
from plan.permissions import can_issue_briefings

from .evidence import OLE_TYPES, check_upload
from .models import IssuedBriefing

# A briefing is a document: Word, WPS or PDF (images and spreadsheets are evidence, not this).
DOCUMENT_EXTENSIONS = {"docx", "pdf", "doc", "wps"}


@transaction.atomic
def briefing_issue(*, plan: Plan, period: Period, user, upload) -> IssuedBriefing:
    """Keep the issued version of ``plan``'s briefing for ``period``. Raises ``PermissionDenied``
    unless ``user`` may issue briefings, ``ValidationError`` (nothing stored) for a refused file."""
    if not can_issue_briefings(user):
        raise PermissionDenied(_("Only the coordinating office issues briefings."))
    if period not in plan.reporting_periods:
        raise ValidationError(_("%(period)s is not a period of this plan.") % {"period": period})
    checked = check_upload(upload)
    if checked.extension not in DOCUMENT_EXTENSIONS:
        raise ValidationError(
            _("“%(name)s” is not a document: upload the briefing as .docx, .doc, .wps or .pdf.")
            % {"name": checked.name}
        )
    row = IssuedBriefing(
        plan=plan, year=period.year, quarter=period.quarter, name=checked.name,
        size=checked.size, media_type=checked.media_type or OLE_TYPES[checked.extension],
        uploaded_by=user,
    )  # fmt: skip
    upload.seek(0)
    row.file.save(f"briefing.{checked.extension}", upload, save=False)
    try:
        row._history_user = user
        row.save()
    except Exception:
        row.file.storage.delete(row.file.name)
        raise
    return row
