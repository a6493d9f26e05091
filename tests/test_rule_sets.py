"""Issue 18 item 10: numbers as dated data. Meeting durations (MeetingRuleSet), admission ages (AdmissionAgeRule)
and the sick-leave threshold (RatingScheme.sick_leave_days) are rows with the dates they apply from, like the rating
schemes: the 2025 guidance and the earlier one each hold for their years, and a new regulation is a new row."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from meetings.models import MeetingRuleSet
from meetings.quality import frame
from members.admissions.choices import CheckLevel
from members.admissions.services import check_age
from members.ratings.models import RatingScheme
from members.ratings.rules import member_facts
from members.register.models import AdmissionAgeRule, Member
from members.register.services import status_period_add, validate_profile
from tests.factories import make_member
from tests.test_meetings_services import annotated
from tests.test_metric_meet import log

pytestmark = pytest.mark.django_db
D = dt.date


def duration_check(meeting):
    checks = {str(label): ok for label, ok in frame(annotated(meeting), None)["checks"]}
    return {label: ok for label, ok in checks.items() if "minutes" in label or "phút" in label}


def test_a_combined_session_needs_120_minutes_under_the_2025_guidance_only(tree):
    make_member(tree.a1_1)
    shipped = list(MeetingRuleSet.objects.values_list("code", "valid_from", "min_minutes", "min_minutes_combined"))
    assert shipped == [("hd12-2018", D(2018, 7, 6), 90, None), ("hd42-2025", D(2025, 10, 28), 90, 120)]
    times = {"start_time": dt.time(8), "end_time": dt.time(9, 40)}  # 100 minutes
    before = log(tree.a1_1, D(2024, 5, 10), includes_thematic=True, **times)
    after = log(tree.a1_1, D(2025, 11, 10), includes_thematic=True, **times)
    assert before.min_minutes == 90 and list(duration_check(before).values()) == [True]
    assert after.min_minutes == 120 and list(duration_check(after).values()) == [False]
    short = log(tree.a1_1, D(2024, 6, 10), start_time=dt.time(8), end_time=dt.time(9, 20))  # 80 minutes
    assert list(duration_check(short).values()) == [False]
    # A new guidance is a row: the meetings from its date are judged by it, the earlier ones are not.
    MeetingRuleSet.objects.create(code="new-2026", legal_basis="Hướng dẫn mới", valid_from=D(2026, 1, 1),
                                  min_minutes=75)
    later = log(tree.a1_1, D(2026, 1, 10), start_time=dt.time(8), end_time=dt.time(9, 20))
    assert later.min_minutes == 75 and list(duration_check(later).values()) == [True]
    assert list(duration_check(short).values()) == [False]


def test_admission_ages_are_the_rule_of_the_day(tree):
    shipped = list(AdmissionAgeRule.objects.values_list("code", "min_months", "max_months"))
    assert shipped == [("qd24-2021", 216, 720), ("qd294-2025", 216, 720)]
    born = D(2006, 9, 1)
    assert check_age(born, D(2025, 9, 1)).level == CheckLevel.OK  # 19 years
    AdmissionAgeRule.objects.create(code="thu-2026", legal_basis="Quy định thử", valid_from=D(2026, 1, 1),
                                    min_months=20 * 12, max_months=60 * 12)
    assert check_age(born, D(2025, 12, 31)).level == CheckLevel.OK
    refused = check_age(born, D(2026, 3, 1))  # 19 years 6 months under a rule that asks 20
    assert refused.level == CheckLevel.ERROR and "20" in refused.message
    # The register applies the same rows to the admission date.
    member = Member(full_name="Nguyễn Văn Thử", gender="male", birth_date=born, admission_date=D(2026, 3, 1))
    with pytest.raises(ValidationError) as error:
        validate_profile(member, today=D(2026, 6, 1))
    assert "admission_date" in error.value.message_dict and "20" in error.value.message_dict["admission_date"][0]
    member.admission_date = D(2025, 9, 1)
    validate_profile(member, today=D(2026, 6, 1))  # 19 at an admission before the new rule: fine


def test_the_sick_leave_threshold_is_the_schemes(tree):
    member = make_member(tree.a2)
    status_period_add(member=member, kind="sick_leave", start=D(2024, 3, 1), end=D(2024, 5, 10))  # 70 days
    facts = member_facts([member.pk], 2024)[member.pk]
    assert (facts.sick_days, facts.sick_leave_days, facts.long_sick_leave) == (70, 90, False)
    scheme = RatingScheme.objects.for_year("member", 2024).first()
    scheme.sick_leave_days = 60
    scheme.save()
    facts = member_facts([member.pk], 2024)[member.pk]
    assert (facts.sick_leave_days, facts.long_sick_leave) == (60, True)
    assert member_facts([member.pk], 2022)[member.pk].sick_leave_days == (
        RatingScheme.objects.for_year("member", 2022).first().sick_leave_days)


def test_the_register_counts_the_admission_age_in_months_as_the_admissions_do(tree):
    """One calculation: a rule of 18 years 6 months is held in months by the register too (whole years let an
    admission at 18 years 7 months be refused), and a birthday on 29/02 turns 18 on 28/02 in both."""
    AdmissionAgeRule.objects.create(code="thu-2018", legal_basis="Quy định thử", valid_from=D(2018, 1, 1),
                                    min_months=18 * 12 + 6, max_months=60 * 12)
    born = D(2000, 1, 1)
    member = Member(full_name="Nguyễn Văn Tháng", gender="male", birth_date=born, admission_date=D(2018, 8, 1))
    validate_profile(member, today=D(2019, 1, 1))  # 18 years 7 months
    assert check_age(born, D(2018, 8, 1)).level == CheckLevel.OK
    member.admission_date = D(2018, 5, 1)  # 18 years 4 months
    with pytest.raises(ValidationError) as error:
        validate_profile(member, today=D(2019, 1, 1))
    message = error.value.message_dict["admission_date"][0]
    assert "18" in message and "4" in message and "6" in message, message
    assert check_age(born, D(2018, 5, 1)).level == CheckLevel.ERROR

    leap = Member(full_name="Trần Thị Nhuận", gender="female", birth_date=D(2008, 2, 29), admission_date=D(2026, 2, 28))
    assert check_age(leap.birth_date, leap.admission_date).level == CheckLevel.OK  # 216 months
    validate_profile(leap, today=D(2026, 6, 1))


def documents_check(meeting):
    return {str(label): ok for label, ok in frame(annotated(meeting), None)["checks"]
            if "Documents" in str(label) or "Tài liệu" in str(label)}


def test_documents_are_posted_a_day_before_under_the_2025_guidance_only(tree, client_for):
    """RULES §2 (Hướng dẫn 42, 28/10/2025): meeting documents posted at least one day before — a number of the
    guidance's row; the 2018 row has none, so earlier meetings are not judged on it."""
    from django.urls import reverse

    from meetings.models import Meeting
    from meetings.services import meeting_create
    from tests.test_meetings_views import form_data

    assert list(MeetingRuleSet.objects.values_list("code", "documents_days_before")) == [
        ("hd12-2018", None), ("hd42-2025", 1)]
    member = make_member(tree.a1_1)
    ok = {"preparation_ok": True, "principles_ok": True}
    before = log(tree.a1_1, D(2024, 5, 10), documents_posted_on=D(2024, 5, 10), **ok)
    assert documents_check(before) == {} and frame(annotated(before), None)["verdict"] is True
    on_the_day = log(tree.a1_1, D(2025, 11, 10), documents_posted_on=D(2025, 11, 10), **ok)
    assert list(documents_check(on_the_day).values()) == [False]
    assert frame(annotated(on_the_day), None)["verdict"] is False
    a_day_ahead = log(tree.a1_1, D(2025, 12, 10), documents_posted_on=D(2025, 12, 9), **ok)
    assert list(documents_check(a_day_ahead).values()) == [True]
    assert frame(annotated(a_day_ahead), None)["verdict"] is True
    unrecorded = log(tree.a1_1, D(2026, 1, 12), **ok)
    assert list(documents_check(unrecorded).values()) == [None]
    assert frame(annotated(unrecorded), None)["verdict"] is None  # not decidable until recorded
    with pytest.raises(ValidationError) as error:
        meeting_create(cell=tree.a1_1, date=D(2026, 2, 10), start_time=dt.time(8), end_time=dt.time(10),
                       documents_posted_on=D(2026, 2, 11))
    assert "documents_posted_on" in error.value.message_dict

    # The log page records it and the meeting's page shows the check.
    client = client_for("cell_secretary")
    day = D(2026, 3, 10)
    response = client.post(reverse("meetings:meeting_create") + f"?cell={tree.a1_1.pk}",
                           form_data([member], day=day, documents_posted_on="08/03/2026"))
    assert response.status_code == 302
    meeting = Meeting.objects.get(date=day)
    assert meeting.documents_posted_on == D(2026, 3, 8)
    page = client.get(response.url)
    assert [ok for label, ok in page.context["quality"]["checks"] if "1" in str(label) and (
        "Documents" in str(label) or "Tài liệu" in str(label))] == [True]
    edit = client.get(reverse("meetings:meeting_edit", args=[meeting.pk])).content.decode()
    assert 'value="08/03/2026"' in edit
