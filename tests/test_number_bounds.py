"""Issue 19 item 5: a number that does not fit its column is a form error in Vietnamese, never a 500, and writes
nothing. The POST walk sends 2**31 to every numeric field of every registered form
(tests/test_post_walk.py::test_a_number_too_large_for_its_column_is_a_form_error_and_changes_nothing); these
are the messages and the numbers typed as text (rubric lines, grid scores)."""

from __future__ import annotations

import pytest
from django import forms
from django.urls import reverse
from django.utils import translation

from core.forms import BoundedNumbers
from meetings.models import Rubric
from members.ratings.models import MemberRating
from targets.records.models import ReportedFigure, ReportIndicator
from tests.factories import make_member
from tests.post_access import RUBRIC
from tests.test_ratings_views import browser_data, grid_url

pytestmark = pytest.mark.django_db


def test_the_reported_figure_form_refuses_a_denominator_beyond_its_column(tree, client_for):
    data = {"indicator": ReportIndicator.objects.get(code="staff_studied").pk, "organization": tree.a1.pk,
            "year": 2024, "numerator": 40, "denominator": 2147483648}
    response = client_for("committee_staff").post(reverse("records:figure_create"), data)
    assert response.status_code == 200
    with translation.override("vi"):
        assert response.context["form"].errors["denominator"] == ["Nhập một số từ 0 đến 2147483647."]
    assert not ReportedFigure.objects.exists()
    response = client_for("committee_staff").post(reverse("records:figure_create"), {**data, "numerator": -1,
                                                                                     "denominator": 42})
    assert response.status_code == 200 and list(response.context["form"].errors) == ["numerator"]
    assert not ReportedFigure.objects.exists()


def test_a_plain_form_is_bounded_by_a_postgresql_integer_and_keeps_a_narrower_bound():
    class Counted(BoundedNumbers, forms.Form):
        count = forms.IntegerField()
        month = forms.IntegerField(min_value=1, max_value=12)

    form = Counted({"count": "2147483648", "month": "13"})
    with translation.override("vi"):
        assert form.errors == {"count": ["Nhập một số từ -2147483648 đến 2147483647."],
                               "month": ["Nhập một số từ 1 đến 12."]}
    assert Counted({"count": "2147483647", "month": "12"}).is_valid()


@pytest.mark.parametrize("points", ["1e12", "NaN", "Infinity"])
def test_a_rubric_line_with_a_number_beyond_its_column_is_refused(tree, client_for, points):
    before = Rubric.objects.count()
    data = {**RUBRIC, "criteria": f"Chuẩn bị | Họp chi ủy | {points}\nTiến hành | Đúng giờ | 70"}
    response = client_for("committee_staff").post(reverse("meetings:rubric_create"), data)
    assert response.status_code == 200 and "criteria" in response.context["form"].errors
    assert Rubric.objects.count() == before


@pytest.mark.parametrize("score", ["NaN", "Infinity", "1e400"])
def test_a_grid_score_that_is_no_finite_number_is_an_error_on_its_row(tree, client_for, score):
    member = make_member(tree.a2)
    client = client_for("committee_staff")
    page = client.get(grid_url(tree.a2, 2025))
    response = client.post(grid_url(tree.a2, 2025), browser_data(page, {member: {"decided_level": "HTT",
                                                                                   "score": score}}))
    assert response.status_code == 200
    assert response.context["lines"][0].cells["score"].errors
    assert not MemberRating.objects.exists()
