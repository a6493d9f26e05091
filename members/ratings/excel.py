"""Excel for members' annual ratings: the grid as a pre-filled template, the reading of a filled one
(rows for ``member_ratings_save``, errors placed by Excel row and column header), and the streamed
export of decided ratings.

Like the register's spreadsheets (members/register/excel.py, whose helpers this reuses), headers are written in
Vietnamese whatever the interface language and recognised in either language when read."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from core.excel import save as save_workbook
from core.excel import text_row
from core.uploads import UnreadableWorkbook, sheet_rows
from members.ratings.forms import Rights, current_values, row_input
from members.ratings.rules import rating_date
from members.ratings.services import LEVEL_FIELDS, Grid, RowInput
from members.register.excel import (
    DATE_FORMAT,
    HEADER_FILL,
    HEADER_FONT,
    SPREADSHEET_LANGUAGE,
    ImportProblem,
    _is_blank,
    _text,
    fold,
)

INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
LOCKED_FONT = Font(color="595959")


@dataclass(frozen=True)
class GridColumn:
    key: str
    label: object  # a lazy msgid, formatted with the year
    width: int = 14
    editable: bool = False

    def header(self, year: int) -> str:
        return str(self.label) % {"year": year - 1}


MEMBER_ID = GridColumn("member_id", gettext_lazy("Member code (do not change)"), 12)
COLUMNS = [
    MEMBER_ID,
    GridColumn("full_name", gettext_lazy("Full name"), 28),
    GridColumn("cell", gettext_lazy("Party cell"), 24),
    GridColumn("last_year", gettext_lazy("Level in %(year)d"), 12),
    GridColumn("self_level", gettext_lazy("Self-assessment"), 14, True),
    GridColumn("proposed_level", gettext_lazy("Proposed level"), 14, True),
    GridColumn("decided_level", gettext_lazy("Decided level"), 14, True),
    GridColumn("score", gettext_lazy("Score"), 10, True),
    GridColumn("note", gettext_lazy("Comment"), 40, True),
    GridColumn("exception_reason", gettext_lazy("Reason for the exception (discipline)"), 30, True),
]


def grid_columns(grid: Grid) -> list[GridColumn]:
    return [c for c in COLUMNS if c.key != "score" or grid.scheme.has_score]


def _levels_sheet_title() -> str:
    return _("Levels")[:31]


# --- Template -----------------------------------------------------------------------------------------

def build_grid_template(fileobj, grid: Grid) -> None:
    """One row per rated member, pre-filled with the current values; the member code column is hidden
    and the sheet protected (without a password) so only the yellow input columns are edited by mistake.
    A second sheet lists the allowed level codes, which the level columns offer as a drop-down."""
    with override(SPREADSHEET_LANGUAGE):
        columns = grid_columns(grid)
        wb = Workbook()
        ws = wb.active
        ws.title = _("Member ratings")[:31]
        ws.freeze_panes = "C2"
        for index, column in enumerate(columns, start=1):
            ws.column_dimensions[get_column_letter(index)].width = column.width
            cell = ws.cell(row=1, column=index, value=column.header(grid.year))
            cell.font, cell.fill = HEADER_FONT, HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions["A"].hidden = True
        rated = [row for row in grid.rows if row.rated]
        for offset, row in enumerate(rated, start=2):
            values = current_values(grid, row)
            values.update(member_id=row.member.pk, full_name=row.member.full_name, cell=row.cell.name,
                          last_year=row.last_year or "")
            for index, column in enumerate(columns, start=1):
                value = values[column.key]
                if column.key == "score" and value:
                    value = float(value)
                cell = ws.cell(row=offset, column=index, value=value or None)
                if column.editable:
                    cell.protection = Protection(locked=False)
                    cell.fill = INPUT_FILL
                else:
                    cell.font = LOCKED_FONT
        ws.protection.sheet = True
        ws.protection.formatColumns = False  # widening a column stays allowed
        last = max(len(rated) + 1, 2)
        levels = wb.create_sheet(_levels_sheet_title())
        for index, (header, width) in enumerate(((_("Code"), 10), (_("Level"), 45), (_("From score"), 12)), 1):
            levels.cell(row=1, column=index, value=header).font = HEADER_FONT
            levels.column_dimensions[get_column_letter(index)].width = width
        for offset, level in enumerate(grid.levels, start=2):
            levels.cell(row=offset, column=1, value=level.code)
            levels.cell(row=offset, column=2, value=level.name)
            if grid.scheme.has_score and level.min_score is not None:
                levels.cell(row=offset, column=3, value=float(level.min_score))
        codes = f"{quote_sheetname(levels.title)}!$A$2:$A${len(grid.levels) + 1}"
        validation = DataValidation(type="list", formula1=f"={codes}", allow_blank=True,
                                    error=_("Choose a code from the sheet “%(sheet)s”.") % {"sheet": levels.title},
                                    errorTitle=_("Unknown level"), showErrorMessage=True)
        ws.add_data_validation(validation)
        for index, column in enumerate(columns, start=1):
            if column.key in LEVEL_FIELDS:
                letter = get_column_letter(index)
                validation.add(f"{letter}2:{letter}{last}")
        notes = wb.create_sheet(_("Instructions")[:31])
        notes.column_dimensions["A"].width = 110
        for row_no, text in enumerate(instructions(grid), start=1):
            notes.cell(row=row_no, column=1, value=text).alignment = Alignment(wrap_text=True)
        notes.cell(row=1, column=1).font = HEADER_FONT
        save_workbook(wb, fileobj)


def instructions(grid: Grid) -> list[str]:
    return [
        _("Ratings of the members of %(org)s for %(year)d (rating date %(day)s, %(scheme)s)") % {
            "org": grid.organization.name, "year": grid.year,
            "day": rating_date(grid.year).strftime("%d/%m/%Y"), "scheme": grid.scheme.name},
        _("Fill in the yellow columns only: one member per row, as downloaded. Do not add, copy or move rows; "
          "members not rated this year are not in the file."),
        _("Levels are written as their codes (sheet “%(sheet)s”). A decided level is entered only by the "
          "grassroots party committee; the cell proposes.") % {"sheet": _levels_sheet_title()},
        _("The upload is all or nothing: the preview lists every error by row and column, and nothing is saved "
          "until the file has no error and you confirm. If someone saves ratings of this organization in "
          "between, the confirmation is refused: download the template again."),
    ]


# --- Reading a filled template ----------------------------------------------------------------------------

@dataclass
class ParsedGrid:
    """The rows of an uploaded template for member_ratings_save, with what could not be read.

    ``problems`` are placed already (a row without a valid member code); ``read_errors`` are by member
    id and field like the service's errors, so both are placed in the spreadsheet by one function."""

    rows: list[RowInput] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    read_errors: dict = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)  # column key -> header text in the file
    row_of: dict[int, int] = field(default_factory=dict)  # member id -> Excel row
    failed: set[tuple[int, str]] = field(default_factory=set)  # (member id, field) not readable
    fatal: bool = False

    def service_problems(self, errors: dict) -> list[ImportProblem]:
        """Errors by member id and field (the reader's and the service's) as rows and columns."""
        problems = []
        for member_id, fields in errors.items():
            row = self.row_of.get(member_id) if member_id is not None else None
            for key, messages in fields.items():
                if (member_id, key) in self.failed:
                    # The service repeats a value the reader could not read: show the reader's message only.
                    messages = self.read_errors[member_id][key]
                column = self.headers.get(key)
                for message in messages:
                    problems.append(ImportProblem(row, column, str(message)))
        return problems


