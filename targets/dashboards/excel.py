"""The dashboard overview as an Excel workbook: one row per target with the stored figure, so the numbers a
leader downloads are the ones on the page (``dashboard_views.overview_data`` builds both).

Values are real numbers: a share as a fraction with the percent format ``0.0%`` (87,2 %), counts as whole
numbers; the computation time in local time."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from core.excel import save as save_workbook
from targets.engine.choices import Unit

HEADER_ROW = 5
WIDTHS = [10, 60, 14, 12, 12, 12, 18, 18, 60]


def _headers() -> list[str]:
    return [_("Code"), _("Target"), _("Target value"), _("Numerator"), _("Denominator"), _("Value"), _("Status"),
            _("Computed at"), _("Notes")]


def _plain(value):
    """A Decimal as an int when whole, else a float (what a spreadsheet cell holds)."""
    if value is None:
        return None
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def overview_workbook(data: dict) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(data["year"])
    resolution, organization = data["resolution"], data["organization"]
    sheet["A1"] = _("Targets and their figures")
    sheet["A1"].font = Font(bold=True, size=13)
    sheet["A2"] = organization.name
    sheet["A3"] = str(resolution) if resolution else _("No resolution in force")
    sheet["A4"] = _("Year %(year)s") % {"year": data["year"]}
    for col, header in enumerate(_headers(), start=1):
        cell = sheet.cell(row=HEADER_ROW, column=col, value=header)
        cell.font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(col)].width = WIDTHS[col - 1]
    for offset, row in enumerate(data["rows"], start=1):
        r = HEADER_ROW + offset
        target, a = row["target"], row["attainment"]
        sheet.cell(row=r, column=1, value=target.code)
        sheet.cell(row=r, column=2, value=target.short_text).alignment = Alignment(wrap_text=True, vertical="top")
        sheet.cell(row=r, column=3, value=row["bounds"])
        if a is None:
            sheet.cell(row=r, column=7, value=_("not computed yet"))
            continue
        percent = target.unit == Unit.PERCENT
        sheet.cell(row=r, column=4, value=_plain(a.numerator))
        sheet.cell(row=r, column=5, value=_plain(a.denominator))
        if a.value is not None:
            # A share is stored as the fraction Excel formats as a percentage (87.25 → 0.8725 → 87,3 %).
            value = sheet.cell(row=r, column=6, value=float(Decimal(a.value) / 100) if percent else _plain(a.value))
            value.number_format = "0.0%" if percent else "#,##0.##"
        sheet.cell(row=r, column=7, value=a.get_status_display())
        when = sheet.cell(row=r, column=8, value=timezone.localtime(a.computed_at).replace(tzinfo=None))
        when.number_format = "dd/mm/yyyy hh:mm"
        # The figure kept beside the judged one (QT-4b), what is missing and what a party rule makes of the figure,
        # as on the page (figure_row).
        notes = "; ".join(filter(None, [row.get("beside"),
                                        " ".join(filter(None, [row.get("missing"), row.get("rule_notes")]))]))
        if notes:
            sheet.cell(row=r, column=9, value=notes).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=1)
    buffer = BytesIO()
    save_workbook(workbook, buffer)
    return buffer.getvalue()
