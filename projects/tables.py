"""django-tables2 tables of projects."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from supervision.colours import colour_mark

from .models import Project


class PercentColumn(tables.Column):
    """``includes/percent_bar.html``, written in Python: a ``TemplateColumn`` renders its
    template with the whole page context flattened, once per cell, which made these two
    columns a third of the table's rendering time."""

    def render(self, record):
        percent = record.percent_complete
        label = gettext("%(p)s percent complete") % {"p": percent}
        return format_html(
            '<span class="percent"><progress max="100" value="{}" aria-label="{}">{}%</progress>'
            ' <span class="num">{}%</span></span>',
            percent, label, percent, percent,
        )  # fmt: skip


class LagColumn(tables.Column):
    """``includes/lag_flag.html``, written in Python (see ``PercentColumn``)."""

    empty_values = ()

    def render(self, record):
        if record.is_lagging:
            return format_html('<span class="flag flag-lag">{}</span>', gettext("lagging"))
        return mark_safe('<span class="muted">—</span>')  # nosec B308


class ColourColumn(tables.Column):
    """``includes/colour.html`` (with ``show_none``), written in Python: one template include
    per row cost more than the table's query at 10,000 projects."""

    empty_values = ()

    def render(self, record):
        return colour_mark(record.colour, show_none=True)


# A row's attributes, each from the project alone. django-tables2 calls them through its
# signature inspection (every attribute of every row); ``project_rows`` calls them directly.
ROW_ATTRS = {
    "data-lagging": lambda record: "1" if record.is_lagging else "0",
    "data-project": lambda record: record.pk,
    "data-status": lambda record: record.status,
}


class ProjectTable(tables.Table):
    """Projects with their annex, unit, current state and lag; every column sorts."""

    annex = tables.Column(
        verbose_name=_("Annex"),
        accessor="annex__number",
        order_by=("annex__number", "order"),
        attrs={"td": {"class": "num"}},
    )
    order = tables.Column(
        verbose_name=_("No."), order_by=("annex__number", "order"), attrs={"td": {"class": "num"}}
    )
    name = tables.Column(linkify=True, verbose_name=_("Project"))
    unit = tables.Column(linkify=True, verbose_name=_("Responsible unit"), order_by="unit__name")
    status = tables.Column(verbose_name=_("Status"), attrs={"td": {"class": "nowrap"}})
    percent_complete = PercentColumn(
        verbose_name=_("Percent complete"),
        attrs={"td": {"class": "nowrap"}},
    )
    last_reported_at = tables.DateTimeColumn(
        format="Y-m-d",
        verbose_name=_("Last report"),
        default="—",
        attrs={"td": {"class": "nowrap"}},
    )
    is_lagging = LagColumn(verbose_name=_("Lagging"), order_by="-is_lagging")
    colour = ColourColumn(
        verbose_name=_("Supervision"),
        # Red first when sorted ascending: the colours' names do not sort by urgency.
        order_by="colour_rank",
        attrs={"td": {"class": "nowrap"}},
    )

    class Meta:
        model = Project
        fields = ()
        sequence = (
            "annex", "order", "name", "unit", "status", "percent_complete", "last_reported_at",
            "is_lagging", "colour",
        )  # fmt: skip
        attrs = {"class": "table", "data-testid": "project-table"}
        template_name = "projects/project_table.html"  # its rows written in Python
        empty_text = _("No projects match these filters.")
        row_attrs = ROW_ATTRS
