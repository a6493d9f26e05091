"""A member's status periods (issue 18 item 1): pages scoped like the register, with history; overlaps
refused with their dates; the import's columns; and the meetings already logged re-derive their attendance
when an exemption is recorded after them."""

import datetime as dt

import pytest
from django.urls import reverse

from meetings.choices import AttendanceStatus
from meetings.models import Attendance
from meetings.services import meeting_create
from members.register.models import StatusPeriod
from members.register.services import status_period_add
from tests.factories import make_member

pytestmark = pytest.mark.django_db
D = dt.date


def period_data(**overrides):
    data = {"kind": "exempted", "start": "01/03/2025", "end": "", "decision": "15-QĐ/ĐU",
            "decision_body": "Đảng ủy Sở A1", "reason": "Tuổi cao, sức yếu"}
    return data | overrides


def test_a_grassroots_officer_records_an_open_exemption_from_the_member_page(tree, client_for):
    member = make_member(tree.a1_1, full_name="Trần Văn Miễn")
    client = client_for("grassroots_officer")

    response = client.post(reverse("members:status_period_create", args=[member.pk]), period_data())

    assert response.status_code == 302 and response.url == reverse("members:member_detail", args=[member.pk])
    period = StatusPeriod.objects.get(member=member)
    assert (period.kind, period.start, period.end) == ("exempted", D(2025, 3, 1), None)
    assert (period.decision, period.decision_body, period.reason) == ("15-QĐ/ĐU", "Đảng ủy Sở A1", "Tuổi cao, sức yếu")
    page = client.get(reverse("members:member_detail", args=[member.pk])).content.decode()
    assert "15-QĐ/ĐU" in page and "Đảng ủy Sở A1" in page
    assert period.history.count() == 1


def test_an_overlap_of_the_same_kind_is_refused_with_both_periods_dates(tree, client_for):
    member = make_member(tree.a1_1)
    status_period_add(member=member, kind="exempted", start=D(2025, 1, 1), end=D(2025, 6, 1))
    client = client_for("grassroots_officer")

    response = client.post(reverse("members:status_period_create", args=[member.pk]),
                           period_data(start="01/05/2025", end="01/09/2025"))

    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["start"])
    assert "01/05/2025" in errors and "01/09/2025" in errors
    assert "01/01/2025" in errors and "01/06/2025" in errors
    assert StatusPeriod.objects.filter(member=member).count() == 1


def test_the_end_before_the_start_is_refused(tree, client_for):
    member = make_member(tree.a1_1)
    response = client_for("grassroots_officer").post(
        reverse("members:status_period_create", args=[member.pk]), period_data(start="01/05/2025", end="01/04/2025"))
    assert response.status_code == 200 and response.context["form"].errors["start"]
    assert not StatusPeriod.objects.exists()


def test_editing_a_period_keeps_its_history_and_may_not_overlap_another(tree, client_for, personas):
    member = make_member(tree.a1_1)
    first = status_period_add(member=member, kind="sick_leave", start=D(2025, 1, 1), end=D(2025, 2, 1))
    status_period_add(member=member, kind="sick_leave", start=D(2025, 5, 1), end=D(2025, 6, 1))
    client = client_for("grassroots_officer")
    url = reverse("members:status_period_edit", args=[first.pk])

    refused = client.post(url, period_data(kind="sick_leave", start="01/01/2025", end="15/05/2025"))
    saved = client.post(url, period_data(kind="sick_leave", start="01/01/2025", end="15/03/2025"))

    assert refused.status_code == 200 and "01/05/2025" in " ".join(refused.context["form"].errors["start"])
    assert saved.status_code == 302
    first.refresh_from_db()
    assert first.end == D(2025, 3, 15)
    assert first.history.count() == 2
    assert first.history.first().history_user == personas.grassroots_officer
    page = client.get(url).content.decode()
    assert "15/03/2025" in page  # the history shows the change


def test_the_list_shows_the_periods_of_the_users_subtree_only(tree, client_for):
    inside = make_member(tree.a1_1, full_name="Lê Thị Trong")
    outside = make_member(tree.b1, full_name="Lê Thị Ngoài")
    status_period_add(member=inside, kind="special_duty", start=D(2025, 1, 1))
    status_period_add(member=outside, kind="special_duty", start=D(2025, 1, 1))

    response = client_for("grassroots_officer").get(reverse("members:status_period_list"), {"kind": "special_duty"})

    assert response.status_code == 200
    assert [row.record.member.full_name for row in response.context["table"].page.object_list] == ["Lê Thị Trong"]


def test_the_edit_page_of_a_period_outside_the_scope_is_not_found(tree, client_for):
    outside = status_period_add(member=make_member(tree.b1), kind="exempted", start=D(2025, 1, 1))
    response = client_for("grassroots_officer").post(reverse("members:status_period_edit", args=[outside.pk]),
                                                     period_data())
    assert response.status_code == 404
    outside.refresh_from_db()
    assert outside.start == D(2025, 1, 1)


def test_an_exemption_from_march_leaves_the_member_out_of_aprils_meeting_logged_before(
        tree, client_for, django_capture_on_commit_callbacks):
    exempted, other = make_member(tree.a1_1), make_member(tree.a1_1)
    april = meeting_create(cell=tree.a1_1, date=D(2025, 4, 10), start_time=dt.time(8), end_time=dt.time(10))
    february = meeting_create(cell=tree.a1_1, date=D(2025, 2, 10), start_time=dt.time(8), end_time=dt.time(10))
    assert Attendance.objects.get(meeting=april, member=exempted).status == AttendanceStatus.PRESENT

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("grassroots_officer").post(
            reverse("members:status_period_create", args=[exempted.pk]), period_data(start="01/03/2025"))

    assert response.status_code == 302
    row = Attendance.objects.get(meeting=april, member=exempted)
    assert (row.status, row.excluded_kind) == (AttendanceStatus.EXCLUDED, "exempted")
    assert Attendance.objects.get(meeting=april, member=other).status == AttendanceStatus.PRESENT
    assert Attendance.objects.get(meeting=february, member=exempted).status == AttendanceStatus.PRESENT
    # A meeting logged afterwards leaves the member out too (meetings.querysets.expected_attendees).
    may = meeting_create(cell=tree.a1_1, date=D(2025, 5, 10), start_time=dt.time(8), end_time=dt.time(10))
    assert Attendance.objects.get(meeting=may, member=exempted).status == AttendanceStatus.EXCLUDED


