"""The member rating grid in the browser: one page per organization and year, saved in one POST
through member_ratings_save. Each test asserts the response, then the database."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inspections.models import Discipline
from members.ratings.choices import RatingStatus
from members.ratings.forms import input_name
from members.ratings.models import MemberRating
from members.ratings.services import RowInput, member_grid, member_ratings_save
from members.register.services import status_period_add
from tests.factories import make_member

pytestmark = pytest.mark.django_db
D = dt.date
YEAR = 2024


def grid_url(org, year=YEAR):
    return reverse("ratings:member_grid", kwargs={"org_pk": org.pk, "year": year})


def browser_data(response, changes=None, **extra):
    """What the browser sends for the page in ``response``: every editable input with its shown value,
    then ``changes`` {member: {field: value}} typed by the user."""
    data = {"grid_version": response.context["form"]["grid_version"].value()}
    for line in response.context["lines"]:
        for cell in line.cells.values():
            if cell.editable:
                data[cell.name] = cell.value
    for member, fields in (changes or {}).items():
        for fieldname, value in fields.items():
            data[input_name(member.pk, fieldname)] = value
    data.update(extra)
    return data


def decide_all(members, level):
    return {m: {"proposed_level": level, "decided_level": level} for m in members}


def levels(field="decided_level"):
    return sorted(MemberRating.objects.current().values_list(f"{field}__code", flat=True))


def test_it_lists_every_member_with_reasons_and_warnings(tree, client_for):
    rated, exempted, sick, disciplined = (make_member(tree.a2) for _ in range(4))
    status_period_add(member=exempted, kind="exempted", start=D(2023, 1, 1))
    status_period_add(member=sick, kind="sick_leave", start=D(YEAR, 2, 1), end=D(YEAR, 6, 1))
    Discipline.objects.create(member=disciplined, form="reprimand", violation_year=YEAR, decision_number="05-QĐ/ĐU",
                              decision_date=D(YEAR, 9, 1), deciding_body=tree.a2, scope_path=tree.a2.path)
    response = client_for("committee_staff").get(grid_url(tree.a2))
    assert response.status_code == 200
    lines = {line.member.pk: line for line in response.context["lines"]}
    assert set(lines) == {rated.pk, exempted.pk, sick.pk, disciplined.pk}
    assert not lines[exempted.pk].row.rated and not lines[exempted.pk].editable
    assert len(lines[sick.pk].warnings) == 1 and len(lines[disciplined.pk].warnings) == 1
    assert lines[disciplined.pk].cells["exception_reason"].editable
    html = response.content.decode()
    assert f'name="{input_name(rated.pk, "decided_level")}"' in html
    assert f'name="{input_name(exempted.pk, "decided_level")}"' not in html
    assert 'src="/static/js/rating_grid.js"' in html


# Measured baseline of saving a whole grid in one POST, for 10 or 40 members: the request's savepoint and the two
# the save nests (its own transaction, rolled back on a refusal, around the service's), the grid read for the
# form and again under the TCCSĐ's lock, the cap's count of the rest of the TCCSĐ, and the bulk writes.
SAVE_QUERIES = 34


def test_a_40_member_cell_saves_in_one_post_with_as_many_queries_as_10(tree, client_for):
    client = client_for("grassroots_officer")
    small, large = [make_member(tree.a1_1) for _ in range(10)], [make_member(tree.a1_2) for _ in range(40)]
    counts = []
    for org, members in ((tree.a1_1, small), (tree.a1_2, large)):
        page = client.get(grid_url(org))
        data = browser_data(page, decide_all(members, "HTT"))
        with CaptureQueriesContext(connection) as queries:
            response = client.post(grid_url(org), data)
        assert response.status_code == 302, response.context and response.context.get("grid_errors")
        counts.append(len(queries))
    assert counts[0] == counts[1] == SAVE_QUERIES, counts
    assert MemberRating.objects.decided().filter(decided_level__code="HTT", year=YEAR).count() == 50


# member_grid's docstring says "five queries whatever the number of members"; it reads eight: the year's scheme and
# its levels, the grassroots organization on the rating day (two placement reads), the membership periods, the
# current ratings, last year's decided levels and the rules' facts (an empty grid stops after the periods: five).
GRID_READ_QUERIES = 8


def test_the_grid_is_read_in_the_same_queries_for_10_or_40_members(tree):
    for cell, n in ((tree.a1_1, 10), (tree.a1_2, 40)):
        for _ in range(n):
            make_member(cell)
    counts = []
    for org in (tree.a1_1, tree.a1_2, tree.a1):
        with CaptureQueriesContext(connection) as queries:
            grid = member_grid(organization=org, year=YEAR)
        counts.append((len(grid.rows), len(queries)))
    assert counts == [(10, GRID_READ_QUERIES), (40, GRID_READ_QUERIES), (50, GRID_READ_QUERIES)]


def test_the_second_of_two_concurrent_saves_is_refused_and_the_first_stays(tree, client_for, personas):
    members = [make_member(tree.a2) for _ in range(3)]
    first, second = Client(), Client()
    first.force_login(personas.committee_staff)
    second.force_login(personas.administrator)
    page_1, page_2 = first.get(grid_url(tree.a2)), second.get(grid_url(tree.a2))
    assert first.post(grid_url(tree.a2), browser_data(page_1, decide_all(members, "HTT"))).status_code == 302
    response = second.post(grid_url(tree.a2), browser_data(page_2, decide_all(members, "HT")))
    assert response.status_code == 200
    assert response.context["stale"] and 'id="grid-stale"' in response.content.decode()
    assert levels() == ["HTT"] * 3
    # The page now shows what is saved, with the new version: saving again works.
    assert [line.cells["decided_level"].value for line in response.context["lines"]] == ["HTT"] * 3
    again = second.post(grid_url(tree.a2), browser_data(response, decide_all(members[:1], "HT")))
    assert again.status_code == 302 and levels() == ["HT", "HTT", "HTT"]


def test_the_cap_message_shows_the_figures_and_saves_nothing_until_a_reason_is_given(tree, client_for):
    htt, top = [make_member(tree.a2) for _ in range(5)], [make_member(tree.a2) for _ in range(2)]
    client = client_for("committee_staff")
    page = client.get(grid_url(tree.a2))
    changes = decide_all(htt, "HTT") | decide_all(top, "HTXS")
    response = client.post(grid_url(tree.a2), browser_data(page, changes))
    assert response.status_code == 200
    assert any("2 HTXS > 20% × 5 HTT = 1" in message for message in response.context["grid_errors"])
    assert "2 HTXS &gt; 20% × 5 HTT = 1" in response.content.decode()
    assert response.context["summary"]["cap"]["over"]
    assert not MemberRating.objects.exists()
    # The page keeps what was entered, so adding the reason is the only thing left to do.
    assert [line.cells["decided_level"].value for line in response.context["lines"]].count("HTXS") == 2
    reason = "Đơn vị có thành tích đột xuất (Kết luận 12)"
    response = client.post(grid_url(tree.a2), browser_data(response, cap_exception_reason=reason))
    assert response.status_code == 302
    assert levels() == ["HT" + "T"] * 5 + ["HTXS"] * 2
    assert set(MemberRating.objects.filter(decided_level__code="HTXS").values_list("exception_reason", flat=True)) == {
        reason}


def test_the_summary_counts_the_whole_grassroots_organization(tree, client_for):
    """The cap is counted over the TCCSĐ: a cell's page adds the other cells' decided ratings."""
    other = [make_member(tree.a1_2) for _ in range(10)]
    grid = member_grid(organization=tree.a1_2, year=YEAR)
    member_ratings_save(organization=tree.a1_2, year=YEAR, user=None, grid_version=grid.version,
                        rows=[RowInput(member_id=m.pk, decided_level="HTT") for m in other])
    make_member(tree.a1_1)
    response = client_for("grassroots_officer").get(grid_url(tree.a1_1))
    cap = response.context["summary"]["cap"]
    assert response.context["summary"]["other"] == {"HTT": 10}
    assert "0 / " in cap["text"] and "10 HTT" in cap["text"] and not cap["over"]


def test_row_errors_are_shown_on_their_row_and_nothing_is_saved(tree, client_for):
    fine, disciplined = make_member(tree.a2), make_member(tree.a2)
    Discipline.objects.create(member=disciplined, form="reprimand", violation_year=YEAR, decision_number="05-QĐ/ĐU",
                              decision_date=D(YEAR, 9, 1), deciding_body=tree.a2, scope_path=tree.a2.path)
    client = client_for("committee_staff")
    page = client.get(grid_url(tree.a2))
    response = client.post(grid_url(tree.a2), browser_data(page, {
        fine: {"decided_level": "HTT", "note": "Tốt"}, disciplined: {"decided_level": "HT"}}))
    assert response.status_code == 200
    lines = {line.member.pk: line for line in response.context["lines"]}
    assert lines[disciplined.pk].cells["decided_level"].errors and not lines[fine.pk].errors
    assert response.context["error_count"] == 1
    assert lines[fine.pk].cells["note"].value == "Tốt"  # what was typed is kept
    assert not MemberRating.objects.exists()
    # With the self-remedied exception recorded on the row, it saves.
    response = client.post(grid_url(tree.a2), browser_data(response, {
        disciplined: {"exception_reason": "Tự phát hiện, khắc phục (biên bản 3/9)"}}))
    assert response.status_code == 302
    assert MemberRating.objects.get(member=disciplined).decided_level.code == "HT"


def test_a_score_that_is_not_a_number_is_an_error_on_its_row(tree, client_for):
    member = make_member(tree.a2)
    client = client_for("committee_staff")
    page = client.get(grid_url(tree.a2, 2025))
    response = client.post(grid_url(tree.a2, 2025), browser_data(page, {member: {"decided_level": "HTT",
                                                                                   "score": "tám mươi"}}))
    assert response.status_code == 200
    assert response.context["lines"][0].cells["score"].errors
    assert not MemberRating.objects.exists()
    response = client.post(grid_url(tree.a2, 2025), browser_data(page, {member: {"decided_level": "HTT",
                                                                                   "score": "85,5"}}))
    assert response.status_code == 302
    assert str(MemberRating.objects.get().score) == "85.50"


def test_a_cell_secretary_proposes_but_cannot_decide(tree, client_for, personas):
    member = make_member(tree.a1_1)
    client = client_for("cell_secretary")
    page = client.get(grid_url(tree.a1_1))
    html = page.content.decode()
    assert f'name="{input_name(member.pk, "proposed_level")}"' in html
    assert f'name="{input_name(member.pk, "decided_level")}"' not in html
    assert 'name="cap_exception_reason"' not in html
    response = client.post(grid_url(tree.a1_1), browser_data(page, {member: {"proposed_level": "HTT",
                                                                           "note": "Hoàn thành tốt"}}))
    assert response.status_code == 302
    rating = MemberRating.objects.get()
    assert (rating.status, rating.proposed_level.code, rating.proposed_by, rating.decided_level) == (
        RatingStatus.PROPOSED, "HTT", personas.cell_secretary, None)
    # A forged decided level is refused by the service and shown on the row.
    page = client.get(grid_url(tree.a1_1))
    response = client.post(grid_url(tree.a1_1), browser_data(page, {member: {"decided_level": "HTXS"}}))
    assert response.status_code == 200
    assert response.context["lines"][0].cells["decided_level"].errors
    rating.refresh_from_db()
    assert (rating.status, rating.decided_level, rating.version) == (RatingStatus.PROPOSED, None, 1)


def test_a_proposer_saving_the_page_does_not_clear_a_decision(tree, client_for):
    member = make_member(tree.a1_1)
    grid = member_grid(organization=tree.a1_1, year=YEAR)
    member_ratings_save(organization=tree.a1_1, year=YEAR, user=None, grid_version=grid.version,
                        rows=[RowInput(member_id=member.pk, proposed_level="HTT", decided_level="HTT")])
    client = client_for("cell_secretary")
    page = client.get(grid_url(tree.a1_1))
    data = browser_data(page, {member: {"decided_level": ""}})
    assert client.post(grid_url(tree.a1_1), data).status_code == 302
    assert list(MemberRating.objects.values_list("status", "decided_level__code")) == [(RatingStatus.DECIDED, "HTT")]


@pytest.mark.parametrize("persona", ["leadership", "inspection_staff"])
def test_readers_see_the_grid_read_only(tree, client_for, persona):
    member = make_member(tree.a1_1)
    client = client_for(persona)
    page = client.get(grid_url(tree.a1_1))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="grid-read-only"' in html and "<select name=" not in html
    assert 'type="submit" class="btn btn-primary"' not in html
    response = client.post(grid_url(tree.a1_1), {"grid_version": page.context["form"]["grid_version"].value(),
                                                 input_name(member.pk, "proposed_level"): "HTT"})
    assert response.status_code == 403
    assert not MemberRating.objects.exists()


def test_an_organization_outside_the_scope_is_not_found(tree, client_for):
    make_member(tree.a1_1)
    client = client_for("outsider")
    assert client.get(grid_url(tree.a1_1)).status_code == 404
    assert client.post(grid_url(tree.a1_1), {"grid_version": "x"}).status_code == 404
    assert client_for("cell_secretary").get(grid_url(tree.a1_2)).status_code == 404


def test_above_grassroots_level_it_lists_the_grassroots_organizations(tree, client_for):
    response = client_for("committee_staff").get(grid_url(tree.bloc_a))
    assert response.status_code == 200
    assert [org.pk for org in response.context["tccsd"]] == [tree.a1.pk, tree.a2.pk]
    html = response.content.decode()
    assert grid_url(tree.a1) in html and grid_url(tree.a2) in html


def test_the_grassroots_grid_links_to_its_cells_and_the_year_picker_redirects(tree, client_for):
    make_member(tree.a1_1)
    client = client_for("grassroots_officer")
    response = client.get(grid_url(tree.a1))
    assert [u.pk for u in response.context["units"]] == [tree.a1.pk, tree.a1_1.pk, tree.a1_2.pk]
    assert grid_url(tree.a1_2) in response.content.decode()
    assert '<option value="2024" selected>2024</option>' in response.content.decode()  # never "2.024"
    assert client.get(grid_url(tree.a1), {"year": "2023"}).url == grid_url(tree.a1, 2023)
    assert client.get(grid_url(tree.a1, 1990)).status_code == 404


def test_the_index_lists_grassroots_organizations_with_counts(tree, client_for, personas):
    members = [make_member(tree.a2) for _ in range(3)]
    grid = member_grid(organization=tree.a2, year=YEAR)
    member_ratings_save(organization=tree.a2, year=YEAR, user=None, grid_version=grid.version, rows=[
        RowInput(member_id=members[0].pk, decided_level="HTT"), RowInput(member_id=members[1].pk, proposed_level="HT")])
    response = client_for("committee_staff").get(reverse("ratings:index"), {"year": YEAR})
    rows = {org.pk: (org.members_count, org.proposed_count, org.decided_count) for org in response.context["page"]}
    assert rows == {tree.a1.pk: (0, 0, 0), tree.a2.pk: (3, 1, 1)}
    assert grid_url(tree.a2) in response.content.decode()
    # A cell secretary sees no TCCSĐ, but the cell the role starts at.
    response = client_for("cell_secretary").get(reverse("ratings:index"), {"year": YEAR})
    assert [org.pk for org in response.context["page"]] == [tree.a1_1.pk]
    assert client_for("no_role").get(reverse("ratings:index")).status_code == 403


@pytest.mark.browser
def test_on_a_phone_the_summary_follows_the_selects(live_server, tree, personas, output_dir):
    """A cell of 30 at 375 px: the table scrolls sideways under a fixed name column, and choosing levels
    updates the counts and the cap headroom before saving."""
    import os

    from tests.conftest import PASSWORD, require_tool
    from tests.test_browser import CHROMIUM_ARGS

    members = [make_member(tree.a2) for _ in range(30)]
    chromium = require_tool("/usr/bin/chromium", "chromium")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = browser.new_context(locale="vi-VN", viewport={"width": 375, "height": 740}).new_page()
        try:
            page.goto(f"{live_server.url}/login/")
            page.fill("input[name=username]", personas.committee_staff.username)
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(f"{live_server.url}/")
            page.goto(live_server.url + grid_url(tree.a2))
            for member in members[:5]:
                page.select_option(f'select[name="{input_name(member.pk, "decided_level")}"]', "HTT")
            page.select_option(f'select[name="{input_name(members[5].pk, "decided_level")}"]', "HTXS")
            page.select_option(f'select[name="{input_name(members[6].pk, "decided_level")}"]', "HTXS")
            assert page.locator('[data-count="decided_level:HTT"]').inner_text() == "5"
            assert page.locator("#rating-cap").inner_text().startswith("HTXS: 2 / ")
            assert "1" in page.locator("#rating-cap").inner_text() and page.locator("[data-cap-over]").is_visible()
            name = page.locator(f"#member-{members[0].pk} th")
            left = name.bounding_box()["x"]
            page.locator(".table-responsive").evaluate("el => el.scrollLeft = 400")
            assert name.bounding_box()["x"] == left  # the name stays while the levels scroll
            page.screenshot(path=str(output_dir / "grid-phone.png"), full_page=True)
        finally:
            browser.close()
