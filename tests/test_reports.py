"""Year-end reports (issue 10): the PDF read back (pdftotext: header lines, document number, every target
with its figures, Vietnamese diacritics; pdffonts: the bundled Liberation Serif, embedded; pdftoppm: page 1
as a PNG for a person to look at), the Excel workbook, the same figures in the PDF, the workbook and the API,
document numbering, the other report kinds, and the pages (who may see, download and mark submitted)."""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import subprocess
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from core.choices import RunStatus
from members.register.models import Member
from reports import services
from reports.document import (
    COUNT,
    Column,
    Document,
    Header,
    Section,
    Table,
    abbreviation,
    committee_name,
    party_body_name,
    term_of,
    vietnamese_date,
)
from reports.kinds import KINDS
from reports.models import DocumentNumber, ReportRun
from reports.pdf import render_pdf
from targets.engine.compute import recompute_target
from targets.engine.models import Resolution
from targets.records.models import PeriodicReport, ReportSubmission
from tests.conftest import require_tool
from tests.factories import make_member
from tests.lists import records
from tests.test_admissions_views import admit
from tests.test_metric_ratings import rate_member, rate_org
from tests.test_targets_views import attach

pytestmark = pytest.mark.django_db
YEAR = 2024
DOC = {"place": "Lâm Đồng", "issued_on": "2024-11-15", "signer_name": "Nguyễn Văn Thử", "signer_title": "Bí thư"}


def vi(message: str) -> str:
    with translation.override("vi"):
        return translation.gettext(message)


def build_world(tree):
    """Bloc A's resolution with four targets copied from the catalogue (members HTT+ ≥ 90%, members HTXS
    15–20%, TCCSĐ HTT+ ≥ 85%, at least 80 admissions), and the records that give, for 2024: 7 of 8 members
    HTT or better (87,5%), 1 of 8 HTXS (12,5%), 1 of 2 TCCSĐ HTT (50%), one admission; 2023 better."""
    resolution = attach(tree.bloc_a, ("LD-4b", "LD-4c", "LD-4a", "LD-7a"), code="khoia")
    # The admission brings two sponsors into cell A1-1 (members since 2020) and a member admitted in October,
    # too recently to be rated.
    admitted = admit(tree.a1_1, dt.date(YEAR, 10, 20))
    sponsors = list(Member.objects.filter(cell=tree.a1_1).exclude(pk=admitted.member_id))
    members = (sponsors + [make_member(tree.a1_1) for _ in range(2)] + [make_member(tree.a1_2) for _ in range(2)]
               + [make_member(tree.a2) for _ in range(2)])
    assert len(members) == 8
    for member, level in zip(members, ["HTXS", "HTT", "HTT", "HTT", "HTT", "HTT", "HTT", "HT"], strict=True):
        rate_member(member, level, YEAR)
    for member, level in zip(members, ["HTXS", "HTXS", "HTT", "HTT", "HTT", "HTT", "HTT", "HTT"], strict=True):
        rate_member(member, level, YEAR - 1)
    rate_org(tree.a1, "HTT", committee=tree.bloc_a, year=YEAR)
    rate_org(tree.a2, "HT", committee=tree.bloc_a, year=YEAR)
    rate_org(tree.a1, "HTT", committee=tree.bloc_a, year=YEAR - 1)
    rate_org(tree.a2, "HTT", committee=tree.bloc_a, year=YEAR - 1)
    targets = list(resolution.targets.order_by("order"))
    for target in targets:
        recompute_target(target, [YEAR - 1, YEAR])
    return SimpleNamespace(resolution=resolution, targets=targets, members=members)


@pytest.fixture
def world(tree):
    return build_world(tree)


def params(world, tree, **extra):
    return {"resolution": world.resolution.pk, "organization": tree.bloc_a.pk, "year": YEAR, **DOC, **extra}


def generate(kind, parameters, formats="pdf,xlsx") -> ReportRun:
    """A draft: generated, not issued (no number)."""
    run = services.run_create(user=None, kind=kind, params=parameters, formats=formats, queue=False)
    run = services.generate(run, raise_errors=True)
    assert run.status == RunStatus.DONE, run.error
    return run


def issued(kind, parameters, formats="pdf,xlsx") -> ReportRun:
    """Generated, then issued by a trusted caller: numbered and generated again with its number."""
    run = services.issue(run=generate(kind, parameters, formats), user=None, queue=False)
    assert run.status == RunStatus.DONE, run.error
    return run


def pdf_text(path, *pages) -> str:
    tool = require_tool("pdftotext", "poppler-utils")
    args = [tool, "-layout"]
    if pages:
        args += ["-f", str(pages[0]), "-l", str(pages[-1])]
    return subprocess.run([*args, str(path), "-"], check=True, capture_output=True, text=True).stdout


