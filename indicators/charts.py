"""Chart data as JSON, for the Chart.js 4 charts our own static script draws.

The views build on django-chartjs's ``JSONView``; the payload is escaped for HTML (``<``, ``>``
and ``&`` as ``\\u003c`` ...) so that user text can never close a tag wherever it ends up.
"""

import json

from chartjs.views.base import JSONView
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext as _

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
    """Years across; actual values, the target path in force and the original target path."""
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
