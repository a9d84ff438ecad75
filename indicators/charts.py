"""Chart data as JSON, for the Chart.js 4 charts our own static script draws.

The views build on django-chartjs's ``JSONView``; the payload is escaped for HTML (``<``, ``>``
and ``&`` as ``\\u003c`` ...) so that user text can never close a tag wherever it ends up.
"""

import json

from chartjs.views.base import JSONView
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext as _

from plan.templatetags import readable

_HTML_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


class SafeJSONView(JSONView):
    """django-chartjs's JSON view with a strict encoder and nothing but the chart in it."""

    def convert_context_to_json(self, context):
        return json.dumps(context, cls=DjangoJSONEncoder, ensure_ascii=False).translate(
            _HTML_ESCAPES
        )

    def get_json_response(self, content, **kwargs):
        response = super().get_json_response(content, **kwargs)
        response["Content-Type"] = "application/json; charset=utf-8"
        response["Cache-Control"] = "no-store"
        return response


def _num(value):
    return None if value is None else float(value)


def _actual(row, rank):
    if rank:
        return row.rank  # computed in the group where it has values, else as reported
    if row.actual is None:
        return None
    return row.actual.rank if rank else row.actual.value


def indicator_chart(progress) -> dict:
    """Years across; actual values, the target path in force and the original target path;
    and the chart said in words (``summary``, from the same figures)."""
    chart = _indicator_chart(progress)
    chart["summary"] = indicator_chart_summary(chart, rank=progress.indicator.kind == "rank")
    return chart


def _written(value, unit: str, rank: bool) -> str:
    if rank:
        return readable.rank(value)
    return f"{readable.number(value)}{unit}" if unit else readable.number(value)


def _last(years, data):
    """The last year with a figure, and the figure."""
    found = [(year, value) for year, value in zip(years, data, strict=True) if value is not None]
    return found[-1] if found else (None, None)


def indicator_chart_summary(chart: dict, rank: bool = False) -> str:
    """The latest actual value against the last target in force (and the original one, where
    it was revised), and where the values started: from the chart's own series."""
    years = chart["labels"]
    series = {d["kind"]: d["data"] for d in chart["datasets"]}
    unit = "" if rank else chart["unit"]
    first = next(((y, v) for y, v in zip(years, series["actual"], strict=True)
                  if v is not None), (None, None))  # fmt: skip
    year, value = _last(years, series["actual"])
    parts = []
    if value is None:
        parts.append(_("No value has been reported yet."))
    else:
        parts.append(_("Latest value (%(year)s): %(value)s.")
                     % {"year": year, "value": _written(value, unit, rank)})  # fmt: skip
        if first[0] != year:
            parts.append(_("In %(year)s it was %(value)s.")
                         % {"year": first[0], "value": _written(first[1], unit, rank)})  # fmt: skip
    target_year, target = _last(years, series["target"])
    original_year, original = _last(years, series["original"])
    if target is not None:
        parts.append(_("Target for %(year)s: %(value)s.")
                     % {"year": target_year, "value": _written(target, unit, rank)})  # fmt: skip
        if original is not None and (original_year, original) != (target_year, target):
            parts.append(_("Originally %(value)s for %(year)s.")
                         % {"year": original_year,
                            "value": _written(original, unit, rank)})  # fmt: skip
    # A space between English sentences, none after a "。".
    return "".join(p if p.endswith("。") else f"{p} " for p in parts).strip()


def _indicator_chart(progress) -> dict:
    indicator = progress.indicator
    rank = indicator.kind == "rank"
    return {
        "title": indicator.name,
        "unit": _("rank") if rank else indicator.unit_of_measure,
        "reverse": rank,  # rank 1 at the top
        "x_title": _("Year"),
        "labels": [str(row.year) for row in progress.years],
        "datasets": [
            {
                "label": _("Actual"),
                "data": [_num(_actual(row, rank)) for row in progress.years],
                "kind": "actual",
            },
            {"label": _("Target path in force"), "data": [_num(r.target) for r in progress.years],
             "kind": "target"},
            {"label": _("Original target path"), "data": [_num(r.original) for r in progress.years],
             "kind": "original"},
        ],
    }  # fmt: skip
