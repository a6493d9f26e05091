"""Looks, measured in a real browser (issue 20, items 4, 6 and 9; Playwright driving Debian's Chromium):
each role's home page at 1280×900 and 390×844 with its items pointing at real pages, the top menu on one
row at 1280 px, the target page without sideways scrolling at 390 px, the missing absence reason on the
member's own row, and typing in a remote picker finds a cell. Screenshots under test-output/<test>/."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.conftest import PASSWORD
from tests.factories import make_member
from tests.test_browser import browser_page  # noqa: F401  (Playwright on Debian's Chromium)

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def _login(page, live_server, user, size=DESKTOP):
    page.set_viewport_size(size)
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def _target_world(tree):
    """A target of bloc A with figures for 2022–2025 for the bloc and its three subordinates (not met in 2025)."""
    from targets.engine.models import Attainment
    from tests.test_dashboard import resolution, target

    res = resolution(tree.bloc_a, start=2021, end=2025)
    t = target(res, "DB-1", "R-mem", {"levels": ["HTT"]}, "gte", 85)
    t.short_text = "Tỷ lệ đảng viên hoàn thành tốt nhiệm vụ trở lên hằng năm của toàn Đảng bộ"
    t.save()
    for year in (2022, 2023, 2024, 2025):
        for org, value in ((tree.bloc_a, 78 + year % 5), (tree.a1, 90), (tree.a1_1, 95), (tree.a2, 70)):
            Attainment.objects.create(target=t, organization=org, year=year, period_start=dt.date(year, 1, 1),
                                      period_end=dt.date(year, 12, 31), value=value, numerator=value,
                                      denominator=100, status="met" if value >= 85 else "not_met",
                                      computed_at=timezone.now())
    return t


def test_the_top_menu_fits_one_row_at_1280_px(transactional_db, live_server, tree, personas, browser_page,  # noqa: F811
                                              output_dir):
    page = browser_page
    for persona in ("administrator", "committee_staff", "cell_secretary"):
        _login(page, live_server, getattr(personas, persona))
        links = page.locator("#navMain .nav-link")
        tops = {round(links.nth(i).bounding_box()["y"]) for i in range(links.count())}
        heights = {round(links.nth(i).bounding_box()["height"]) for i in range(links.count())}
        nav = page.locator("nav.app-navbar").bounding_box()
        page.screenshot(path=str(output_dir / f"menu-{persona}-1280.png"))
        assert len(tops) == 1, (persona, tops)  # every entry on one row
        assert max(heights) <= 42, (persona, heights)  # no label on two lines
        assert nav["height"] <= 64, (persona, nav)
        rights = [round(links.nth(i).bounding_box()["x"] + links.nth(i).bounding_box()["width"])
                  for i in range(links.count())]
        assert max(rights) <= DESKTOP["width"], (persona, rights)  # nothing pushed off the screen
        assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"], persona
        page.context.clear_cookies()


def test_the_target_page_does_not_scroll_sideways_at_390_px(transactional_db, live_server, tree, personas,
                                                            browser_page, output_dir):  # noqa: F811
    page = browser_page
    t = _target_world(tree)
    _login(page, live_server, personas.leadership, PHONE)
    for name, url in (("target", f"/dashboard/targets/{t.pk}/{tree.bloc_a.pk}/2025/"),
                      ("overview", f"/dashboard/?org={tree.bloc_a.pk}&year=2025"),
                      ("trends", f"/dashboard/resolutions/{t.resolution_id}/trends/?org={tree.bloc_a.pk}")):
        page.goto(live_server.url + url)
        width = page.evaluate("document.documentElement.scrollWidth")
        page.screenshot(path=str(output_dir / f"{name}-390.png"), full_page=True)
        assert width <= PHONE["width"], (name, width)
        # The subordinates' table fits too (no column hidden behind a scroll of its own).
        table_right = page.evaluate("(() => { const t = document.querySelector('[data-test=subordinates]');"
                                    " return t ? t.getBoundingClientRect().right : 0; })()")
        assert table_right <= PHONE["width"], (name, table_right)
        # The charts keep their text legible: drawn so that their smallest text is at least 9 px (scrolled
        # inside their own box when wider than the phone).
        smallest = page.evaluate("""Array.from(document.querySelectorAll('main svg.chart')).map(svg => {
            const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
            return Math.min(...Array.from(svg.querySelectorAll('text')).map(
                t => parseFloat(t.getAttribute('font-size')) * scale));
        })""")
        if name != "overview":  # the overview draws no chart
            assert smallest and min(smallest) >= 9, (name, smallest)


def test_a_missing_reason_is_shown_on_the_members_row(transactional_db, live_server, tree, personas,
                                                      browser_page, output_dir):  # noqa: F811
    page = browser_page
    members = [make_member(tree.a1_1, full_name=f"Đảng viên {i:02d}") for i in range(5)]
    _login(page, live_server, personas.cell_secretary, PHONE)
    page.goto(f"{live_server.url}/meetings/log/?cell={tree.a1_1.pk}")
    row = page.locator(f"#attendance-{members[2].pk}")
    row.locator("label[for$='_1']").click()  # absent with reason, and no reason written
    page.fill("textarea[name=conclusions]", "Chi bộ hoàn thành nhiệm vụ tháng.")
    page.click("[data-test=save-meeting]")
    page.wait_for_selector("[data-reason-error]")
    row = page.locator(f"#attendance-{members[2].pk}")
    error = row.locator("[data-reason-error]")
    assert error.is_visible() and "Đảng viên 02" in error.inner_text()
    assert page.locator("[data-reason-error]").count() == 1
    error.scroll_into_view_if_needed()
    page.screenshot(path=str(output_dir / "reason-on-row-390.png"), full_page=True)


def test_typing_in_the_picker_finds_a_cell(transactional_db, live_server, tree, personas, browser_page,  # noqa: F811
                                           output_dir):
    from organizations.choices import OrgKind
    from organizations.services import organization_create

    committee = organization_create(name="Đảng bộ Phường Mới", kind=OrgKind.GRASSROOTS_COMMITTEE,
                                    parent=tree.bloc_a, founded_on=dt.date(2020, 1, 1))
    for i in range(40):
        organization_create(name=f"Chi bộ Khu phố {i:02d}", kind=OrgKind.SUB_CELL, parent=committee,
                            founded_on=dt.date(2020, 1, 1))
    page = browser_page
    _login(page, live_server, personas.committee_staff)
    page.goto(f"{live_server.url}/members/")
    control = page.locator(".ts-wrapper .ts-control").first
    control.click()
    page.keyboard.type("khu pho 37")
    option = page.locator(".ts-dropdown .option", has_text="Chi bộ Khu phố 37")
    option.wait_for(state="visible", timeout=10_000)
    assert "Đảng bộ Phường Mới" in option.inner_text()
    assert page.locator(".ts-dropdown .option:not([data-value=''])").count() == 1
    page.screenshot(path=str(output_dir / "picker-typed.png"))
    option.click()
    from organizations.models import Organization

    chosen = Organization.objects.get(name="Chi bộ Khu phố 37")
    assert page.locator("select[name=organization]").input_value() == str(chosen.pk)  # what the form sends
    page.keyboard.press("Escape")
    page.screenshot(path=str(output_dir / "picker-chosen.png"))


def _home_world(tree):
    """Work for each role on today's date, whatever it is: a member of A1-1 absent without a reason last month
    (the secretary's), a rating proposed this year in A1 (staff's grid to decide), a target of bloc A off track
    this year with its trend (leadership's); the inspection committee's coverage is always there."""
    from meetings.choices import AttendanceStatus as S
    from meetings.services import meeting_create
    from targets.engine.models import Attainment
    from tests.test_dashboard import resolution, target
    from tests.test_home import _propose

    today = timezone.localdate()
    members = [make_member(tree.a1_1) for _ in range(3)]
    meeting_create(cell=tree.a1_1, date=today.replace(day=1) - dt.timedelta(days=20), start_time=dt.time(8),
                   end_time=dt.time(10), absences={members[0].pk: (S.ABSENT_UNEXCUSED, "")})
    _propose(members[1], today.year)
    res = resolution(tree.bloc_a, start=today.year - 3, end=today.year)
    t = target(res, "DB-1", "R-mem", {"levels": ["HTT"]}, "gte", 85)
    for year in range(today.year - 3, today.year + 1):
        Attainment.objects.create(target=t, organization=tree.bloc_a, year=year, period_start=dt.date(year, 1, 1),
                                  period_end=dt.date(year, 12, 31), value=70 + year % 5, numerator=70 + year % 5,
                                  denominator=100, status="not_met", computed_at=timezone.now())


@pytest.mark.parametrize("persona", ["cell_secretary", "committee_staff", "leadership", "inspection_staff"])
def test_each_role_finds_its_home_items_pointing_at_real_work(transactional_db, live_server, tree, personas,
                                                              browser_page, output_dir, persona):  # noqa: F811
    _home_world(tree)
    page = browser_page
    for size_name, size in (("1280", DESKTOP), ("390", PHONE)):
        _login(page, live_server, getattr(personas, persona), size)
        items = page.locator("[data-home-item]")
        page.screenshot(path=str(output_dir / f"home-{persona}-{size_name}.png"), full_page=True)
        assert items.count(), persona
        hrefs = [items.nth(i).get_attribute("href") for i in range(items.count())]
        for href in hrefs[:4]:
            response = page.request.get(live_server.url + href)
            assert response.status == 200, (persona, href, response.status)
        assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]

        # Follow the first item as the user would: the page it opens answers and shows that item.
        first = page.locator("[data-home-item][data-home-shows]").first
        shows, kind = first.get_attribute("data-home-shows"), first.get_attribute("data-home-item")
        assert shows, (persona, kind)
        with page.expect_navigation() as navigation:
            first.click()
        assert navigation.value.status == 200, (persona, kind, page.url)
        assert shows in page.locator("main").inner_text(), (persona, kind, shows, page.url)
        page.screenshot(path=str(output_dir / f"home-{persona}-{size_name}-{kind}.png"), full_page=True)
        page.context.clear_cookies()
