"""Excel in and out of the member register: the streamed export of a filtered list, the import template,
and the import itself (parse, then hand the rows to members.register.services.members_bulk_create).

The spreadsheets are official Vietnamese documents, so headers and choice labels are written in
Vietnamese whatever the interface language; when reading, headers and labels are recognised in either
language, with or without diacritics, and stored choice values are accepted too."""

from __future__ import annotations

import datetime as dt
import tempfile
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import DatabaseError, transaction
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from core.excel import save as save_workbook
from core.excel import text_row
from core.text import normalize_name
from core.uploads import UnreadableWorkbook, sheet_rows
from members.register.choices import (
    ETHNICITY_CHOICES,
    Gender,
    PoliticalTheory,
    ProfessionalLevel,
    Religion,
    StatusPeriodKind,
)
from members.register.models import SENSITIVE_FIELDS, Member
from members.register.services import RowErrors, may_see_sensitive, members_bulk_create, sensitive_export_record
from organizations.models import Organization
from organizations.permissions import Perm

SPREADSHEET_LANGUAGE = "vi"
DATE_FORMAT = "DD/MM/YYYY"
CHOICES = {
    "gender": Gender.choices,
    "ethnicity": ETHNICITY_CHOICES,
    "religion": Religion.choices,
    "professional_level": ProfessionalLevel.choices,
    "political_theory": PoliticalTheory.choices,
    "status_kind": StatusPeriodKind.choices,
}
HEADER_FONT = Font(bold=True)
REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


@dataclass(frozen=True)
class Column:
    """One column of the member spreadsheets. ``kind`` says how a value is read: text, id (text that
    Excel may have turned into a number), date or choice."""

    key: str
    kind: str = "text"
    width: int = 16
    label: str | None = None  # a lazy msgid; None means the model field's verbose name

    def header(self) -> str:
        if self.label is not None:
            return str(self.label)
        return capfirst(str(Member._meta.get_field(self.key).verbose_name))


PROFILE_COLUMNS = [
    Column("full_name", width=28),
    Column("gender", "choice", 10),
    Column("birth_date", "date", 12),
    Column("ethnicity", "choice", 12),
    Column("religion", "choice", 14),
    Column("citizen_id", "id", 15),
    Column("party_card_number", "id", 15),
    Column("admission_date", "date", 12),
    Column("full_membership_date", "date", 12),
    Column("professional_level", "choice", 22),
    Column("political_theory", "choice", 18),
    Column("job_title", width=24),
    Column("phone", "id", 14),
]
CELL_CODE = Column("cell_code", "text", 14, gettext_lazy("Cell code"))
CELL_NAME = Column("cell_name", "text", 28, gettext_lazy("Cell name"))
START_DATE = Column("start_date", "date", 14, gettext_lazy("Date joined the cell"))
# One status period per row (exempted, suspended, special duty, sick leave), optional: the service checks it
# like the period pages do (members.register.services.status_period_check).
STATUS_COLUMNS = [
    Column("status_kind", "choice", 26, gettext_lazy("Status period")),
    Column("status_start", "date", 12, gettext_lazy("Status period from")),
    Column("status_end", "date", 12, gettext_lazy("Status period to")),
    Column("status_decision", "text", 16, gettext_lazy("Status period decision")),
    Column("status_decision_body", "text", 22, gettext_lazy("Status period deciding body")),
    Column("status_reason", "text", 24, gettext_lazy("Status period reason")),
]
IMPORT_COLUMNS = PROFILE_COLUMNS + [CELL_CODE, CELL_NAME, START_DATE] + STATUS_COLUMNS
REQUIRED_KEYS = ("full_name", "gender", "birth_date", "start_date")

# The template's example row. A file that still contains it is refused, so that nobody imports
# "Nguyễn Văn Mẫu" by forgetting to delete it.
EXAMPLE = {
    "full_name": "Nguyễn Văn Mẫu", "gender": Gender.MALE, "birth_date": dt.date(1985, 9, 2), "ethnicity": "Kinh",
    "religion": Religion.NONE, "citizen_id": "001085000001", "party_card_number": "00000001",
    "admission_date": dt.date(2010, 5, 19), "full_membership_date": dt.date(2011, 5, 19),
    "professional_level": ProfessionalLevel.UNIVERSITY, "political_theory": PoliticalTheory.INTERMEDIATE,
    "job_title": "Chuyên viên", "phone": "0912345678", "start_date": dt.date(2020, 1, 1),
}


def fold(text: str) -> str:
    """Lower case without Vietnamese diacritics and with single spaces, for tolerant matching."""
    text = unicodedata.normalize("NFD", str(text).replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.casefold().split())


