"""How long the text people type may be: one table for the whole project.

The limits are ones a clerk will never meet in honest work, and they keep every text where it
has to go:

- in **one Excel cell** (at most 32,767 characters), since annex tables go out and come back as
  workbooks;
- in **one printed row of a 附表**: a row prints at most 409 pt high, and about 2,000 characters
  of report text fit in the widest column at the annex's print size. So the narratives of a
  report (work done, problems, next steps, a reason, a comment) stop at ``NARRATIVE`` = 2,000;
- in **the database column**: short fields stop at their model's ``max_length`` (a name 200, a
  source 200, a qualitative value 300), so a form refuses what the column would refuse
  (PostgreSQL enforces ``varchar(n)``; SQLite does not, so the limit must not rest on it).

Forms (the admin's too: ``TextLimitsAdmin``) and the services that write these fields check
them. Forms set ``max_length`` from here and say it (``help_text``: "最多 2000 字"), the Excel
import refuses a longer cell with its sheet, row, column and the limit, and the export never
writes more than a cell holds. A text that is only a *copy* of text kept in full elsewhere (the
history's change reason, a request's subject) is shortened with ``clip`` instead of refused.

The table is keyed by the model's class name and the field name (``plan`` is the lowest app and
imports, or names as ``"app.Model"``, no model above it); callers may pass ``"app_label.Model"``.
Tests walk it to submit every form at each limit and one character past it.
"""

from django.utils.translation import gettext_lazy as _

NARRATIVE = 2000  # report text: fits one printed 附表 row
SUMMARY = 5000  # a lead unit's summary of a task: a page of its own, never an annex row
EXCEL_CELL = 32767  # the most one Excel cell holds
CHANGE_REASON = 100  # django-simple-history's history_change_reason is varchar(100)

LIMITS: dict[str, dict[str, int]] = {
    "Project": {
        "name": 200,
        "builder": 200,
        "location": 200,
        "content": NARRATIVE,
    },
    "ProjectUpdate": {
        "progress": NARRATIVE,
        "problems": NARRATIVE,
        "next_steps": NARRATIVE,
        "reason": NARRATIVE,
    },
    "TaskReport": {
        "progress": NARRATIVE,
        "figures": NARRATIVE,
        "problems": NARRATIVE,
        "next_steps": NARRATIVE,
    },
    "TaskSummary": {"summary": SUMMARY},
    # The reviewer's comment on any report (approve, return) and the reason an approval is undone.
    "Reviewable": {"review_comment": NARRATIVE},
    "ReopenRequest": {"subject": 300, "reason": NARRATIVE, "decision_comment": NARRATIVE},
    "Evidence": {"name": 120},
    "Observation": {"text": 300, "source": 200, "note": NARRATIVE},
    "ProjectImport": {"file_name": 200},
}


def limit(model: str, field: str) -> int:
    """The most characters ``field`` of ``model`` (``"Model"`` or ``"app_label.Model"``) may
    hold."""
    return LIMITS[model.rpartition(".")[2]][field]


def limit_help(maximum: int) -> str:
    """What a form says under a limited field: "最多 2000 字"."""
    return _("At most %(max)s characters.") % {"max": maximum}


def clip(text: str, maximum: int) -> str:
    """``text`` cut to ``maximum`` characters, an ellipsis marking the cut. Only for copies of
    text that is kept in full elsewhere: where a text is the only copy, refuse it instead."""
    text = text or ""
    if len(text) <= maximum:
        return text
    return text[: maximum - 1] + "…"


def change_reason(text: str) -> str:
    """A history change reason that fits its column (``varchar(100)``); the full text stays in
    the row's own field (a reason, a comment), so the history keeps a shortened copy."""
    return clip(text, CHANGE_REASON)


def limit_field(field, maximum: int) -> None:
    """Give one form field a limit, and say it: ``max_length`` (checked by the form, the
    message on the field), the widget's ``maxlength`` (the browser stops there) and the limit
    added to the help text."""
    from django.core.validators import MaxLengthValidator

    field.max_length = maximum
    field.validators = [v for v in field.validators if not isinstance(v, MaxLengthValidator)]
    field.validators.append(MaxLengthValidator(maximum))
    field.widget.attrs["maxlength"] = str(maximum)
    said = limit_help(maximum)
    field.help_text = f"{field.help_text} {said}" if field.help_text else said


def limit_form_fields(form, model: str, fields: dict[str, str] | None = None) -> None:
    """Give ``form``'s text fields the limits of ``model``'s fields (``limit_field``).

    ``fields`` maps form field names to model field names where they differ (a form's
    ``comment`` is the model's ``review_comment``); by default every form field named like a
    limited model field gets its limit.
    """
    names = fields if fields is not None else {n: n for n in LIMITS[model.rpartition(".")[2]]}
    for form_name, model_name in names.items():
        field = form.fields.get(form_name)
        if field is not None:
            limit_field(field, limit(model, model_name))


def model_limit(model_class, name: str) -> int | None:
    """The limit of field ``name`` of ``model_class`` (or of the review fields every report
    carries), or ``None`` when the table has none."""
    # By the model's name, not its app label: the table's keys stay right when a model moves
    # to another app (as the supervision models left ``plan``).
    own = LIMITS.get(model_class.__name__, {}).get(name)
    if own is None and any(base.__name__ == "Reviewable" for base in model_class.__mro__):
        own = LIMITS["Reviewable"].get(name)
    return own


class TextLimitsAdmin:
    """A ``ModelAdmin`` mixin: the admin's forms keep the same limits as the dashboard's."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        maximum = model_limit(self.model, db_field.name)
        if field is not None and maximum is not None:
            limit_field(field, maximum)
        return field


def too_long(maximum: int, length: int) -> str:
    """The message for a text over its limit."""
    return _("At most %(max)s characters: this text has %(length)s.") % {
        "max": maximum,
        "length": length,
    }


def require_within(model: str, keys: dict[str, str] | None = None, **texts: str) -> None:
    """Refuse (``ValidationError`` keyed by field) any of ``texts`` over its limit in ``model``.

    Services call it so that every caller (a form, an import, a script) meets the same limits
    as the forms, before anything is written. ``keys`` renames a model field to the name the
    caller's form uses for it, so that the message lands on that field."""
    from django.core.exceptions import ValidationError

    errors = {}
    for name, text in texts.items():
        maximum = limit(model, name)
        if text is not None and len(text) > maximum:
            errors[(keys or {}).get(name, name)] = too_long(maximum, len(text))
    if errors:
        raise ValidationError(errors)
