"""The Excel workbook of a report (openpyxl, write-only so a province-sized table streams): a summary sheet,
then one sheet per section, drawn from the same ``Document`` as the PDF.

Numbers are numbers, not text: counts under '#,##0', percentages stored as value/100 under '0.0%' (so
87.5 is 0.875, shown "87,5%" by a Vietnamese Excel), numerators and denominators in their own columns.
Headers are Vietnamese (the document's language), frozen below the header row, with column widths."""

from __future__ import annotations

import io
import re
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from core.excel import safe_cell
from reports.document import COUNT, COUNT_SHARE, DELTA, MEASURE, PERCENT, RATIO, RESULT, Column, Document, Table

PERCENT_FORMAT = "0.0%"
COUNT_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.##"
DELTA_POINTS_FORMAT = "+0.0;-0.0;0"
DELTA_COUNT_FORMAT = "+#,##0;-#,##0;0"
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=13)
WRAP = Alignment(wrap_text=True, vertical="top")
HEADER_ALIGN = Alignment(wrap_text=True, vertical="center", horizontal="center")


def _number(value):
    """Decimals as floats Excel can compute with; whole numbers as int."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _fraction(value):
    """A percentage (87.5) as Excel's fraction (0.875)."""
    return None if value is None else float(Decimal(value) / 100)


def expanded_headers(column: Column) -> list[tuple[str, int]]:
    """The workbook's columns for one document column (label, width)."""
    if column.kind == RATIO:
        return [(f"{column.label}: tử số", column.width), (f"{column.label}: mẫu số", column.width)]
    if column.kind == COUNT_SHARE:
        return [(f"{column.label}: số lượng", column.width), (f"{column.label}: tỷ lệ", column.width)]
    if column.kind == RESULT:
        return [(f"{column.label}: tử số", 10), (f"{column.label}: mẫu số", 10), (f"{column.label}: kết quả", 11),
                (f"{column.label}: đánh giá", 14)]
    return [(column.label, column.width)]


def expanded_values(column: Column, value) -> list[tuple[object, str | None]]:
    """(value, number format) for each workbook column of one document cell."""
    kind = column.kind
    if kind == RATIO:
        n, d = value if value else (None, None)
        return [(_number(n), DECIMAL_FORMAT), (_number(d), DECIMAL_FORMAT)]
    if kind == COUNT_SHARE:
        n, pct = value if value else (None, None)
        return [(_number(n), COUNT_FORMAT), (_fraction(pct), PERCENT_FORMAT)]
    if kind == RESULT:
        if not value:
            return [(None, None)] * 4
        percent = value["unit"] == "percent"
        result = (_fraction(value["value"]), PERCENT_FORMAT) if percent else (_number(value["value"]), DECIMAL_FORMAT)
        return [(_number(value["numerator"]), DECIMAL_FORMAT), (_number(value["denominator"]), DECIMAL_FORMAT),
                result, (value["label"], None)]
    if kind == MEASURE:
        v, unit = value if value else (None, None)
        return [(_fraction(v), PERCENT_FORMAT) if unit == "percent" else (_number(v), DECIMAL_FORMAT)]
    if kind == DELTA:
        v, unit = value if value else (None, None)
        return [(_number(v), DELTA_POINTS_FORMAT if unit == "percent" else DELTA_COUNT_FORMAT)]
    if kind == PERCENT:
        return [(_fraction(value) if value not in (None, "") else None, PERCENT_FORMAT)]
    if kind == COUNT:
        return [(_number(value) if value != "" else None, COUNT_FORMAT)]
    return [(value if value not in (None, "") else None, None)]


def _sheet_title(name: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", " ", name).strip()[:31] or "Sheet"
    title, n = base, 2
    while title.lower() in used:
        suffix = f" ({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(title.lower())
    return title


def _cell(ws, value, *, fmt=None, font=None, align=None):
    c = safe_cell(WriteOnlyCell(ws, value=value))
    if fmt and isinstance(value, (int, float)):
        c.number_format = fmt
    if font:
        c.font = font
    if align:
        c.alignment = align
    return c


def _write_tables(ws, tables: list[Table], *, heading: list[str]) -> None:
    """Write-only sheets are written top to bottom: widths and the frozen pane are set first, from the first
    table (the section's main one); later tables follow under a blank row with their own header."""
    first = tables[0]
    headers = [h for c in first.columns for h in expanded_headers(c)]
    for index, (_label, width) in enumerate(headers, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    widest = max(len([h for c in t.columns for h in expanded_headers(c)]) for t in tables)
    for index in range(len(headers) + 1, widest + 1):
        ws.column_dimensions[get_column_letter(index)].width = 14
    header_row = len(heading) + 2  # the heading lines, the first table's title, then its header
    ws.freeze_panes = f"A{header_row + 1}"
    for line in heading:
        ws.append([_cell(ws, line, font=TITLE)])
    for n, table in enumerate(tables):
        if n:
            ws.append([])
        ws.append([_cell(ws, table.title, font=BOLD)])
        ws.append([_cell(ws, label, font=BOLD, align=HEADER_ALIGN)
                   for c in table.columns for label, _w in expanded_headers(c)])
        for row in [*table.rows, *([table.footer] if table.footer else [])]:
            cells = []
            for column, value in zip(table.columns, row):
                for v, fmt in expanded_values(column, value):
                    cells.append(_cell(ws, v, fmt=fmt, align=WRAP if column.wrap else None,
                                       font=BOLD if row is table.footer else None))
            ws.append(cells)
        if table.note:
            ws.append([_cell(ws, table.note)])


def render_xlsx(document: Document) -> bytes:
    wb = Workbook(write_only=True)
    used: set[str] = set()
    summary = wb.create_sheet(_sheet_title(document.summary.sheet if document.summary else "Tổng hợp", used))
    # A draft says so on its first line (the number it has not got is not on the summary either).
    heading = [f"{document.subject} — DỰ THẢO" if document.header.draft else document.subject]
    if document.summary is not None:
        _write_tables(summary, [document.summary], heading=heading)
    else:
        summary.append([_cell(summary, heading[0], font=TITLE)])
    if document.facts:  # who and when, under the summary (after the table: the frozen header stays first)
        summary.append([])
        for label, value in document.facts:
            summary.append([_cell(summary, label, font=BOLD), _cell(summary, value)])
        if document.header.number_text:
            summary.append([_cell(summary, "Số văn bản", font=BOLD), _cell(summary, document.header.number_text)])
    by_sheet: dict[str, list[Table]] = {}
    for section in document.all_sections():
        for table in section.tables:
            if table is document.summary:
                continue
            by_sheet.setdefault(table.sheet or section.sheet or section.title, []).append(table)
    for name, tables in by_sheet.items():
        ws = wb.create_sheet(_sheet_title(name, used))
        _write_tables(ws, tables, heading=[name])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