def choice_labels() -> dict[str, dict[str, str]]:
    """{field: {value: label}} in the current language, evaluated once rather than per row."""
    return {name: {value: str(label) for value, label in choices} for name, choices in CHOICES.items()}


# --- Export -------------------------------------------------------------------------------------------

def can_export_sensitive(user, organization: Organization | None = None) -> bool:
    return may_see_sensitive(user, organization)


def export_columns(sensitive: bool) -> list[Column]:
    columns = [c for c in PROFILE_COLUMNS if sensitive or c.key not in SENSITIVE_FIELDS]
    return columns + [
        CELL_NAME, CELL_CODE, Column("status", "text", 14, gettext_lazy("Status")), Column("left_on", "date", 14),
    ]


def _export_value(ws, column: Column, member: Member, labels: dict):
    key = column.key
    if key == "cell_name":
        return member.cell.name
    if key == "cell_code":
        return member.cell.code
    if key == "status":
        return labels["status"][member.is_full_member_on(labels["today"])]
    value = getattr(member, key)
    if column.kind == "choice":
        return labels[key].get(value, value)
    if column.kind == "date":
        if value is None:
            return None
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    return value


def write_members_xlsx(members: Iterable[Member], fileobj, *, sensitive: bool) -> int:
    """Write the members to ``fileobj`` with openpyxl's write-only mode, which streams rows to disk
    instead of keeping the whole sheet in memory. Returns the number of member rows written."""
    with override(SPREADSHEET_LANGUAGE):
        columns = export_columns(sensitive)
        labels = choice_labels()
        labels["status"] = {True: _("Full member"), False: _("Probationary member")}
        labels["today"] = dt.date.today()
        wb = Workbook(write_only=True)
        ws = wb.create_sheet(title=_("Party members")[:31])
        ws.freeze_panes = "A2"
        for index, column in enumerate(columns, start=1):
            ws.column_dimensions[get_column_letter(index)].width = column.width
        header = []
        for column in columns:
            cell = WriteOnlyCell(ws, value=column.header())
            cell.font = HEADER_FONT
            cell.fill = HEADER_FILL
            header.append(cell)
        ws.append(header)
        count = 0
        for member in members:
            ws.append(text_row(ws, [_export_value(ws, column, member, labels) for column in columns]))
            count += 1
        wb.save(fileobj)
    return count


def export_members(queryset, *, user, sensitive: bool, filters: dict, organization=None):
    """The export as an open temporary file (deleted when closed) and its row count. An export with
    sensitive columns is logged (Decree 13/2023/NĐ-CP)."""
    tmp = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115  (returned open: the response streams it, then closes it)
    rows = write_members_xlsx(queryset.iterator(chunk_size=2000), tmp, sensitive=sensitive)
    tmp.seek(0)
    if sensitive:
        sensitive_export_record(user=user, what="members", filters=filters, rows=rows, organization=organization)
    return tmp, rows


# --- Import template ------------------------------------------------------------------------------------

def build_template(fileobj, *, user) -> None:
    """The import template: the header row, one example row, an "Allowed values" sheet and short
    instructions. The example's cell is one the user may change, so the example reads true."""
    with override(SPREADSHEET_LANGUAGE):
        labels = choice_labels()
        wb = Workbook()
        ws = wb.active
        ws.title = _("Party members")[:31]
        ws.freeze_panes = "A2"
        for index, column in enumerate(IMPORT_COLUMNS, start=1):
            letter = get_column_letter(index)
            ws.column_dimensions[letter].width = column.width
            cell = ws.cell(row=1, column=index, value=column.header())
            cell.font = HEADER_FONT
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.fill = REQUIRED_FILL if column.key in REQUIRED_KEYS or column.key == "cell_code" else HEADER_FILL
            # Text format keeps leading zeros of ID and phone numbers that Excel would drop.
            if column.kind == "id":
                for row in range(2, 1002):
                    ws.cell(row=row, column=index).number_format = "@"
            elif column.kind == "date":
                for row in range(2, 1002):
                    ws.cell(row=row, column=index).number_format = DATE_FORMAT
        example_cell = Organization.objects.visible_to(user, Perm.CHANGE_MEMBERS).cells().active().first()
        example = dict(EXAMPLE, cell_code=example_cell.code if example_cell else "",
                       cell_name=example_cell.name if example_cell else "")
        for index, column in enumerate(IMPORT_COLUMNS, start=1):
            value = example.get(column.key)
            if column.kind == "choice":
                value = labels[column.key].get(value, value)
            cell = ws.cell(row=2, column=index, value=value)
            cell.font = Font(italic=True, color="808080")
        ws.cell(row=2, column=1).comment = Comment(
            _("Example row: replace it with real data or delete it; a file that still contains it is refused."),
            "")

        values = wb.create_sheet(_("Allowed values")[:31])
        for index, (name, _choices) in enumerate(CHOICES.items(), start=1):
            values.column_dimensions[get_column_letter(index)].width = 30
            header = values.cell(row=1, column=index, value=_column(name).header())
            header.font = HEADER_FONT
            for row, label in enumerate(labels[name].values(), start=2):
                values.cell(row=row, column=index, value=label)

        notes = wb.create_sheet(_("Instructions")[:31])
        notes.column_dimensions["A"].width = 110
        for row, text in enumerate(instructions(), start=1):
            notes.cell(row=row, column=1, value=text).alignment = Alignment(wrap_text=True)
        notes.cell(row=1, column=1).font = HEADER_FONT
        save_workbook(wb, fileobj)


