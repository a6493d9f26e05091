"""Cell meetings: logging, attendance rate in the database, the Hướng dẫn 12 frame, concurrency, history,
change events, scoring rubrics and the yearly grade."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.events import records_changed
from meetings.choices import AttendanceStatus as S
from meetings.models import Attendance, Meeting, Rubric, RubricCriterion
from meetings.quality import frame
from meetings.querysets import excused_streaks, yearly_grades
from meetings.services import (
    meeting_create,
    meeting_delete,
    meeting_update,
    rubric_choose,
    rubric_create,
    upper_candidates,
)
from members.register.services import member_transfer, position_add, status_period_add
from tests.factories import make_member

pytestmark = pytest.mark.django_db
D = dt.date
T8, T10 = dt.time(8), dt.time(10)


def log(cell, day, absences=None, user=None, **kw):
    kw.setdefault("start_time", T8)
    kw.setdefault("end_time", T10)
    return meeting_create(cell=cell, date=day, absences=absences or {}, user=user, **kw)


def annotated(meeting):
    return Meeting.objects.with_attendance().get(pk=meeting.pk)


def test_it_records_everyone_present_but_the_absentees_and_computes_the_rate(tree):
    members = [make_member(tree.a1_1) for _ in range(10)]
    meeting = log(tree.a1_1, D(2024, 3, 15), {members[0].pk: (S.ABSENT_EXCUSED, "ốm"),
                                              members[1].pk: (S.ABSENT_UNEXCUSED, "")})
    m = annotated(meeting)
    assert (m.expected_count, m.present_count, m.excused_count, m.unexcused_count) == (10, 8, 1, 1)
    assert m.attendance_rate == pytest.approx(80.0)
    assert Attendance.objects.get(meeting=meeting, member=members[0]).reason == "ốm"


def test_exempted_and_special_duty_members_are_shown_but_left_out_of_the_rate(tree):
    members = [make_member(tree.a1_1) for _ in range(6)]
    status_period_add(member=members[0], kind="exempted", start=D(2023, 1, 1))
    status_period_add(member=members[1], kind="special_duty", start=D(2024, 1, 1), end=D(2024, 6, 1))
    status_period_add(member=members[2], kind="sick_leave", start=D(2024, 1, 1))  # not an exclusion
    meeting = log(tree.a1_1, D(2024, 3, 15), {members[3].pk: (S.ABSENT_EXCUSED, "công tác")})
    m = annotated(meeting)
    assert (m.expected_count, m.excluded_count, m.present_count) == (6, 2, 3)
    assert m.attendance_rate == pytest.approx(75.0)  # 3 ÷ (6 − 2)
    excluded = Attendance.objects.filter(meeting=meeting, status=S.EXCLUDED)
    assert set(excluded.values_list("member_id", "excluded_kind")) == {(members[0].pk, "exempted"),
                                                                        (members[1].pk, "special_duty")}
    # After the special duty ends the member is expected again.
    later = annotated(log(tree.a1_1, D(2024, 7, 10)))
    assert later.excluded_count == 1


def test_a_member_transferred_mid_year_counts_in_each_cell_only_while_there(tree):
    mover = make_member(tree.a1_1)
    stayer = make_member(tree.a1_1)
    make_member(tree.a1_2)
    member_transfer(member=mover, to_cell=tree.a1_2, date=D(2024, 6, 1))
    before = log(tree.a1_1, D(2024, 5, 20))
    after = log(tree.a1_1, D(2024, 6, 20))
    there = log(tree.a1_2, D(2024, 6, 21))
    assert set(before.attendance.values_list("member_id", flat=True)) == {mover.pk, stayer.pk}
    assert set(after.attendance.values_list("member_id", flat=True)) == {stayer.pk}
    assert mover.pk in set(there.attendance.values_list("member_id", flat=True))
    with pytest.raises(ValidationError, match="không thuộc"):
        log(tree.a1_1, D(2024, 7, 20), {mover.pk: (S.ABSENT_EXCUSED, "x")})


def test_absent_with_reason_four_times_in_a_row_fails_the_frame_from_the_fourth_meeting(tree):
    absentee = make_member(tree.a1_1)
    others = [make_member(tree.a1_1) for _ in range(9)]
    meetings = [log(tree.a1_1, D(2024, month, 10), {absentee.pk: (S.ABSENT_EXCUSED, "đi học")}, preparation_ok=True,
                    principles_ok=True) for month in range(1, 5)]
    streaks = excused_streaks([tree.a1_1.pk], 2024)
    assert set(streaks) == {meetings[3].pk}
    assert streaks[meetings[3].pk] == {absentee.pk: 4}
    third, fourth = annotated(meetings[2]), annotated(meetings[3])
    assert frame(third, streaks.get(third.pk))["verdict"] is True  # 9 of 10 = 90 %
    assert frame(fourth, streaks.get(fourth.pk))["verdict"] is False
    # Being present breaks the run: three absences after it are not more than three in a row.
    log(tree.a1_1, D(2024, 5, 10))
    fresh = [log(tree.a1_1, D(2024, month, 10), {absentee.pk: (S.ABSENT_EXCUSED, "đi học")}) for month in (6, 7, 8)]
    assert not set(excused_streaks([tree.a1_1.pk], 2024)) & {m.pk for m in fresh}
    assert others  # the others were present throughout


def test_the_frame_checks_rate_unexcused_and_duration(tree):
    members = [make_member(tree.a1_1) for _ in range(7)]
    short = annotated(log(tree.a1_1, D(2024, 2, 1), end_time=dt.time(9, 0), preparation_ok=True, principles_ok=True))
    checks = dict(frame(short, None)["checks"])
    assert frame(short, None)["verdict"] is False and list(checks.values())[3] is False  # 60 < 90 minutes
    just_above = annotated(log(tree.a1_1, D(2024, 3, 1), {members[0].pk: (S.ABSENT_UNEXCUSED, "")}))
    assert [ok for _l, ok in frame(just_above, None)["checks"]][:2] == [True, False]  # 6/7 = 85.7 % > 85 %
    low = annotated(log(tree.a1_1, D(2024, 4, 1), {members[0].pk: (S.ABSENT_EXCUSED, "ốm"),
                                                   members[1].pk: (S.ABSENT_EXCUSED, "ốm")}))
    assert [ok for _l, ok in frame(low, None)["checks"]][:2] == [False, True]  # 5/7 = 71.4 %
    undecided = annotated(log(tree.a1_1, D(2024, 5, 1)))
    assert frame(undecided, None)["verdict"] is None


def test_it_refuses_a_second_regular_meeting_in_a_month_and_bad_times(tree):
    make_member(tree.a1_1)
    log(tree.a1_1, D(2024, 3, 1))
    with pytest.raises(ValidationError, match="03/2024"):
        log(tree.a1_1, D(2024, 3, 28))
    log(tree.a1_1, D(2024, 3, 28), kind="thematic")  # a thematic meeting is another meeting
    with pytest.raises(ValidationError) as exc:
        log(tree.a1_1, D(2024, 4, 1), start_time=dt.time(10), end_time=dt.time(9))
    assert "end_time" in exc.value.error_dict
    with pytest.raises(ValidationError, match="hãy ghi lý do"):
        m = make_member(tree.a1_1)
        log(tree.a1_1, D(2024, 5, 1), {m.pk: (S.ABSENT_EXCUSED, "  ")})
    with pytest.raises(ValidationError):
        log(tree.a1, D(2024, 5, 1))  # not a cell


def test_scope_is_checked_in_the_service(tree, personas):
    make_member(tree.b1)
    with pytest.raises(PermissionDenied):
        log(tree.b1, D(2024, 3, 1), user=personas.cell_secretary)
    with pytest.raises(PermissionDenied):
        log(tree.a1_1, D(2024, 3, 1), user=personas.leadership)
    assert log(tree.a1_1, D(2024, 3, 1), user=personas.cell_secretary).pk


def test_a_second_save_on_a_stale_version_is_refused_and_the_first_stays(tree, personas):
    member = make_member(tree.a1_1)
    meeting = log(tree.a1_1, D(2024, 3, 15))
    meeting_update(meeting=meeting, expected_version=1, conclusions="Bản thứ nhất",
                   absences={member.pk: (S.ABSENT_EXCUSED, "ốm")}, user=personas.cell_secretary)
    with pytest.raises(ValidationError, match="phiên bản 2"):
        meeting_update(meeting=meeting, expected_version=1, conclusions="Bản thứ hai", user=personas.committee_staff)
    meeting.refresh_from_db()
    assert (meeting.conclusions, meeting.version) == ("Bản thứ nhất", 2)
    row = Attendance.objects.get(meeting=meeting, member=member)
    assert row.status == S.ABSENT_EXCUSED
    # History keeps who changed what, for the meeting and the attendance row.
    assert [h.history_type for h in meeting.history.order_by("history_date")] == ["+", "~"]
    assert meeting.history.latest().history_user == personas.cell_secretary
    assert list(row.history.order_by("history_date").values_list("status", flat=True)) == [S.PRESENT,
                                                                                          S.ABSENT_EXCUSED]
    assert row.history.latest().history_user == personas.cell_secretary


def test_changing_the_date_rederives_who_was_expected(tree):
    early = make_member(tree.a1_1, start=D(2020, 1, 1))
    late = make_member(tree.a1_1, start=D(2024, 4, 1))
    meeting = log(tree.a1_1, D(2024, 3, 15), {early.pk: (S.ABSENT_EXCUSED, "ốm")})
    assert meeting.attendance.count() == 1
    meeting_update(meeting=meeting, date=D(2024, 4, 15))
    assert set(meeting.attendance.values_list("member_id", "status")) == {(early.pk, S.ABSENT_EXCUSED),
                                                                         (late.pk, S.PRESENT)}


def test_saving_and_deleting_emit_a_change_event_after_commit(tree, django_capture_on_commit_callbacks):
    make_member(tree.a1_1)
    seen = []

    def listener(sender, **kw):
        seen.append((kw["kind"], set(kw["organization_ids"]), set(kw["years"])))

    records_changed.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            meeting = log(tree.a1_1, D(2024, 3, 15))
        with django_capture_on_commit_callbacks(execute=True):
            meeting_delete(meeting=meeting)
    finally:
        records_changed.disconnect(listener)
    assert seen == [("meeting", {tree.a1_1.pk}, {2024})] * 2
    assert not Meeting.objects.exists()


def test_upper_level_attendees_come_from_committee_positions_above_the_cell(tree):
    make_member(tree.a1_1)
    officer = make_member(tree.a1_2)
    position_add(member=officer, organization=tree.a1, position="committee_member", start=D(2021, 1, 1))
    outsider = make_member(tree.b1)
    foreign = position_add(member=outsider, organization=tree.bloc_b, position="committee_member",
                           start=D(2021, 1, 1))
    candidates = list(upper_candidates(tree.a1_1, D(2024, 3, 1)))
    assert [p.member_id for p in candidates] == [officer.pk]
    meeting = log(tree.a1_1, D(2024, 3, 1), upper_positions=candidates)
    assert list(meeting.upper_attendees.values_list("member_id", "organization_id")) == [(officer.pk, tree.a1.pk)]
    with pytest.raises(ValidationError):
        log(tree.a1_1, D(2024, 4, 1), upper_positions=[foreign])


# ------------------------------------------------------------------------------------------- rubrics

def phu_tho():
    return Rubric.objects.get(name__startswith="Phú Thọ")


def test_the_phu_tho_rubric_is_shipped_with_100_points_and_its_bands():
    rubric = phu_tho()
    sections = {s.name: sum(c.max_points for c in s.criteria.all()) for s in rubric.sections.all()}
    assert list(sections.values()) == [15, 20, 45, 20]
    assert sorted((lv.name, lv.min_points) for lv in rubric.levels.all()) == sorted(
        [("Tốt", 90), ("Khá", 70), ("Trung bình", 50), ("Kém", 0)])
    rule = rubric.year_rules.get()
    assert (rule.level.name, rule.all_at_least.name, rule.top_level.name, rule.top_count) == ("Tốt", "Khá", "Tốt", 7)


def scores_for(total_share, rubric):
    """Scores giving each criterion the same share of its maximum."""
    return {c.pk: (c.max_points * Decimal(total_share)).quantize(Decimal("0.1"))
            for c in RubricCriterion.objects.filter(section__rubric=rubric)}


def test_meeting_levels_and_the_yearly_grade_follow_the_rubric(tree):
    rubric = phu_tho()
    rubric_choose(rubric=rubric, organization=tree.bloc_a, from_year=2024)
    make_member(tree.a1_1)
    make_member(tree.a1_2)
    # A1-1: 7 meetings at 95 (Tốt) and 5 at 75 (Khá) -> the year is Tốt.
    for month in range(1, 13):
        log(tree.a1_1, D(2024, month, 5), scores=scores_for("0.95" if month <= 7 else "0.75", rubric))
    # A1-2: only 6 Tốt -> not Tốt; and one meeting at 60 (Trung bình).
    for month in range(1, 13):
        share = "0.95" if month <= 6 else ("0.6" if month == 12 else "0.8")
        log(tree.a1_2, D(2024, month, 5), scores=scores_for(share, rubric))
    levels = dict(Meeting.objects.with_score().filter(cell=tree.a1_2).values_list("date__month", "level_name"))
    assert (levels[1], levels[7], levels[12]) == ("Tốt", "Khá", "Trung bình")
    assert yearly_grades([tree.a1_1.pk, tree.a1_2.pk], 2024) == {tree.a1_1.pk: "Tốt"}
    # An unscored regular meeting counts as below Khá.
    meeting = Meeting.objects.get(cell=tree.a1_1, date=D(2024, 12, 5))
    meeting_update(meeting=meeting, scores=dict.fromkeys(scores_for("1", rubric)))
    assert yearly_grades([tree.a1_1.pk], 2024) == {}


def test_a_score_above_the_criterion_maximum_is_refused_naming_the_figures(tree):
    rubric_choose(rubric=phu_tho(), organization=tree.a1, from_year=2020)
    make_member(tree.a1_1)
    criterion = RubricCriterion.objects.filter(section__rubric=phu_tho()).first()
    with pytest.raises(ValidationError, match=f"nằm ngoài khoảng 0–{criterion.max_points}"):
        log(tree.a1_1, D(2024, 1, 5), scores={criterion.pk: criterion.max_points + 1})


def test_staff_define_another_rubric_and_the_most_specific_choice_wins(tree, personas):
    with pytest.raises(PermissionDenied):
        rubric_create(name="X", sections=[("A", [("a", 10)])], levels=[("Đạt", 5)], user=personas.cell_secretary)
    with pytest.raises(ValidationError, match="cần 50 điểm nhưng tổng điểm các tiêu chí chỉ là 10"):
        rubric_create(name="Sai", sections=[("A", [("a", 10)])], levels=[("Đạt", 50)], user=personas.committee_staff)
    mine = rubric_create(name="Quảng Trị 31-QĐ/TU", sections=[("Nội dung", [("a", 60), ("b", 40)])],
                         levels=[("Đạt", 50), ("Không đạt", 0)], year_rules=[("Đạt", "Đạt", None, 0)],
                         user=personas.committee_staff)
    rubric_choose(rubric=phu_tho(), organization=tree.bloc_a, from_year=2020)
    rubric_choose(rubric=mine, organization=tree.a1, from_year=2024, user=personas.committee_staff)
    make_member(tree.a1_1)
    make_member(tree.a2)
    assert log(tree.a1_1, D(2024, 1, 5)).rubric == mine
    assert log(tree.a1_1, D(2023, 1, 5)).rubric == phu_tho()
    assert log(tree.a2, D(2024, 1, 5)).rubric == phu_tho()
    with pytest.raises(PermissionDenied):
        rubric_choose(rubric=mine, organization=tree.b1, from_year=2024, user=personas.committee_staff)
