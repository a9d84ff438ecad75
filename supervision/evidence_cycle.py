"""Evidence files follow their report through the cycle: a file is part of the report.

- **Closed means closed.** Adding or removing a file on a report of a closed period is refused
  like any other change to it (``plan.cycle.require_open``), unless a reviewer reopened that
  period for the report's unit and subject; the grant opens its files too.
- **Approved means reviewed as it is.** Adding or removing a file on an approved report sends
  it back for review, as editing it does (``plan.review.mark_resubmitted``: the report is
  *submitted* again and marked as edited after approval). A report approved "only with
  evidence" therefore never keeps its approval once its files change.
- **The reviewer sees what changed.** ``evidence_changes_since_review`` lists the files added
  and removed since the last review step, for the review page.

Each report model says which reopening covers it with ``reopen_target()``:
``(plan, scope, object_id)``.
"""

from dataclasses import dataclass

from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from plan.textlimits import change_reason

from .cycle import require_open
from .models import Evidence, ReviewState


def require_evidence_open(report, today=None) -> None:
    """Refuse (``ValidationError``) a change to ``report``'s files when its period is closed for
    its unit and subject and no reopening is in force."""
    plan, scope, object_id = report.reopen_target()
    require_open(
        plan=plan, unit_id=report.unit_id, period=report.period, scope=scope,
        object_id=object_id, today=today or timezone.localdate(),
    )  # fmt: skip


def evidence_changed(report, user, what: str) -> None:
    """After files of ``report`` were added or removed (in the same transaction): an approved
    report goes back to *submitted*, marked as edited after approval, with ``what`` in its
    history. Other states are left as they are (a submitted report is still waiting; a returned
    one goes back when its unit resubmits it)."""
    from .review import mark_resubmitted  # review imports this module (evidence_stamp)

    current = type(report).objects.select_for_update().get(pk=report.pk)
    if current.review_state != ReviewState.APPROVED:
        return
    mark_resubmitted(current)
    current.revised_at = timezone.now()
    current._history_user = user
    current._change_reason = change_reason(what)
    current.save()
    after = getattr(current, "after_review", None)
    if after is not None:
        after()  # a project report: the project's approved state moves back
    report.review_state = current.review_state
    report.edited_after_approval = current.edited_after_approval


def evidence_stamp(report) -> str:
    """Changes whenever a file is added to or removed from ``report`` (one query): part of what
    the reviewer saw (``plan.review.token``), so approving a report whose files changed since the
    page was opened is refused as a changed report."""
    seen = Evidence.objects.for_report(report).aggregate(
        n=Count("pk"), added=Max("uploaded_at"), removed=Max("removed_at")
    )
    return "|".join(str(seen[key]) for key in ("n", "added", "removed"))


@dataclass(frozen=True)
class FileChange:
    """A file added to or removed from a report since its last review step."""

    evidence: Evidence
    added: bool

    @property
    def label(self) -> str:
        return _("added") if self.added else _("removed")


def evidence_changes_since_review(report) -> list[FileChange]:
    """Files added or removed since ``report`` was last reviewed, oldest first (one query);
    empty for a report never reviewed (all its files are new to the reviewer anyway)."""
    since = report.reviewed_at
    if since is None:
        return []
    rows = Evidence.objects.for_report(report).select_related("uploaded_by", "removed_by")
    changes = []
    for row in rows.order_by("uploaded_at", "pk"):
        if row.uploaded_at > since:
            changes.append((row.uploaded_at, FileChange(row, True)))
        if row.removed_at is not None and row.removed_at > since:
            changes.append((row.removed_at, FileChange(row, False)))
    return [change for _when, change in sorted(changes, key=lambda item: item[0])]