def _column(key: str) -> Column:
    return next((c for c in IMPORT_COLUMNS if c.key == key), None) or Column(key)


def instructions() -> list[str]:
    return [
        _("How to fill in the member import file"),
        _("One member per row, from row 2. Keep the header row as it is; the columns may be in any order."),
        _("Required columns (highlighted): %(columns)s, and the cell code or the cell name.")
        % {"columns": ", ".join(c.header() for c in IMPORT_COLUMNS if c.key in REQUIRED_KEYS)},
        _("Dates as dd/mm/yyyy, either as Excel dates or as text."),
        _("Gender, ethnicity, religion, professional level and political theory take one of the values "
          "listed on the sheet “%(sheet)s”.") % {"sheet": _("Allowed values")},
        _("The cell is identified by its code or, if the code is empty, by its exact name; only cells whose "
          "members you may change are accepted."),
        _("A member exempted from activities, suspended, on special duty or on sick leave: fill in the status "
          "period columns (its kind and start; the end may stay empty while it lasts)."),
        _("The import is all or nothing: the preview lists every error by row and column, and nothing is "
          "saved until the file has no error and you confirm."),
    ]


# --- Import -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ImportProblem:
    """One error of an import, placed as the user sees it in Excel (row number, column header)."""

    row: int | None
    column: str | None
    message: str

    def __str__(self):
        if self.row is not None and self.column:
            return _("Row %(row)s, column %(column)s: %(message)s") % {
                "row": self.row, "column": self.column, "message": self.message}
        if self.row is not None:
            return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}
        return self.message


@dataclass
class ParsedImport:
    """The rows of an upload, ready for members_bulk_create, and the errors found while reading them.

    ``rows[i]`` is Excel row ``i + 2``: blank rows inside the data are kept as errors rather than
    skipped, so the service's row numbers (first_row_number=2) are the spreadsheet's."""

    rows: list[dict] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)  # column key -> header text in the file
    failed: dict[int, set[str]] = field(default_factory=dict)  # row -> keys whose value could not be read
    cell_column: dict[int, str] = field(default_factory=dict)  # row -> the column that named the cell
    blank_rows: set[int] = field(default_factory=set)
    fatal: bool = False

    def add(self, row: int | None, key: str | None, message: str) -> None:
        column = self.headers.get(key) if key else None
        self.problems.append(ImportProblem(row, column, str(message)))
        if row is not None and key:
            self.failed.setdefault(row, set()).add(key)

    def service_problems(self, row_errors: dict[int, dict[str, list[str]]]) -> list[ImportProblem]:
        """The service's errors placed in the spreadsheet, leaving out those that only repeat a value
        this parser already could not read (an unreadable date is also a missing date to the service)."""
        problems = []
        for row, fields in row_errors.items():
            if row in self.blank_rows:
                continue
            failed = self.failed.get(row, set())
            for key, messages in fields.items():
                column_key = self.cell_column.get(row, "cell_code") if key == "cell" else key
                if key in failed or column_key in failed:
                    continue
                column = self.headers.get(column_key)
                for message in messages:
                    problems.append(ImportProblem(row, column, message))
        return problems


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return normalize_name(str(value))  # NFC, single spaces (core.text): found and unique as typed


def _id_text(key: str, value) -> str:
    """ID and phone numbers typed into a number cell lose their leading zero; put it back where the
    length says it is missing (a citizen ID has 12 digits, a phone number starts with 0)."""
    text = _text(value)
    if isinstance(value, (int, float)) and text.isdigit():
        if key == "citizen_id" and len(text) < 12:
            return text.zfill(12)
        if key == "phone" and len(text) in (9, 10) and not text.startswith("0"):
            return "0" + text
    return text


