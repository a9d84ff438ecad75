"""The project table's body, written in Python: django-tables2 renders each cell through its
column machinery (an accessor walk, a signature inspection, an attrs dict), about a third of the
table page's time at 25 rows x 9 columns, every time a project report makes the cached table
stale. The markup is django-tables2's own (``django_tables2/table.html``); a column without a
writer here falls back to django-tables2's cell.
"""

from django import template
from django.utils import timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django_tables2.utils import AttributeDict

from projects.tables import ROW_ATTRS

register = template.Library()


def _link(url, text):
    return format_html('<a href="{}">{}</a>', url, text)


def _date(value):
    return timezone.localtime(value).strftime("%Y-%m-%d") if value else "—"


# Column name -> what its cell shows for a project (the column's own render for the rest).
WRITERS = {
    "annex": lambda column, project: project.annex.number,
    "order": lambda column, project: project.order,
    "name": lambda column, project: _link(project.get_absolute_url(), project.name),
    "unit": lambda column, project: _link(project.unit.get_absolute_url(), project.unit.name),
    "status": lambda column, project: project.get_status_display(),
    "percent_complete": lambda column, project: column.render(record=project),
    "last_reported_at": lambda column, project: _date(project.last_reported_at),
    "is_lagging": lambda column, project: column.render(record=project),
    "colour": lambda column, project: column.render(record=project),
}


@register.simple_tag
def project_rows(table):
    """The ``<tr>`` rows of a ``ProjectTable`` page (or its empty text)."""
    columns = [
        (column.name, column.attrs["td"].as_html(), column.column)
        for column in table.columns
    ]  # fmt: skip
    html = []
    approved = getattr(table, "approved", False)
    for row in table.paginated_rows:
        if approved:  # shown as last approved, not as last reported
            project = row.record
            project.status, project.percent_complete = (
                project.approved_status, project.approved_percent
            )  # fmt: skip
        cells = []
        for name, td_attrs, column in columns:
            writer = WRITERS.get(name)
            value = writer(column, row.record) if writer else row.get_cell(name)
            cells.append(f"<td {td_attrs}>{conditional_escape(value)}</td>")
        # ``row.attrs``, without django-tables2's signature inspection of each attribute
        attrs = AttributeDict({key: attr(row.record) for key, attr in ROW_ATTRS.items()})
        attrs["class"] = row.get_even_odd_css_class()
        html.append(f"<tr {attrs.as_html()}>{''.join(cells)}</tr>")
    if not html:
        empty = conditional_escape(table.empty_text or "")
        html.append(f'<tr><td colspan="{len(columns)}">{empty}</td></tr>')
    # Every value is escaped above (conditional_escape keeps what is safe already).
    return mark_safe(  # nosec B308 B703
        "\n".join(html)
    )
