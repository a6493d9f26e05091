"""Issue 19 item 4: hostile and oversized workbooks are refused before they are parsed, fast, with a Vietnamese
message naming the limit, on both upload endpoints (core.uploads.check_workbook). A zip bomb took 77–92 s to be
refused, a billion-laughs workbook gave a 500, a million-row sheet got no answer in 300 s."""

from __future__ import annotations

import io
import time
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from core.uploads import check_workbook
from members.register.models import Member

pytestmark = pytest.mark.django_db
YEAR = 2024
LIMIT_SECONDS = 5


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _workbook_with_sheet(sheet_xml_chunks, *, compresslevel=6) -> bytes:
    """A real workbook (openpyxl's) whose first sheet's XML is replaced by ``sheet_xml_chunks``."""
    base = io.BytesIO()
    Workbook().save(base)
    out = io.BytesIO()
    with zipfile.ZipFile(base) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED,
                                                          compresslevel=compresslevel) as target:
        for item in source.infolist():
            if item.filename == "xl/worksheets/sheet1.xml":
                with target.open(item.filename, "w", force_zip64=True) as sheet:
                    for chunk in sheet_xml_chunks:
                        sheet.write(chunk)
            else:
                target.writestr(item, source.read(item.filename))
    return out.getvalue()


HEAD = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        b'2006/main"><sheetData>')
TAIL = b"</sheetData></worksheet>"


def zip_bomb() -> bytes:
    """About 1 GB of XML whitespace deflated to about 1 MB."""
    chunk = b" " * (16 * 1024 * 1024)
    return _workbook_with_sheet([HEAD, *([chunk] * 64), TAIL], compresslevel=1)


def billion_laughs() -> bytes:
    entities = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    doctype = f'<!DOCTYPE worksheet [<!ENTITY l0 "ha">{entities}]>'.encode()
    return _workbook_with_sheet([b'<?xml version="1.0"?>', doctype,
                                 b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                                 b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&l9;</t></is></c></row>',
                                 TAIL])


def rows(n: int, columns: int = 1) -> bytes:
    """``n`` rows of ``columns`` numbers (a million rows: about 40 MB of XML, 2 MB zipped)."""
    def chunks():
        yield HEAD
        for start in range(1, n + 1, 10_000):
            yield b"".join(
                b'<row r="%d">' % r + b"".join(b'<c r="%s%d"><v>1</v></c>' % (bytes([65 + c]), r)
                                               for c in range(columns)) + b"</row>"
                for r in range(start, min(start + 10_000, n + 1)))
        yield TAIL
    return _workbook_with_sheet(chunks())


def sparse_million() -> bytes:
    """Two rows numbered 1 and 1,000,000: a few hundred bytes that a reader lays out as a million rows."""
    return _workbook_with_sheet([HEAD, b'<row r="1"><c r="A1"><v>1</v></c></row>',
                                 b'<row r="1000000"><c r="A1000000"><v>1</v></c></row>', TAIL])


def claimed_million() -> bytes:
    """One row, and a dimension that claims a million (readers size their grid from it)."""
    return _workbook_with_sheet([HEAD.replace(b"<sheetData>", b'<dimension ref="A1:C1000000"/><sheetData>'),
                                 b'<row r="1"><c r="A1"><v>1</v></c></row>', TAIL])


def wide(columns: int) -> bytes:
    def letters(n):
        s = ""
        while n:
            n, rem = divmod(n - 1, 26)
            s = chr(65 + rem) + s
        return s
    cells = b"".join(b'<c r="%s1"><v>1</v></c>' % letters(c).encode() for c in range(1, columns + 1))
    return _workbook_with_sheet([HEAD, b'<row r="1">', cells, b"</row>", TAIL])


def endpoints(tree):
    return [(reverse("members:member_import"), {"start_reason": "recorded"}),
            (reverse("ratings:member_grid_upload", kwargs={"org_pk": tree.a2.pk, "year": YEAR}), {})]


def refused(client, url, extra, content) -> tuple[list[str], float]:
    started = time.monotonic()
    with translation.override("vi"):
        response = client.post(url, {"action": "preview", **extra, "file": SimpleUploadedFile("x.xlsx", content)})
        elapsed = time.monotonic() - started
        assert response.status_code == 200
        return [str(p) for p in response.context["problems"]], elapsed


@pytest.mark.parametrize("build, expected", [
    (zip_bomb, "100 MB (UPLOAD_MAX_UNCOMPRESSED_MB)"),
    (billion_laughs, "thực thể XML"),
    (lambda: rows(1_000_000), "20.000 dòng (UPLOAD_MAX_ROWS)"),
    (sparse_million, "20.000 dòng (UPLOAD_MAX_ROWS)"),
    (claimed_million, "20.000 dòng (UPLOAD_MAX_ROWS)"),
    (lambda: wide(101), "100 cột (UPLOAD_MAX_COLUMNS)"),
], ids=["zip-bomb", "billion-laughs", "million-rows", "sparse-million", "claimed-million", "101-columns"])
def test_a_hostile_workbook_is_refused_fast_on_both_endpoints_with_the_limit(tree, client_for, build, expected):
    content = build()
    assert len(content) < 10 * 1024 * 1024  # under the upload size limit: only the new checks refuse it
    client = client_for("committee_staff")
    for url, extra in endpoints(tree):
        problems, elapsed = refused(client, url, extra, content)
        assert len(problems) == 1 and expected in problems[0], problems
        assert elapsed < LIMIT_SECONDS, f"{url}: {elapsed:.1f} s"
    assert not Member.objects.exists()


def test_the_limits_are_settings_and_a_workbook_within_them_passes(settings, tmp_path):
    path = tmp_path / "ok.xlsx"
    path.write_bytes(rows(20_000, columns=3))
    assert check_workbook(path) == []
    settings.UPLOAD_MAX_ROWS = 19_999
    with translation.override("vi"):
        assert "19.999 dòng" in str(check_workbook(path)[0])
    settings.UPLOAD_MAX_ROWS, settings.UPLOAD_MAX_COLUMNS = 20_000, 2
    assert "UPLOAD_MAX_COLUMNS" in str(check_workbook(path)[0])
    path.write_bytes(b"not a zip")
    assert check_workbook(path) == []  # left to the parser, which says it is not a workbook
