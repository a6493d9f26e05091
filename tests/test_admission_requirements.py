"""Admission (issue 18 item 8): the education requirement with its remote-area exception, admission dates in
the future and an age under 18 refused — in the admission pages and in the member register's pages and
import."""

import datetime as dt

import pytest
from django.urls import reverse

from members.admissions.models import Candidate
from members.register.models import Member
from tests.factories import make_member
from tests.test_admissions_rules import ready_candidate
from tests.test_status_periods import _import, _row, coded  # noqa: F401  (the coded tree fixture)

pytestmark = pytest.mark.django_db
D = dt.date


def test_a_candidate_with_primary_education_only_is_not_admitted_without_the_exception(tree, client_for):
    candidate = ready_candidate(tree.a1_1, full_name="Thào A Páo", education="primary")
    client = client_for("grassroots_officer")
    url = reverse("admissions:candidate_admit", args=[candidate.pk])

    refused = client.post(url, {"ceremony_date": "20/10/2023"})

    assert refused.status_code == 200
    assert any("lower secondary" in e or "trung học cơ sở" in e for e in refused.context["form"].non_field_errors())
    assert not Member.objects.filter(full_name="Thào A Páo").exists()

    exception = "Xã vùng cao đặc biệt khó khăn; Công văn 12-CV/BTC"
    edit = client.post(reverse("admissions:candidate_edit", args=[candidate.pk]), {
        "cell": tree.a1_1.pk, "full_name": "Thào A Páo", "gender": "female", "birth_date": "01/06/1995",
        "ethnicity": "H'Mông", "education": "primary", "education_exception": exception})
    assert edit.status_code == 302
    admitted = client.post(url, {"ceremony_date": "20/10/2023"})

    assert admitted.status_code == 302
    candidate.refresh_from_db()
    assert (candidate.education_exception, candidate.member.full_name) == (exception, "Thào A Páo")


def test_lower_secondary_passes_and_an_unrecorded_education_is_a_warning(tree):
    from members.admissions.services import candidate_checks

    checks = {c.code: c for c in candidate_checks(ready_candidate(tree.a1_1, education="lower_secondary"))}
    assert checks["education"].level == "ok"
    checks = {c.code: c for c in candidate_checks(ready_candidate(tree.a1_2))}
    assert checks["education"].level == "warning" and not checks["education"].blocking


def test_a_ceremony_in_the_future_is_refused(tree, client_for):
    candidate = ready_candidate(tree.a1_1, full_name="Ngày Mai", education="upper_secondary")
    tomorrow = dt.date.today() + dt.timedelta(days=1)

    response = client_for("grassroots_officer").post(reverse("admissions:candidate_admit", args=[candidate.pk]),
                                                      {"ceremony_date": tomorrow.strftime("%d/%m/%Y")})

    assert response.status_code == 200 and "ceremony_date" in response.context["form"].errors
    assert Candidate.objects.get(pk=candidate.pk).member is None


def test_a_stage_dated_in_the_future_is_refused(tree, client_for):
    from members.admissions.models import AdmissionStage

    candidate = ready_candidate(tree.a1_1, education="upper_secondary")
    stage = AdmissionStage.objects.get(code="verification")
    tomorrow = dt.date.today() + dt.timedelta(days=1)

    response = client_for("grassroots_officer").post(reverse("admissions:stage_record", args=[candidate.pk]), {
        "stage": stage.pk, "date": tomorrow.strftime("%d/%m/%Y"), "document_number": "BC-1"})

    assert response.status_code == 200 and "date" in response.context["form"].errors
    assert not candidate.stages.filter(stage=stage).exists()


def test_the_member_pages_refuse_an_admission_in_the_future_or_before_18(tree, client_for):
    member = make_member(tree.a1_1, birth_date=D(1990, 5, 1))
    client = client_for("grassroots_officer")
    data = {"version": member.version, "full_name": member.full_name, "gender": member.gender,
            "birth_date": "01/05/1990", "ethnicity": "Kinh", "religion": "none", "full_membership_date": ""}
    future = (dt.date.today() + dt.timedelta(days=3)).strftime("%d/%m/%Y")

    in_future = client.post(reverse("members:member_edit", args=[member.pk]), data | {"admission_date": future})
    too_young = client.post(reverse("members:member_edit", args=[member.pk]), data | {"admission_date": "30/04/2008"})
    at_18 = client.post(reverse("members:member_edit", args=[member.pk]), data | {"admission_date": "01/05/2008"})

    assert in_future.status_code == 200 and future in " ".join(in_future.context["form"].errors["admission_date"])
    assert too_young.status_code == 200 and "admission_date" in too_young.context["form"].errors
    assert at_18.status_code == 302
    member.refresh_from_db()
    assert member.admission_date == D(2008, 5, 1)


def test_the_import_refuses_an_admission_at_age_9(coded, client_for):  # noqa: F811
    from tests.test_members_excel import header, problems

    client = client_for("grassroots_officer")
    response = _import(client, [_row("Nguyễn Văn Chín Tuổi", birth_date=D(2000, 3, 1), admission_date=D(2009, 6, 1),
                                     full_membership_date=D(2010, 6, 1))], commit=False)

    assert response.status_code == 200
    assert problems(response) == [(2, header("admission_date"))]
    assert not Member.objects.exists()


def test_the_import_refuses_an_admission_date_in_the_future(coded, client_for):  # noqa: F811
    from tests.test_members_excel import header, problems

    later = dt.date.today() + dt.timedelta(days=10)
    client = client_for("grassroots_officer")
    response = _import(client, [_row("Nguyễn Văn Sắp Vào", admission_date=later, full_membership_date=None),
                                _row("Nguyễn Văn Đã Vào")], commit=False)

    assert response.status_code == 200
    assert problems(response) == [(2, header("admission_date"))]
    assert later.strftime("%d/%m/%Y") in response.content.decode()
    assert not Member.objects.exists()
