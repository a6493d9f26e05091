"""Issue 18's records in a real browser (Playwright driving Debian's Chromium), each entered, listed and edited by
the role that owns it, then read where it counts:

- a status period (item 1): committee staff exempt a member from the member's page, see an overlap refused with
  both periods' dates, find the period in the list and edit it; the member leaves last year's rating figure
  (the dashboard goes from 3/4 to 3/3) and April's attendance (from 2 of 3 to 2 of 2) logged before;
- a recognition (item 2): committee staff are refused TSVM for an organization rated HTT, with the reason,
  record it for one rated HTXS, list it and edit it; KT-1a's figure goes from 0/2 to 1/2;
- not rated for another reason (item 4): the grassroots officer records it from the grid, changes the reason,
  and the bloc's member-rating figure, "insufficient data" before, is computed on the four members rated.

Every expected figure is counted by hand from the world each test builds. Screenshots under test-output/."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from tests.factories import make_member
from tests.test_browser import browser_page  # noqa: F401  (Playwright on Debian's Chromium)
from tests.test_browser_h20 import _login

pytestmark = pytest.mark.browser

Y = timezone.localdate().year - 1  # last year: its ratings are decided, its figures computed
D = dt.date


def _pick(page, name, typed, pk):
    """Choose ``pk`` in the remote organization picker ``name`` as a user does: type, then click the option."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    page.locator(f"select[name={name}] + .ts-wrapper .ts-control").click()
    page.keyboard.type(typed)
    option = page.locator(f"select[name={name}] + .ts-wrapper .option[data-value='{pk}']")
    option.wait_for(state="visible", timeout=10_000)
    # The list is drawn again as each typed letter's answer arrives: click once the answers have stopped, and
    # again if the option was redrawn under the pointer (a busy machine answers late).
    page.wait_for_load_state("networkidle")
    for attempt in range(3):
        try:
            option.click(timeout=5_000)
            break
        except PlaywrightTimeoutError:
            if attempt == 2:
                raise
            page.wait_for_load_state("networkidle")
    page.keyboard.press("Escape")
    assert page.locator(f"select[name={name}]").input_value() == str(pk)


def _card(page, live_server, organization, resolution, code):
    page.goto(f"{live_server.url}/dashboard/?org={organization.pk}&resolution={resolution.pk}&year={Y}")
    return page.locator(f"[data-test=target-{code}]")


def _member_target(tree, lower):
    """Bloc A's resolution with one R-mem target (HTXS or HTT among the rated members, ≥ ``lower`` %)."""
    from targets.engine.compute import recompute_target
    from tests.test_dashboard import resolution, target

    res = resolution(tree.bloc_a, code="nq-dv", start=Y, end=Y)
    t = target(res, "NQ-DV-1", "R-mem", {"levels": ["HTXS", "HTT"]}, "gte", lower)
    recompute_target(t, [Y])
    return res, t


def _submit(page):
    page.locator("main form[method=post] button[type=submit]").first.click()


