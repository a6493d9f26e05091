"""The one structure every report kind builds and both renderers read: the PDF (reports/pdf.py) and the
Excel workbook (reports/excel.py) are drawn from the same ``Document``, so their figures cannot differ.

Cells hold raw values (Decimal, int, tuples), never pre-formatted numbers; a column's ``kind`` says how
each renderer shows them: the PDF writes "87,5%" and "7/8" the Vietnamese way (targets.engine.formatting), the
workbook stores numbers with number formats (a percentage as value/100 under '0.0%')."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings

from core.formatting import number
from organizations.choices import OrgKind

# Column kinds. ``text`` a string; ``count`` an integer; ``percent`` a Decimal in percent units (87.5);
# ``measure`` (value, unit) where unit is "percent" or "count"; ``ratio`` (numerator, denominator);
# ``result`` a dict (value, unit, numerator, denominator, status, label, judged_ok) — one target's figure.
# ``count_share`` (count, percent); ``delta`` (difference, unit): a change from the previous year; ``status``
# a status in words (text that may wrap, centred).
TEXT, COUNT, PERCENT, MEASURE, RATIO, RESULT, COUNT_SHARE, DELTA, STATUS = (
    "text", "count", "percent", "measure", "ratio", "result", "count_share", "delta", "status")


@dataclass
class Column:
    label: str
    kind: str = TEXT
    width: int = 12  # Excel characters; the PDF sizes columns itself
    key: bool = False  # repeated in each part when the PDF splits a wide table
    wrap: bool = False  # the PDF may wrap the cell (names, texts); figures never wrap
    pdf: bool = True  # False: a workbook-only column (long notes the PDF prints under the table)
    pdf_width: float = 0  # cm on the page; 0: the table shares what is left among such columns


@dataclass
class Table:
    title: str
    columns: list[Column]
    rows: list[list]
    sheet: str = ""  # Excel sheet name (a section's tables share its sheet)
    note: str = ""
    footer: list | None = None  # a total row
    pdf_max_value_columns: int = 0  # split for the PDF beyond this many non-key columns (0: never)


@dataclass
class Section:
    number: str  # "I", "II", "1.", …
    title: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[str] = field(default_factory=list)  # SVG strings from core.charts
    subsections: list[Section] = field(default_factory=list)
    sheet: str = ""  # the Excel sheet of this section's tables (empty: no sheet, e.g. text only)


@dataclass
class Header:
    """The official-format header and closing (RULES §6), filled from the organization and the form."""

    higher_body: str = ""
    issuing_body: str = ""
    number_text: str = ""  # "Số 12-BC/ĐUK", set once the report is issued (PDF only)
    draft: bool = False  # not issued: marked "DỰ THẢO", no number
    place: str = ""
    issued_on: dt.date | None = None
    signer_authority: str = ""  # "T/M BAN THƯỜNG VỤ"
    signer_title: str = ""  # "BÍ THƯ"
    signer_name: str = ""
    recipients: list[str] = field(default_factory=list)
    abbreviation: str = ""  # "ĐUK": the suffix of the number
    document_type: str = "BC"
    term: str = ""

    @property
    def place_and_date(self) -> str:
        return f"{self.place}, {vietnamese_date(self.issued_on)}" if self.issued_on else self.place


@dataclass
class Document:
    kind: str
    doc_type_name: str  # "BÁO CÁO"
    subject: str  # the subject line under it
    title: str  # short title for lists and file names
    header: Header
    intro: list[str] = field(default_factory=list)
    summary: Table | None = None  # the workbook's first sheet
    sections: list[Section] = field(default_factory=list)
    closing: list[str] = field(default_factory=list)
    facts: list[tuple[str, str]] = field(default_factory=list)  # key facts on the summary sheet (label, value)

    def all_sections(self):
        for section in self.sections:
            yield section
            yield from section.subsections


# ------------------------------------------------------------------------------------------- numbers

def fmt_count(value) -> str:
    return number(value, 0) if value is not None else "—"


def fmt_percent(value) -> str:
    return f"{number(value)}%" if value is not None else "—"


def fmt_measure(value, unit) -> str:
    if value is None:
        return "—"
    return fmt_percent(value) if unit == "percent" else number(value)


def fmt_ratio(numerator, denominator) -> str:
    if numerator is None or denominator is None:
        return ""
    return f"{number(numerator)}/{number(denominator)}"


def share(count: int, total: int) -> Decimal | None:
    """A percentage with two decimals (as the engine stores values); None without a total."""
    if not total:
        return None
    return (Decimal(count) * 100 / Decimal(total)).quantize(Decimal("0.01"))


# ------------------------------------------------------------------------- the official-format header

def vietnamese_date(day: dt.date) -> str:
    """"ngày 05 tháng 01 năm 2024": days below 10 and the months January and February take a leading zero
    (Hướng dẫn 36-HD/VPTW), so the date cannot be altered by adding a digit."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


