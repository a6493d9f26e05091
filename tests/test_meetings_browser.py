"""A cell secretary logs this month's meeting on a phone (375 px) and sees it in the overview."""

import datetime as dt

import pytest

from meetings.models import Attendance, Meeting
from tests.conftest import PASSWORD
from tests.factories import make_member
from tests.test_browser import browser_page  # noqa: F401  (Playwright on Debian's Chromium)


@pytest.mark.browser
def test_a_secretary_logs_a_meeting_at_phone_width_and_sees_it_in_the_overview(
        transactional_db, live_server, tree, personas, browser_page, output_dir):  # noqa: F811
    page = browser_page
    members = [make_member(tree.a1_1, full_name=f"Đảng viên {i:02d}") for i in range(8)]
    absentee = members[3]
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", personas.cell_secretary.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/meetings/")
    page.click("[data-test=log-meeting]")
    page.wait_for_selector(".attendance-row")
    assert page.locator(".attendance-row").count() == 8
    assert page.locator("input[value=present]:checked").count() == 8  # everyone present until tapped
    page.screenshot(path=str(output_dir / "1-log-form.png"), full_page=True)

    row = page.locator(f".attendance-row[data-member='{absentee.pk}']")
    row.locator("label[for$='_1']").click()  # the second choice: absent with reason
    reason = row.locator(".reason input")
    reason.wait_for(state="visible")
    reason.fill("Đi công tác")
    page.fill("textarea[name=conclusions]", "Chi bộ hoàn thành nhiệm vụ tháng.")
    box = page.locator("[data-test=save-meeting]").bounding_box()
    assert box["height"] >= 44 and box["width"] <= 375  # a big tap target that fits the screen
    page.screenshot(path=str(output_dir / "2-absentee-marked.png"), full_page=True)
    page.click("[data-test=save-meeting]")
    page.wait_for_url(f"{live_server.url}/meetings/*/")
    page.screenshot(path=str(output_dir / "3-detail.png"), full_page=True)

    meeting = Meeting.objects.get()
    assert meeting.date == dt.date.today() and meeting.cell == tree.a1_1
    assert list(Attendance.objects.filter(meeting=meeting).exclude(status="present").values_list(
        "member_id", "status", "reason")) == [(absentee.pk, "absent_excused", "Đi công tác")]

    page.goto(f"{live_server.url}/meetings/overview/")
    cell = page.locator(f"tr[data-cell='{tree.a1_1.pk}'] td[data-month='{dt.date.today().month}']")
    assert "88%" in cell.inner_text()  # 7 of 8 present
    assert cell.locator("a").get_attribute("href") == f"/meetings/{meeting.pk}/"
    page.screenshot(path=str(output_dir / "4-overview.png"), full_page=True)