def vi_number(value: Decimal) -> str:
    """87.50 → "87,5"; 100.00 → "100" (targets.engine.formatting's way)."""
    text = f"{Decimal(value).quantize(Decimal('0.1')):f}"
    text = text.rstrip("0").rstrip(".") if "." in text else text
    return text.replace(".", ",")


def near(lines: list[str], needle: str, before=2, after=3) -> str:
    """The lines around the first line holding ``needle`` (a table row whose name wraps spans a few lines)."""
    index = next(i for i, line in enumerate(lines) if needle in line)
    return "\n".join(lines[max(index - before, 0): index + after + 1])


# ----------------------------------------------------------------------------------- the document's parts

def test_header_helpers():
    assert vietnamese_date(dt.date(2024, 11, 15)) == "ngày 15 tháng 11 năm 2024"
    assert vietnamese_date(dt.date(2025, 1, 5)) == "ngày 05 tháng 01 năm 2025"  # leading zeros (HD 36)
    assert vietnamese_date(dt.date(2025, 3, 9)) == "ngày 09 tháng 3 năm 2025"
    assert committee_name("Đảng bộ Khối các cơ quan tỉnh") == "Đảng ủy Khối các cơ quan tỉnh"
    assert committee_name("Chi bộ Sở A2") == "Chi bộ Sở A2"
    assert party_body_name("Tỉnh ủy Lâm Đồng") == "Đảng bộ tỉnh Lâm Đồng"
    assert party_body_name("Đảng ủy Khối A") == "Đảng bộ Khối A"
    assert term_of(dt.date(2024, 11, 15)) == "2020-2025" and term_of(dt.date(2025, 11, 15)) == "2025-2030"


def test_abbreviations_follow_the_kind_of_issuing_body(tree):
    assert [abbreviation(o) for o in (tree.province, tree.bloc_a, tree.a1, tree.a1_1, tree.a2)] == [
        "TU", "ĐUK", "ĐU", "CB", "CB"]


# ------------------------------------------------------------------------------------------- the PDF

