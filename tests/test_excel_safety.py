"""Issue 19 item 2: every workbook the application writes keeps user text as text (core/excel.py). A name
starting with "=" (or + - @, a tab, a carriage return) used to be written by openpyxl as a live formula."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from core.excel import FORMULA_PREFIXES, safe_cell, save, text_row
from tests.factories import make_member

pytestmark = pytest.mark.django_db
HOSTILE = '=HYPERLINK("http://x.invalid","x")'
YEAR = 2024


def cells_with(workbook_bytes: bytes, text: str) -> list:
    """Every cell of every sheet whose value is ``text``."""
    wb = load_workbook(io.BytesIO(workbook_bytes))
    return [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value == text]


def body(response) -> bytes:
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def assert_text(workbook_bytes: bytes, text: str = HOSTILE) -> None:
    found = cells_with(workbook_bytes, text)
    assert found, f"{text!r} is not in the workbook"
    assert all(c.data_type == "s" and c.quotePrefix for c in found), [(c.coordinate, c.data_type) for c in found]


def test_the_helper_marks_every_formula_prefix_and_nothing_else():
    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    values = [p + "1+1" for p in FORMULA_PREFIXES] + ["Nguyễn Văn A", "1-2", 42, None]  # None: no cell kept
    ws.append(text_row(ws, values))
    normal = Workbook()
    for col, value in enumerate(values, start=1):
        normal.active.cell(row=1, column=col, value=value)
    for wb_ in (wb, normal):
        buffer = io.BytesIO()
        wb_.save(buffer) if wb_ is wb else save(wb_, buffer)
        row = next(load_workbook(io.BytesIO(buffer.getvalue())).worksheets[0].iter_rows(max_row=1))
        assert [c.data_type for c in row[:len(FORMULA_PREFIXES)]] == ["s"] * len(FORMULA_PREFIXES)
        assert [c.quotePrefix for c in row[:len(values) - 1]] == [True] * len(FORMULA_PREFIXES) + [False] * 3
        # XML reads a carriage return back as a line feed; otherwise the text is exactly what was written
        assert [c.value for c in row[:len(FORMULA_PREFIXES) + 2]] == [
            v.replace("\r", "\n") for v in values[:len(FORMULA_PREFIXES) + 2]]
    assert safe_cell(normal.active["A1"]) is normal.active["A1"]


def test_the_member_export_writes_a_formula_like_name_as_text(tree, client_for):
    make_member(tree.a1_1, full_name=HOSTILE)
    assert_text(body(client_for("committee_staff").get(reverse("members:member_export"))))


def test_the_member_import_template_writes_a_formula_like_cell_name_as_text(tree, client_for):
    from organizations.models import Organization

    Organization.objects.filter(pk__in=[o.pk for o in (tree.a1_1, tree.a1_2, tree.a2)]).update(name=HOSTILE)
    assert_text(body(client_for("committee_staff").get(reverse("members:member_import_template"))))


def _decide(org, member, level="HTT"):
    from members.ratings.services import RowInput, member_grid, member_ratings_save

    grid = member_grid(organization=org, year=YEAR)
    member_ratings_save(organization=org, year=YEAR, user=None, grid_version=grid.version,
                        rows=[RowInput(member_id=member.pk, decided_level=level)])


def test_the_rating_grid_template_writes_a_formula_like_name_as_text(tree, client_for):
    make_member(tree.a2, full_name=HOSTILE)
    url = reverse("ratings:member_grid_template", kwargs={"org_pk": tree.a2.pk, "year": YEAR})
    assert_text(body(client_for("committee_staff").get(url)))


def test_the_decided_ratings_export_writes_a_formula_like_name_as_text(tree, client_for):
    member = make_member(tree.a2, full_name=HOSTILE)
    _decide(tree.a2, member)
    url = reverse("ratings:decided_export", kwargs={"org_pk": tree.bloc_a.pk, "year": YEAR})
    assert_text(body(client_for("committee_staff").get(url)))


def test_the_dashboard_workbook_writes_a_formula_like_target_text_as_text(tree, client_for):
    from targets.engine.models import Resolution, Target

    resolution = Resolution.objects.create(code="thu", number="01-NQ/ĐUK", title="Nghị quyết thử",
                                           issuer_name="Ban Thường vụ", scope=tree.bloc_a, start_year=2021,
                                           end_year=2025)
    source = Target.objects.get(code="LD-4b")
    Target.objects.create(resolution=resolution, code="T-1", order=1, family=source.family, params=source.params,
                          short_text=HOSTILE, clause=source.clause, comparator=source.comparator,
                          lower=source.lower, upper=source.upper, unit=source.unit, periodicity=source.periodicity)
    response = client_for("committee_staff").get(reverse("dashboard:overview_xlsx"),
                                                 {"org": tree.bloc_a.pk, "resolution": resolution.pk, "year": YEAR})
    assert_text(body(response))


def test_the_report_workbook_writes_a_formula_like_organization_name_as_text(tree):
    from organizations.models import Organization, OrganizationPlacement
    from reports.excel import render_xlsx
    from reports.kinds import get_kind

    Organization.objects.filter(pk=tree.a2.pk).update(name=HOSTILE)
    OrganizationPlacement.objects.filter(organization=tree.a2).update(name=HOSTILE)  # the name reports read
    document = get_kind("rating_statistics").build({
        "organization": tree.bloc_a.pk, "year": YEAR, "issued_on": dt.date(2025, 1, 15).isoformat(),
        "signer_title": "BÍ THƯ"})
    assert_text(render_xlsx(document))
