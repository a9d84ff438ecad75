"""Review of reports by the coordinating office (审核 / 退回): every transition is one function.

A report (project report, task report, indicator value: any ``Reviewable`` with a ``unit_id``)
is *submitted* when its unit saves it, then *approved* or *returned* by a reviewer. A returned
report goes back to its unit with the comment; resubmitting makes it *submitted* again and keeps
the values it had when it was returned, so the reviewer sees what changed. An approval can be
undone with a reason. A unit that edits an approved report sends it back to *submitted* and the
report is marked as edited after approval.

Each transition locks the row, checks that the reviewer saw the report as it is now (``token``),
checks the roles module, and saves through the model so that the history records who, when and
the comment. A refused transition raises and changes nothing.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from plan.permissions import require_review
from plan.textlimits import require_within

from .evidence import has_evidence
from .evidence_cycle import evidence_stamp
from .models import ReviewState


class ReportChanged(Exception):
    """The report changed after the reviewer opened it; ``current`` is the row as it is now."""

    def __init__(self, current):
        super().__init__("the report changed since it was opened")
        self.current = current


def reported_fields(report) -> tuple[str, ...]:
    """The fields a unit fills in, in form order (each report model lists them)."""
    return type(report).REPORTED_FIELDS


def token(report) -> str:
    """What the reviewer saw: changes whenever the unit or another reviewer saves the report."""
    saved = getattr(report, "revised_at", None) or getattr(report, "submitted_at", None)
    saved = saved or getattr(report, "entered_at", None)
    version = getattr(report, "version", "")
    stamp = saved.isoformat() if saved else ""
    reviewed = report.reviewed_at.isoformat() if report.reviewed_at else ""
    # A file added or removed is a change to the report too (indicator values have none).
    files = evidence_stamp(report) if hasattr(report, "evidence") else ""
    return f"{report.review_state}|{version}|{stamp}|{reviewed}|{files}"


def snapshot(report) -> dict[str, str]:
    """The reported values as text, for comparing a resubmission with the returned report."""
    values = {}
    for name in reported_fields(report):
        value = getattr(report, name)
        values[name] = "" if value is None else str(value)
    # What a report holds beyond its fields (a peer batch's values by place): kept with the
    # returned report so that its page can show what changed since.
    extra = getattr(report, "review_snapshot", None)
    if extra is not None:
        values.update(extra())
    return values


def changes_since_return(report) -> list[tuple[str, str, str]]:
    """``(field label, value when returned, value now)`` for each field the unit changed since
    the report was returned; empty when it was never returned or nothing changed."""
    if not report.returned_values:
        return []
    now = snapshot(report)
    rows = []
    for name in reported_fields(report):
        before = report.returned_values.get(name, "")
        if before != now[name]:
            label = str(type(report)._meta.get_field(name).verbose_name)
            rows.append((label, before, now[name]))
    return rows


def mark_resubmitted(report) -> None:
    """Called by the units' submit services before they save an existing report: whatever its
    state, a unit's change puts the report back before the reviewer."""
    if report.pk is None:
        report.review_state = ReviewState.SUBMITTED
        return
    if report.review_state == ReviewState.APPROVED:
        report.edited_after_approval = True
    report.review_state = ReviewState.SUBMITTED


def _locked(report, seen_token: str):
    current = type(report).objects.select_for_update().get(pk=report.pk)
    if token(current) != seen_token:
        raise ReportChanged(current)
    return current


def _save(report, user, comment: str) -> None:
    report.reviewed_by = user
    report.reviewed_at = timezone.now()
    report.review_comment = comment
    report._history_user = user
    report.save()
    after = getattr(report, "after_review", None)
    if after is not None:
        after()


def _refuse(message: str) -> None:
    raise ValidationError({"__all__": message})


@transaction.atomic
def review_approve(*, report, user, seen_token: str, comment: str = "", require_evidence=False):
    """Approve a submitted report. With ``require_evidence``, a report without any evidence file
    is refused with a message (the reviewer asked for evidence before approving)."""
    require_review(user, report)
    require_within(
        "supervision.Reviewable", {"review_comment": "comment"}, review_comment=comment.strip()
    )
    current = _locked(report, seen_token)
    if current.review_state != ReviewState.SUBMITTED:
        _refuse(_("Only a submitted report can be approved; this one is %(state)s.")
                % {"state": current.get_review_state_display()})  # fmt: skip
    if require_evidence and not _has_evidence(current):
        raise ValidationError(
            {"require_evidence": _("This report has no evidence file yet: return it and ask the "
                                   "unit to attach one, or approve it without evidence.")}
        )  # fmt: skip
    current.review_state = ReviewState.APPROVED
    current.returned_fields = []
    current.returned_values = {}
    _save(current, user, comment.strip())
    return current


@transaction.atomic
def review_return(*, report, user, seen_token: str, comment: str, fields=()):
    """Send a submitted report back to its unit with a comment, optionally pinned to fields."""
    require_review(user, report)
    comment = comment.strip()
    errors = {}
    if not comment:
        errors["comment"] = _("Say what the unit should change: the comment is required.")
    unknown = set(fields) - set(reported_fields(report))
    if unknown:
        errors["fields"] = _("Unknown field: %(names)s.") % {"names": ", ".join(sorted(unknown))}
    if errors:
        raise ValidationError(errors)
    require_within("supervision.Reviewable", {"review_comment": "comment"}, review_comment=comment)
    current = _locked(report, seen_token)
    if current.review_state != ReviewState.SUBMITTED:
        _refuse(_("Only a submitted report can be returned; this one is %(state)s.")
                % {"state": current.get_review_state_display()})  # fmt: skip
    current.review_state = ReviewState.RETURNED
    order = reported_fields(report)
    current.returned_fields = [name for name in order if name in set(fields)]
    current.returned_values = snapshot(current)
    _save(current, user, comment)
    return current


@transaction.atomic
def review_unapprove(*, report, user, seen_token: str, reason: str):
    """Undo an approval (the report is submitted again), with the reason."""
    require_review(user, report)
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Say why the approval is undone: the reason is required.")}
        )
    require_within("supervision.Reviewable", {"review_comment": "reason"}, review_comment=reason)
    current = _locked(report, seen_token)
    if current.review_state != ReviewState.APPROVED:
        _refuse(_("Only an approved report can have its approval undone; this one is %(state)s.")
                % {"state": current.get_review_state_display()})  # fmt: skip
    current.review_state = ReviewState.SUBMITTED
    _save(current, user, reason)
    return current


def _has_evidence(report) -> bool:
    """Whether the report has at least one evidence file; a kind of report that takes no files
    (indicator values) never has one."""
    return hasattr(report, "evidence") and has_evidence(report)


def returned_context(form, report) -> dict:
    """For a unit's form showing a returned report: mark the fields the comment is about (a CSS
    class and a pointer to the notice) and give the notice what it shows."""
    if report is None or report.review_state != ReviewState.RETURNED:
        return {}
    labels = []
    for name in report.returned_fields:
        labels.append(str(type(report)._meta.get_field(name).verbose_name))
        field = form.fields.get(name) if form is not None else None
        if field is not None:
            classes = field.widget.attrs.get("class", "")
            field.widget.attrs["class"] = f"{classes} input-returned".strip()
            field.widget.attrs["aria-describedby"] = "returned-notice"
    if isinstance(getattr(type(report), "period", None), property):
        period = str(report.period)
    else:  # an indicator value: a year, or a quarter of it
        period = f"{report.year}Q{report.quarter}" if report.quarter else str(report.year)
    return {"returned": report, "returned_labels": labels, "returned_period": period}
