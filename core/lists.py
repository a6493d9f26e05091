"""The one idiom of every list page: a FilterSet (django-filter) whose form renders and applies the filters,
a Table (django-tables2) that renders the rows with ordering and pagination. Each app keeps its list's
``filters.py`` and ``tables.py`` beside its ``views.py``; what they all share is here (core imports none of
our apps, so every layer may use it)."""

from __future__ import annotations

import django_filters
import django_tables2 as tables
from django import forms
from django.utils.html import format_html
from django_tables2 import RequestConfig

from core.params import YEARS

# The first choice of a select filter: "no condition".
ANY = "—"


class YearFilter(django_filters.NumberFilter):
    """A year typed as a whole number (django-filter's NumberFilter would accept decimals)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", YEARS.start)
        kwargs.setdefault("max_value", YEARS.stop - 1)
        super().__init__(*args, **kwargs)


# Column attributes: a cell that must not wrap (dates), a right-aligned number.
NOWRAP = {"td": {"class": "text-nowrap"}}
END = {"th": {"class": "text-end"}, "td": {"class": "text-end"}}


def hidden_below(breakpoint: str, nowrap: bool = False) -> dict:
    """Column attributes that hide a secondary column on narrow screens (a secretary's phone shows the
    main columns; the rest is one tap away on the detail page)."""
    css = f"d-none d-{breakpoint}-table-cell" + (" text-nowrap" if nowrap else "")
    return {"th": {"class": css}, "td": {"class": css}}


def under_main(breakpoint: str, *facts) -> str:
    """The facts of the columns hidden below ``breakpoint``, as a small line under a row's main cell on
    screens that narrow (so a phone still shows them, without the table scrolling sideways)."""
    text = " · ".join(str(f) for f in facts if f)
    return format_html('<div class="d-{}-none small text-body-secondary">{}</div>', breakpoint, text) if text else ""


class ListTable(tables.Table):
    """The base of every list's table: the site's table classes (rendered by templates/_table.html,
    the DJANGO_TABLES2_TEMPLATE)."""

    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle"}


def filter_rows(request, filterset_class, queryset):
    """The filterset for the request's GET parameters and the rows it selects from ``queryset`` (already
    narrowed to the user's scope). The filterset is always bound, so an empty query is "no condition"; a
    filter that does not validate (an organization outside the scope, a year out of range) selects
    nothing, and the form shows why."""
    filterset = filterset_class(request.GET, queryset=queryset, request=request)
    return filterset, (filterset.qs if filterset.is_valid() else queryset.none())


def paginate(request, table, per_page: int):
    """Order (``?sort=``) and paginate (``?page=``) the table from the request; an out-of-range page
    shows the last one."""
    RequestConfig(request, paginate={"per_page": per_page}).configure(table)
    return table


def filtered_table(request, queryset, *, filterset_class, table_class, per_page: int, **table_kwargs):
    """Filterset and paginated table of one list page: what every list view does before it renders."""
    filterset, rows = filter_rows(request, filterset_class, queryset)
    return filterset, paginate(request, table_class(rows, **table_kwargs), per_page)


def page_records(table) -> list:
    """The records shown on the table's current page (for facts read once per page)."""
    return [row.record for row in table.paginated_rows]


class EditableListTable(ListTable):
    """A list whose rows end with an "Edit" link (``edit_url_name``, the row's pk) on the rows ``can_edit``
    allows: the view passes the user's check, read once for the page."""

    edit_url_name = ""
    edit = tables.Column(verbose_name="", accessor="pk", orderable=False, empty_values=())

    def __init__(self, *args, can_edit=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.can_edit = can_edit or (lambda record: False)

    def render_edit(self, record, value):
        from django.urls import reverse
        from django.utils.translation import gettext as _

        if not self.can_edit(record):
            return ""
        return format_html('<a href="{}">{}</a>', reverse(self.edit_url_name, args=[record.pk]), _("Edit"))
