"""Recognitions of organizations (issue 18 item 2): recorded, edited and listed in the browser by who decides
organizations' ratings, chosen among the organizations the rules allow — TSVM (and TSVM tiêu biểu) since 2018
only among those rated HTXS, "four good" titles by kind — refused otherwise with the reason."""

import pytest
from django.urls import reverse

from members.ratings.choices import OrgRatingKind, RatingStatus
from members.ratings.models import OrganizationRating, RatingScheme, RecognitionAward

pytestmark = pytest.mark.django_db
YEAR = 2024
ADD = reverse("ratings:recognition_create")


def decide(org, code, committee):
    scheme = RatingScheme.objects.for_year("organization", YEAR).first()
    OrganizationRating.objects.create(kind=OrgRatingKind.PARTY_ORG, organization=org, deciding_committee=committee,
                                      year=YEAR, scheme=scheme, decided_level=scheme.levels.get(code=code),
                                      status=RatingStatus.DECIDED)


def data(org, title, body, **extra):
    return {"organization": org.pk, "year": YEAR, "title": title, "deciding_body": body.pk,
            "decision": "25-QĐ/ĐUK"} | extra


def test_tsvm_is_refused_to_an_organization_rated_htt_and_recorded_for_one_rated_htxs(tree, client_for, personas):
    decide(tree.a1, "HTT", tree.bloc_a)
    decide(tree.a2, "HTXS", tree.bloc_a)
    client = client_for("committee_staff")

    refused = client.post(ADD, data(tree.a1, "tsvm", tree.bloc_a))
    saved = client.post(ADD, data(tree.a2, "tsvm", tree.bloc_a))

    assert refused.status_code == 200
    assert "HTXS" in " ".join(refused.context["form"].errors["organization"])
    assert saved.status_code == 302
    award = RecognitionAward.objects.get()
    assert (award.organization, award.year, award.title, award.deciding_body, award.decision) == (
        tree.a2, YEAR, "tsvm", tree.bloc_a, "25-QĐ/ĐUK")
    assert award.history.get().history_user == personas.committee_staff
    listed = client.get(reverse("ratings:recognition_list"), {"year": YEAR})
    assert [row.record for row in listed.context["table"].page.object_list] == [award]


def test_four_good_titles_follow_the_kind_of_organization(tree, client_for):
    client = client_for("committee_staff")

    refused = client.post(ADD, data(tree.a1, "four_good_cell", tree.bloc_a))  # A1 is a party committee
    saved = client.post(ADD, data(tree.a1, "four_good_committee", tree.bloc_a))
    cell = client.post(ADD, data(tree.a1_1, "four_good_cell", tree.a1))

    assert refused.status_code == 200 and refused.context["form"].errors["organization"]
    assert saved.status_code == 302 and cell.status_code == 302
    assert sorted(RecognitionAward.objects.values_list("organization__name", "title")) == [
        ("Chi bộ A1-1", "four_good_cell"), ("Đảng bộ Sở A1", "four_good_committee")]


def test_editing_keeps_the_rules_and_the_history(tree, client_for):
    decide(tree.a2, "HTXS", tree.bloc_a)
    client = client_for("committee_staff")
    client.post(ADD, data(tree.a2, "tsvm", tree.bloc_a))
    award = RecognitionAward.objects.get()
    url = reverse("ratings:recognition_edit", args=[award.pk])

    refused = client.post(url, data(tree.a1, "tsvm", tree.bloc_a))  # A1 is not rated HTXS
    saved = client.post(url, data(tree.a2, "tsvm_typical", tree.bloc_a, decision="26-QĐ/ĐUK"))

    assert refused.status_code == 200 and refused.context["form"].errors["organization"]
    assert saved.status_code == 302
    award.refresh_from_db()
    assert (award.organization, award.title, award.decision) == (tree.a2, "tsvm_typical", "26-QĐ/ĐUK")
    assert award.history.count() == 2


def test_a_grassroots_officer_does_not_record_recognitions(tree, client_for):
    response = client_for("grassroots_officer").post(ADD, data(tree.a1_1, "four_good_cell", tree.a1))
    assert response.status_code == 403
    assert not RecognitionAward.objects.exists()


def test_before_2018_tsvm_needs_no_htxs(tree):
    from members.ratings.services import recognition_award

    award = recognition_award(organization=tree.a2, year=2016, title="tsvm", deciding_body=tree.bloc_a)
    assert award.title == "tsvm"


def test_a_recognition_recorded_in_the_browser_counts_in_the_titles_figure(tree, client_for):
    """KT-1a-like: the share of TCCSĐ of bloc A holding TSVM, counted by the T-org family."""
    from targets.engine.compute import compute_target
    from tests.test_metric_ratings import make_target, row

    decide(tree.a1, "HTT", tree.bloc_a)
    decide(tree.a2, "HTXS", tree.bloc_a)
    target = make_target(tree.bloc_a, "T-org", {"subject": "tccsd", "titles": ["tsvm"]}, "gte", 50)
    assert row(compute_target(target, [YEAR]), tree.bloc_a).numerator == 0

    client_for("committee_staff").post(ADD, data(tree.a2, "tsvm", tree.bloc_a))

    figure = row(compute_target(target, [YEAR]), tree.bloc_a)
    assert (figure.numerator, figure.denominator, figure.status) == (1, 2, "met")