def test_the_year_end_pdf_reads_back_with_header_number_targets_and_diacritics(tree, world, output_dir):
    run = issued("resolution_year", params(world, tree))
    pdf_path = output_dir / "bao-cao.pdf"
    pdf_path.write_bytes(run.pdf_file.read())
    text = pdf_text(pdf_path)
    (output_dir / "bao-cao.txt").write_text(text)
    lines = text.splitlines()

    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text
    assert "ĐẢNG BỘ TỈNH THỬ NGHIỆM" in text  # the higher body, upper case
    assert "ĐẢNG ỦY KHỐI A" in text  # the issuing body, upper case
    assert re.search(r"^\s*BÁO CÁO\s*$", text, re.M)
    assert "Số 01-BC/ĐUK" in text and run.document_reference == "01-BC/ĐUK"
    assert "Lâm Đồng, ngày 15 tháng 11 năm 2024" in text
    assert "Kết quả năm 2024 thực hiện Nghị quyết khoia" in text  # the subject line
    for heading in ("I. ĐẶC ĐIỂM TÌNH HÌNH", "II. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU", "IV. ĐÁNH GIÁ CHUNG"):
        assert heading in text
    assert "Nơi nhận:" in text and "T/M BAN THƯỜNG VỤ" in text and "BÍ THƯ" in text
    assert "Nguyễn Văn Thử" in text
    # Every target of the resolution with its figures as the page writes them.
    expected = {"KHOIA-1": ["87,5%", "7/8", "100%"], "KHOIA-2": ["12,5%", "1/8", "25%"],
                "KHOIA-3": ["50%", "1/2", "100%"], "KHOIA-4": ["1"]}
    for code, figures in expected.items():
        around = near(lines, code)
        for figure in figures:
            assert figure in around, (code, figure, around)
    # Statuses in words, Vietnamese (the catalogue's labels).
    assert "Không đạt" in near(lines, "KHOIA-1") or vi("not met").capitalize() in near(lines, "KHOIA-1")
    # Per-TCCSĐ tables: the grassroots organizations' own rows.
    assert "Đảng bộ Sở A1" in text and "Chi bộ Sở A2" in text
    # Diacritics intact everywhere, including the composed letters of the fixed lines.
    for word in ("Nơi nhận", "Đặc điểm", "đảng viên", "Thường vụ".upper(), "xếp loại"):
        assert word.lower() in text.lower(), word

    # Page numbers from page 2: none on the first page, "2" atop the second.
    pages = text.split("\f")
    assert len([p for p in pages if p.strip()]) >= 2
    assert pdf_text(pdf_path, 2, 2).strip().splitlines()[0].strip() == "2"
    assert not re.match(r"^\s*1\s*$", pages[0].strip().splitlines()[0])

    # Page 1 as a PNG for a person to look at.
    pdftoppm = require_tool("pdftoppm", "poppler-utils")
    subprocess.run([pdftoppm, "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf_path), str(output_dir / "page")],
                   check=True)
    assert list(output_dir.glob("page*.png"))


BUNDLED = {"Liberation-Serif-Bundled", "Liberation-Serif-Bundled-Bold", "Liberation-Serif-Bundled-Italic",
           "Liberation-Serif-Bundled-Bold-Italic"}


def pdffonts(path) -> tuple[str, list[list[str]]]:
    tool = require_tool("pdffonts", "poppler-utils")
    out = subprocess.run([tool, str(path)], check=True, capture_output=True, text=True).stdout
    return out, [line.split() for line in out.splitlines()[2:] if line.strip()]


def embedded_font_families(pdf: bytes) -> set[str]:
    """The family names inside the embedded font programs, read with fontTools: proof that the glyphs are
    Liberation Serif's, whatever name the PDF gives the font. Every stream is inflated and those that are
    TrueType programs are parsed (the font dictionaries themselves sit in compressed object streams)."""
    import zlib

    from fontTools.ttLib import TTFont

    families = set()
    for match in re.finditer(rb"<<((?:(?!>>).)*?)>>\s*stream\r?\n", pdf, re.S):
        length = re.search(rb"/Length (\d+)(?! \d+ R)", match.group(1))
        if not length:
            continue
        data = pdf[match.end():match.end() + int(length.group(1))]
        if b"/FlateDecode" in match.group(1):
            try:
                data = zlib.decompress(data)
            except zlib.error:
                continue
        if data[:4] in (b"\x00\x01\x00\x00", b"true"):
            families.add(TTFont(io.BytesIO(data))["name"].getDebugName(1))
    return families


def test_the_pdf_uses_only_the_bundled_liberation_serif_embedded(tree, world, output_dir):
    run = generate("resolution_year", params(world, tree), formats="pdf")
    pdf = run.pdf_file.read()
    pdf_path = output_dir / "fonts.pdf"
    pdf_path.write_bytes(pdf)
    out, rows = pdffonts(pdf_path)
    (output_dir / "pdffonts.txt").write_text(out)
    names = {row[0].split("+")[-1] for row in rows}
    assert names <= BUNDLED and {"Liberation-Serif-Bundled", "Liberation-Serif-Bundled-Bold",
                                 "Liberation-Serif-Bundled-Italic"} <= names, out
    assert all(row[-5] == "yes" for row in rows), out  # the "emb" column: every font embedded
    assert embedded_font_families(pdf) == {"Liberation Serif"}


def test_the_pdf_renders_with_no_system_font_at_all(tree, world, output_dir, tmp_path):
    """The bundled files are enough: in a process whose fontconfig knows no font directory at all, the PDF
    still comes out in Liberation Serif with its Vietnamese text (the report never depends on a machine's
    fonts)."""
    import os
    import pickle
    import sys

    from django.db import connection

    from core.env import database_url_from_settings
    from reports.kinds import get_kind
    from tests.conftest import ROOT

    config = tmp_path / "fonts.conf"
    config.write_text('<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
                      f"<cachedir>{tmp_path}/cache</cachedir></fontconfig>")
    with translation.override("vi"):
        document = get_kind("resolution_year").build(params(world, tree))
    blob = tmp_path / "document.pickle"
    blob.write_bytes(pickle.dumps(document))
    script = ("import django, pickle, sys; django.setup(); from reports.pdf import render_pdf; "
              "sys.stdout.buffer.write(render_pdf(pickle.load(open(sys.argv[1], 'rb'))))")
    env = {**os.environ, "FONTCONFIG_FILE": str(config), "DJANGO_SETTINGS_MODULE": "config.test_settings",
           "DATABASE_URL": database_url_from_settings(connection.settings_dict, name=connection.settings_dict["NAME"])}
    done = subprocess.run([sys.executable, "-c", script, str(blob)], cwd=ROOT, env=env, capture_output=True,
                          timeout=180)
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    pdf_path = output_dir / "no-system-fonts.pdf"
    pdf_path.write_bytes(done.stdout)
    out, rows = pdffonts(pdf_path)
    (output_dir / "pdffonts.txt").write_text(out)
    assert rows and {row[0].split("+")[-1] for row in rows} <= BUNDLED, out
    assert embedded_font_families(done.stdout) == {"Liberation Serif"}
    text = pdf_text(pdf_path)
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text and "Nơi nhận:" in text and "87,5%" in text


def test_long_tables_repeat_their_header_row_on_every_page(output_dir):
    table = Table(title="Bảng dài", columns=[Column("STT", COUNT, key=True), Column("Tên tổ chức đảng"),
                                              Column("Số đảng viên", COUNT)],
                  rows=[[i, f"Chi bộ số {i}", i * 3] for i in range(1, 151)])
    document = Document(kind="test", doc_type_name="BÁO CÁO", subject="Thử bảng dài", title="Thử",
                        header=Header(higher_body="ĐẢNG BỘ TỈNH THỬ", issuing_body="ĐẢNG ỦY KHỐI THỬ",
                                      number_text="Số 01-BC/ĐUK", place="Thử", issued_on=dt.date(2024, 11, 15)),
                        sections=[Section("I", "Bảng", tables=[table])])
    with translation.override("vi"):
        pdf = render_pdf(document)
    path = output_dir / "long-table.pdf"
    path.write_bytes(pdf)
    pages = [p for p in pdf_text(path).split("\f") if "Chi bộ số" in p]
    assert len(pages) >= 3
    for page in pages:  # the header row on every page the table runs over
        assert "Tên tổ chức đảng" in page and "Số đảng viên" in page
    assert "Chi bộ số 150" in pages[-1]


# ------------------------------------------------------------------------------- the same figures thrice

def test_excel_pdf_and_api_show_the_same_figures(tree, world, client_for, output_dir):
    run = generate("resolution_year", params(world, tree))
    pdf_path = output_dir / "report.pdf"
    pdf_path.write_bytes(run.pdf_file.read())
    lines = pdf_text(pdf_path).splitlines()

    workbook = load_workbook(io.BytesIO(run.xlsx_file.read()))
    sheet = workbook["Tổng hợp"]
    assert sheet.freeze_panes == "A4"  # heading line, table title, header row
    header = [c.value for c in sheet[3]]
    col = {name: header.index(name) for name in header if name}
    excel = {}
    for row in sheet.iter_rows(min_row=4, values_only=False):
        code = row[col["Mã"]].value
        if not code:
            break  # the end of the table (the facts under it follow a blank row)
        value_cell = row[col[f"Năm {YEAR}"]]
        excel[code] = {"value": value_cell.value, "format": value_cell.number_format,
                       "numerator": row[col["Tử số/mẫu số: tử số"]].value,
                       "denominator": row[col["Tử số/mẫu số: mẫu số"]].value}

    response = client_for("committee_staff").get("/api/attainments/", {
        "resolution": "khoia", "year": YEAR, "organization": tree.bloc_a.pk})
    api = {r["target"]: r for r in response.json()["results"]}
    codes = [t.code for t in world.targets]
    assert set(api) == set(excel) == set(codes)

    for target in world.targets:
        a, x = api[target.code], excel[target.code]
        value = Decimal(a["value"])
        around = near(lines, target.code)
        if target.unit == "percent":
            assert x["format"] == "0.0%"
            assert math.isclose(x["value"] * 100, float(value), abs_tol=1e-9), target.code
            assert (x["numerator"], x["denominator"]) == (int(Decimal(a["numerator"])), int(Decimal(a["denominator"])))
            assert f"{vi_number(value)}%" in around
            assert f"{x['numerator']}/{x['denominator']}" in around
        else:
            assert x["value"] == int(value) == int(Decimal(a["numerator"]))
            assert vi_number(value) in around
    # The figures the test built, to be sure all three are not equally wrong.
    assert (api["KHOIA-1"]["value"], api["KHOIA-1"]["numerator"], api["KHOIA-1"]["denominator"]) == (
        "87.50", "7.00", "8.00")
    assert excel["KHOIA-1"]["value"] == 0.875


def test_the_workbook_has_a_sheet_per_section_with_frozen_headers_widths_and_formats(tree, world):
    run = generate("resolution_year", params(world, tree), formats="xlsx")
    assert not run.pdf_file and run.document_reference == ""  # no PDF, no number used
    workbook = load_workbook(io.BytesIO(run.xlsx_file.read()))
    assert workbook.sheetnames[0] == "Tổng hợp"
    assert {"Xếp loại", "Phát triển đảng viên"} <= set(workbook.sheetnames)
    ratings = workbook["Xếp loại"]
    assert ratings.freeze_panes == "A4"
    assert ratings.column_dimensions["B"].width > 20
    header = [c.value for c in ratings[3]]
    assert header[:3] == ["STT", "Mức xếp loại", "Số đảng viên"]
    formats = {c.number_format for row in ratings.iter_rows(min_row=4, max_row=6) for c in row if c.value is not None}
    assert {"0.0%", "#,##0"} <= formats
    per_org = next(ws for ws in workbook.worksheets if any(
        c.value == "Đảng bộ Sở A1" for row in ws.iter_rows() for c in row))
    assert per_org.title == "Xếp loại"


# ---------------------------------------------------------------------------------------- numbering

def test_numbers_run_per_body_type_and_term_and_restart_in_a_new_term(tree, world, output_dir):
    first = issued("resolution_year", params(world, tree), formats="pdf")
    second = issued("resolution_year", params(world, tree), formats="pdf")
    assert (first.document_reference, second.document_reference) == ("01-BC/ĐUK", "02-BC/ĐUK")
    path = output_dir / "second.pdf"
    path.write_bytes(second.pdf_file.read())
    assert "Số 02-BC/ĐUK" in pdf_text(path, 1, 1)
    new_term = issued("resolution_year", params(world, tree, issued_on="2025-11-14"), formats="pdf")
    assert new_term.document_reference == "01-BC/ĐUK"
    other_body = issued("resolution_year", params(world, tree, organization=tree.a1.pk), formats="pdf")
    assert other_body.document_reference == "01-BC/ĐU"
    assert DocumentNumber.objects.get(issuing_body=tree.bloc_a, document_type="BC", term="2020-2025").last_number == 2
    # A number given back only when nothing was numbered after it.
    assert services.release_number(tree.bloc_a, "BC", "2020-2025", 1) is False
    assert services.release_number(tree.bloc_a, "BC", "2020-2025", 2) is True
    assert services.allocate_number(tree.bloc_a, "BC", "2020-2025") == 2


def test_a_generated_report_is_a_draft_without_a_number_until_staff_issue_it(
        tree, world, client_for, output_dir, django_capture_on_commit_callbacks):
    """Issue 19 item 7: any user who could view an organization used up its official numbers by generating a
    report. Generating now makes a draft ("DỰ THẢO", no number); only staff with ISSUE_REPORTS on the report's
    organization give it its number, once."""
    leadership = client_for("leadership")
    with django_capture_on_commit_callbacks(execute=True):
        response = leadership.post(reverse("reports:run_create"), _post_form(world, tree))
    run = ReportRun.objects.get()
    assert response.status_code == 302 and run.status == RunStatus.DONE
    assert (run.document_number, run.document_reference, run.issued_at) == (None, "", None)
    assert not DocumentNumber.objects.exists()  # generating used no number
    path = output_dir / "du-thao.pdf"
    path.write_bytes(run.pdf_file.read())
    first_page = pdf_text(path, 1, 1)
    assert "DỰ THẢO" in first_page and "Số 01" not in first_page
    summary = load_workbook(io.BytesIO(run.xlsx_file.read())).worksheets[0]
    assert summary["A1"].value.endswith("— DỰ THẢO")
    page = leadership.get(reverse("reports:run_detail", args=[run.pk])).content.decode()
    issue_url = reverse("reports:run_issue", args=[run.pk])
    assert 'data-test="draft"' in page and issue_url not in page

    assert leadership.post(issue_url).status_code == 403  # sees the report, may not issue it
    assert client_for("outsider").post(issue_url).status_code == 404
    assert client_for("grassroots_officer").post(issue_url).status_code == 404  # bloc A is above A1
    assert not DocumentNumber.objects.exists()
    staff = client_for("committee_staff")
    assert issue_url in staff.get(reverse("reports:run_detail", args=[run.pk])).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert staff.post(issue_url).status_code == 302
    run.refresh_from_db()
    assert (run.document_number, run.document_reference, run.status) == (1, "01-BC/ĐUK", RunStatus.DONE)
    assert run.issued_by.username == "canbo" and run.issued_at is not None
    path.write_bytes(run.pdf_file.read())
    first_page = pdf_text(path, 1, 1)
    assert "Số 01-BC/ĐUK" in first_page and "DỰ THẢO" not in first_page
    # Issued once: a second issue is refused and uses no number.
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(issue_url)
    assert DocumentNumber.objects.get().last_number == 1


def test_a_draft_cannot_be_marked_submitted(tree, world):
    run = generate("resolution_year", params(world, tree, organization=tree.a1.pk), formats="pdf")
    report = PeriodicReport.objects.get(code="degradation-yearly")
    with pytest.raises(ValidationError):
        services.mark_submitted(run=run, report=report, year=timezone.localdate().year)
    assert not ReportSubmission.objects.exists()


def test_the_management_command_generates_the_same_run_and_prints_the_paths(tree, world, capsys):
    tree.bloc_a.code = "DBK-A"
    tree.bloc_a.save(update_fields=["code"])
    call_command("generate_report", "--kind", "resolution_year", "--organization", "DBK-A", "--resolution", "khoia",
                 "--year", str(YEAR), "--format", "pdf,xlsx", "--issued-on", "2024-11-15")
    out = capsys.readouterr().out.split()
    assert len(out) == 2 and out[0].endswith(".pdf") and out[1].endswith(".xlsx")
    run = ReportRun.objects.get()
    assert run.status == RunStatus.DONE and run.requested_by is None and run.organization == tree.bloc_a
    assert run.pdf_file.path == out[0]


def test_a_failure_ends_the_run_failed_with_a_message_and_uses_no_number(tree, world):
    run = services.run_create(user=None, kind="resolution_year", params=params(world, tree), queue=False)
    Resolution.objects.filter(pk=world.resolution.pk).delete()
    run = services.generate(run)
    assert run.status == RunStatus.FAILED and run.finished_at is not None
    assert run.error == vi("The report could not be generated: %(error)s") % {
        "error": vi("The resolution of this report no longer exists.")}
    assert not DocumentNumber.objects.exists() and run.document_reference == ""


# --------------------------------------------------------------------------------------- other kinds

def test_rating_statistics_count_members_and_organizations_by_level_per_tccsd(tree, world, output_dir):
    run = generate("rating_statistics", {"organization": tree.bloc_a.pk, "year": YEAR, **DOC})
    workbook = load_workbook(io.BytesIO(run.xlsx_file.read()))
    summary = workbook["Tổng hợp"]
    levels = {row[1]: (row[2], row[3]) for row in summary.iter_rows(min_row=4, values_only=True) if row[1]}
    # 8 members rated in 2024: 1 HTXS, 6 HTT, 1 HT.
    htxs, htt = next(k for k in levels if "xuất sắc" in k), next(k for k in levels if "tốt" in k)
    assert levels[htxs] == (1, 0.125) and levels[htt] == (6, 0.75)
    members = workbook["Đảng viên"]
    a1 = next(row for row in members.iter_rows(values_only=True) if row[1] == "Đảng bộ Sở A1")
    assert a1[2] == 6  # members of A1 rated (cells A1-1 and A1-2)
    path = output_dir / "xep-loai.pdf"
    path.write_bytes(run.pdf_file.read())
    text = pdf_text(path)
    assert "Đảng bộ Sở A1" in text and "12,5%" in text and "75%" in text


def test_composition_report(tree, world, output_dir):
    run = generate("composition", {"organization": tree.bloc_a.pk, "day": "2024-12-31", **DOC})
    path = output_dir / "co-cau.pdf"
    path.write_bytes(run.pdf_file.read())
    text = pdf_text(path)
    assert "Cơ cấu, thành phần đảng viên tính đến ngày 31/12/2024" in text
    summary = load_workbook(io.BytesIO(run.xlsx_file.read()))["Tổng hợp"]
    total = sum(row[2] for row in summary.iter_rows(min_row=4, values_only=True)
                if row[0] == vi("Gender") and isinstance(row[2], int))
    assert total == 9  # eight members and the one admitted in October


def test_every_kind_is_registered_with_a_form():
    assert set(KINDS) == {"resolution_year", "rating_statistics", "composition"}
    for kind in KINDS.values():
        assert kind.form_class and str(kind.label)


# --------------------------------------------------------------------------------------------- pages

def _post_form(world, tree, **extra):
    return {"kind": "resolution_year", "resolution": world.resolution.pk, "organization": tree.bloc_a.pk,
            "year": YEAR, "formats": "pdf,xlsx", "issued_on": "15/11/2024", "place": "Lâm Đồng",
            "signer_title": "BÍ THƯ", "signer_name": "Nguyễn Văn Thử", **extra}


def test_a_run_started_from_the_page_generates_and_downloads_within_scope(
        tree, world, client_for, django_capture_on_commit_callbacks):
    client = client_for("committee_staff")
    assert client.get(reverse("reports:run_create"), {"kind": "resolution_year"}).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):  # eager Celery: the task runs on commit
        response = client.post(reverse("reports:run_create"), _post_form(world, tree))
    run = ReportRun.objects.get()
    assert response.status_code == 302 and response.url == reverse("reports:run_detail", args=[run.pk])
    assert run.status == RunStatus.DONE and run.progress == 100 and run.requested_by.username == "canbo"
    page = client.get(reverse("reports:run_detail", args=[run.pk])).content.decode()
    pdf_url = reverse("reports:run_download", args=[run.pk, "pdf"])
    assert pdf_url in page and reverse("reports:run_download", args=[run.pk, "xlsx"]) in page
    assert "hx-trigger" not in page  # finished: no more polling
    download = client.get(pdf_url)
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert run in records(client.get(reverse("reports:run_list")))

    # Someone who cannot see bloc A does not learn the run exists.
    outsider = client_for("outsider")
    assert outsider.get(reverse("reports:run_detail", args=[run.pk])).status_code == 404
    assert outsider.get(pdf_url).status_code == 404
    assert records(outsider.get(reverse("reports:run_list"))) == []
    # Nor can anyone ask for a report on an organization outside their scope.
    response = outsider.post(reverse("reports:run_create"), _post_form(world, tree))
    assert response.status_code == 200 and ReportRun.objects.count() == 1


