"""The dashboards in a real browser (Playwright driving Debian's Chromium), as leadership of a bloc built like
the Lâm Đồng-style demo bloc: open the overview for 2024, read a target's actual, drill to the subordinate
organizations and on to the records; screenshots at desktop and phone widths in the test's output folder.

The world is built by hand rather than with ``seed_demo`` (about 90 s, and a live-server test flushes every
table afterwards): the demo bloc's name and code, two of its grassroots organizations, 16 members rated for
2023 and 2024, and the catalogue's LD resolution attached to the bloc as the demo does, every active target
computed by the engine. LD-4b (HTT or better ≥ 90 %) comes out at 14/16 = 87,5 %: not met, pulled down by
Chi bộ Sở Tư pháp (6/8)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from organizations.choices import OrgKind, Role
from tests.conftest import PASSWORD
from tests.factories import UserFactory, make_member
from tests.test_browser import browser_page  # noqa: F401  (the Chromium page fixture)

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
LOW_RATED = ["Ka Thị Hạng Hai", "Điểu K'Hạng Ba"]


def _lam_dong_bloc():
    from devdata.demo.register import CODE_LD
    from members.ratings.models import MemberRating, RatingScheme
    from organizations.models import RoleAssignment
    from organizations.services import organization_create
    from targets.engine.compute import recompute_target
    from targets.engine.models import Resolution

    founded = dt.date(2015, 1, 1)

    def make(name, kind, parent, code=""):
        return organization_create(name=name, kind=kind, parent=parent, founded_on=founded, code=code)

    province = make("Tỉnh ủy Lâm Đồng", OrgKind.PROVINCIAL, None)
    bloc = make("Đảng bộ Khối các cơ quan tỉnh", OrgKind.DIRECT, province, code=CODE_LD)
    health = make("Đảng bộ Sở Y tế", OrgKind.GRASSROOTS_COMMITTEE, bloc)
    cells = [make("Chi bộ Văn phòng Sở Y tế", OrgKind.SUB_CELL, health),
             make("Chi bộ Phòng Nghiệp vụ Y", OrgKind.SUB_CELL, health)]
    justice = make("Chi bộ Sở Tư pháp", OrgKind.GRASSROOTS_CELL, bloc)

    start = dt.date(2018, 1, 1)
    good = [make_member(cells[i % 2], start=start) for i in range(8)] + [make_member(justice, start=start)
                                                                        for _ in range(6)]
    low = [make_member(justice, start=start, full_name=name) for name in LOW_RATED]
    for year in (2023, 2024):
        scheme = RatingScheme.objects.for_year("member", year).first()
        htt, ht = scheme.levels.get(code="HTT"), scheme.levels.get(code="HT")
        for i, member in enumerate(good + low):
            level = ht if member in low and (year == 2024 or i % 2) else htt
            MemberRating.objects.create(member=member, year=year, scheme=scheme, status="decided", cell=member.cell,
                                        grassroots=member.cell.grassroots(), decided_level=level)

    resolution = Resolution.objects.get(code="LD")  # the catalogue's Lâm Đồng resolution, attached as the demo does
    resolution.scope = resolution.issuing_body = bloc
    resolution.save()
    for target in resolution.targets.filter(active=True):
        recompute_target(target, [2023, 2024])
    leader = UserFactory(username="lanhdao-ld", password=PASSWORD)
    RoleAssignment.objects.create(user=leader, role=Role.LEADERSHIP, organization=bloc)
    return leader, bloc, justice


@pytest.mark.browser
def test_leadership_reads_a_figure_and_drills_to_the_records(live_server, browser_page, output_dir):  # noqa: F811
    leader, _bloc, justice = _lam_dong_bloc()
    page = browser_page
    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server.url}/dashboard/?year=2024")
    page.fill("input[name=username]", leader.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/dashboard/\?year=2024$"))

    assert "Đảng bộ Khối các cơ quan tỉnh" in page.locator("[data-test=heading]").inner_text()
    card = page.locator("[data-test=target-LD-4b]")
    assert card.locator("[data-test=actual]").inner_text() == "87,5% = 14/16"
    assert card.locator("[data-test=bound]").inner_text() == "≥ 90%"
    assert "không đạt" in card.locator("[data-test=status]").inner_text()  # the word, beside its icon
    assert card.locator("[data-test=status] i.bi-x-circle-fill").count() == 1
    assert "cập nhật lúc" in card.locator("[data-test=freshness]").inner_text()
    page.screenshot(path=str(output_dir / "overview-desktop.png"), full_page=True)

    # Drill down: the subordinate organizations, the one pulling the share down first.
    card.locator("[data-test=drill]").click()
    page.wait_for_url(re.compile(r"/dashboard/targets/\d+/\d+/2024/$"))
    rows = page.locator("[data-test=subordinates] tbody tr")
    assert rows.count() == 2
    first = rows.nth(0)
    # A cell is named with the đảng bộ it sits under (issue 20, item 8), in drill-downs too.
    assert first.locator("[data-test=org-link]").inner_text() == "Chi bộ Sở Tư pháp · Đảng bộ Khối các cơ quan tỉnh"
    assert first.locator("[data-test=actual]").inner_text() == "75% = 6/8"
    assert first.locator("[data-test=pulls-down]").count() == 1
    page.screenshot(path=str(output_dir / "subordinates-desktop.png"), full_page=True)

    # On to the organization and the records behind its figure: the two members rated below HTT.
    first.locator("[data-test=org-link]").click()
    page.wait_for_url(re.compile(rf"/dashboard/targets/\d+/{justice.pk}/2024/$"))
    page.locator("[data-test=records]").first.click()
    page.wait_for_url(re.compile(rf"/dashboard/targets/\d+/{justice.pk}/2024/records/$"))
    names = page.locator("[data-test=records] tbody th").all_inner_texts()
    assert sorted(names) == sorted(LOW_RATED)
    page.screenshot(path=str(output_dir / "records-desktop.png"), full_page=True)

    # A phone: the same pages, the cards stacked in one column.
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(output_dir / "records-phone.png"), full_page=True)
    page.goto(f"{live_server.url}/dashboard/?year=2024")
    boxes = [page.locator("[data-test^=target-]").nth(i).bounding_box() for i in range(2)]
    assert boxes[0]["x"] == boxes[1]["x"] and boxes[1]["y"] > boxes[0]["y"]  # one under the other
    assert boxes[0]["width"] <= PHONE["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # no sideways scrolling
    page.screenshot(path=str(output_dir / "overview-phone.png"), full_page=True)
    page.goto(live_server.url + card.locator("[data-test=drill]").get_attribute("href"))
    page.screenshot(path=str(output_dir / "subordinates-phone.png"), full_page=True)

    # The trends of the resolution, each target over its years with its band.
    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server.url}/dashboard/?year=2024")
    page.get_by_role("link", name="Xu hướng").or_(page.get_by_role("link", name="Trends")).first.click()
    page.wait_for_url(re.compile(r"/dashboard/resolutions/\d+/trends/"))
    assert page.locator("[data-test=trend-LD-4b] svg title").text_content().startswith("LD-4b")
    page.screenshot(path=str(output_dir / "trends-desktop.png"), full_page=True)