def test_staff_exempt_a_member_who_leaves_the_rating_denominator_and_aprils_attendance(
        transactional_db, live_server, tree, personas, browser_page, output_dir):  # noqa: F811
    from meetings.choices import AttendanceStatus
    from meetings.models import Attendance
    from meetings.services import meeting_create
    from members.register.models import StatusPeriod
    from tests.test_targets_views import rate

    # Bloc A last year: A1-1 HTT, HTT and Trần Văn Miễn HT; A2 HTXS — 3 of 4 HTT or better.
    an, binh = make_member(tree.a1_1, full_name="Nguyễn Văn An"), make_member(tree.a1_1, full_name="Lê Văn Bình")
    mien = make_member(tree.a1_1, full_name="Trần Văn Miễn")
    for member, level in ((an, "HTT"), (binh, "HTT"), (mien, "HT")):
        rate(member, Y, level, tree.a1)
    rate(make_member(tree.a2), Y, "HTXS", tree.a2)
    res, target = _member_target(tree, 80)
    # April's meeting of A1-1, logged before anyone knew of the exemption: Miễn absent with a reason (2 of 3).
    april = meeting_create(cell=tree.a1_1, date=D(Y, 4, 10), start_time=dt.time(8), end_time=dt.time(10),
                           absences={mien.pk: (AttendanceStatus.ABSENT_EXCUSED, "Ốm")})

    page = browser_page
    _login(page, live_server, personas.committee_staff)
    card = _card(page, live_server, tree.bloc_a, res, target.code)
    assert card.locator("[data-test=actual]").inner_text() == "75% = 3/4"
    assert "không đạt" in card.locator("[data-test=status]").inner_text()
    page.goto(f"{live_server.url}/meetings/{april.pk}/")
    assert page.locator("[data-test=rate]").inner_text() == "66,7%"

    # Record the exemption from the member's page.
    page.goto(f"{live_server.url}/members/{mien.pk}/")
    page.locator(f"a[href='/members/{mien.pk}/status/add/']").click()
    page.select_option("select[name=kind]", "exempted")
    page.fill("input[name=start]", f"01/03/{Y}")
    page.fill("input[name=decision]", "15-QĐ/ĐU")
    page.fill("input[name=decision_body]", "Đảng ủy Sở A1")
    page.fill("input[name=reason]", "Tuổi cao, sức yếu")
    _submit(page)
    page.wait_for_url(f"{live_server.url}/members/{mien.pk}/")
    section = page.locator("#status-periods")
    assert "Miễn công tác và sinh hoạt đảng" in section.inner_text()
    assert f"01/03/{Y}" in section.inner_text() and "15-QĐ/ĐU" in section.inner_text()
    page.screenshot(path=str(output_dir / "1-recorded-on-member-page.png"), full_page=True)

    # A second exemption overlapping it is refused, the message naming both periods' dates.
    page.locator(f"a[href='/members/{mien.pk}/status/add/']").click()
    page.select_option("select[name=kind]", "exempted")
    page.fill("input[name=start]", f"01/06/{Y}")
    page.fill("input[name=end]", f"01/09/{Y}")
    _submit(page)
    error = page.locator(".invalid-feedback").first
    error.wait_for()
    text = error.inner_text()
    assert f"01/06/{Y}" in text and f"01/09/{Y}" in text and f"01/03/{Y}" in text, text
    assert StatusPeriod.objects.filter(member=mien).count() == 1
    page.screenshot(path=str(output_dir / "2-overlap-refused.png"), full_page=True)

    # The list of periods shows it; edit it from there.
    period = StatusPeriod.objects.get(member=mien)
    page.goto(f"{live_server.url}/members/status/?kind=exempted")
    rows = page.locator("table tbody tr")
    assert rows.count() == 1 and "Trần Văn Miễn" in rows.first.inner_text()
    assert "15-QĐ/ĐU" in rows.first.inner_text()
    rows.first.locator(f"a[href='/members/status/{period.pk}/edit/']").click()
    page.wait_for_url(f"{live_server.url}/members/status/{period.pk}/edit/")
    assert page.locator("input[name=decision]").input_value() == "15-QĐ/ĐU"
    page.fill("input[name=decision]", "16-QĐ/ĐU")
    _submit(page)
    page.wait_for_url(f"{live_server.url}/members/{mien.pk}/")
    assert "16-QĐ/ĐU" in page.locator("#status-periods").inner_text()
    period.refresh_from_db()
    assert (period.decision, period.start, period.end) == ("16-QĐ/ĐU", D(Y, 3, 1), None)
    assert period.history.count() == 2 and period.history.first().history_user == personas.committee_staff

    # Its effect: not rated in last year's grid, out of the rating figure, out of April's attendance.
    page.goto(f"{live_server.url}/ratings/members/{tree.a1.pk}/{Y}/")
    row = page.locator(f"#member-{mien.pk}")
    assert row.get_attribute("data-rated") == "0"
    assert "Miễn công tác và sinh hoạt đảng" in row.locator("[data-not-rated]").inner_text()
    page.screenshot(path=str(output_dir / "3-grid.png"), full_page=True)
    card = _card(page, live_server, tree.bloc_a, res, target.code)
    assert card.locator("[data-test=actual]").inner_text() == "100% = 3/3"
    status = card.locator("[data-test=status]").inner_text()
    assert "đạt" in status and "không" not in status
    page.screenshot(path=str(output_dir / "4-dashboard.png"), full_page=True)
    page.goto(f"{live_server.url}/meetings/{april.pk}/")
    assert page.locator("[data-test=rate]").inner_text() == "100,0%"
    page.screenshot(path=str(output_dir / "5-april-meeting.png"), full_page=True)
    assert Attendance.objects.get(meeting=april, member=mien).status == AttendanceStatus.EXCLUDED