# The suffix of a document number by the kind of the issuing body (Hướng dẫn 36: the abbreviated name of
# the issuing body). A directly subordinate committee is a bloc ("ĐUK") or a district-level one (its name
# says which); anything unexpected gets the generic "ĐU".
_ABBREVIATIONS = {
    OrgKind.PROVINCIAL: "TU",
    OrgKind.GRASSROOTS_COMMITTEE: "ĐU",
    OrgKind.PARTIAL_COMMITTEE: "ĐU",
    OrgKind.GRASSROOTS_CELL: "CB",
    OrgKind.SUB_CELL: "CB",
    OrgKind.PARTY_GROUP: "CB",
}
_DIRECT_BY_NAME = [("khối", "ĐUK"), ("huyện", "HU"), ("thị xã", "TXU"), ("thành phố", "ThU"), ("quận", "QU")]


def abbreviation(organization) -> str:
    if organization.kind == OrgKind.DIRECT:
        name = organization.name.lower()
        for word, abbr in _DIRECT_BY_NAME:
            if word in name:
                return abbr
        return "ĐU"
    if organization.kind == OrgKind.PROVINCIAL and organization.name.lower().startswith("thành ủy"):
        return "ThU"
    return _ABBREVIATIONS.get(organization.kind, "ĐU")


def committee_name(name: str) -> str:
    """The body that issues documents for an organization: a đảng bộ issues through its đảng ủy
    ("Đảng bộ Khối các cơ quan tỉnh" → "Đảng ủy Khối các cơ quan tỉnh"); tỉnh ủy and chi bộ are both."""
    return re.sub(r"^Đảng bộ\b", "Đảng ủy", name.strip())


_PARTY_BODY = [(r"^Tỉnh ủy\s+", "Đảng bộ tỉnh "), (r"^Thành ủy\s+", "Đảng bộ thành phố "),
               (r"^Huyện ủy\s+", "Đảng bộ huyện "), (r"^Đảng ủy\b", "Đảng bộ")]


def party_body_name(name: str) -> str:
    """The higher body as the header's first line names it: the đảng bộ ("Tỉnh ủy Lâm Đồng" → "Đảng bộ tỉnh
    Lâm Đồng", "Đảng ủy Khối …" → "Đảng bộ Khối …")."""
    name = name.strip()
    for pattern, replacement in _PARTY_BODY:
        if re.match(pattern, name):
            return re.sub(pattern, replacement, name)
    return name


def province_place(organization) -> str:
    """The place in the header: REPORTS_PLACE, else the province the tree's root names ("Tỉnh ủy Lâm Đồng" →
    "Lâm Đồng")."""
    configured = getattr(settings, "REPORTS_PLACE", "")
    if configured:
        return configured
    from organizations.models import Organization

    root = Organization.objects.filter(path=organization.path[: Organization.steplen]).first() or organization
    return re.sub(r"^(Tỉnh ủy|Thành ủy|Đảng bộ tỉnh|Đảng bộ thành phố)\s+", "", root.name.strip()) or root.name


def signer_authority(organization) -> str:
    if organization.kind in (OrgKind.PROVINCIAL, OrgKind.DIRECT):
        return "T/M BAN THƯỜNG VỤ"
    if organization.kind in (OrgKind.GRASSROOTS_COMMITTEE, OrgKind.PARTIAL_COMMITTEE):
        return "T/M ĐẢNG ỦY"
    return "T/M CHI BỘ"


def term_of(day: dt.date) -> str:
    """The committee term a date falls in, by the five-year congress cycle (2020-2025, 2025-2030, …); the form
    lets a committee whose term runs differently write its own."""
    start = day.year - day.year % 5
    return f"{start}-{start + 5}"


def build_header(organization, params: dict, *, document_type: str = "BC") -> Header:
    """The header from the organization, with whatever the form filled in taking precedence."""
    from organizations.models import Organization

    parent = Organization.objects.get_parent(organization) if organization.depth > 1 else None
    issued_on = params.get("issued_on")
    issued_on = dt.date.fromisoformat(issued_on) if isinstance(issued_on, str) and issued_on else issued_on
    issued_on = issued_on or dt.date.today()
    higher = params.get("higher_body") or (party_body_name(parent.name) if parent else "")
    issuing = params.get("issuing_body") or committee_name(organization.name)
    recipients = [line.strip() for line in (params.get("recipients") or "").splitlines() if line.strip()]
    if not recipients:
        recipients = ([f"- {committee_name(parent.name)} (b/c)," if parent else None,
                       "- Các đồng chí cấp ủy viên,", "- Lưu Văn phòng."])
        recipients = [r for r in recipients if r]
    return Header(
        higher_body=higher.upper(), issuing_body=issuing.upper(),
        place=params.get("place") or province_place(organization), issued_on=issued_on,
        signer_authority=(params.get("signer_authority") or signer_authority(organization)).upper(),
        signer_title=(params.get("signer_title") or "BÍ THƯ").upper(), signer_name=params.get("signer_name") or "",
        recipients=recipients, abbreviation=params.get("abbreviation") or abbreviation(organization),
        document_type=document_type, term=params.get("term") or term_of(issued_on))
