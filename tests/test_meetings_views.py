"""Pages of cell meetings: the secretary's one-page log, editing with a stale version, scope, the month ×
cell overview with a constant number of queries, and the reminders (eager Celery)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import Notification
from meetings.choices import AttendanceStatus as S
from meetings.models import Attendance, Meeting, ReminderSchedule
from meetings.reminders import cells_without_regular_meeting
from meetings.services import meeting_create, reminder_schedule_set
from meetings.tasks import send_missing_meeting_reminders
from organizations.choices import OrgKind
from organizations.services import organization_create
from tests.factories import make_member
from tests.lists import records

pytestmark = pytest.mark.django_db
D = dt.date
CREATE = reverse("meetings:meeting_create")
OVERVIEW = reverse("meetings:overview")


def form_data(members, absent=(), *, day=None, **extra):
    day = day or dt.date.today()
    data = {"date": day.strftime("%d/%m/%Y"), "start_time": "08:00", "end_time": "09:45", "kind": "regular",
            "format": "in_person", "conclusions": "Hoàn thành nhiệm vụ tháng.", "agenda": ["dues", "review"]}
    for m in members:
        data[f"att_{m.pk}"] = S.PRESENT
        data[f"reason_{m.pk}"] = ""
    for m in absent:
        data[f"att_{m.pk}"] = S.ABSENT_EXCUSED
        data[f"reason_{m.pk}"] = "Đi công tác"
    data.update(extra)
    return data


def test_the_log_page_prefills_today_and_lists_every_member_present(tree, client_for):
    members = [make_member(tree.a1_1) for _ in range(4)]
    make_member(tree.a1_2)
    response = client_for("cell_secretary").get(CREATE)  # one changeable cell: no need to pick it
    assert response.status_code == 200
    form = response.context["form"]
    assert response.context["cell"] == tree.a1_1
    assert form.initial["date"] == dt.date.today()
    assert sorted(r["period"].member_id for r in form.rows) == sorted(m.pk for m in members)
    assert all(r["status"].value() == S.PRESENT for r in form.rows)


def test_a_secretary_logs_a_meeting_with_one_absentee_in_one_submit(tree, client_for):
    members = [make_member(tree.a1_1) for _ in range(5)]
    client = client_for("cell_secretary")
    response = client.post(f"{CREATE}?cell={tree.a1_1.pk}", form_data(members, absent=[members[2]]))
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response.url == reverse("meetings:meeting_detail", args=[meeting.pk])
    assert meeting.cell == tree.a1_1 and meeting.date == dt.date.today() and meeting.agenda == ["dues", "review"]
    row = Attendance.objects.get(meeting=meeting, status=S.ABSENT_EXCUSED)
    assert (row.member_id, row.reason) == (members[2].pk, "Đi công tác")
    assert Attendance.objects.filter(meeting=meeting, status=S.PRESENT).count() == 4
    assert meeting.history.get().history_user.username == "bithu"
    detail = client.get(response.url)
    assert detail.status_code == 200 and detail.context["meeting"].attendance_rate == pytest.approx(80.0)


def test_a_reason_is_required_for_an_excused_absence(tree, client_for):
    members = [make_member(tree.a1_1) for _ in range(3)]
    data = form_data(members, absent=[members[0]])
    data[f"reason_{members[0].pk}"] = ""
    response = client_for("cell_secretary").post(f"{CREATE}?cell={tree.a1_1.pk}", data)
    assert response.status_code == 200 and not Meeting.objects.exists()
    assert response.context["form"].errors


def _submit_queries(client, cell, n, day):
    members = [make_member(cell) for _ in range(n)]
    data = form_data(members, absent=members[:3], day=day)
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(f"{CREATE}?cell={cell.pk}&month={day:%Y-%m}", data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    assert Attendance.objects.filter(meeting__cell=cell).count() == n
    return len(ctx.captured_queries)


# Measured baseline of logging a meeting (the POST, its savepoint included), for 10 or 30 members.
SUBMIT_QUERIES = 21


def test_the_submit_query_count_does_not_grow_with_the_member_count(tree, client_for):
    client = client_for("grassroots_officer")
    small = _submit_queries(client, tree.a1_1, 10, D(2024, 3, 31))
    large = _submit_queries(client, tree.a1_2, 30, D(2024, 3, 31))
    assert small == large == SUBMIT_QUERIES, (small, large)


def test_editing_on_a_stale_version_is_refused_and_keeps_the_first_save(tree, client_for):
    members = [make_member(tree.a1_1) for _ in range(3)]
    meeting = meeting_create(cell=tree.a1_1, date=D(2024, 3, 15), start_time=dt.time(8), end_time=dt.time(10))
    url = reverse("meetings:meeting_edit", args=[meeting.pk])
    client = client_for("cell_secretary")
    page = client.get(url)
    assert page.context["form"].initial["version"] == 1
    first = form_data(members, absent=[members[0]], day=D(2024, 3, 15), version="1", conclusions="Lần một")
    assert client.post(url, first).status_code == 302
    second = form_data(members, day=D(2024, 3, 15), version="1", conclusions="Lần hai")
    response = client_for("grassroots_officer").post(url, second)
    assert response.status_code == 200
    assert "phiên bản 2" in " ".join(response.context["form"].non_field_errors())
    meeting.refresh_from_db()
    assert meeting.conclusions == "Lần một" and meeting.version == 2
    assert meeting.attendance.get(member=members[0]).status == S.ABSENT_EXCUSED


def test_scope_404_outside_and_403_when_visible_but_read_only(tree, client_for):
    make_member(tree.b1)
    outside = meeting_create(cell=tree.b1, date=D(2024, 3, 15), start_time=dt.time(8), end_time=dt.time(10))
    assert client_for("cell_secretary").get(reverse("meetings:meeting_detail", args=[outside.pk])).status_code == 404
    assert client_for("cell_secretary").get(f"{CREATE}?cell={tree.b1.pk}").status_code == 404
    assert client_for("cell_secretary").get(f"{CREATE}?cell={tree.a1_2.pk}").status_code == 404  # not even visible
    assert client_for("leadership").get(reverse("meetings:meeting_edit", args=[outside.pk])).status_code == 404
    make_member(tree.a1_1)
    inside = meeting_create(cell=tree.a1_1, date=D(2024, 3, 15), start_time=dt.time(8), end_time=dt.time(10))
    assert client_for("leadership").get(reverse("meetings:meeting_edit", args=[inside.pk])).status_code == 403
    assert client_for("leadership").post(reverse("meetings:meeting_delete", args=[inside.pk])).status_code == 403
    delete = reverse("meetings:meeting_delete", args=[outside.pk])
    assert client_for("cell_secretary").post(delete).status_code == 404
    assert client_for("outsider").post(delete).status_code == 302
    assert list(Meeting.objects.all()) == [inside]


def test_a_secretary_sees_only_their_cell(tree, client_for):
    for cell in (tree.a1_1, tree.a1_2):
        make_member(cell)
        meeting_create(cell=cell, date=D(2024, 3, 15), start_time=dt.time(8), end_time=dt.time(10))
    response = client_for("cell_secretary").get(reverse("meetings:meeting_list"))
    assert [m.cell_id for m in records(response)] == [tree.a1_1.pk]
    grid = client_for("cell_secretary").get(f"{OVERVIEW}?year=2024")
    assert [r["cell"].pk for r in grid.context["rows"]] == [tree.a1_1.pk]


def _bloc_with_cells(parent, n, year=2024):
    cells = []
    for i in range(n):
        cell = organization_create(name=f"Chi bộ {parent.name} {i}", kind=OrgKind.GRASSROOTS_CELL, parent=parent,
                                   founded_on=D(2020, 1, 1))
        make_member(cell)
        for month in (1, 2, 4):  # March missing
            meeting_create(cell=cell, date=D(year, month, 10), start_time=dt.time(8), end_time=dt.time(10),
                           includes_thematic=month == 1)
        cells.append(cell)
    return cells


# Measured baseline (queries of the request, its ATOMIC_REQUESTS savepoint included), whatever the data's size; 14 since
# the meetings are judged by the guidance of their date (one query for the MeetingRuleSet rows, issue 18 item 10).
OVERVIEW_QUERIES = 14


def test_the_overview_grid_shows_the_months_and_needs_a_constant_number_of_queries(tree, client_for):
    bloc_c = organization_create(name="Khối C", kind=OrgKind.DIRECT, parent=tree.province, founded_on=D(2020, 1, 1))
    bloc_d = organization_create(name="Khối D", kind=OrgKind.DIRECT, parent=tree.province, founded_on=D(2020, 1, 1))
    _bloc_with_cells(bloc_c, 3)
    _bloc_with_cells(bloc_d, 30)
    client = client_for("administrator")

    def render(bloc):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(f"{OVERVIEW}?org={bloc.pk}&year=2024")
        assert response.status_code == 200
        return response, len(ctx.captured_queries)

    small, n_small = render(bloc_c)
    large, n_large = render(bloc_d)
    assert n_small == n_large == OVERVIEW_QUERIES, (n_small, n_large)
    assert len(large.context["rows"]) == 30
    row = small.context["rows"][0]
    months = {m["month"]: m for m in row["months"]}
    assert months[1]["regular"] and months[1]["thematic"] and not months[2]["thematic"]
    assert months[3]["missing"] and not months[2]["missing"]
    assert row["held"] == 3 and row["rate"] == pytest.approx(100.0)
    assert b'class="missing"' in small.content


def test_reminders_notify_the_secretary_and_the_grassroots_officer_once(tree, personas, mailoutbox):
    make_member(tree.a1_1)
    make_member(tree.a1_2)
    meeting_create(cell=tree.a1_2, date=D(2024, 3, 10), start_time=dt.time(8), end_time=dt.time(10))
    missing = set(cells_without_regular_meeting("2024-03").values_list("pk", flat=True))
    assert missing == {tree.a1_1.pk, tree.a2.pk, tree.b1.pk}
    created = send_missing_meeting_reminders.delay("2024-03").get()
    again = send_missing_meeting_reminders.delay("2024-03").get()
    assert (created, again) == (2, 0)  # a2 and b1 have nobody holding those roles
    key = f"meeting-missing:{tree.a1_1.pk}:2024-03"
    assert set(Notification.objects.filter(key=key).values_list("user__username", flat=True)) == {"bithu", "coso"}
    assert Notification.objects.count() == 2
    assert len(mailoutbox) == 2  # an e-mail copy to users with an address


def test_the_daily_beat_run_acts_only_on_the_configured_day(tree, personas, monkeypatch):
    from django.utils import timezone

    make_member(tree.a1_1)
    reminder_schedule_set(day_of_month=3)
    reminder_schedule_set(day_of_month=7, organization=tree.a1)  # more specific: A1's cells on the 7th
    monkeypatch.setattr(timezone, "localdate", lambda: D(2024, 4, 3))
    assert send_missing_meeting_reminders() == 0  # a1_1 is due on the 7th; other cells have nobody to tell
    monkeypatch.setattr(timezone, "localdate", lambda: D(2024, 4, 7))
    # A1-1: its secretary and A1's officer; A1-2 (no meeting either): the officer.
    assert send_missing_meeting_reminders() == 3
    assert Notification.objects.filter(key=f"meeting-missing:{tree.a1_1.pk}:2024-03").count() == 2
    assert send_missing_meeting_reminders() == 0
    ReminderSchedule.objects.all().delete()
    monkeypatch.setattr(timezone, "localdate", lambda: D(2024, 5, 6))  # no schedule: only on the default 5th
    assert send_missing_meeting_reminders() == 0
    monkeypatch.setattr(timezone, "localdate", lambda: D(2024, 5, 5))
    assert send_missing_meeting_reminders() == 3


def test_the_overview_lists_last_months_missing_cells_for_the_officer(tree, client_for):
    make_member(tree.a1_1)
    make_member(tree.a1_2)
    today = dt.date.today()
    last = today.replace(day=1) - dt.timedelta(days=1)
    meeting_create(cell=tree.a1_2, date=last, start_time=dt.time(8), end_time=dt.time(10))
    response = client_for("grassroots_officer").get(OVERVIEW)
    assert [c.pk for c in response.context["missing_last"]] == [tree.a1_1.pk]


def test_rubric_pages(tree, client_for):
    client = client_for("committee_staff")
    data = {"name": "Bộ tiêu chí thử", "criteria": "Chuẩn bị | Họp chi ủy | 30\nTiến hành | Đúng giờ | 70",
            "levels": "Tốt | 90\nĐạt | 50\nKhông đạt | 0", "year_rules": "Tốt | Đạt | Tốt | 6"}
    response = client.post(reverse("meetings:rubric_create"), data)
    assert response.status_code == 302
    from meetings.models import Rubric

    rubric = Rubric.objects.get(name="Bộ tiêu chí thử")
    assert rubric.levels.count() == 3 and rubric.year_rules.get().top_count == 6
    response = client.post(reverse("meetings:rubric_detail", args=[rubric.pk]),
                           {"organization": tree.a1.pk, "from_year": 2024})
    assert response.status_code == 302 and rubric.uses.get().organization == tree.a1
    assert client_for("cell_secretary").post(reverse("meetings:rubric_detail", args=[rubric.pk]),
                                             {"organization": tree.a1.pk, "from_year": 2024}).status_code == 403


def test_the_meeting_list_filters_orders_and_costs_the_same_queries_for_3_or_30_rows(
        tree, client_for, django_assert_num_queries):
    members = [make_member(tree.a1_1) for _ in range(4)] + [make_member(tree.a2) for _ in range(2)]
    absent = {members[0].pk: (S.ABSENT_EXCUSED, "Ốm")}
    meeting_create(cell=tree.a1_1, date=D(2024, 3, 15), start_time=dt.time(8), end_time=dt.time(10), absences=absent)
    meeting_create(cell=tree.a2, date=D(2024, 5, 10), start_time=dt.time(8), end_time=dt.time(10))
    meeting_create(cell=tree.a1_1, date=D(2023, 12, 5), start_time=dt.time(8), end_time=dt.time(10))
    client = client_for("committee_staff")
    url = reverse("meetings:meeting_list")

    def rows(params=None):
        return [(m.cell.name, m.date) for m in records(client.get(url, params or {}))]

    assert rows() == [("Chi bộ Sở A2", D(2024, 5, 10)), ("Chi bộ A1-1", D(2024, 3, 15)),
                      ("Chi bộ A1-1", D(2023, 12, 5))]  # the newest first
    assert rows({"cell": tree.a1.pk, "sort": "date"}) == [("Chi bộ A1-1", D(2023, 12, 5)),
                                                         ("Chi bộ A1-1", D(2024, 3, 15))]
    # The rate is computed (no index): its sort is ignored (issue 20), the newest stay first.
    assert rows({"year": 2024, "sort": "rate"}) == [("Chi bộ Sở A2", D(2024, 5, 10)), ("Chi bộ A1-1", D(2024, 3, 15))]
    filtered = client.get(url, {"cell": tree.a1_1.pk, "year": 2024})
    html = filtered.content.decode()
    assert "Sinh hoạt chi bộ · Chi bộ A1-1</h1>" in html
    assert "3/4 có mặt" in html and "75,0%" in html
    assert rows({"cell": tree.b1.pk}) == []  # outside the user's scope: refused, nothing shown
    assert "Chưa có buổi sinh hoạt nào được ghi." in client.get(url, {"year": 2020}).content.decode()

    with django_assert_num_queries(11):  # 10, and the user's chosen columns (issue 20)
        assert len(records(client.get(url, {"sort": "-date"}))) == 3
    for month in range(1, 13):
        for year in (2021, 2022):
            meeting_create(cell=tree.a1_2 if month % 2 else tree.a2, date=D(year, month, 20), start_time=dt.time(8),
                           end_time=dt.time(10))
    meeting_create(cell=tree.a1_2, date=D(2020, 6, 1), start_time=dt.time(8), end_time=dt.time(10))
    meeting_create(cell=tree.a1_2, date=D(2020, 7, 1), start_time=dt.time(8), end_time=dt.time(10))
    meeting_create(cell=tree.a1_2, date=D(2020, 8, 1), start_time=dt.time(8), end_time=dt.time(10))
    with django_assert_num_queries(11):  # 10, and the user's chosen columns (issue 20)
        assert len(records(client.get(url, {"sort": "-date"}))) == 30
