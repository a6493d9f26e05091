"""The member register's pages: list and filters, detail and history, create, edit, transfer, leave."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.register.filters import years_before
from members.register.models import Member, MembershipPeriod
from members.register.services import member_update
from tests.factories import make_member

pytestmark = pytest.mark.django_db
D = dt.date
LIST = reverse("members:member_list")
SECRET_ID = "001085012345"


def listed(response) -> list[str]:
    return [row.record.full_name for row in response.context["table"].page.object_list]


def test_it_lists_only_the_users_subtree(tree, client_for):
    make_member(tree.a1_1, full_name="Lê Văn Một")
    make_member(tree.a2, full_name="Lê Văn Hai")
    make_member(tree.b1, full_name="Lê Văn Ngoài")

    response = client_for("grassroots_officer").get(LIST)

    assert response.status_code == 200
    assert listed(response) == ["Lê Văn Một"]


def test_it_filters_by_organization_subtree(tree, client_for):
    make_member(tree.a1_1, full_name="Nguyễn Thị An")
    make_member(tree.a1_2, full_name="Nguyễn Thị Bình")
    make_member(tree.a2, full_name="Nguyễn Thị Chi")

    client = client_for("committee_staff")
    response = client.get(LIST, {"organization": tree.a1.pk})

    assert response.status_code == 200
    assert sorted(listed(response)) == ["Nguyễn Thị An", "Nguyễn Thị Bình"]
    assert listed(client.get(LIST, {"organization": tree.a2.pk})) == ["Nguyễn Thị Chi"]


def test_it_does_not_offer_or_accept_an_organization_outside_the_scope(tree, client_for):
    make_member(tree.b1, full_name="Lê Văn Ngoài")
    client = client_for("committee_staff")

    response = client.get(LIST, {"organization": tree.bloc_b.pk})

    assert response.status_code == 200
    offered = set(response.context["filterset"].form.fields["organization"].queryset)
    assert tree.bloc_b not in offered and tree.a1_1 in offered
    assert listed(response) == []


def test_it_searches_names_without_diacritics(tree, client_for):
    make_member(tree.a1_1, full_name="Nguyễn Văn Đức")
    make_member(tree.a1_1, full_name="Nguyễn Văn Dũng")
    make_member(tree.a2, full_name="Trần Thị Hoa")

    response = client_for("committee_staff").get(LIST, {"q": "nguyen van duc"})

    assert response.status_code == 200
    assert listed(response) == ["Nguyễn Văn Đức"]
    assert "Nguyễn Văn Đức" in response.content.decode()


def test_it_filters_by_status_age_gender_level_and_party_membership(tree, client_for, personas):
    today = dt.date.today()
    young = make_member(tree.a1_1, full_name="Trẻ", gender="female", birth_date=years_before(today, 25),
                        admission_date=today - dt.timedelta(days=100), full_membership_date=None,
                        professional_level="master")
    old = make_member(tree.a1_1, full_name="Già", gender="male", birth_date=years_before(today, 65),
                      professional_level="university")
    middle = make_member(tree.a1_1, full_name="Trung niên", gender="male", birth_date=years_before(today, 41),
                         political_theory="advanced")
    left = make_member(tree.a1_1, full_name="Đã chuyển", birth_date=years_before(today, 35))
    from members.register.services import member_leave

    member_leave(member=left, date=D(2024, 1, 1), reason="transferred_out")
    client = client_for("committee_staff")

    def names(**params):
        response = client.get(LIST, params)
        assert response.status_code == 200
        return sorted(listed(response))

    assert names() == sorted([young.full_name, old.full_name, middle.full_name])
    assert names(in_party="no") == [left.full_name]
    assert names(in_party="all") == sorted([young.full_name, old.full_name, middle.full_name, left.full_name])
    assert names(status="probationary") == [young.full_name]
    assert names(status="full") == sorted([old.full_name, middle.full_name])
    assert names(age="lt30") == [young.full_name]
    assert names(age="41_50") == [middle.full_name]  # 41 today: the band's lower edge
    assert names(age="gt60") == [old.full_name]
    assert names(age="30_40", in_party="all") == [left.full_name]
    assert names(gender="female") == [young.full_name]
    assert names(professional_level="master") == [young.full_name]
    assert names(political_theory="advanced") == [middle.full_name]
    assert names(ethnicity="Kinh", gender="male") == sorted([old.full_name, middle.full_name])


# ARCHITECTURE.md: "a constant number of queries"; measured (the request, its savepoint included): 9, as the
# member pages of docs/PERFORMANCE.md, and since issue 20 one more: the user's chosen columns (ListPreference).
LIST_QUERIES = 10


def test_it_costs_the_same_number_of_queries_for_3_and_30_members(tree, client_for):
    client = client_for("committee_staff")
    for i in range(3):
        make_member(tree.a1_1, full_name=f"Đảng viên {i:02d}")
    client.get(LIST)  # warm up anything cached per process
    with CaptureQueriesContext(connection) as three:
        assert client.get(LIST).status_code == 200
    for i in range(3, 30):
        make_member(tree.a1_2 if i % 2 else tree.a2, full_name=f"Đảng viên {i:02d}")
    with CaptureQueriesContext(connection) as thirty:
        response = client.get(LIST)
    assert len(listed(response)) == 30
    assert len(three.captured_queries) == len(thirty.captured_queries) == LIST_QUERIES, (
        len(three.captured_queries), len(thirty.captured_queries))


def test_it_paginates_by_50(tree, client_for):
    for i in range(55):
        make_member(tree.a1_1, full_name=f"Đảng viên {i:02d}")
    client = client_for("committee_staff")
    assert len(listed(client.get(LIST))) == 50
    assert len(listed(client.get(LIST, {"page": 2}))) == 5


def test_the_add_and_import_buttons_are_for_editors_only(tree, client_for):
    editor = client_for("grassroots_officer").get(LIST).content.decode()
    assert reverse("members:member_import") in editor and reverse("members:member_create") in editor
    reader = client_for("leadership").get(LIST).content.decode()
    assert reverse("members:member_import") not in reader and reverse("members:member_create") not in reader
    assert reverse("members:member_export") in reader


def test_it_shows_the_detail_with_periods_and_history(tree, client_for, personas):
    member = make_member(tree.a1_1, full_name="Phạm Văn Sử", job_title="Chuyên viên")
    member_update(member=member, user=personas.committee_staff, job_title="Trưởng phòng")
    from members.register.services import member_transfer

    member_transfer(member=member, to_cell=tree.a1_2, date=D(2024, 3, 1), user=personas.committee_staff)

    response = client_for("leadership").get(reverse("members:member_detail", args=[member.pk]))

    assert response.status_code == 200
    history = response.context["history"]  # newest first
    assert [e["record"].history_type for e in history] == ["~", "~", "+"]
    assert [(c["old"], c["new"]) for c in history[0]["changes"]] == [(tree.a1_1.name, tree.a1_2.name)]
    assert [(c["old"], c["new"]) for c in history[1]["changes"]] == [("Chuyên viên", "Trưởng phòng")]
    assert history[0]["record"].history_user == personas.committee_staff
    body = response.content.decode()
    assert "Trưởng phòng" in body and personas.committee_staff.get_full_name() in body
    periods = list(response.context["periods"])
    assert [(p.cell, p.start, p.end) for p in periods] == [(tree.a1_2, D(2024, 3, 1), None),
                                                          (tree.a1_1, D(2020, 1, 1), D(2024, 3, 1))]
    assert "01/03/2024" in body


def test_the_history_shows_who_changed_what_through_the_pages(tree, client_for, personas):
    member = make_member(tree.a1_1, job_title="Chuyên viên")
    client = client_for("committee_staff")
    client.post(reverse("members:member_edit", args=[member.pk]), edit_data(member, job_title="Phó phòng"))

    history = client.get(reverse("members:member_detail", args=[member.pk])).context["history"]

    assert history[0]["record"].history_user == personas.committee_staff
    assert [(c["old"], c["new"]) for c in history[0]["changes"]] == [("Chuyên viên", "Phó phòng")]


def test_the_history_leaves_out_sensitive_changes_for_readers(tree, client_for, personas):
    member = make_member(tree.a1_1, citizen_id=SECRET_ID, job_title="Chuyên viên")
    member_update(member=member, citizen_id="001085099999", job_title="Phó phòng")

    reader = client_for("leadership").get(reverse("members:member_detail", args=[member.pk]))
    staff = client_for("committee_staff").get(reverse("members:member_detail", args=[member.pk]))

    assert len(reader.context["history"][0]["changes"]) == 1
    assert "001085099999" not in reader.content.decode() and SECRET_ID not in reader.content.decode()
    assert len(staff.context["history"][0]["changes"]) == 2
    assert "001085099999" in staff.content.decode()


def test_an_out_of_scope_member_is_not_found(tree, client_for):
    member = make_member(tree.a1_1)
    for name in ("member_detail", "member_edit", "member_transfer", "member_leave"):
        assert client_for("outsider").get(reverse(f"members:{name}", args=[member.pk])).status_code == 404



@pytest.mark.parametrize("persona,shown", [
    ("committee_staff", True), ("administrator", True),
    ("leadership", False), ("cell_secretary", False), ("grassroots_officer", False), ("inspection_staff", False),
])
def test_sensitive_fields_only_for_roles_that_may_see_them(tree, client_for, persona, shown):
    member = make_member(tree.a1_1, citizen_id=SECRET_ID, ethnicity="Tày", religion="buddhism")

    response = client_for(persona).get(reverse("members:member_detail", args=[member.pk]))

    assert response.status_code == 200
    body = response.content.decode()
    assert (SECRET_ID in body) is shown
    assert ('data-sensitive="ethnicity"' in body) is shown
    assert ("Tày" in body) is shown
    assert response.context["with_sensitive"] is shown


def test_the_edit_form_leaves_out_sensitive_fields_for_an_officer_and_keeps_them(tree, client_for):
    member = make_member(tree.a1_1, citizen_id=SECRET_ID, ethnicity="Tày")
    client = client_for("grassroots_officer")
    url = reverse("members:member_edit", args=[member.pk])

    page = client.get(url)
    assert page.status_code == 200 and SECRET_ID not in page.content.decode()
    data = edit_data(member, job_title="Phó phòng")
    response = client.post(url, data)

    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.job_title, member.citizen_id, member.ethnicity) == ("Phó phòng", SECRET_ID, "Tày")


def edit_data(member, **changes):
    data = {
        "full_name": member.full_name, "gender": member.gender, "birth_date": member.birth_date.strftime("%d/%m/%Y"),
        "ethnicity": member.ethnicity, "religion": member.religion, "citizen_id": member.citizen_id or "",
        "party_card_number": member.party_card_number or "",
        "admission_date": member.admission_date.strftime("%d/%m/%Y") if member.admission_date else "",
        "full_membership_date": member.full_membership_date.strftime("%d/%m/%Y") if member.full_membership_date else "",
        "professional_level": member.professional_level, "political_theory": member.political_theory,
        "job_title": member.job_title, "phone": member.phone, "version": member.version,
    }
    data.update(changes)
    return data


def test_it_edits_a_member(tree, client_for, personas):
    member = make_member(tree.a1_1, full_name="Vũ Thị Lan")
    url = reverse("members:member_edit", args=[member.pk])

    response = client_for("committee_staff").post(url, edit_data(member, phone="0912000111", birth_date="02/09/1980"))

    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.phone, member.birth_date, member.version) == ("0912000111", D(1980, 9, 2), 2)
    assert member.history.first().history_user == personas.committee_staff


def test_a_stale_edit_is_refused_and_the_first_save_stays(tree, client_for):
    member = make_member(tree.a1_1, job_title="Chuyên viên")
    url = reverse("members:member_edit", args=[member.pk])
    first, second = client_for("committee_staff"), None
    loaded = edit_data(member)  # both editors loaded version 1

    assert first.post(url, dict(loaded, job_title="Trưởng phòng")).status_code == 302
    second = client_for("grassroots_officer")
    response = second.post(url, dict(loaded, job_title="Phó phòng", phone="0999999999"))

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    member.refresh_from_db()
    assert (member.job_title, member.phone, member.version) == ("Trưởng phòng", "", 2)


def test_it_shows_the_services_validation_on_the_field(tree, client_for):
    member = make_member(tree.a1_1)
    url = reverse("members:member_edit", args=[member.pk])

    response = client_for("committee_staff").post(url, edit_data(member, admission_date="01/01/1900"))

    assert response.status_code == 200
    assert response.context["form"].errors["admission_date"]
    member.refresh_from_db()
    assert member.version == 1


def test_readers_may_not_change_members(tree, client_for):
    member = make_member(tree.a1_1, job_title="Chuyên viên")
    response = client_for("leadership").post(reverse("members:member_edit", args=[member.pk]),
                                             edit_data(member, job_title="Đổi"))
    assert response.status_code == 403
    assert client_for("cell_secretary").post(reverse("members:member_create"), {}).status_code == 403
    member.refresh_from_db()
    assert member.job_title == "Chuyên viên"


def create_data(cell, **changes):
    data = {
        "cell": cell.pk, "start_date": "01/06/2024", "start_reason": "admitted", "full_name": "Đỗ Minh Quân",
        "gender": "male", "birth_date": "15/08/1995", "ethnicity": "Kinh", "religion": "none", "citizen_id": "",
        "party_card_number": "", "admission_date": "01/06/2024", "full_membership_date": "",
        "professional_level": "university", "political_theory": "elementary", "job_title": "", "phone": "",
    }
    data.update(changes)
    return data


def test_it_creates_a_member_with_its_first_period(tree, client_for, personas):
    response = client_for("grassroots_officer").post(reverse("members:member_create"), create_data(tree.a1_2))

    member = Member.objects.get(full_name="Đỗ Minh Quân")
    assert response.status_code == 302 and response.url == reverse("members:member_detail", args=[member.pk])
    assert member.cell == tree.a1_2 and member.birth_date == D(1995, 8, 15)
    period = MembershipPeriod.objects.get(member=member)
    assert (period.cell, period.start, period.start_reason) == (tree.a1_2, D(2024, 6, 1), "admitted")


def test_it_offers_only_cells_the_user_may_change(tree, client_for):
    client = client_for("grassroots_officer")
    offered = set(client.get(reverse("members:member_create")).context["form"].fields["cell"].queryset)
    assert offered == {tree.a1_1, tree.a1_2}

    response = client.post(reverse("members:member_create"), create_data(tree.a2))

    assert response.status_code == 200 and "cell" in response.context["form"].errors
    assert not Member.objects.filter(full_name="Đỗ Minh Quân").exists()


def test_it_refuses_a_start_before_the_cell_existed(tree, client_for):
    response = client_for("committee_staff").post(reverse("members:member_create"),
                                                  create_data(tree.a1_1, start_date="01/01/2019"))
    assert response.status_code == 200 and "cell" in response.context["form"].errors
    assert not Member.objects.exists()


def test_it_transfers_a_member(tree, client_for):
    member = make_member(tree.a1_1)
    url = reverse("members:member_transfer", args=[member.pk])
    client = client_for("grassroots_officer")
    assert tree.a1_1 not in set(client.get(url).context["form"].fields["to_cell"].queryset)

    response = client.post(url, {"to_cell": tree.a1_2.pk, "date": "01/07/2025", "reason": "moved", "note": ""})

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.cell == tree.a1_2
    assert list(member.periods.order_by("valid").values_list("cell", "end_reason")) == [
        (tree.a1_1.pk, "moved"), (tree.a1_2.pk, "")]


def test_a_transfer_before_the_current_period_is_refused(tree, client_for):
    member = make_member(tree.a1_1, start=D(2024, 1, 1))
    response = client_for("committee_staff").post(
        reverse("members:member_transfer", args=[member.pk]),
        {"to_cell": tree.a2.pk, "date": "01/01/2023", "reason": "moved"})
    assert response.status_code == 200 and response.context["form"].errors["date"]
    member.refresh_from_db()
    assert member.cell == tree.a1_1 and member.periods.count() == 1


def test_it_records_that_a_member_leaves(tree, client_for):
    member = make_member(tree.a1_1)
    response = client_for("committee_staff").post(
        reverse("members:member_leave", args=[member.pk]),
        {"date": "15/03/2025", "reason": "deceased", "note": "Từ trần"})

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.left_on == D(2025, 3, 15)
    period = member.periods.get()
    assert (period.end, period.end_reason) == (D(2025, 3, 15), "deceased")
    assert member.full_name not in listed(client_for("committee_staff").get(LIST))


def test_leaving_needs_a_leaving_reason(tree, client_for):
    member = make_member(tree.a1_1)
    response = client_for("committee_staff").post(reverse("members:member_leave", args=[member.pk]),
                                                  {"date": "15/03/2025", "reason": "moved"})
    assert response.status_code == 200 and response.context["form"].errors["reason"]
    member.refresh_from_db()
    assert member.left_on is None


# ARCHITECTURE.md: the detail costs a constant number; measured (the request, its savepoint included): 12.
# 12 + the sections of ratings (1), attendance (2), admission (1), inspections (2) + the logged sensitive read (1)
DETAIL_QUERIES = 19


def test_the_detail_costs_the_same_number_of_queries_however_long_the_history(tree, client_for):
    from members.register.services import member_transfer, position_add, status_period_add

    client = client_for("committee_staff")
    member = make_member(tree.a1_1, start=D(2020, 1, 1))
    url = reverse("members:member_detail", args=[member.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as short:
        assert client.get(url).status_code == 200
    cells = [tree.a1_2, tree.a2, tree.a1_1] * 3
    for year, cell in enumerate(cells, start=2021):
        member_transfer(member=member, to_cell=cell, date=D(year, 3, 1))
        member_update(member=member, phone=f"09120{year}0")
        status_period_add(member=member, kind="sick_leave", start=D(year, 5, 1), end=D(year, 6, 1))
        position_add(member=member, organization=cell, position="committee_member", start=D(year, 3, 1),
                     end=D(year + 1, 3, 1))
    with CaptureQueriesContext(connection) as long:
        response = client.get(url)
    assert len(response.context["periods"]) == 10
    assert len(short.captured_queries) == len(long.captured_queries) == DETAIL_QUERIES, (
        len(short.captured_queries), len(long.captured_queries))
