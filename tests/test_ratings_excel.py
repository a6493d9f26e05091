"""Excel of members' ratings: the pre-filled template, the upload with a dry-run preview and an
all-or-nothing confirmation, and the export of decided ratings."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.translation import override
from openpyxl import load_workbook

from members.ratings import excel as rating_excel
from members.ratings.choices import RatingStatus
from members.ratings.models import MemberRating
from members.ratings.services import RowInput, member_grid, member_ratings_save
from members.register.services import status_period_add
from tests.factories import make_member

pytestmark = pytest.mark.django_db
D = dt.date
YEAR = 2024


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def url(name, org, year=YEAR):
    return reverse(f"ratings:{name}", kwargs={"org_pk": org.pk, "year": year})


def header(key: str) -> str:
    """A column's header as the template writes it (and the preview names it)."""
    with override(rating_excel.SPREADSHEET_LANGUAGE):
        return next(c for c in rating_excel.COLUMNS if c.key == key).header(YEAR)


def workbook(response):
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return load_workbook(io.BytesIO(body))


def save(org, rows):
    grid = member_grid(organization=org, year=YEAR)
    return member_ratings_save(organization=org, year=YEAR, rows=rows, user=None, grid_version=grid.version)


def filled(wb, values: dict[int, dict[str, object]]) -> SimpleUploadedFile:
    """The workbook with ``values`` {excel row: {column key: value}} written in, as an upload."""
    ws = wb.worksheets[0]
    columns = {cell.value: cell.column for cell in ws[1]}
    for row, fields in values.items():
        for key, value in fields.items():
            ws.cell(row=row, column=columns[header(key)], value=value)
    buffer = io.BytesIO()
    wb.save(buffer)
    return SimpleUploadedFile("xep-loai.xlsx", buffer.getvalue())