def test_shortening_an_exemption_puts_the_member_back_to_be_checked(tree, django_capture_on_commit_callbacks):
    from members.register.services import status_period_update

    member = make_member(tree.a1_1)
    period = status_period_add(member=member, kind="exempted", start=D(2025, 3, 1))
    april = meeting_create(cell=tree.a1_1, date=D(2025, 4, 10), start_time=dt.time(8), end_time=dt.time(10))
    assert Attendance.objects.get(meeting=april, member=member).status == AttendanceStatus.EXCLUDED

    with django_capture_on_commit_callbacks(execute=True):
        status_period_update(period=period, kind="exempted", start=D(2025, 3, 1), end=D(2025, 4, 1))

    row = Attendance.objects.get(meeting=april, member=member)
    assert row.status == AttendanceStatus.ABSENT_EXCUSED and row.reason and not row.excluded_kind


def test_an_exempted_member_is_not_rated_in_the_grid(tree, client_for):
    from members.ratings.services import member_grid

    member = make_member(tree.a1_1, admission_date=D(2015, 1, 1))
    client_for("grassroots_officer").post(reverse("members:status_period_create", args=[member.pk]),
                                          period_data(start="01/03/2025"))

    grid = member_grid(organization=tree.a1, year=2025)
    row = next(r for r in grid.rows if r.key == member.pk)
    assert not row.rated and row.facts.not_rated == "exempted"


# --- The member import's status period columns -----------------------------------------------------------

@pytest.fixture
def coded(tree, settings, tmp_path):
    from organizations.services import organization_update

    settings.MEDIA_ROOT = tmp_path / "media"
    organization_update(organization=tree.a1_1, code="A1-1")
    tree.a1_1.refresh_from_db()
    return tree


def _import(client, rows, commit=True):
    from tests.test_members_excel import upload, workbook_from_template

    response = upload(client, workbook_from_template(client, rows))
    if commit and response.context["outcome"].problems == []:
        response = client.post(reverse("members:member_import"),
                               {"action": "commit", "token": client.session["members_import"]["token"]})
    return response


def _row(name, **status):
    return {"full_name": name, "gender": "Nam", "birth_date": D(1960, 5, 1), "admission_date": D(1990, 1, 1),
            "full_membership_date": D(1991, 1, 1), "cell_code": "A1-1", "start_date": D(2021, 1, 1), **status}


def test_the_import_records_a_status_period_from_its_columns(coded, client_for):
    client = client_for("grassroots_officer")

    response = _import(client, [
        _row("Hoàng Văn Miễn", status_kind="Miễn công tác và sinh hoạt đảng", status_start=D(2024, 9, 1),
             status_decision="7-QĐ/ĐU", status_decision_body="Đảng ủy Sở A1", status_reason="Tuổi cao"),
        _row("Hoàng Văn Thường"),
    ])

    assert response.status_code == 302
    period = StatusPeriod.objects.get()
    assert period.member.full_name == "Hoàng Văn Miễn"
    assert (period.kind, period.start, period.end, period.decision, period.decision_body, period.reason) == (
        "exempted", D(2024, 9, 1), None, "7-QĐ/ĐU", "Đảng ủy Sở A1", "Tuổi cao")
    assert period.history.count() == 1


def test_the_import_refuses_a_status_period_ending_before_it_starts(coded, client_for):
    from members.register.models import Member
    from tests.test_members_excel import header, problems

    client = client_for("grassroots_officer")
    response = _import(client, [_row("Hoàng Văn Sai", status_kind="sick_leave", status_start=D(2024, 9, 1),
                                     status_end=D(2024, 8, 1))], commit=False)

    assert response.status_code == 200
    assert problems(response) == [(2, header("status_start"))]
    assert "01/08/2024" in response.content.decode()
    assert not Member.objects.exists() and not StatusPeriod.objects.exists()


def test_the_admin_refuses_the_same_overlap(tree, admin_client):
    member = make_member(tree.a1_1)
    status_period_add(member=member, kind="suspended", start=D(2025, 1, 1), end=D(2025, 6, 1))

    response = admin_client.post(reverse("admin:members_statusperiod_add"), {
        "member": member.pk, "kind": "suspended", "valid_0": "2025-03-01", "valid_1": "2025-09-01",
        "decision": "", "decision_body": "", "reason": ""})

    assert response.status_code == 200
    assert "01/01/2025" in response.content.decode()
    assert StatusPeriod.objects.count() == 1


def test_the_admin_records_a_period_through_the_service(tree, admin_client):
    member = make_member(tree.a1_1)

    response = admin_client.post(reverse("admin:members_statusperiod_add"), {
        "member": member.pk, "kind": "special_duty", "valid_0": "2025-03-01", "valid_1": "",
        "decision": "3-QĐ", "decision_body": "Đảng ủy Sở A1", "reason": ""})

    assert response.status_code == 302
    period = StatusPeriod.objects.get()
    assert (period.kind, period.start, period.end, period.decision_body) == ("special_duty", D(2025, 3, 1), None,
                                                                             "Đảng ủy Sở A1")
