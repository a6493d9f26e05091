"""The one idiom of every list page: a FilterSet (django-filter) whose form renders and applies the filters,
a Table (django-tables2) that renders the rows with ordering and pagination. Each app keeps its list's
``filters.py`` and ``tables.py`` beside its ``views.py``; what they all share is here (core imports none of
our apps, so every layer may use it)."""

from __future__ import annotations

import datetime as dt
import functools
import html
import io
from dataclasses import dataclass

import django_filters
import django_tables2 as tables
from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Count, Index, UniqueConstraint
from django.utils.html import format_html, strip_tags
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


@functools.cache
def sort_uses_index(model, key: str) -> bool:
    """Whether ordering ``model`` rows by ``key`` (a field path, maybe through relations, maybe "-"-prefixed)
    starts from an index of the table holding that field: a primary or foreign key, a unique or indexed
    field, or the first field of a btree index or unique constraint. Annotations and computed values are not."""
    parts = key.lstrip("-").replace(".", "__").split("__")
    try:
        for name in parts[:-1]:
            model = model._meta.get_field(name).related_model
        field = model._meta.get_field(parts[-1])
    except (FieldDoesNotExist, AttributeError):
        return False
    if field.primary_key or field.unique or field.db_index or field.many_to_one:
        return True
    leading = [idx.fields[0] for idx in model._meta.indexes  # btree indexes only: a GiST one does not order
               if type(idx) is Index and idx.fields and not idx.opclasses and not idx.condition]
    leading += [c.fields[0] for c in model._meta.constraints
                if isinstance(c, UniqueConstraint) and c.fields and c.condition is None]
    return parts[-1] in {name.lstrip("-") for name in leading}


