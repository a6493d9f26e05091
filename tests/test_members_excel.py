"""Excel export and import of the member register."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.translation import override
from openpyxl import Workbook, load_workbook

from members.register import excel
from members.register.models import Member, MembershipPeriod, SensitiveAccess
from organizations.choices import Role
from organizations.models import RoleAssignment
from organizations.services import organization_update
from tests.factories import UserFactory, make_member

pytestmark = pytest.mark.django_db
D = dt.date
IMPORT = reverse("members:member_import")
EXPORT = reverse("members:member_export")
TEMPLATE = reverse("members:member_import_template")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def coded(tree):
    organization_update(organization=tree.a1_1, code="A1-1")
    organization_update(organization=tree.a1_2, code="A1-2")
    tree.a1_1.refresh_from_db()
    tree.a1_2.refresh_from_db()
    return tree


def header(key: str) -> str:
    """A column's header in the template, as the preview names it."""
    with override(excel.SPREADSHEET_LANGUAGE):
        return next(c for c in excel.IMPORT_COLUMNS if c.key == key).header()


def xlsx(response) -> Workbook:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return load_workbook(io.BytesIO(body))


def member_row(i: int) -> dict:
    """Row i of a generated file: alternating cells (by code and by name), labels and raw values, real
    dates and dd/mm/yyyy strings, so every way of writing a value is exercised."""
    return {
        "full_name": f"Nguyễn Văn Thử {i:03d}",
        "gender": "Nam" if i % 2 else "female",
        # Born 1970–1994: every row is at least 18 at its admission in 2015.
        "birth_date": (D(1970 + i % 25, 1 + i % 12, 1 + i % 28) if i % 3
                       else f"{1 + i % 28:02d}/{1 + i % 12:02d}/{1970 + i % 25}"),
        "ethnicity": "Kinh" if i % 5 else "Tay",
        "religion": "Không" if i % 4 else "buddhism",
        # Province 001, the century-and-gender digit (0 man, 1 woman, 1900s), the year of birth: a valid CCCD.
        "citizen_id": f"001{0 if i % 2 else 1}{(1970 + i % 25) % 100:02d}{i:06d}",
        "party_card_number": f"{10_000_000 + i}",
        "admission_date": D(2015, 5, 19),
        "full_membership_date": "19/05/2016",
        "professional_level": "Đại học" if i % 2 else "University degree",
        "political_theory": "Trung cấp",
        "job_title": "Chuyên viên",
        "phone": "0912345678",
        "cell_code": "A1-1" if i % 2 else "",
        "cell_name": "" if i % 2 else "Chi bộ A1-2",
        "start_date": D(2021, 1, 1),
    }


def workbook_from_template(client, rows: list[dict]) -> bytes:
    """Fill the downloaded template (its example row removed) with ``rows``."""
    wb = xlsx(client.get(TEMPLATE))
    ws = wb.worksheets[0]
    ws.delete_rows(2)
    keys = [c.key for c in excel.IMPORT_COLUMNS]
    for offset, row in enumerate(rows):
        for index, key in enumerate(keys, start=1):
            ws.cell(row=offset + 2, column=index, value=row.get(key))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def upload(client, content: bytes, name="dang-vien.xlsx", start_reason="recorded"):
    return client.post(IMPORT, {"action": "preview", "start_reason": start_reason,
                                "file": SimpleUploadedFile(name, content)})


def problems(response) -> list[tuple]:
    return [(p.row, p.column) for p in response.context["outcome"].problems]


# --- Template ----------------------------------------------------------------------------------------

def test_the_template_has_the_headers_an_example_and_the_allowed_values(tree, client_for):
    response = client_for("grassroots_officer").get(TEMPLATE)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = xlsx(response)
    ws = wb.worksheets[0]
    assert [c.value for c in ws[1]] == [header(c.key) for c in excel.IMPORT_COLUMNS]
    assert ws["A2"].value == excel.EXAMPLE["full_name"]
    assert ws.freeze_panes == "A2"
    values = wb.worksheets[1]
    with override("vi"):
        assert values["A1"].value == header("gender")
        assert [values["A2"].value, values["A3"].value] == ["Nam", "Nữ"]
    assert {values.cell(row=r, column=2).value for r in range(2, 56)} >= {"Kinh", "Tày", "Ơ Đu"}


def test_the_untouched_template_is_refused_because_of_its_example_row(tree, client_for):
    client = client_for("grassroots_officer")
    response = upload(client, b"".join([client.get(TEMPLATE).content]))

    assert response.status_code == 200
    assert problems(response) == [(2, None)]
    assert not Member.objects.exists()


# --- Import ------------------------------------------------------------------------------------------

