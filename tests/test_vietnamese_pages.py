"""No English or internal codes reach a Vietnamese user (issue 20, item 10): every page a user opens — the list
pages with their pagers and filters, the forms, the records behind a figure — rendered in Vietnamese holds none
of Django's "---------" empty choices, no English pager, no internal level codes (DTC_HTXS: the 2014 scheme's
codes are shown by their names); and /api/, where the README points, lists the API's endpoints."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import pytest
from django.urls import reverse

from members.register.services import members_bulk_create
from tests.factories import make_member
from tests.test_url_access import _meeting
from tests.url_access import ACCESS

pytestmark = pytest.mark.django_db

# What must never show: Django's empty choice, English pagers, the internal codes of rating levels.
FORBIDDEN = [
    ("empty choice", re.compile(r"-{5,}")),
    ("English pager", re.compile(r"\b(?:next|previous)\b\s*(?:»|&raquo;)|(?:«|&laquo;)\s*(?:next|previous)\b"
                                 r"|>\s*(?:Next|Previous)\s*<", re.IGNORECASE)),
    ("level code", re.compile(r"\bDTC_[A-Z]+\b|\bVPTC\b")),
]


@pytest.fixture
def world(tree, personas):
    from organizations.models import MassOrganization, RoleAssignment

    # 55 more members in A1-1: the member list has a second page, so its pager shows.
    # The citizen ID agrees with the birth date and gender: province 001, the gender-and-century digit (0 a man,
    # 1 a woman born in the 1900s), the two digits of the year, six more.
    births = [dt.date(1970, 1, 1) + dt.timedelta(days=97 * n) for n in range(55)]
    members_bulk_create(rows=[
        {"full_name": f"Đảng viên Thứ {n:02d}", "gender": "female" if n % 2 else "male",
         "birth_date": born, "ethnicity": "Kinh", "religion": "none",
         "admission_date": dt.date(2010, 3, 1), "full_membership_date": dt.date(2011, 3, 1),
         "professional_level": "university", "political_theory": "elementary",
         "citizen_id": f"001{n % 2}{born.year % 100:02d}{n:06d}",
         "cell": tree.a1_1, "start_date": dt.date(2020, 1, 1)} for n, born in enumerate(births)])
    return SimpleNamespace(
        tree=tree, personas=personas, member=make_member(tree.a1_1), outside_member=make_member(tree.b1),
        mass_org=MassOrganization.objects.create(name="Công đoàn Sở A1", kind="trade_union", organization=tree.a1),
        assignment=RoleAssignment.objects.get(user=personas.cell_secretary),
        meeting=_meeting(tree),
    )


def _pages():
    """Every page the administrator opens with 200 (the JSON API and the downloads are checked apart)."""
    return sorted(name for name, spec in ACCESS.items()
                  if "administrator" in spec.ok and spec.ok_status == 200 and not name.startswith("api:"))


# A target's parameters are edited as JSON with the level codes the metric reads; the form is for the staff who
# maintain targets, and the codes are its data, not words shown to a reader.
CODES_ARE_DATA = {"targets:target_edit"}


def _offences(name: str, html: str) -> list[str]:
    text = re.sub(r"<script.*?</script>", "", html, flags=re.DOTALL)
    return [f"{what}: {match.group(0)!r}" for what, pattern in FORBIDDEN for match in pattern.finditer(text)
            if not (what == "level code" and name in CODES_ARE_DATA)]


def test_the_pages_speak_vietnamese_only(world, client):
    client.force_login(world.personas.administrator)
    found = {}
    opened = 0
    for name in _pages():
        spec = ACCESS[name]
        url = reverse(name, kwargs=spec.kwargs(world) if spec.kwargs else None) + (f"?{spec.query}" if spec.query
                                                                                  else "")
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="vi")
        assert response.status_code == 200, url
        if not response["Content-Type"].startswith("text/html"):
            continue
        opened += 1
        offences = _offences(name, response.content.decode())
        if offences:
            found[url] = sorted(set(offences))
    assert found == {}
    assert opened > 60  # the walk really rendered the pages


def test_the_member_list_pager_and_the_empty_choices_are_vietnamese(world, client):
    client.force_login(world.personas.administrator)
    page = client.get(reverse("members:member_list"), HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "Sau" in page and "?page=2" in page
    assert "— Chọn —" in page  # the filters' empty choice
    form = client.get(reverse("members:member_create"), HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert '<option value="" selected>— Chọn —</option>' in form


def test_the_records_behind_a_figure_name_the_levels(world, client):
    from tests.url_access_dashboard import target_of_bloc_a

    client.force_login(world.personas.administrator)
    page = client.get(reverse("dashboard:records", kwargs=target_of_bloc_a(world)), HTTP_ACCEPT_LANGUAGE="vi")
    text = page.content.decode()
    assert "Đủ tư cách, hoàn thành xuất sắc nhiệm vụ" in text and "DTC_" not in text


def test_the_api_root_lists_its_endpoints(world, client):
    client.force_login(world.personas.leadership)
    response = client.get("/api/", HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 200
    endpoints = {e["name"]: e["url"] for e in response.json()["endpoints"]}
    assert endpoints == {"resolutions": "http://testserver/api/resolutions/",
                         "targets": "http://testserver/api/targets/",
                         "attainments": "http://testserver/api/attainments/",
                         "schema": "http://testserver/api/schema/"}
    assert client.get(endpoints["targets"]).status_code == 200
    client.logout()
    assert client.get("/api/").status_code == 401  # as every endpoint: credentials, not a login page
