"""The organizations' rating grid in the browser: one page per deciding committee, kind and year, saved in
one POST through organization_ratings_save. Each test asserts the response, then the database."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inspections.models import Discipline
from members.ratings.choices import OrgRatingKind, RatingStatus
from members.ratings.forms import input_name
from members.ratings.models import OrganizationRating
from members.ratings.services import OrgRowInput, organization_grid, organization_ratings_save
from organizations.choices import OrgKind, Role
from organizations.models import HostUnit, RoleAssignment
from organizations.services import organization_create

pytestmark = pytest.mark.django_db
D = dt.date
YEAR = 2024
PARTY = OrgRatingKind.PARTY_ORG


def grid_url(committee, kind=PARTY, year=YEAR):
    return reverse("ratings:organization_grid", kwargs={"committee_pk": committee.pk, "kind": kind, "year": year})


def key(org):
    return f"o{org.pk}"


def browser_data(response, changes=None, **extra):
    """What the browser sends for the page in ``response``: every editable input with its shown value,
    then ``changes`` {row key: {field: value}} typed by the user."""
    data = {"grid_version": response.context["form"]["grid_version"].value()}
    for line in response.context["lines"]:
        for cell in line.cells.values():
            if cell.editable:
                data[cell.name] = cell.value
    for row_key, fields in (changes or {}).items():
        for fieldname, value in fields.items():
            data[input_name(row_key, fieldname)] = value
    data.update(extra)
    return data


def decide(orgs, level):
    return {key(o): {"proposed_level": level, "decided_level": level} for o in orgs}


def add_cells(parent, n):
    return [organization_create(name=f"Chi bộ {parent.pk}-{i:02d}", kind=OrgKind.GRASSROOTS_CELL, parent=parent,
                                founded_on=D(2020, 1, 1)) for i in range(n)]


def decided():
    return sorted(OrganizationRating.objects.decided().values_list("decided_level__code", flat=True))


def test_it_lists_every_subject_with_reasons_and_warnings(tree, client_for):
    young = organization_create(name="Chi bộ mới", kind=OrgKind.GRASSROOTS_CELL, parent=tree.bloc_a,
                                founded_on=D(YEAR, 9, 1))
    Discipline.objects.create(organization=tree.a1_1, form="reprimand", violation_year=YEAR, decision_number="1",
                              decision_date=D(YEAR, 8, 1), deciding_body=tree.a1, scope_path=tree.a1_1.path)
    response = client_for("committee_staff").get(grid_url(tree.bloc_a))
    assert response.status_code == 200
    lines = {line.key: line for line in response.context["lines"]}
    assert set(lines) == {key(tree.a1), key(tree.a2), key(young)}
    assert not lines[key(young)].row.rated and not lines[key(young)].editable
    assert lines[key(tree.a1)].warnings and lines[key(tree.a1)].cells["exception_reason"].editable
    html = response.content.decode()
    assert f'name="{input_name(key(tree.a2), "decided_level")}"' in html
    assert f'name="{input_name(key(young), "decided_level")}"' not in html
    assert 'src="/static/js/rating_grid.js"' in html and 'name="cap_exception_reason"' in html
    for kind in OrgRatingKind.values:  # the four kinds' tabs
        assert grid_url(tree.bloc_a, kind) in html
    assert client_for("committee_staff").get(grid_url(tree.bloc_a), {"year": "2023"}).url == grid_url(
        tree.bloc_a, year=2023)
    assert client_for("committee_staff").get(grid_url(tree.bloc_a, "nothing")).status_code == 404


# Measured baseline of saving a committee's grid in one POST (its savepoint included), for 3 or 12
# organizations. The cap counts every decided rating of the committee and kind, listed or not (one query).
SAVE_QUERIES = 29


def test_12_organizations_save_in_one_post_with_as_many_queries_as_3(tree, client_for):
    large, small = [tree.a1, tree.a2, *add_cells(tree.bloc_a, 10)], [tree.b1, *add_cells(tree.bloc_b, 2)]
    client = client_for("administrator")
    counts = []
    for committee, orgs in ((tree.bloc_b, small), (tree.bloc_a, large)):
        page = client.get(grid_url(committee))
        assert len(page.context["lines"]) == len(orgs)
        changes = decide(orgs, "HTT")
        changes[key(orgs[0])]["note"] = "Tốt"
        data = browser_data(page, changes)
        with CaptureQueriesContext(connection) as queries:
            response = client.post(grid_url(committee), data)
        assert response.status_code == 302, response.context and response.context.get("grid_errors")
        counts.append(len(queries))
    assert counts[0] == counts[1] == SAVE_QUERIES, counts
    assert decided() == ["HTT"] * 15
    b1 = OrganizationRating.objects.get(organization=tree.b1)
    assert (b1.decided_by.username, b1.proposal_note) == ("quantri", "Tốt")


# Measured baseline of reading a committee's grid of party organizations, for 3 or 12 organizations.
GRID_READ_QUERIES = 7


def test_the_grid_is_read_in_the_same_queries_for_3_or_12_organizations(tree):
    add_cells(tree.bloc_a, 10)
    add_cells(tree.bloc_b, 2)
    counts = []
    for committee in (tree.bloc_b, tree.bloc_a):
        with CaptureQueriesContext(connection) as queries:
            grid = organization_grid(committee=committee, kind=PARTY, year=YEAR)
        counts.append((len(grid.rows), len(queries)))
    assert counts == [(3, GRID_READ_QUERIES), (12, GRID_READ_QUERIES)]


def test_the_cap_message_shows_on_top_and_nothing_is_saved_until_a_reason_is_given(tree, client_for):
    htt, top = [tree.a1, tree.a2, *add_cells(tree.bloc_a, 3)], add_cells(tree.bloc_a, 2)
    client = client_for("committee_staff")
    page = client.get(grid_url(tree.bloc_a))
    response = client.post(grid_url(tree.bloc_a), browser_data(page, decide(htt, "HTT") | decide(top, "HTXS")))
    assert response.status_code == 200
    assert any("2 HTXS > 20% × 5 HTT = 1" in message for message in response.context["grid_errors"])
    assert "2 HTXS &gt; 20% × 5 HTT = 1" in response.content.decode()
    assert response.context["summary"]["cap"]["over"]
    assert not OrganizationRating.objects.exists()
    reason = "Đơn vị có thành tích đột xuất"
    response = client.post(grid_url(tree.bloc_a), browser_data(response, cap_exception_reason=reason))
    assert response.status_code == 302
    assert decided() == ["HTT"] * 5 + ["HTXS"] * 2
    assert set(OrganizationRating.objects.filter(decided_level__code="HTXS")
               .values_list("exception_reason", flat=True)) == {reason}


def test_the_second_of_two_saves_from_the_same_page_is_stale(tree, client_for):
    client = client_for("committee_staff")
    page = client.get(grid_url(tree.bloc_a))
    assert client.post(grid_url(tree.bloc_a), browser_data(page, decide([tree.a2], "HTT"))).status_code == 302
    response = client.post(grid_url(tree.bloc_a), browser_data(page, decide([tree.a2], "HT")))
    assert response.status_code == 200 and response.context["stale"]
    assert 'id="grid-stale"' in response.content.decode()
    assert decided() == ["HTT"]


def test_a_cell_secretary_proposes_but_cannot_decide(tree, client_for, personas):
    # A secretary holding the role over Đảng bộ Sở A1 sees the grid of its cells: PROPOSE_RATINGS, no decision.
    RoleAssignment.objects.create(user=personas.cell_secretary, role=Role.CELL_SECRETARY, organization=tree.a1)
    client = client_for("cell_secretary")
    page = client.get(grid_url(tree.a1))
    assert page.status_code == 200
    html = page.content.decode()
    assert f'name="{input_name(key(tree.a1_1), "proposed_level")}"' in html
    assert f'name="{input_name(key(tree.a1_1), "decided_level")}"' not in html
    assert 'name="cap_exception_reason"' not in html
    response = client.post(grid_url(tree.a1), browser_data(page, {key(tree.a1_1): {"proposed_level": "HTT"}}))
    assert response.status_code == 302
    rating = OrganizationRating.objects.get()
    assert (rating.status, rating.proposed_level.code, rating.decided_level) == (RatingStatus.PROPOSED, "HTT", None)
    # A forged decided level is refused by the service, shown on the row, and nothing changes.
    version = rating.version
    page = client.get(grid_url(tree.a1))
    response = client.post(grid_url(tree.a1), browser_data(page, {key(tree.a1_1): {"decided_level": "HTXS"}}))
    assert response.status_code == 200
    lines = {line.key: line for line in response.context["lines"]}
    assert lines[key(tree.a1_1)].cells["decided_level"].errors
    rating.refresh_from_db()
    assert (rating.status, rating.decided_level, rating.version) == (RatingStatus.PROPOSED, None, version)


def test_the_committee_above_decides(tree, client_for):
    client = client_for("committee_staff")  # DECIDE_ORG_RATINGS over bloc A, hence over A1
    page = client.get(grid_url(tree.a1))
    response = client.post(grid_url(tree.a1), browser_data(page, decide([tree.a1_1, tree.a1_2], "HT")))
    assert response.status_code == 302
    assert decided() == ["HT", "HT"]
    assert set(OrganizationRating.objects.values_list("deciding_committee", flat=True)) == {tree.a1.pk}


@pytest.mark.parametrize("persona", ["leadership", "inspection_staff"])
def test_readers_see_the_grid_read_only_and_their_post_is_refused(tree, client_for, persona):
    client = client_for(persona)
    page = client.get(grid_url(tree.bloc_a))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="grid-read-only"' in html and "<select name=" not in html
    response = client.post(grid_url(tree.bloc_a), {"grid_version": page.context["form"]["grid_version"].value(),
                                                    input_name(key(tree.a2), "decided_level"): "HTT"})
    assert response.status_code == 403
    assert not OrganizationRating.objects.exists()


def test_a_committee_outside_the_scope_is_not_found(tree, client_for):
    client = client_for("outsider")
    assert client.get(grid_url(tree.bloc_a)).status_code == 404
    assert client.post(grid_url(tree.bloc_a), {"grid_version": "x",
                                               input_name(key(tree.a2), "decided_level"): "HTT"}).status_code == 404
    assert client_for("grassroots_officer").get(grid_url(tree.bloc_a)).status_code == 404
    assert not OrganizationRating.objects.exists()


def test_host_units_record_their_standards(tree, client_for):
    tree.a2.host_unit = HostUnit.objects.create(name="Công ty Cà phê", sector="private_enterprise")
    tree.a2.save()
    unit = f"u{tree.a2.host_unit_id}"
    client = client_for("committee_staff")
    page = client.get(grid_url(tree.bloc_a, OrgRatingKind.UNIT))
    html = page.content.decode()
    for fieldname in ("fulfilled_plan", "security_safe", "cultural_standard"):
        assert f'name="{input_name(unit, fieldname)}"' in html
    response = client.post(grid_url(tree.bloc_a, OrgRatingKind.UNIT), browser_data(page, {unit: {
        "decided_level": "HTT", "fulfilled_plan": "1", "security_safe": "1", "cultural_standard": "0"}}))
    assert response.status_code == 302
    rating = OrganizationRating.objects.get(kind=OrgRatingKind.UNIT)
    assert (rating.host_unit, rating.decided_level.code, rating.fulfilled_plan, rating.security_safe,
            rating.cultural_standard) == (tree.a2.host_unit, "HTT", True, True, False)
    # Decided: the page shows the standards read-only, and saving the page again keeps them.
    page = client.get(grid_url(tree.bloc_a, OrgRatingKind.UNIT))
    line, version = page.context["lines"][0], rating.version
    assert not line.cells["fulfilled_plan"].editable and line.cells["cultural_standard"].value == "0"
    assert client.post(grid_url(tree.bloc_a, OrgRatingKind.UNIT), browser_data(page)).status_code == 302
    rating.refresh_from_db()
    assert (rating.fulfilled_plan, rating.cultural_standard, rating.version) == (True, False, version)


def test_links_from_the_index_and_the_member_grid(tree, client_for):
    grid = organization_grid(committee=tree.bloc_a, kind=PARTY, year=YEAR - 1)
    organization_ratings_save(committee=tree.bloc_a, kind=PARTY, year=YEAR - 1, user=None, grid_version=grid.version,
                              rows=[OrgRowInput(key=key(tree.a2), decided_level="HT")])
    client = client_for("committee_staff")
    index = client.get(reverse("ratings:index"), {"year": YEAR}).content.decode()
    assert grid_url(tree.bloc_a) in index and grid_url(tree.a1) in index
    member_page = client.get(reverse("ratings:member_grid", kwargs={"org_pk": tree.a2.pk, "year": YEAR}))
    assert grid_url(tree.bloc_a) in member_page.content.decode()
    lines = {line.key: line for line in client.get(grid_url(tree.bloc_a)).context["lines"]}
    assert lines[key(tree.a2)].row.last_year == "HT"
    # The grassroots officer does not see bloc A: no link to a page that would not be found.
    member_page = client_for("grassroots_officer").get(reverse("ratings:member_grid",
                                                               kwargs={"org_pk": tree.a1.pk, "year": YEAR}))
    assert 'id="org-grid-link"' not in member_page.content.decode()