def test_a_500_row_file_with_3_bad_rows_changes_nothing_and_names_exactly_those_rows(coded, client_for):
    client = client_for("grassroots_officer")
    rows = [member_row(i) for i in range(500)]
    rows[15]["gender"] = "Không rõ"  # Excel row 17
    rows[98]["birth_date"] = "31/02/1980"  # Excel row 100
    rows[248]["party_card_number"] = rows[8]["party_card_number"]  # Excel row 250 repeats row 10

    response = upload(client, workbook_from_template(client, rows))

    assert response.status_code == 200
    assert problems(response) == [(17, header("gender")), (100, header("birth_date")),
                                  (250, header("party_card_number"))]
    body = response.content.decode()
    assert "Không rõ" in body and "31/02/1980" in body
    assert 'name="token"' not in body  # no confirmation offered
    assert Member.objects.count() == 0 and MembershipPeriod.objects.count() == 0
    assert list(client.session.keys()).count("members_import") == 0


def test_the_same_file_fixed_imports_all_500_after_confirmation(coded, client_for, personas, media):
    client = client_for("grassroots_officer")
    content = workbook_from_template(client, [member_row(i) for i in range(500)])

    preview = upload(client, content)

    assert preview.status_code == 200
    assert problems(preview) == [] and preview.context["outcome"].count == 500
    assert Member.objects.count() == 0  # the dry run was rolled back
    token = client.session["members_import"]["token"]
    assert (media / "imports" / f"{token}.xlsx").exists()

    response = client.post(IMPORT, {"action": "commit", "token": token})

    assert response.status_code == 302 and response.url == reverse("members:member_list")
    assert Member.objects.count() == 500
    assert MembershipPeriod.objects.count() == 500
    assert set(MembershipPeriod.objects.values_list("start_reason", flat=True)) == {"recorded"}
    assert Member.objects.filter(cell=coded.a1_1).count() == 250
    assert Member.objects.filter(cell=coded.a1_2).count() == 250
    first = Member.objects.get(full_name="Nguyễn Văn Thử 000")
    assert (first.gender, first.birth_date, first.ethnicity, first.religion, first.professional_level) == (
        "female", D(1970, 1, 1), "Tày", "buddhism", "university")
    assert first.history.get().history_user == personas.grassroots_officer
    assert "members_import" not in client.session
    assert list((media / "imports").iterdir()) == []
    again = client.post(IMPORT, {"action": "commit", "token": token})  # a second click imports nothing
    assert again.status_code == 302 and again.url == IMPORT
    assert Member.objects.count() == 500


def test_a_duplicate_of_a_registered_member_is_reported(coded, client_for):
    make_member(coded.a2, party_card_number=member_row(7)["party_card_number"])
    client = client_for("grassroots_officer")

    response = upload(client, workbook_from_template(client, [member_row(i) for i in range(10)]))

    assert problems(response) == [(9, header("party_card_number"))]
    assert Member.objects.count() == 1


def test_an_error_found_at_confirmation_changes_nothing(coded, client_for):
    client = client_for("grassroots_officer")
    preview = upload(client, workbook_from_template(client, [member_row(i) for i in range(20)]))
    assert problems(preview) == []
    # Someone registers one of the file's members between the preview and the confirmation.
    make_member(coded.a2, citizen_id=member_row(12)["citizen_id"])

    response = client.post(IMPORT, {"action": "commit", "token": client.session["members_import"]["token"]})

    assert response.status_code == 200
    assert problems(response) == [(14, header("citizen_id"))]
    assert Member.objects.count() == 1 and MembershipPeriod.objects.count() == 1


def test_a_confirmation_without_the_pending_upload_is_refused(coded, client_for):
    client = client_for("grassroots_officer")
    response = client.post(IMPORT, {"action": "commit", "token": "00000000-0000-0000-0000-000000000000"})
    assert response.status_code == 302 and response.url == IMPORT
    assert Member.objects.count() == 0


def test_cells_are_found_only_among_those_the_user_may_change(coded, client_for):
    client = client_for("grassroots_officer")
    rows = [member_row(0), member_row(1), member_row(2), member_row(3)]
    rows[0].update(cell_code="", cell_name="Chi bộ Sở A2")  # exists, but outside the officer's subtree
    rows[1].update(cell_code="KHONG-CO")
    rows[2].update(cell_code="", cell_name="")
    rows[3].update(cell_code="a1-1 ")  # codes ignore case and spaces

    response = upload(client, workbook_from_template(client, rows))

    assert problems(response) == [(2, header("cell_name")), (3, header("cell_code")), (4, header("cell_code"))]
    assert Member.objects.count() == 0


def test_the_services_rules_are_reported_by_row_and_column(coded, client_for):
    client = client_for("grassroots_officer")
    rows = [member_row(i) for i in range(4)]
    rows[0]["full_name"] = ""  # required
    rows[1]["citizen_id"] = "12345"  # 12 digits
    rows[2]["admission_date"] = D(1950, 1, 1)  # before birth
    rows[3]["start_date"] = D(2019, 6, 1)  # before the cell was founded

    response = upload(client, workbook_from_template(client, rows))

    assert problems(response) == [(2, header("full_name")), (3, header("citizen_id")),
                                  (4, header("admission_date")), (5, header("cell_code"))]
    assert Member.objects.count() == 0


def test_blank_rows_inside_the_data_are_errors_but_trailing_ones_are_ignored(coded, client_for):
    client = client_for("grassroots_officer")
    rows = [member_row(0), {}, member_row(2), {}, {}]

    response = upload(client, workbook_from_template(client, rows))

    assert problems(response) == [(3, None)]