DATE_STRING_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d")


def _date(value) -> dt.date | None:
    """A real Excel date or a dd/mm/yyyy string. Raises ValueError otherwise: a bare number is refused
    because it is as likely a year as a date serial."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        for fmt in DATE_STRING_FORMATS:
            try:
                day = dt.datetime.strptime(text, fmt).date()
            except ValueError:
                continue
            if day.year >= 1900:
                return day
    raise ValueError(value)


class ChoiceReader:
    """Maps what a spreadsheet says (a label in Vietnamese or English, or the stored value) back to the
    stored value: exact match first, then without diacritics when that is unambiguous."""

    def __init__(self):
        self.exact: dict[str, dict[str, str]] = {}
        self.folded: dict[str, dict[str, set[str]]] = {}
        for name, choices in CHOICES.items():
            exact, folded = {}, {}
            for value, label in choices:
                spellings = {value, str(label)}
                for language in (SPREADSHEET_LANGUAGE, "en"):
                    with override(language):
                        spellings.add(str(label))
                for spelling in spellings:
                    exact[" ".join(spelling.split()).casefold()] = value
                    folded.setdefault(fold(spelling), set()).add(value)
            self.exact[name], self.folded[name] = exact, folded

    def read(self, name: str, text: str) -> str:
        key = " ".join(text.split()).casefold()
        if key in self.exact[name]:
            return self.exact[name][key]
        values = self.folded[name].get(fold(text), set())
        if len(values) == 1:
            return next(iter(values))
        raise ValueError(text)


class CellReader:
    """Finds a row's cell by code or exact name among the active cells the user may change."""

    def __init__(self, user):
        self.by_code: dict[str, list[Organization]] = {}
        self.by_name: dict[str, list[Organization]] = {}
        for cell in Organization.objects.visible_to(user, Perm.CHANGE_MEMBERS).cells().active():
            if cell.code:
                self.by_code.setdefault(cell.code.strip().casefold(), []).append(cell)
            self.by_name.setdefault(" ".join(cell.name.split()).casefold(), []).append(cell)

    def by_code_text(self, text: str) -> Organization:
        found = self.by_code.get(text.strip().casefold(), [])
        if not found:
            raise LookupError(_("No party cell with the code “%(text)s” among the cells whose members you may "
                                "change.") % {"text": text})
        if len(found) > 1:
            raise LookupError(_("Several party cells have the code “%(text)s”.") % {"text": text})
        return found[0]

    def by_name_text(self, text: str) -> Organization:
        found = self.by_name.get(" ".join(text.split()).casefold(), [])
        if not found:
            raise LookupError(_("No party cell named “%(text)s” among the cells whose members you may change.")
                              % {"text": text})
        if len(found) > 1:
            raise LookupError(_("Several party cells are named “%(text)s”; identify the cell by its code.")
                              % {"text": text})
        return found[0]


def _header_lookup() -> dict[str, str]:
    lookup = {}
    for column in IMPORT_COLUMNS:
        for language in (SPREADSHEET_LANGUAGE, "en"):
            with override(language):
                lookup.setdefault(fold(column.header()), column.key)
        lookup.setdefault(fold(column.key), column.key)
    return lookup


def parse_workbook(source, *, user) -> ParsedImport:
    """Read the first sheet of an uploaded workbook (checked by core.uploads first) into row dicts for
    members_bulk_create."""
    parsed = ParsedImport()
    try:
        _parse_sheet(sheet_rows(source), parsed, user)
    except UnreadableWorkbook:
        parsed.add(None, None, _("The file could not be read as an Excel workbook (.xlsx)."))
        parsed.fatal = True
    return parsed


def _parse_sheet(rows, parsed: ParsedImport, user) -> None:
    header = next(rows, None)
    lookup = _header_lookup()
    positions: dict[str, int] = {}
    for index, value in enumerate(header or ()):
        if _is_blank(value):
            continue
        key = lookup.get(fold(_text(value)))
        if key and key not in positions:
            positions[key] = index
            parsed.headers[key] = _text(value)
    with override(SPREADSHEET_LANGUAGE):
        missing = [c.header() for c in IMPORT_COLUMNS if c.key in REQUIRED_KEYS and c.key not in positions]
        if "cell_code" not in positions and "cell_name" not in positions:
            missing.append(_("%(code)s or %(name)s") % {"code": CELL_CODE.header(), "name": CELL_NAME.header()})
    if missing:
        parsed.add(1, None, _("These columns are missing from the header row: %(columns)s. Start from the "
                              "import template.") % {"columns": ", ".join(missing)})
        parsed.fatal = True
        return

    # Keep rows up to the last non-blank one: trailing formatted-but-empty rows are not data.
    raw: list[tuple] = []
    pending_blank: list[tuple] = []
    for values in rows:
        if all(_is_blank(v) for v in values):
            pending_blank.append(values)
            continue
        raw.extend(pending_blank)
        pending_blank = []
        raw.append(values)
    if not raw:
        parsed.add(None, None, _("The file has no member rows below the header."))
        parsed.fatal = True
        return

    choices = ChoiceReader()
    cells = CellReader(user)
    for offset, values in enumerate(raw):
        row_no = offset + 2
        parsed.rows.append(_parse_row(row_no, values, positions, parsed, choices, cells))


