"""Every workbook the application writes keeps user text as text (issue 19: formula injection).

openpyxl writes any string starting with "=" as a formula, and Excel, LibreOffice and the CSV a user saves
from the sheet read "+", "-", "@" and a leading tab or carriage return as the start of one too, so a member
named ``=HYPERLINK("…")`` came back from the export as a live link. Such a cell is written here with the
string type *and* Excel's quote prefix (the flag Excel itself sets when one types a leading apostrophe),
rather than by prepending an apostrophe to the value as OWASP suggests for CSV: the value stays exactly what
was entered (an exported member list imports again unchanged, a report's "–" stays a dash, no reader sees a
stray quote), Excel shows and keeps it as text even after the cell is edited, and a formula is never stored.

Normal workbooks are saved through ``save`` (every cell is checked); write-only workbooks stream their rows,
so their writers pass each row through ``text_row`` or each cell through ``safe_cell``."""

from __future__ import annotations

from collections.abc import Iterable

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def safe_cell(cell):
    """``cell`` (of a normal or a write-only sheet), marked as text when its value could be read as a
    formula. Returns the cell, so it wraps a ``sheet.cell(...)`` or a ``WriteOnlyCell(...)`` call."""
    if is_formula_like(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def text_row(ws, values: Iterable) -> list:
    """A row for a write-only sheet's ``append``: formula-like strings become text cells; cells already made
    are checked; anything else is appended as it is."""
    row = []
    for value in values:
        if isinstance(value, Cell):  # WriteOnlyCell(...) makes a Cell
            value = safe_cell(value)
        elif is_formula_like(value):
            value = safe_cell(WriteOnlyCell(ws, value=value))
        row.append(value)
    return row


def save(workbook, fileobj) -> None:
    """Save a normal (not write-only) workbook after checking every cell it holds."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                safe_cell(cell)
    workbook.save(fileobj)