def test_the_template_is_the_grid_pre_filled(tree, client_for):
    members = [make_member(tree.a2) for _ in range(3)]
    exempted = make_member(tree.a2)
    status_period_add(member=exempted, kind="exempted", start=D(2023, 1, 1))
    save(tree.a2, [RowInput(member_id=members[0].pk, proposed_level="HTT", decided_level="HTT", note="Tốt")])
    response = client_for("committee_staff").get(url("member_grid_template", tree.a2))
    assert response.status_code == 200
    wb = workbook(response)
    ws = wb.worksheets[0]
    headers = [c.value for c in ws[1]]
    assert headers[0] == header("member_id") and header("decided_level") in headers
    assert header("score") not in headers  # the 2024 scheme has no score
    assert ws.column_dimensions["A"].hidden and ws.protection.sheet
    rows = {r[0]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert set(rows) == {m.pk for m in members}  # one row per rated member, the exempted one left out
    first = dict(zip(headers, rows[members[0].pk]))
    assert (first[header("proposed_level")], first[header("decided_level")], first[header("note")]) == (
        "HTT", "HTT", "Tốt")
    levels = wb.worksheets[1]
    assert [r[0] for r in levels.iter_rows(min_row=2, values_only=True)] == ["HTXS", "HTT", "HT", "KHT"]


def test_an_invalid_level_in_row_17_changes_nothing_and_the_fixed_file_imports(tree, client_for, media):
    members = [make_member(tree.a2, full_name=f"Đảng viên {i:02d}") for i in range(20)]
    client = client_for("committee_staff")
    template = client.get(url("member_grid_template", tree.a2))
    values = {row: {"proposed_level": "HTT", "decided_level": "HTT"} for row in range(2, 22)}
    values[17] = {"proposed_level": "HTT", "decided_level": "HTTT"}
    response = client.post(url("member_grid_upload", tree.a2), {"action": "preview",
                                                                "file": filled(workbook(template), values)})
    assert response.status_code == 200
    problems = response.context["problems"]
    assert [(p.row, p.column) for p in problems] == [(17, header("decided_level"))]
    assert "HTTT" in problems[0].message
    assert 'data-row="17">' in response.content.decode()
    assert not MemberRating.objects.exists()
    assert "ratings_import" not in client.session and not list(media.glob("imports/*.xlsx"))

    values[17]["decided_level"] = "htt"  # codes are read in any case
    response = client.post(url("member_grid_upload", tree.a2), {"action": "preview",
                                                                "file": filled(workbook(template), values)})
    assert response.status_code == 200 and response.context["problems"] == []
    assert response.context["count"] == 20
    assert not MemberRating.objects.exists()  # the preview saves nothing
    token = response.context["pending"]["token"]
    response = client.post(url("member_grid_upload", tree.a2), {"action": "commit", "token": token})
    assert response.status_code == 302 and response.url == url("member_grid", tree.a2)
    assert MemberRating.objects.decided().filter(decided_level__code="HTT").count() == 20
    assert {r.member_id for r in MemberRating.objects.all()} == {m.pk for m in members}
    # A second confirmation (a double click) imports nothing more.
    response = client.post(url("member_grid_upload", tree.a2), {"action": "commit", "token": token})
    assert response.status_code == 302 and MemberRating.objects.count() == 20


def test_the_services_errors_are_placed_by_row_and_column(tree, client_for):
    """A cell secretary's file with a decided level: the service's refusal is named with its row."""
    members = [make_member(tree.a1_1, full_name=f"Đảng viên {i}") for i in range(3)]
    client = client_for("cell_secretary")
    template = workbook(client.get(url("member_grid_template", tree.a1_1)))
    response = client.post(url("member_grid_upload", tree.a1_1), {"action": "preview", "file": filled(template, {
        2: {"proposed_level": "HTT"}, 3: {"proposed_level": "HT", "decided_level": "HT"}})})
    assert [(p.row, p.column) for p in response.context["problems"]] == [(3, header("decided_level"))]
    assert len(members) == 3
    assert not MemberRating.objects.exists()


def test_a_save_between_preview_and_confirmation_refuses_the_confirmation(tree, client_for):
    members = [make_member(tree.a2) for _ in range(2)]
    client = client_for("committee_staff")
    template = workbook(client.get(url("member_grid_template", tree.a2)))
    response = client.post(url("member_grid_upload", tree.a2), {"action": "preview", "file": filled(template, {
        2: {"decided_level": "HT"}, 3: {"decided_level": "HT"}})})
    assert response.context["problems"] == []
    save(tree.a2, [RowInput(member_id=m.pk, decided_level="HTT") for m in members])  # someone else saves
    response = client.post(url("member_grid_upload", tree.a2), {"action": "commit",
                                                                "token": response.context["pending"]["token"]})
    assert response.status_code == 200 and len(response.context["problems"]) == 1
    assert sorted(MemberRating.objects.current().values_list("decided_level__code", flat=True)) == ["HTT", "HTT"]


def test_a_file_that_is_not_a_workbook_or_has_a_foreign_row_is_refused(tree, client_for):
    make_member(tree.a2)
    client = client_for("committee_staff")
    response = client.post(url("member_grid_upload", tree.a2), {
        "action": "preview", "file": SimpleUploadedFile("x.xlsx", b"not a workbook")})
    assert response.status_code == 200 and response.context["problems"]
    template = workbook(client.get(url("member_grid_template", tree.a2)))
    outsider = make_member(tree.b1)
    response = client.post(url("member_grid_upload", tree.a2), {"action": "preview", "file": filled(template, {
        2: {"decided_level": "HT"}, 3: {"member_id": outsider.pk, "decided_level": "HT"}})})
    assert [(p.row, p.column) for p in response.context["problems"]] == [(3, header("member_id"))]
    assert not MemberRating.objects.exists()


def test_the_upload_page_is_for_those_who_rate(tree, client_for):
    make_member(tree.a1_1)
    assert client_for("leadership").get(url("member_grid_upload", tree.a1_1)).status_code == 403
    assert client_for("outsider").get(url("member_grid_upload", tree.a1_1)).status_code == 404
    assert client_for("cell_secretary").get(url("member_grid_upload", tree.a1_1)).status_code == 200


def test_the_export_holds_exactly_the_decided_ratings_of_the_subtree(tree, client_for):
    a1_1 = [make_member(tree.a1_1, full_name=f"A1-1 {i}") for i in range(3)]
    a2 = [make_member(tree.a2, full_name=f"A2 {i}") for i in range(2)]
    b1 = make_member(tree.b1, full_name="B1 0")
    save(tree.a1_1, [RowInput(member_id=a1_1[0].pk, decided_level="HT"),
                     RowInput(member_id=a1_1[1].pk, proposed_level="HTT")])
    save(tree.a1_1, [RowInput(member_id=a1_1[0].pk, decided_level="HTT")])  # a new decision annuls the first
    save(tree.a2, [RowInput(member_id=a2[0].pk, decided_level="KHT")])
    save(tree.b1, [RowInput(member_id=b1.pk, decided_level="HT")])
    old_year = make_member(tree.a2, full_name="A2 2023")
    grid = member_grid(organization=tree.a2, year=2023)
    member_ratings_save(organization=tree.a2, year=2023, user=None, grid_version=grid.version,
                        rows=[RowInput(member_id=old_year.pk, decided_level="HT")])
    assert MemberRating.objects.filter(status=RatingStatus.ANNULLED).count() == 1

    response = client_for("committee_staff").get(url("decided_export", tree.bloc_a))
    assert response.status_code == 200 and response.streaming
    ws = workbook(response).worksheets[0]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert sorted((r[0], r[2], r[3]) for r in rows) == [("A1-1 0", tree.a1.name, "HTT"), ("A2 0", tree.a2.name, "KHT")]
    response = client_for("grassroots_officer").get(url("decided_export", tree.a1))
    assert [r[0] for r in workbook(response).worksheets[0].iter_rows(min_row=2, values_only=True)] == ["A1-1 0"]
    assert client_for("outsider").get(url("decided_export", tree.bloc_a)).status_code == 404