def has_header(bound_column) -> bool:
    """A column of data (not a row's action or selection box, which have no name)."""
    return not isinstance(bound_column.column, tables.CheckBoxColumn) and bool(str(bound_column.verbose_name).strip())


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
    the DJANGO_TABLES2_TEMPLATE).

    Columns a user may hide or show (``list_page``): every column but the first (the row's name) and those
    without a header (row actions, selection boxes); ``default_hidden`` are offered but shown only once
    chosen. A column is orderable only where its sort key leads an index of its table (tests/test_lists.py
    checks every table), so a sorted page of a large list stays an index scan."""

    default_hidden: tuple[str, ...] = ()

    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        model = self._meta.model
        for bound in self.columns.all():
            column = bound.column
            if column.orderable is False or model is None:
                continue
            keys = list(column.order_by) if column.order_by else [str(bound.accessor)]
            column.orderable = sort_uses_index(model, keys[0])

    def choosable_columns(self) -> list:
        """The bound columns a user may hide or show, in the table's order."""
        named = [c for c in self.columns.all() if has_header(c)]
        return named[1:]

    def show_columns(self, chosen: list[str] | None) -> None:
        """Show the ``chosen`` columns (None or empty: the table's default) and hide the other choosable ones."""
        names = {c.name for c in self.choosable_columns()}
        shown = set(chosen or ()) & names or (names - set(self.default_hidden))
        for name in names:
            (self.columns.show if name in shown else self.columns.hide)(name)


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


# --- What every list page shares: chosen columns, counts in the filters, export, bulk selection -----------

EXPORT_ROWS_MAX = 100_000  # an export beyond this is refused with a message (the member export streams its own)


@dataclass
class ListPage:
    """One list page as the user keeps it: the filterset, the table with the user's columns, whether the
    filters show their counts, and the query string that repeats the filter (for the export link)."""

    request: object
    key: str
    filterset: object
    table: ListTable
    counts: bool
    querystring: str
    export_url: str

    @property
    def exporting(self) -> bool:
        return self.export_url != "" and self.request.GET.get("export") == "xlsx"

    @property
    def next_url(self) -> str:
        return self.request.get_full_path()

    def context(self, **extra) -> dict:
        return {"filterset": self.filterset, "table": self.table, "list_page": self, **extra}


def preference_of(user, key: str):
    from core.models import ListPreference

    if not getattr(user, "is_authenticated", False):
        return None
    return ListPreference.objects.filter(user=user, key=key).first()


def _repeat_query(request) -> str:
    params = request.GET.copy()
    for name in ("page", "export"):
        params.pop(name, None)
    return params.urlencode()


def list_page(request, key: str, queryset, *, filterset_class, table_class, per_page: int, counts_default=True,
              export=True, **table_kwargs) -> ListPage:
    """Filter ``queryset`` (already narrowed to the user's scope), build the table with the columns the user
    chose for the list ``key`` (one read of their ListPreference), order and paginate it, and put the counts
    of every choice into the filters when the user wants them. ``export``: the page offers its filtered rows
    as a workbook (``?export=xlsx``, answered by ``export_response``)."""
    preference = preference_of(request.user, key)
    filterset, rows = filter_rows(request, filterset_class, queryset)
    table = table_class(rows, **table_kwargs)
    table.show_columns(preference.columns if preference else None)
    counts = counts_default if preference is None or preference.counts is None else preference.counts
    if counts:
        add_filter_counts(request, filterset_class, queryset, filterset)
    query = _repeat_query(request)
    page = ListPage(request, key, filterset, table, counts, query,
                    (request.path + "?" + (query + "&" if query else "") + "export=xlsx") if export else "")
    if page.exporting:
        RequestConfig(request, paginate=False).configure(table)  # the page's order, every row
    else:
        paginate(request, table, per_page)
    return page


# Filters that get no counts: a remote picker's choice is a whole subtree, a year or a date is typed.
def _countable(flt) -> bool:
    choice = isinstance(flt, django_filters.ChoiceFilter | django_filters.ModelChoiceFilter)
    return choice and getattr(flt, "counted", True)


def add_filter_counts(request, filterset_class, queryset, filterset) -> None:
    """Django admin's facets: each choice of every choice filter labelled with the number of rows it would
    select with the other filters as they are. A filter on a model field is one grouped count; a filter
    with a method is one count per choice. Nothing is counted when the filter does not validate."""
    from core.formatting import number

    if not filterset.is_valid():
        return
    for name, flt in filterset.filters.items():
        if not _countable(flt) or name not in filterset.form.fields:
            continue
        if not getattr(filterset, "may_count", lambda name: True)(name):
            continue
        others = filterset_class(filterset.data, queryset=queryset, request=request)
        others.filters.pop(name)
        if not others.is_valid():
            continue
        rows = others.qs.order_by()
        field = filterset.form.fields[name]
        if isinstance(flt, django_filters.ModelChoiceFilter):
            found = dict(rows.values_list(flt.field_name).annotate(n=Count("pk")).values_list(flt.field_name, "n"))
            plain = field.label_from_instance
            field.label_from_instance = lambda obj, plain=plain, found=found: (
                f"{plain(obj)} ({number(found.get(obj.pk, 0))})")
            continue
        choices = [(value, label) for value, label in field.choices if value != ""]
        if flt.method is None:
            found = dict(rows.values_list(flt.field_name).annotate(n=Count("pk")).values_list(flt.field_name, "n"))
        else:
            found = {value: flt.filter(rows, value).count() for value, _label in choices}
        # django-filter's choice fields add their empty choice ("—") themselves.
        field.choices = [(value, f"{label} ({number(found.get(value, 0))})") for value, label in choices]


def _cell_value(table, bound_row, column):
    """What a cell holds, as text or a date (no markup): the table's ``value_<name>``, a choice's label, the
    plain field value, or the rendered cell without its tags."""
    record = bound_row.record
    if not hasattr(table, f"value_{column.name}") and not hasattr(table, f"render_{column.name}"):
        value = column.accessor.resolve(record, quiet=True)
        model_field = column.accessor.get_field(type(record)) if hasattr(record, "_meta") else None
        if model_field is not None and model_field.choices and value not in (None, ""):
            return str(dict(model_field.flatchoices).get(value, value))
        if isinstance(value, dt.date | int | float) or value is None:
            return value
        return str(value)
    text = strip_tags(str(bound_row.get_cell_value(column.name) or ""))
    return " ".join(html.unescape(text).split())


def export_response(page: ListPage, filename: str):
    """The page's filtered rows (all of them, in the page's order) with the columns the user shows, as a
    workbook: exactly the list the user is looking at. User text stays text (core.excel)."""
    from django.contrib import messages
    from django.http import HttpResponse
    from django.shortcuts import redirect
    from django.utils.translation import gettext as _
    from openpyxl import Workbook

    from core.excel import text_row

    table = page.table
    rows = table.data
    if len(rows) > EXPORT_ROWS_MAX:
        messages.error(page.request, _("The list has too many rows to export: narrow the filter."))
        return redirect(page.request.path + ("?" + page.querystring if page.querystring else ""))
    columns = [c for c in table.columns.iterall() if c.visible and has_header(c)]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(text_row(sheet, [str(c.header) for c in columns]))
    for bound_row in table.rows:
        sheet.append(text_row(sheet, [_cell_value(table, bound_row, c) for c in columns]))
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{filename}-{dt.date.today():%Y%m%d}.xlsx"'
    return response


class SelectColumn(tables.CheckBoxColumn):
    """A box per row for a bulk action (the form around the table posts the chosen ``pk``s as ``selected``);
    the header box selects the page (static/js/behaviours.js)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("accessor", "pk")
        kwargs.setdefault("orderable", False)
        kwargs.setdefault("exclude_from_export", True)
        kwargs.setdefault("attrs", {"input": {"name": "selected", "form": "bulk-form", "class": "form-check-input"},
                                    "th__input": {"class": "form-check-input", "data-select-all": "selected",
                                                  "aria-label": "✓"}})
        super().__init__(**kwargs)
