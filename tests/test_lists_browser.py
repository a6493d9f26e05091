"""The list tools in a real browser (issue 20, item 7): choosing the member list's columns (kept for the next
visit) and transferring ticked members through the one confirmation page. Screenshots under test-output/."""

from __future__ import annotations

import datetime as dt

import pytest

from members.register.models import Member
from tests.factories import make_member
from tests.test_browser import browser_page  # noqa: F401  (Playwright on Debian's Chromium)
from tests.test_browser_h20 import DESKTOP, PHONE, _login

pytestmark = pytest.mark.browser


def test_choosing_the_member_lists_columns(transactional_db, live_server, tree, personas, browser_page,  # noqa: F811
                                           output_dir):
    make_member(tree.a1_1, full_name="Nguyễn Văn Cột", phone="0912345678", birth_date=dt.date(1980, 4, 5))
    page = browser_page
    _login(page, live_server, personas.committee_staff, DESKTOP)
    page.goto(f"{live_server.url}/members/")
    table = page.locator("table").first
    assert "05/04/1980" in table.inner_text() and "0912345678" not in table.inner_text()

    page.locator("[data-list-tools] details summary").click()
    page.uncheck("input[name=columns][value=birth_date]")
    page.check("input[name=columns][value=phone]")
    page.screenshot(path=str(output_dir / "columns-chooser-1280.png"))
    page.locator("[data-list-tools] details button[type=submit]:not([name])").click()
    page.wait_for_url(f"{live_server.url}/members/")
    table = page.locator("table").first
    assert "0912345678" in table.inner_text() and "05/04/1980" not in table.inner_text()
    page.screenshot(path=str(output_dir / "columns-chosen-1280.png"), full_page=True)

    # Kept for the user: a new session on a phone shows the same columns.
    page.context.clear_cookies()
    _login(page, live_server, personas.committee_staff, PHONE)
    page.goto(f"{live_server.url}/members/")
    # (A phone shows the main columns only; the chooser says what the user keeps.)
    page.locator("[data-list-tools] details summary").click()
    assert page.is_checked("input[name=columns][value=phone]")
    assert not page.is_checked("input[name=columns][value=birth_date]")
    assert "05/04/1980" not in page.locator("table").first.inner_text()
    page.screenshot(path=str(output_dir / "columns-kept-390.png"), full_page=True)


def test_transferring_ticked_members(transactional_db, live_server, tree, personas, browser_page,  # noqa: F811
                                     output_dir):
    moving = [make_member(tree.a1_1, full_name=f"Đảng viên Chuyển {i}") for i in range(2)]
    staying = make_member(tree.a1_1, full_name="Đảng viên Ở Lại")
    page = browser_page
    _login(page, live_server, personas.committee_staff, DESKTOP)
    page.goto(f"{live_server.url}/members/")
    for member in moving:
        page.check(f"input[name=selected][value='{member.pk}']")
    page.click("[data-test=bulk-transfer]")
    page.wait_for_selector("[data-test=transfer-members]")
    listed = page.locator("[data-test=transfer-members] [data-member]")
    assert sorted(int(listed.nth(i).get_attribute("data-member")) for i in range(listed.count())) == sorted(
        m.pk for m in moving)

    page.locator(".ts-wrapper .ts-control").first.click()
    page.keyboard.type("A1-2")
    option = page.locator(".ts-dropdown .option", has_text="Chi bộ A1-2")
    option.wait_for(state="visible", timeout=10_000)
    option.click()
    page.keyboard.press("Escape")
    page.fill("input[name=date]", "01/03/2025")
    page.screenshot(path=str(output_dir / "transfer-confirm-1280.png"), full_page=True)
    page.click("button[name=confirm]")
    page.wait_for_selector(".alert-success")
    page.screenshot(path=str(output_dir / "transfer-done-1280.png"), full_page=True)
    assert set(Member.objects.filter(cell=tree.a1_2).values_list("pk", flat=True)) == {m.pk for m in moving}
    assert Member.objects.get(pk=staying.pk).cell_id == tree.a1_1.pk