def test_staff_record_a_recognition_that_counts_in_kt_1a(transactional_db, live_server, tree, personas,
                                                       browser_page, output_dir):  # noqa: F811
    from members.ratings.choices import OrgRatingKind, RatingStatus
    from members.ratings.models import OrganizationRating, RatingScheme, RecognitionAward
    from targets.engine.compute import recompute_target
    from tests.test_targets_views import attach

    scheme = RatingScheme.objects.for_year("organization", Y).first()
    for org, level in ((tree.a1, "HTXS"), (tree.a2, "HTT")):  # bloc A's two TCCSĐ, decided by the bloc
        OrganizationRating.objects.create(kind=OrgRatingKind.PARTY_ORG, organization=org, year=Y, scheme=scheme,
                                          deciding_committee=tree.bloc_a, status=RatingStatus.DECIDED,
                                          decided_level=scheme.levels.get(code=level))
    res = attach(tree.bloc_a, ("KT-1a",), code="kt", start=Y, end=Y)  # ≥ 50% of TCCSĐ clean and strong
    target = res.targets.get()
    recompute_target(target, [Y])

    page = browser_page
    _login(page, live_server, personas.committee_staff)
    card = _card(page, live_server, tree.bloc_a, res, target.code)
    assert card.locator("[data-test=actual]").inner_text() == "0% = 0/2"

    page.goto(f"{live_server.url}/ratings/recognitions/")
    page.locator("a[href='/ratings/recognitions/add/']").click()
    page.wait_for_url(f"{live_server.url}/ratings/recognitions/add/")

    def fill(organization, typed):
        _pick(page, "organization", typed, organization.pk)
        page.fill("input[name=year]", str(Y))
        page.select_option("select[name=title]", "tsvm")
        _pick(page, "deciding_body", "Khoi A", tree.bloc_a.pk)
        page.fill("input[name=decision]", "25-QĐ/ĐUK")
        _submit(page)

    fill(tree.a2, "So A2")  # rated HTT: refused with the reason
    error = page.locator(".invalid-feedback").first
    error.wait_for()
    assert "HTXS" in error.inner_text(), error.inner_text()
    assert not RecognitionAward.objects.exists()
    page.screenshot(path=str(output_dir / "1-refused.png"), full_page=True)

    fill(tree.a1, "So A1")  # rated HTXS
    page.wait_for_url(f"{live_server.url}/ratings/recognitions/")
    award = RecognitionAward.objects.get()
    assert (award.organization, award.year, award.title, award.deciding_body) == (tree.a1, Y, "tsvm", tree.bloc_a)
    rows = page.locator("table tbody tr")
    assert rows.count() == 1 and "Đảng bộ Sở A1" in rows.first.inner_text()
    page.screenshot(path=str(output_dir / "2-listed.png"), full_page=True)

    rows.first.locator(f"a[href='/ratings/recognitions/{award.pk}/edit/']").click()
    page.wait_for_url(f"{live_server.url}/ratings/recognitions/{award.pk}/edit/")
    page.select_option("select[name=title]", "tsvm_typical")
    page.fill("input[name=decision]", "26-QĐ/ĐUK")
    _submit(page)
    page.wait_for_url(f"{live_server.url}/ratings/recognitions/")
    award.refresh_from_db()
    assert (award.title, award.decision) == ("tsvm_typical", "26-QĐ/ĐUK")
    assert award.history.count() == 2 and award.history.first().history_user == personas.committee_staff

    card = _card(page, live_server, tree.bloc_a, res, target.code)  # KT-1a counts TSVM and TSVM tiêu biểu
    assert card.locator("[data-test=actual]").inner_text() == "50% = 1/2"
    status = card.locator("[data-test=status]").inner_text()
    assert "đạt" in status and "không" not in status
    page.screenshot(path=str(output_dir / "3-kt-1a.png"), full_page=True)