def _header_lookup(grid: Grid) -> dict[str, str]:
    lookup = {}
    for column in grid_columns(grid):
        for language in (SPREADSHEET_LANGUAGE, "en"):
            with override(language):
                lookup.setdefault(fold(column.header(grid.year)), column.key)
        lookup.setdefault(fold(column.key), column.key)
    return lookup


def _level_code(grid: Grid, text: str) -> str | None:
    """A level written as its code (any case) or its full name; None when it is neither."""
    folded = fold(text)
    for level in grid.levels:
        if folded in (fold(level.code), fold(level.name)):
            return level.code
    return None


def _cell_text(value) -> str:
    if isinstance(value, float):
        return f"{value:g}" if value == int(value) or abs(value) < 1e6 else str(value)
    return _text(value)


def parse_grid_workbook(source, grid: Grid, rights: Rights) -> ParsedGrid:
    """Read a filled template (checked by core.uploads first) against ``grid``."""
    parsed = ParsedGrid()
    try:
        _parse_sheet(sheet_rows(source), parsed, grid, rights)
    except UnreadableWorkbook:
        parsed.problems.append(ImportProblem(None, None, _("The file could not be read as an Excel workbook (.xlsx).")))
        parsed.fatal = True
    return parsed


def _parse_sheet(rows, parsed: ParsedGrid, grid: Grid, rights: Rights) -> None:
    header = next(rows, None) or ()
    lookup = _header_lookup(grid)
    positions: dict[str, int] = {}
    for index, value in enumerate(header):
        key = lookup.get(fold(_text(value))) if not _is_blank(value) else None
        if key and key not in positions:
            positions[key] = index
            parsed.headers[key] = _text(value)
    if "member_id" not in positions:
        with override(SPREADSHEET_LANGUAGE):
            column = MEMBER_ID.header(grid.year)
        parsed.problems.append(ImportProblem(1, None, _("The column “%(column)s” is missing: start from the "
                                                        "template downloaded from the grid.") % {"column": column}))
        parsed.fatal = True
        return
    by_member = {row.member.pk: row for row in grid.rows}
    id_header = parsed.headers["member_id"]
    for row_no, values in enumerate(rows, start=2):
        if all(_is_blank(v) for v in values):
            continue

        def get(key, values=values):
            index = positions.get(key)
            return values[index] if index is not None and index < len(values) else None

        raw_id = _cell_text(get("member_id"))
        member_id = int(raw_id) if raw_id.isdigit() else None
        row = by_member.get(member_id)
        if row is None:
            parsed.problems.append(ImportProblem(row_no, id_header, _(
                "“%(value)s” is not the code of a member of %(org)s on %(day)s: do not add rows or change this "
                "column; download the template again.") % {"value": raw_id, "org": grid.organization.name,
                                                            "day": rating_date(grid.year).strftime("%d/%m/%Y")}))
            continue
        if member_id in parsed.row_of:
            parsed.problems.append(ImportProblem(row_no, id_header, _("%(name)s is already on row %(row)d.") % {
                "name": row.member.full_name, "row": parsed.row_of[member_id]}))
            continue
        parsed.row_of[member_id] = row_no
        values_in: dict[str, str] = {}
        for key in ("self_level", "proposed_level", "decided_level", "score", "note", "exception_reason"):
            if key not in positions:
                continue  # a missing column keeps the current values
            text = _cell_text(get(key))
            if key in LEVEL_FIELDS and text:
                code = _level_code(grid, text)
                if code is None:
                    parsed.failed.add((member_id, key))
                    parsed.read_errors.setdefault(member_id, {})[key] = [
                        _("“%(value)s” is not a level of %(scheme)s: write one of the codes %(codes)s (sheet "
                          "“%(sheet)s”).") % {"value": text, "scheme": grid.scheme.name,
                                              "codes": ", ".join(lvl.code for lvl in grid.levels),
                                              "sheet": _levels_sheet_title()}]
                    code = text  # passed on, so the service refuses it too and nothing is saved
                text = code
            values_in[key] = text
        before = {k: set(v) for k, v in parsed.read_errors.get(member_id, {}).items()}
        item = row_input(grid, row, values_in, parsed.read_errors, rights=rights)
        for key in parsed.read_errors.get(member_id, {}):
            if key not in before:
                parsed.failed.add((member_id, key))
        if item is not None:
            parsed.rows.append(item)


