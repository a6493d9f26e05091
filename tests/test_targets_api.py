"""The read-only JSON API: scoping through ``visible_to`` (404 outside), filters, token and session
authentication, GET only, pagination, the shape of an attainment, the OpenAPI schema, and the same numbers
as the resolution page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.authtoken.models import Token

from targets.engine import formatting
from targets.engine.choices import Status
from targets.engine.models import Attainment, Resolution, Target
from tests.factories import make_member
from tests.test_targets_views import attach, figure, rate

pytestmark = pytest.mark.django_db

ATTAINMENT_FIELDS = {"id", "target", "unit", "organization", "organization_name", "year", "period_start",
                     "period_end", "numerator", "denominator", "value", "status", "status_label", "missing", "final",
                     "projection", "computed_at", "inputs_changed_at", "notes", "parts", "beside"}


@pytest.fixture
def figures(tree):
    """Bloc A's resolution (two targets) with figures of bloc A and A1 for 2023 and 2024, and bloc B's."""
    khoia = attach(tree.bloc_a, ("LD-4b", "LD-4c"), code="khoia")
    khoib = attach(tree.bloc_b, ("LD-4b",), code="khoib")
    t1, t2 = khoia.targets.order_by("order")
    rows = {}
    for year in (2023, 2024):
        rows[t1, tree.bloc_a, year] = figure(t1, tree.bloc_a, year, 51, 68, Status.NOT_MET)
        rows[t1, tree.a1, year] = figure(t1, tree.a1, year, 20, 21, Status.MET)
        rows[t2, tree.bloc_a, year] = figure(t2, tree.bloc_a, year, 12, 68, Status.MET)
        rows[t2, tree.a1, year] = figure(t2, tree.a1, year, 1, 21, Status.NO_DATA, missing=[["unrated_members", 3]])
    [tb] = khoib.targets.all()
    rows[tb, tree.bloc_b, 2024] = figure(tb, tree.bloc_b, 2024, 5, 5)
    return {"khoia": khoia, "khoib": khoib, "t1": t1, "t2": t2, "tb": tb, "rows": rows}


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_a_user_of_bloc_b_sees_none_of_bloc_a(tree, client_for, figures):
    client = client_for("outsider")
    # The outsider may change targets in bloc B, so it also sees the catalogue's unattached resolutions (which
    # measure nothing) — the one rule of organizations.scoping, the same as the resolution pages.
    catalogue = set(Resolution.objects.filter(scope__isnull=True).values_list("code", flat=True))
    assert [r["target"] for r in results(client.get("/api/attainments/"))] == [figures["tb"].code]
    assert {r["code"] for r in results(client.get("/api/resolutions/"))} == {"khoib"} | catalogue
    assert {r["resolution"] for r in results(client.get("/api/targets/"))} == {"khoib"} | catalogue
    assert figures["t1"].code not in {r["code"] for r in results(client.get("/api/targets/"))}
    bloc_a_row = figures["rows"][figures["t1"], tree.bloc_a, 2024]
    assert client.get(f"/api/attainments/{bloc_a_row.pk}/").status_code == 404
    assert client.get(f"/api/resolutions/{figures['khoia'].pk}/").status_code == 404
    assert client.get(f"/api/targets/{figures['t1'].pk}/").status_code == 404
    # Filtering for them does not reveal them either.
    assert results(client.get("/api/attainments/", {"resolution": "khoia"})) == []


def test_scope_follows_the_tree(tree, client_for, figures):
    staff = results(client_for("committee_staff").get("/api/attainments/"))
    assert len(staff) == 8 and {r["organization"] for r in staff} == {tree.bloc_a.pk, tree.a1.pk}
    # The grassroots officer of A1 sees A1's own figures, not bloc A's.
    officer = results(client_for("grassroots_officer").get("/api/attainments/"))
    assert len(officer) == 4 and {r["organization"] for r in officer} == {tree.a1.pk}
    assert results(client_for("no_role").get("/api/attainments/")) == []
    everything = results(client_for("administrator").get("/api/attainments/"))
    assert len(everything) == 9
    catalogue = Resolution.objects.filter(scope__isnull=True).values_list("code", flat=True)
    listed = [r["code"] for r in results(client_for("administrator").get("/api/resolutions/"))]
    assert set(listed) == {"khoia", "khoib"} | set(catalogue)  # unattached too: the administrator may attach them
    # The grassroots officer of A1 sees bloc A's resolution, which measures A1, and not bloc B's.
    assert [r["code"] for r in results(client_for("grassroots_officer").get("/api/resolutions/"))] == ["khoia"]


def test_attainments_are_ordered_by_target_organization_and_year(tree, client_for, figures):
    rows = results(client_for("committee_staff").get("/api/attainments/"))
    t1, t2 = figures["t1"].code, figures["t2"].code
    assert [(r["target"], r["organization"], r["year"]) for r in rows] == [
        (t, org.pk, year) for t in (t1, t2) for org in (tree.bloc_a, tree.a1) for year in (2023, 2024)]


def test_the_attainment_json(tree, client_for, figures):
    row = figures["rows"][figures["t2"], tree.a1, 2024]
    data = client_for("committee_staff").get(f"/api/attainments/{row.pk}/").json()
    with translation.override("vi"):
        label, missing = str(Status.NO_DATA.label), formatting.missing_text([["unrated_members", 3]])
    assert set(data) == ATTAINMENT_FIELDS
    assert data == {
        "id": row.pk, "target": figures["t2"].code, "unit": "percent", "organization": tree.a1.pk,
        "organization_name": "Đảng bộ Sở A1", "year": 2024, "period_start": "2024-01-01", "period_end": "2024-12-31",
        "numerator": "1.00", "denominator": "21.00", "value": "4.76", "status": "no_data", "status_label": label,
        "missing": missing, "notes": "", "parts": None, "beside": None, "final": True, "projection": None,
        "computed_at": timezone.localtime(row.computed_at).isoformat(), "inputs_changed_at": None}
    english = client_for("committee_staff").get(f"/api/attainments/{row.pk}/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert english["status_label"] == "insufficient data"
    assert english["missing"] == "3 members without a decided rating"


@pytest.mark.parametrize("query, expected", [
    ({"resolution": "khoia"}, 8),
    ({"resolution": "{khoia_id}"}, 8),
    ({"resolution": "khoib"}, 0),  # exists, but outside the staff's scope
    ({"target": "{t2_code}"}, 4),
    ({"organization": "{a1}"}, 4),
    ({"year": "2023"}, 4),
    ({"target": "{t1_code}", "organization": "{a1}", "year": "2024"}, 1),
])
def test_attainment_filters(tree, client_for, figures, query, expected):
    values = {"khoia_id": figures["khoia"].pk, "t1_code": figures["t1"].code, "t2_code": figures["t2"].code,
              "a1": tree.a1.pk}
    query = {key: value.format(**values) for key, value in query.items()}
    rows = results(client_for("committee_staff").get("/api/attainments/", query))
    assert len(rows) == expected
    for key, value in query.items():
        field = {"resolution": None, "target": "target", "organization": "organization", "year": "year"}[key]
        if field:
            assert {str(r[field]) for r in rows} <= {value}


def test_target_filters_and_shape(client_for, figures):
    client = client_for("committee_staff")
    khoia = figures["khoia"]
    assert [r["code"] for r in results(client.get("/api/targets/", {"resolution": khoia.pk}))] == ["KHOIA-1", "KHOIA-2"]
    assert [r["code"] for r in results(client.get("/api/targets/", {"code": "khoia-2"}))] == ["KHOIA-2"]
    mine = {"resolution": khoia.pk, "family": "R-mem"}
    assert len(results(client.get("/api/targets/", mine))) == 2
    assert results(client.get("/api/targets/", {"resolution": khoia.pk, "family": "REP"})) == []
    assert client.get("/api/targets/", {"family": "nope"}).status_code == 400
    second = results(client.get("/api/targets/", {"code": "KHOIA-2"}))[0]
    assert (second["resolution"], second["comparator"], second["lower"], second["upper"], second["bounds"]) == (
        "khoia", "range", "15.00", "20.00", "15–20%")
    resolution = client.get(f"/api/resolutions/{khoia.pk}/").json()
    assert (resolution["scope"], resolution["scope_name"], resolution["target_count"]) == (
        khoia.scope_id, "Đảng ủy Khối A", 2)


def test_token_authentication(personas, figures):
    from rest_framework.test import APIClient

    token = Token.objects.create(user=personas.committee_staff)
    api = APIClient()
    assert api.get("/api/attainments/").status_code == 401  # no credentials: 401, and how to send them
    assert api.get("/api/attainments/")["WWW-Authenticate"] == "Token"
    api.credentials(HTTP_AUTHORIZATION="Token wrong")
    assert api.get("/api/attainments/").status_code == 401
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert len(results(api.get("/api/attainments/"))) == 8


def test_the_api_is_read_only(tree, client_for, personas, figures):
    row = figures["rows"][figures["t1"], tree.bloc_a, 2024]
    client = client_for("administrator")
    before = list(Attainment.objects.order_by("pk").values())
    assert client.post("/api/attainments/", {"target": figures["t1"].code}).status_code == 405
    assert client.put(f"/api/attainments/{row.pk}/", {}, content_type="application/json").status_code == 405
    assert client.patch(f"/api/attainments/{row.pk}/", {}, content_type="application/json").status_code == 405
    assert client.delete(f"/api/attainments/{row.pk}/").status_code == 405
    assert client.post("/api/resolutions/", {}).status_code == 405
    assert client.delete(f"/api/targets/{figures['t1'].pk}/").status_code == 405
    assert list(Attainment.objects.order_by("pk").values()) == before
    assert Target.objects.filter(pk=figures["t1"].pk).exists()


# Measured baseline of a page of 100 attainments (was: at most 8).
API_LIST_QUERIES = 7


def test_lists_are_paginated_by_100_in_constant_queries(tree, client_for, django_assert_num_queries):
    resolution = attach(tree.bloc_a, ("LD-4b",))
    target = resolution.targets.get()
    now = timezone.now()
    Attainment.objects.bulk_create(Attainment(
        target=target, organization=tree.bloc_a, year=year, period_start=dt.date(year, 1, 1),
        period_end=dt.date(year, 12, 31), numerator=1, denominator=2, value=50, status=Status.NOT_MET,
        computed_at=now) for year in range(1900, 2005))
    client = client_for("committee_staff")
    client.get("/api/attainments/")
    with django_assert_num_queries(API_LIST_QUERIES):
        page = client.get("/api/attainments/").json()
    assert page["count"] == 105 and len(page["results"]) == 100 and page["next"].endswith("?page=2")
    assert [r["year"] for r in client.get(page["next"]).json()["results"]] == [2000, 2001, 2002, 2003, 2004]


def test_the_page_shows_the_numbers_the_api_gives(tree, client_for, figures):
    client = client_for("committee_staff")
    for target, org in ((figures["t1"], tree.bloc_a), (figures["t2"], tree.a1)):
        data = results(client.get("/api/attainments/", {"target": target.code, "organization": org.pk, "year": 2024}))
        [item] = data
        page = client.get(reverse("targets:resolution_detail", args=[figures["khoia"].pk]),
                          {"organization": org.pk, "year": 2024})
        [row] = [r for r in page.context["rows"] if r["target"] == target]
        value, numerator, denominator = (Decimal(item[k]) for k in ("value", "numerator", "denominator"))
        assert row["attainment"].pk == item["id"]
        assert (row["attainment"].value, row["attainment"].numerator, row["attainment"].denominator) == (
            value, numerator, denominator)
        assert row["status_label"] == item["status_label"] and row["missing"] == item["missing"]
        with translation.override("vi"):
            shown = f"{formatting.number(value)}% ({formatting.number(numerator)}/{formatting.number(denominator)})"
        assert row["actual"] == shown and shown in page.content.decode()
    assert "75% (51/68)" in client.get(reverse("targets:resolution_detail", args=[figures["khoia"].pk]),
                                         {"year": 2024}).content.decode()


def test_engine_rows_read_the_same_through_the_api(tree, client_for):
    from targets.engine.compute import recompute_target

    resolution = attach(tree.bloc_a, ("LD-4b",))
    target = resolution.targets.get()
    for member, level in zip([make_member(tree.a2) for _ in range(3)], ["HTT", "HTXS", "KHT"]):
        rate(member, 2024, level, tree.a2)
    recompute_target(target, [2024])
    [row] = results(client_for("leadership").get("/api/attainments/", {"organization": tree.a2.pk, "year": 2024}))
    assert (row["numerator"], row["denominator"], row["value"], row["status"]) == ("2.00", "3.00", "66.67", "not_met")


def test_the_schema_generates_without_warnings(tmp_path, client_for):
    path = tmp_path / "schema.yaml"
    call_command("spectacular", "--fail-on-warn", "--file", str(path))
    text = path.read_text()
    for endpoint in ("/api/resolutions/", "/api/resolutions/{id}/", "/api/targets/", "/api/targets/{id}/",
                     "/api/attainments/", "/api/attainments/{id}/"):
        assert f"  {endpoint}:" in text
    assert "post:" not in text and "delete:" not in text
    response = client_for("leadership").get(reverse("api:schema"))
    assert response.status_code == 200 and b"/api/attainments/{id}/" in response.content