def test_the_grassroots_records_a_member_not_rated_for_another_reason_and_the_figure_is_computed(
        transactional_db, live_server, tree, personas, browser_page, output_dir):  # noqa: F811
    from members.ratings.models import MemberNotRated
    from tests.test_targets_views import rate

    # Bloc A last year: A1-1 HTT, HTT, HT and Phạm Văn Xa, abroad all year, never rated; A2 HTXS.
    for level in ("HTT", "HTT", "HT"):
        rate(make_member(tree.a1_1), Y, level, tree.a1)
    abroad = make_member(tree.a1_1, full_name="Phạm Văn Xa")
    rate(make_member(tree.a2), Y, "HTXS", tree.a2)
    res, target = _member_target(tree, 70)

    page = browser_page
    _login(page, live_server, personas.leadership)
    card = _card(page, live_server, tree.bloc_a, res, target.code)
    assert "chưa đủ dữ liệu" in card.locator("[data-test=status]").inner_text()  # one of five not rated
    page.context.clear_cookies()

    _login(page, live_server, personas.grassroots_officer)
    page.goto(f"{live_server.url}/ratings/members/{tree.a1.pk}/{Y}/")
    page.locator(f"#member-{abroad.pk} [data-not-rated-link]").click()
    page.wait_for_url(re.compile(rf"/ratings/members/not-rated/{abroad.pk}/{Y}/"))
    page.fill("[name=reason]", "Công tác dài hạn ở nước ngoài")
    page.locator("button[name=action][value=record]").click()
    page.wait_for_url(f"{live_server.url}/ratings/members/{tree.a1_1.pk}/{Y}/")  # back to the member's cell
    row = page.locator(f"#member-{abroad.pk}")
    assert row.get_attribute("data-rated") == "0"
    assert "Công tác dài hạn ở nước ngoài" in row.locator("[data-not-rated]").inner_text()
    page.screenshot(path=str(output_dir / "1-grid.png"), full_page=True)

    row.locator("[data-not-rated-link]").click()  # "Change": the reason is edited, not recorded twice
    assert page.locator("[name=reason]").input_value() == "Công tác dài hạn ở nước ngoài"
    page.fill("[name=reason]", "Học tập dài hạn ở nước ngoài")
    page.locator("button[name=action][value=record]").click()
    page.wait_for_url(f"{live_server.url}/ratings/members/{tree.a1_1.pk}/{Y}/")  # back to the member's cell
    assert "Học tập dài hạn ở nước ngoài" in page.locator(f"#member-{abroad.pk} [data-not-rated]").inner_text()
    record = MemberNotRated.objects.get()
    assert (record.member, record.year, record.reason) == (abroad, Y, "Học tập dài hạn ở nước ngoài")
    page.context.clear_cookies()

    _login(page, live_server, personas.leadership)
    card = _card(page, live_server, tree.bloc_a, res, target.code)
    assert card.locator("[data-test=actual]").inner_text() == "75% = 3/4"  # HTXS + 2 HTT of the 4 rated
    status = card.locator("[data-test=status]").inner_text()
    assert "đạt" in status and "không" not in status
    page.screenshot(path=str(output_dir / "2-dashboard.png"), full_page=True)