# --- Export of decided ratings ------------------------------------------------------------------------------

EXPORT_COLUMNS = [
    (gettext_lazy("Full name"), 28), (gettext_lazy("Party cell"), 26), (gettext_lazy("Grassroots organization"), 28),
    (gettext_lazy("Level"), 10), (gettext_lazy("Level name"), 34), (gettext_lazy("Score"), 8),
    (gettext_lazy("Decided by"), 22), (gettext_lazy("Decided at"), 18),
]


def write_decided(ratings, fileobj) -> int:
    """Write decided ratings with openpyxl's write-only mode (rows streamed to disk); returns the count."""
    with override(SPREADSHEET_LANGUAGE):
        wb = Workbook(write_only=True)
        ws = wb.create_sheet(title=_("Decided ratings")[:31])
        ws.freeze_panes = "B2"
        for index, (_label, width) in enumerate(EXPORT_COLUMNS, start=1):
            ws.column_dimensions[get_column_letter(index)].width = width
        header = []
        for label, _width in EXPORT_COLUMNS:
            cell = WriteOnlyCell(ws, value=str(label))
            cell.font, cell.fill = HEADER_FONT, HEADER_FILL
            header.append(cell)
        ws.append(header)
        count = 0
        for rating in ratings:
            decided_at = None
            if rating.decided_at:
                decided_at = WriteOnlyCell(ws, value=timezone.localtime(rating.decided_at).replace(tzinfo=None))
                decided_at.number_format = f"{DATE_FORMAT} HH:MM"
            by = rating.decided_by
            ws.append(text_row(ws, [
                rating.member.full_name, rating.cell.name, rating.grassroots.name, rating.decided_level.code,
                rating.decided_level.name, float(rating.score) if rating.score is not None else None,
                (by.get_full_name() or by.get_username()) if by else None, decided_at,
            ]))
            count += 1
        wb.save(fileobj)
    return count


def export_decided(ratings):
    """The export as an open temporary file, deleted when closed (FileResponse closes it)."""
    tmp = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - handed open to the response, which closes it
    write_decided(ratings.iterator(chunk_size=2000), tmp)
    tmp.seek(0)
    return tmp
