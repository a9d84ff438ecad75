"""django-tables2 tables of projects."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .models import Project


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
    percent_complete = tables.TemplateColumn(
        template_name="includes/percent_bar.html",
        verbose_name=_("Percent complete"),
        attrs={"td": {"class": "nowrap"}},
    )
    last_reported_at = tables.DateTimeColumn(
        format="Y-m-d",
        verbose_name=_("Last report"),
        default="—",
        attrs={"td": {"class": "nowrap"}},
    )
    is_lagging = tables.TemplateColumn(
        template_name="includes/lag_flag.html", verbose_name=_("Lagging"), order_by="-is_lagging"
    )
    colour = tables.TemplateColumn(
        template_code=(
            '{% include "includes/colour.html" with colour=record.colour show_none=True %}'
        ),
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
        empty_text = _("No projects match these filters.")
        row_attrs = {"data-lagging": lambda record: "1" if record.is_lagging else "0"}