def test_a_running_run_polls_and_a_stale_one_shows_as_failed(tree, world, client_for, settings):
    run = services.run_create(user=None, kind="resolution_year", params=params(world, tree), queue=False)
    client = client_for("committee_staff")
    html = client.get(reverse("reports:run_progress", args=[run.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in html
    ReportRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, progress=40,
                                               started_at=timezone.now() - dt.timedelta(minutes=45))
    settings.REPORTS_STALE_MINUTES = 30
    html = client.get(reverse("reports:run_progress", args=[run.pk])).content.decode()
    assert "hx-trigger" not in html and 'data-test="run-error"' in html
    assert services.mark_stale_runs() == 1
    assert ReportRun.objects.get(pk=run.pk).status == RunStatus.FAILED


def test_the_grassroots_organization_marks_its_report_submitted(tree, world, client_for):
    """A TCCSĐ reports on its bloc's resolution and marks the report submitted: a DUE submission dated today
    whose reference is the document number."""
    officer = client_for("grassroots_officer")
    form = officer.get(reverse("reports:run_create"), {"kind": "resolution_year"}).context["form"]
    assert world.resolution in form.fields["resolution"].queryset  # the bloc's resolution, from below
    run = issued("resolution_year", params(world, tree, organization=tree.a1.pk))
    assert run.document_reference == "01-BC/ĐU"
    url = reverse("reports:run_mark_submitted", args=[run.pk])
    report = PeriodicReport.objects.get(code="degradation-yearly")
    this_year = timezone.localdate().year  # a report for a year is submitted within it (or early the next)
    data = {"mark-report": report.pk, "mark-year": this_year, "mark-quarter": 0}
    assert client_for("leadership").post(url, data).status_code == 403  # sees it, may not report
    assert client_for("cell_secretary").post(url, data).status_code == 404  # A1 is above its cell
    officer = client_for("grassroots_officer")
    response = officer.post(url, data)
    assert response.status_code == 302
    submission = ReportSubmission.objects.get()
    assert (submission.organization, submission.report, submission.year, submission.quarter, submission.reference) == (
        tree.a1, report, this_year, 0, "01-BC/ĐU")
    assert submission.submitted_on == timezone.localdate()
    run.refresh_from_db()
    assert run.submission == submission
    page = officer.get(reverse("reports:run_detail", args=[run.pk])).content.decode()
    assert url not in page  # marked once
    officer.post(url, data)
    assert ReportSubmission.objects.count() == 1


def test_retention_purges_old_files_and_keeps_the_run(tree, world, settings):
    run = issued("resolution_year", params(world, tree))
    path = run.pdf_file.path
    settings.REPORTS_RETENTION_DAYS = 90
    assert services.purge_old_files(now=timezone.now() + dt.timedelta(days=30)) == 0
    assert services.purge_old_files(now=timezone.now() + dt.timedelta(days=91)) == 1
    run.refresh_from_db()
    import os

    assert not run.pdf_file and not run.xlsx_file and run.files_purged_at and not os.path.exists(path)
    assert run.document_reference == "01-BC/ĐUK"  # the record of what was issued stays


# Measured baseline of building the year-end report's document, whatever the number of organizations.
YEAR_REPORT_QUERIES = 29


def test_building_the_year_end_report_takes_the_same_queries_for_more_organizations(tree, world):
    """Set-based reads: three more grassroots organizations with rated members cost no extra query."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from organizations.choices import OrgKind
    from organizations.services import organization_create
    from reports.kinds import get_kind
    from tests.conftest import FOUNDED

    def count() -> int:
        with translation.override("vi"), CaptureQueriesContext(connection) as queries:
            get_kind("resolution_year").build(params(world, tree))
        return len(queries)

    before = count()
    for i in range(3):
        cell = organization_create(name=f"Chi bộ Sở Thêm {i}", kind=OrgKind.GRASSROOTS_CELL, parent=tree.bloc_a,
                                   founded_on=FOUNDED)
        for level in ("HTT", "HTXS"):
            rate_member(make_member(cell), level, YEAR)
        rate_org(cell, "HTT", committee=tree.bloc_a, year=YEAR)
    for target in world.targets:
        recompute_target(target, [YEAR - 1, YEAR])
    after = count()
    assert before == after == YEAR_REPORT_QUERIES, (before, after)


def test_the_run_list_orders_paginates_by_25_and_costs_the_same_queries_for_3_or_30_rows(
        tree, personas, client_for, django_assert_num_queries):
    def run(title, organization, **fields):
        return ReportRun.objects.create(kind="resolution_year", title=title, organization=organization, **fields)

    first = run("Báo cáo B", tree.a1, status=RunStatus.DONE, pdf_file="reports/b.pdf", document_reference="12-BC/ĐU",
                requested_by=personas.committee_staff)
    run("Báo cáo A", tree.a2)
    run("Báo cáo C", tree.b1)  # outside bloc A
    client = client_for("committee_staff")
    url = reverse("reports:run_list")

    def titles(params=None):
        return [r.title for r in records(client.get(url, params or {}))]

    assert titles() == ["Báo cáo A", "Báo cáo B"]  # the newest first, within the user's scope
    assert titles({"sort": "title"}) == ["Báo cáo A", "Báo cáo B"]
    # No index of the runs leads with the organization's name or path: that sort is not offered and is ignored
    # (core.lists.sort_uses_index, issue 20), the newest first stays.
    assert titles({"sort": "-organization"}) == ["Báo cáo A", "Báo cáo B"]
    html = client.get(url).content.decode()
    assert reverse("reports:run_download", args=[first.pk, "pdf"]) in html and "Số 12-BC/ĐU" in html
    assert client_for("no_role").get(url).status_code == 403
    html = client_for("outsider").get(url, {"sort": "title"}).content.decode()  # bloc B: only C
    assert "Báo cáo C" in html and "Báo cáo A" not in html
    empty = client_for("cell_secretary").get(url)  # nothing generated for Chi bộ A1-1 yet
    assert records(empty) == [] and "Chưa có báo cáo nào của các tổ chức đảng bạn phụ trách." in empty.content.decode()

    client = client_for("committee_staff")
    with django_assert_num_queries(8):
        assert len(records(client.get(url, {"sort": "-requested_at"}))) == 2
    for n in range(28):
        run(f"Báo cáo {n:02d}", (tree.a1, tree.a2, tree.a1_1)[n % 3])
    with django_assert_num_queries(8):
        assert len(records(client.get(url, {"sort": "-requested_at"}))) == 25
    assert len(records(client.get(url, {"page": 2}))) == 5


def test_an_issued_report_keeps_the_figures_it_was_issued_with(tree, world, django_capture_on_commit_callbacks):
    """Issue 18 item 3: editing a target after its report was issued — its bound raised, a record behind it
    changed and the figures recomputed — leaves the issued PDF and workbook as issued; a new draft reads anew."""
    from members.ratings.models import MemberRating
    from targets.engine.services import target_update
    from tests.test_metric_ratings import level

    def summary(xlsx: bytes) -> dict:
        sheet = load_workbook(io.BytesIO(xlsx))["Tổng hợp"]
        header = [c.value for c in sheet[3]]
        return {row[header.index("Mã")]: (row[header.index(f"Năm {YEAR}")], row[header.index("Mục tiêu")])
                for row in sheet.iter_rows(min_row=4, values_only=True) if row[header.index("Mã")]}

    run = issued("resolution_year", params(world, tree))
    pdf, xlsx = run.pdf_file.read(), run.xlsx_file.read()
    assert summary(xlsx)["KHOIA-1"][0] == 0.875  # 7 of 8 HTT or better, counted when the world was built

    first = world.targets[0]
    MemberRating.objects.filter(member=world.members[7], year=YEAR).update(decided_level=level("member", "HTT", YEAR))
    with django_capture_on_commit_callbacks(execute=True):
        target_update(target=first, user=None, lower=Decimal("95"))
    first.refresh_from_db()
    assert first.lower == 95 and first.history.count() == 2
    assert first.attainments.get(organization=tree.bloc_a, year=YEAR).value == 100  # 8 of 8 now

    run.refresh_from_db()
    run.pdf_file.open("rb")
    run.xlsx_file.open("rb")
    assert (run.pdf_file.read(), run.xlsx_file.read()) == (pdf, xlsx)
    assert summary(xlsx)["KHOIA-1"] == summary(run.xlsx_file.open("rb").read())["KHOIA-1"]
    draft = summary(generate("resolution_year", params(world, tree)).xlsx_file.read())["KHOIA-1"]
    assert draft[0] == 1 and "95" in draft[1]
    assert "90" in summary(xlsx)["KHOIA-1"][1] and "95" not in summary(xlsx)["KHOIA-1"][1]


def test_a_failed_run_is_generated_again_from_its_page(tree, world, client_for, personas,
                                                      django_capture_on_commit_callbacks):
    """Issue 21 item 8: a run that failed (here: its worker was lost) is started again from its page, with the
    same parameters; a finished run is not, and a user who does not see its organization gets nothing."""
    run = services.run_create(user=personas.committee_staff, kind="resolution_year", params=params(world, tree),
                              formats="pdf", queue=False)
    run.mark_failed("Tiến trình xử lý bị dừng.")
    client = client_for("committee_staff")
    page = client.get(reverse("reports:run_detail", args=[run.pk]))
    assert 'data-test="retry"' in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:run_retry", args=[run.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("reports:run_detail", args=[run.pk])
    run.refresh_from_db()
    assert (run.status, run.error, run.progress) == (RunStatus.DONE, "", 100) and run.pdf_file
    assert run.pdf_file.read().startswith(b"%PDF")
    assert 'data-test="retry"' not in client.get(reverse("reports:run_detail", args=[run.pk])).content.decode()
    # A finished run is not started again: the page says why, the run is as it was.
    finished_at = run.finished_at
    response = client.post(reverse("reports:run_retry", args=[run.pk]), follow=True)
    assert "Chỉ chạy lại được" in response.content.decode()
    run.refresh_from_db()
    assert (run.status, run.finished_at) == (RunStatus.DONE, finished_at)
    # Another bloc's staff do not see the run at all.
    run.mark_failed("Lỗi thử.")
    assert client_for("outsider").post(reverse("reports:run_retry", args=[run.pk])).status_code == 404
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
