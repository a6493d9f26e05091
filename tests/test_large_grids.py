"""Issue 19 item 6: a rating grid of any size the rules allow saves in one post. A grid of 200 members got
HTTP 400 (Django's 1,000-field limit); the grid views alone accept GRID_MAX_POST_FIELDS
(core.middleware.many_post_fields), every other view keeps Django's limit."""

import datetime as dt
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from members.ratings.models import MemberRating
from members.register.services import members_bulk_create
from tests.test_ratings_views import browser_data, decide_all, grid_url

pytestmark = pytest.mark.django_db
D = dt.date
YEAR = 2024
MEMBERS = 1_500


def _members(cell, n):
    rows = [{"cell": cell, "start_date": D(2020, 1, 1), "full_name": f"Đảng viên Thử {k}",
             "gender": "female" if k % 2 else "male", "birth_date": D(1960 + k % 30, 1 + k % 12, 1),
             "ethnicity": "Kinh", "religion": "none", "admission_date": D(2015, 5, 19),
             "full_membership_date": D(2016, 5, 19), "professional_level": "university",
             "political_theory": "intermediate"} for k in range(n)]
    return members_bulk_create(rows=rows)


def form_post(client, url, data):
    """The post as a browser sends the grid's form (urlencoded; the test client's default is multipart)."""
    return client.post(url, urlencode(data), content_type="application/x-www-form-urlencoded")


def test_a_grid_of_1500_members_saves_in_one_post(tree, client_for):
    members = _members(tree.a2, MEMBERS)
    client = client_for("committee_staff")
    page = client.get(grid_url(tree.a2))
    assert len(page.context["lines"]) == MEMBERS
    data = browser_data(page, decide_all(members, "HTT"))
    assert len(data) > 1_000 * 5  # far beyond Django's 1,000 fields
    response = form_post(client, grid_url(tree.a2), data)
    assert response.status_code == 302, response.status_code
    decided = MemberRating.objects.decided().filter(year=YEAR, decided_level__code="HTT")
    assert decided.count() == MEMBERS
    assert set(decided.values_list("member_id", flat=True)) == {m.pk for m in members}


def test_the_grid_limit_is_a_setting_and_other_views_keep_djangos(tree, client_for, settings):
    members = _members(tree.a2, 200)
    client = client_for("committee_staff")
    data = browser_data(client.get(grid_url(tree.a2)), decide_all(members, "HTT"))
    settings.GRID_MAX_POST_FIELDS = len(data) - 1
    assert form_post(client, grid_url(tree.a2), data).status_code == 400
    assert not MemberRating.objects.exists()
    # Another form's view: a post of more than 1,000 fields is refused before the view runs.
    flood = {f"f{i}": "x" for i in range(1_001)}
    assert form_post(client, reverse("members:member_import"), flood).status_code == 400
    settings.GRID_MAX_POST_FIELDS = len(data)
    assert form_post(client, grid_url(tree.a2), data).status_code == 302
    assert MemberRating.objects.decided().filter(year=YEAR).count() == 200