def _parse_row(row_no, values, positions, parsed: ParsedImport, choices: ChoiceReader, cells: CellReader) -> dict:
    def get(key):
        index = positions.get(key)
        return values[index] if index is not None and index < len(values) else None

    if all(_is_blank(v) for v in values):
        parsed.blank_rows.add(row_no)
        parsed.add(row_no, None, _("This row is empty: delete it or fill it in."))
        return {}

    row: dict = {}
    for column in PROFILE_COLUMNS + [START_DATE] + STATUS_COLUMNS:
        if column.key not in positions:
            continue
        value = get(column.key)
        if column.kind == "date":
            if _is_blank(value):
                row[column.key] = None
                continue
            try:
                row[column.key] = _date(value)
            except ValueError:
                row[column.key] = None
                parsed.add(row_no, column.key, _("“%(value)s” is not a date: write it as dd/mm/yyyy.")
                           % {"value": _text(value)})
        elif column.kind == "choice":
            text = _text(value)
            if not text:
                row[column.key] = ""
                continue
            try:
                row[column.key] = choices.read(column.key, text)
            except ValueError:
                row[column.key] = ""
                parsed.add(row_no, column.key, _("“%(value)s” is not one of the allowed values (see the sheet "
                                                 "“%(sheet)s”).") % {"value": text, "sheet": _allowed_sheet()})
        elif column.kind == "id":
            row[column.key] = _id_text(column.key, value)
        else:
            row[column.key] = _text(value)

    code, name = _text(get("cell_code")), _text(get("cell_name"))
    key, finder, text = (("cell_code", CellReader.by_code_text, code) if code else
                         ("cell_name", CellReader.by_name_text, name) if name else (None, None, ""))
    parsed.cell_column[row_no] = key or ("cell_code" if "cell_code" in positions else "cell_name")
    row["cell"] = None
    if finder is None:
        parsed.add(row_no, parsed.cell_column[row_no], _("Enter the cell code or the cell name."))
    else:
        try:
            row["cell"] = finder(cells, text)
        except LookupError as exc:
            parsed.add(row_no, key, str(exc.args[0]))

    if (row.get("full_name") == EXAMPLE["full_name"] and row.get("birth_date") == EXAMPLE["birth_date"]
            and row.get("party_card_number") == EXAMPLE["party_card_number"]):
        parsed.add(row_no, None, _("This is the template's example row: delete it before importing."))
    return row


def _allowed_sheet() -> str:
    with override(SPREADSHEET_LANGUAGE):
        return _("Allowed values")


@dataclass
class ImportOutcome:
    problems: list[ImportProblem]
    count: int  # members the file creates (or would create, in a dry run)
    committed: bool


def run_import(parsed: ParsedImport, *, user, start_reason: str, commit: bool) -> ImportOutcome:
    """Hand the parsed rows to members_bulk_create inside a savepoint that is rolled back for a dry run
    and whenever anything is wrong, so the preview comes from exactly the code that commits."""
    problems = list(parsed.problems)
    if parsed.fatal:
        return ImportOutcome(problems, 0, False)
    count = 0
    try:
        with transaction.atomic():
            try:
                count = len(members_bulk_create(rows=parsed.rows, user=user, start_reason=start_reason,
                                                first_row_number=2))
            except RowErrors as exc:
                problems.extend(parsed.service_problems(exc.row_errors))
            if problems or not commit:
                transaction.set_rollback(True)
    except DatabaseError as exc:
        # E.g. someone registered the same party card number between the checks and the insert.
        problems.append(ImportProblem(None, None, _("The database refused the import (%(error)s). Nothing was "
                                                    "saved.") % {"error": exc}))
    problems.sort(key=lambda p: p.row or 0)
    ok = not problems
    return ImportOutcome(problems, count if ok else 0, commit and ok)
