"""django-tables2 tables of projects."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .models import Project


class AnnexProjectTable(tables.Table):
    """An annex's projects in plan order, as the 附表 lists them."""

    order = tables.Column(verbose_name=_("No."), attrs={"td": {"class": "num"}})
    name = tables.Column(linkify=True, verbose_name=_("name"))
    unit = tables.Column(linkify=True, verbose_name=_("responsible unit"))
    status = tables.Column(verbose_name=_("status"))
    percent_complete = tables.TemplateColumn(
        template_name="includes/percent_bar.html", verbose_name=_("percent complete")
    )
    last_reported_at = tables.DateTimeColumn(
        format="Y-m-d", verbose_name=_("last report"), default="—"
    )

    class Meta:
        model = Project
        fields = ("order", "name", "unit", "status", "percent_complete", "last_reported_at")
        orderable = False
        attrs = {"class": "table"}
        empty_text = _("No projects in this annex.")
