"""The cockpit's charts said in words (issue 20, item 6): each chart's summary is written from
the chart's own figures (the dict its JSON carries), so the words and the drawing never differ.
The page shows the summary beside the chart; the chart's ``aria-describedby`` points to it.
"""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from plan.templatetags.readable import percent


def _list(items) -> str:
    return _(", ").join(items)


def sentences(parts) -> str:
    """Sentences one after another: a space between English ones, none after a "。"."""
    return "".join(
        part if i == len(parts) - 1 or part.endswith("。") else f"{part} "
        for i, part in enumerate(parts)
    )


def task_progress_summary(tasks, values) -> str:
    """``tasks`` (with ``number``, ``short_title``) and their chart values (None: no projects):
    the furthest and the least advanced task, and the tasks without projects."""
    named = [
        (_("task %(number)s %(title)s") % {"number": t.number, "title": t.short_title}, v)
        for t, v in zip(tasks, values, strict=True)
    ]
    judged = [(name, v) for name, v in named if v is not None]
    empty = [str(t.number) for t, v in zip(tasks, values, strict=True) if v is None]
    parts = []
    if len(judged) == 1:
        parts.append(_("%(task)s is %(value)s complete.")
                     % {"task": judged[0][0], "value": percent(judged[0][1], 1)})  # fmt: skip
    elif judged:
        top = max(judged, key=lambda row: row[1])
        bottom = min(judged, key=lambda row: row[1])
        parts.append(
            _("Of the %(n)s tasks with projects, %(top)s is furthest along (%(top_value)s) "
              "and %(bottom)s least (%(bottom_value)s).")
            % {"n": len(judged), "top": top[0], "top_value": percent(top[1], 1),
               "bottom": bottom[0], "bottom_value": percent(bottom[1], 1)}
        )  # fmt: skip
    else:
        parts.append(_("No task has projects yet."))
    if empty and judged:
        parts.append(
            ngettext("%(n)s task has no projects (task %(numbers)s).",
                     "%(n)s tasks have no projects (tasks %(numbers)s).", len(empty))
            % {"n": len(empty), "numbers": _list(empty)}
        )  # fmt: skip
    return sentences(parts)


def project_status_summary(labels, values) -> str:
    """How many projects, and each reported status's count and share, the largest first."""
    total = sum(values)
    if not total:
        return _("No projects.")
    shares = sorted(
        ((label, count) for label, count in zip(labels, values, strict=True) if count),
        key=lambda row: -row[1],
    )
    said = [
        _("%(status)s %(count)s (%(share)s)")
        % {"status": label, "count": count, "share": percent(count * 100 / total)}
        for label, count in shares
    ]
    return _("%(total)s projects: %(shares)s.") % {"total": total, "shares": _list(said)}


def indicator_completion_summary(labels, values) -> str:
    """How many indicators are judged, how many reach their target, the highest and lowest."""
    if not values:
        return _("No indicator has both a value and a target yet.")
    reached = sum(1 for v in values if v >= 100)
    top = max(zip(labels, values, strict=True), key=lambda row: row[1])
    bottom = min(zip(labels, values, strict=True), key=lambda row: row[1])
    return sentences([
        ngettext("%(n)s indicator has a value and a target; %(reached)s of them reach it.",
                 "%(n)s indicators have a value and a target; %(reached)s of them reach it.",
                 len(values)) % {"n": len(values), "reached": reached},
        _("Highest: %(top)s (%(top_value)s); lowest: %(bottom)s (%(bottom_value)s).")
        % {"top": top[0], "top_value": percent(top[1], 1), "bottom": bottom[0],
           "bottom_value": percent(bottom[1], 1)},
    ])  # fmt: skip