def test_a_file_without_the_required_columns_is_refused(tree, client_for):
    wb = Workbook()
    wb.active.append(["Họ và tên", "Ghi chú"])
    wb.active.append(["Nguyễn Văn A", "x"])
    buffer = io.BytesIO()
    wb.save(buffer)

    response = upload(client_for("committee_staff"), buffer.getvalue())

    assert problems(response) == [(1, None)]
    assert header("birth_date") in response.content.decode()


@pytest.mark.parametrize("name,content", [
    ("dang-vien.xls", b"not really"),
    ("dang-vien.csv", b"a;b"),
    ("dang-vien.xlsx", b"\0" * (10 * 1024 * 1024 + 1)),
])
def test_only_xlsx_files_up_to_10_mb_are_accepted(tree, client_for, name, content, media):
    response = upload(client_for("committee_staff"), content, name=name)

    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not (media / "imports").exists() or not any((media / "imports").iterdir())


def test_a_file_that_is_not_a_workbook_is_reported(tree, client_for):
    response = upload(client_for("committee_staff"), b"PK\x03\x04 broken", name="hong.xlsx")
    assert response.status_code == 200
    assert problems(response) == [(None, None)]


def test_readers_cannot_import(tree, client_for):
    response = upload(client_for("leadership"), b"")
    assert response.status_code == 403


# --- Export ------------------------------------------------------------------------------------------

def exported(response) -> tuple[list[str], list[list]]:
    ws = xlsx(response).worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    return list(rows[0]), [list(r) for r in rows[1:]]


def listed_names(client, params) -> list[str]:
    names, page = [], 1
    while True:
        response = client.get(reverse("members:member_list"), dict(params, page=page))
        names += [row.record.full_name for row in response.context["table"].page.object_list]
        if not response.context["table"].page.has_next():
            return names
        page += 1


def test_the_export_holds_the_rows_of_the_filtered_list_with_sensitive_columns_for_staff(tree, client_for, personas):
    for i in range(60):
        make_member([tree.a1_1, tree.a1_2, tree.a2][i % 3], full_name=f"Hoàng Văn {i:02d}",
                    citizen_id=f"0010800{i:05d}", gender="male",
                    birth_date=D(1980, 1 + i % 12, 1 + i % 28))
    make_member(tree.b1, full_name="Hoàng Văn Ngoài")
    client = client_for("committee_staff")
    params = {"organization": tree.a1.pk, "q": "hoang van"}

    response = client.get(EXPORT, params)

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    headers, rows = exported(response)
    names = [r[0] for r in rows]
    assert names == listed_names(client, params) and len(names) == 40
    with override("vi"):
        assert header("citizen_id") in headers and header("ethnicity") in headers
    birth = rows[0][headers.index(header("birth_date"))]
    assert isinstance(birth, dt.datetime)
    ws = xlsx(client.get(EXPORT, params)).worksheets[0]
    assert ws.freeze_panes == "A2"
    assert ws.cell(row=2, column=headers.index(header("birth_date")) + 1).number_format == excel.DATE_FORMAT
    logs = list(SensitiveAccess.objects.filter(user=personas.committee_staff))
    assert len(logs) == 2
    assert (logs[0].what, logs[0].rows, logs[0].filters["organization"], logs[0].filters["q"]) == (
        "members", 40, str(tree.a1.pk), "hoang van")


@pytest.mark.parametrize("persona", ["grassroots_officer", "leadership", "cell_secretary", "inspection_staff"])
def test_the_export_leaves_out_sensitive_columns_and_logs_nothing_for_other_roles(tree, client_for, persona):
    make_member(tree.a1_1, full_name="Lý Thị Mai", citizen_id="001085012345")

    response = client_for(persona).get(EXPORT)

    assert response.status_code == 200
    headers, rows = exported(response)
    assert [r[0] for r in rows] == ["Lý Thị Mai"]
    assert header("citizen_id") not in headers and header("ethnicity") not in headers
    assert "001085012345" not in [v for r in rows for v in r]
    assert not SensitiveAccess.objects.exists()


def test_sensitive_columns_only_where_the_sensitive_scope_covers_the_export(tree, client):
    """Leadership over bloc A but committee staff over A1 only: sensitive data of A1 may be exported,
    not of the whole bloc."""
    user = UserFactory(username="hai_vai_tro")
    RoleAssignment.objects.create(user=user, role=Role.LEADERSHIP, organization=tree.bloc_a)
    RoleAssignment.objects.create(user=user, role=Role.COMMITTEE_STAFF, organization=tree.a1)
    make_member(tree.a1_1, full_name="Trong A1")
    make_member(tree.a2, full_name="Ngoài A1")
    client.force_login(user)

    whole, rows = exported(client.get(EXPORT))
    assert header("citizen_id") not in whole and len(rows) == 2
    assert not SensitiveAccess.objects.exists()

    part, rows = exported(client.get(EXPORT, {"organization": tree.a1.pk}))
    assert header("citizen_id") in part and [r[0] for r in rows] == ["Trong A1"]
    assert SensitiveAccess.objects.get().rows == 1
