"""Issue 18 item 3 in a real browser: committee staff create a resolution, add a target through its family's
form (levels ticked, not JSON typed), preview it for last year, save it, and read it on the dashboard with its
figures; then edit a target's bound, reorder and retire targets and see the dashboard follow. The world: bloc A's
members rated for last year, 3 of 4 HTT or better (computed by hand: 75 %), 1 of 4 HTXS (25 %)."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from tests.test_browser import browser_page  # noqa: F401  (the Chromium page fixture)
from tests.test_browser_h20 import _login
from tests.test_target_authoring import rated_members

pytestmark = pytest.mark.browser


def test_staff_author_a_resolution_and_read_its_target_on_the_dashboard(transactional_db, live_server, tree, personas,
                                                                       browser_page, output_dir):  # noqa: F811
    from targets.engine.models import Attainment, Resolution, Target

    last_year = timezone.localdate().year - 1
    rated_members(tree, last_year)
    page = browser_page
    _login(page, live_server, personas.committee_staff)

    page.goto(f"{live_server.url}/targets/")
    page.locator("a[href='/targets/resolutions/new/']").click()
    page.fill("input[name=code]", "nq-thu")
    page.fill("input[name=number]", "15-NQ/ĐUK")
    page.fill("textarea[name=title]", "Nghị quyết nâng cao chất lượng đảng viên")
    page.fill("input[name=issuer_name]", "Ban Thường vụ Đảng ủy Khối A")
    page.fill("input[name=start_year]", str(last_year))
    page.fill("input[name=end_year]", str(last_year + 1))
    page.select_option("select[name=scope]", str(tree.bloc_a.pk))
    page.fill("input[name=baseline-0-as_of]", f"01/01/{last_year}")
    page.select_option("select[name=baseline-0-key]", "members")
    page.fill("input[name=baseline-0-value]", "4")
    page.locator("main form button[type=submit]").last.click()
    resolution = Resolution.objects.get(code="nq-thu")
    page.wait_for_url(f"{live_server.url}/targets/resolutions/{resolution.pk}/")
    assert [(b.key, b.value) for b in resolution.baselines.all()] == [("members", 4)]

    page.locator("[data-test=new-target]").click()
    page.select_option("select[name=family]", "R-mem")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url(re.compile(r"family=R-mem"))
    assert page.locator("textarea[name=params]").count() == 0
    page.fill("input[name=short_text]", "Đảng viên hoàn thành tốt nhiệm vụ trở lên")
    page.fill("textarea[name=clause]", "80% trở lên đảng viên hoàn thành tốt nhiệm vụ")
    page.select_option("select[name=comparator]", "gte")
    page.fill("input[name=lower]", "80")
    page.check("input[name=p_levels][value=HTXS]")
    page.check("input[name=p_levels][value=HTT]")
    page.locator("button[name=action][value=preview]").click()
    preview = page.locator("[data-test=preview]")
    preview.wait_for()
    assert preview.locator("[data-test=numerator]").inner_text() == "3"
    assert preview.locator("[data-test=denominator]").inner_text() == "4"
    assert preview.locator("[data-test=actual]").inner_text() == "75% (3/4)"
    assert "không đạt" in preview.locator("[data-test=status]").inner_text()
    assert not Target.objects.filter(resolution=resolution).exists() and not Attainment.objects.exists()
    page.screenshot(path=str(output_dir / "target-preview.png"), full_page=True)

    page.locator("button[name=action][value=save]").click()
    page.wait_for_url(re.compile(r"/targets/runs/\d+/"))
    target = Target.objects.get(resolution=resolution)
    assert target.params == {"levels": ["HTXS", "HTT"]}

    page.goto(f"{live_server.url}/dashboard/?org={tree.bloc_a.pk}&resolution={resolution.pk}&year={last_year}")
    card = page.locator(f"[data-test=target-{target.code}]")
    assert card.locator("[data-test=actual]").inner_text() == "75% = 3/4"
    assert card.locator("[data-test=bound]").inner_text() == "≥ 80%"
    assert "không đạt" in card.locator("[data-test=status]").inner_text()
    page.screenshot(path=str(output_dir / "target-on-dashboard.png"), full_page=True)


def test_staff_edit_reorder_and_retire_targets_and_the_dashboard_follows(transactional_db, live_server, tree,
                                                                         personas, browser_page, output_dir):  # noqa: F811
    """Two targets of bloc A for last year over the same world (3 of 4 HTT or better, 1 of 4 HTXS): staff lower
    the first one's bound from 80% to 70% (not met → met), move the second up, then retire it; the dashboard
    shows the new bound and status and no longer the retired target, which the resolution still lists."""
    from targets.engine.compute import recompute_target
    from targets.engine.models import Target
    from tests.test_dashboard import resolution, target

    last_year = timezone.localdate().year - 1
    rated_members(tree, last_year)
    res = resolution(tree.bloc_a, code="nq-sua", start=last_year, end=last_year)
    first = target(res, "SUA-1", "R-mem", {"levels": ["HTXS", "HTT"]}, "gte", 80, order=1)
    second = target(res, "SUA-2", "R-mem", {"levels": ["HTXS"]}, "gte", 20, order=2)
    for t in (first, second):
        recompute_target(t, [last_year])
    page = browser_page
    _login(page, live_server, personas.committee_staff)
    dashboard = f"{live_server.url}/dashboard/?org={tree.bloc_a.pk}&resolution={res.pk}&year={last_year}"
    page.goto(dashboard)
    card = page.locator("[data-test=target-SUA-1]")
    assert (card.locator("[data-test=bound]").inner_text(), card.locator("[data-test=actual]").inner_text()) == (
        "≥ 80%", "75% = 3/4")
    assert "không đạt" in card.locator("[data-test=status]").inner_text()
    assert page.locator("[data-test=target-SUA-2] [data-test=actual]").inner_text() == "25% = 1/4"

    page.goto(f"{live_server.url}/targets/resolutions/{res.pk}/")
    rows = page.locator("[data-test=targets] tbody tr")
    assert [rows.nth(i).get_attribute("data-test") for i in range(rows.count())] == ["target-SUA-1", "target-SUA-2"]
    page.locator(f"a[href='/targets/{first.pk}/edit/']").click()
    page.wait_for_url(f"{live_server.url}/targets/{first.pk}/edit/")
    assert page.locator("input[name=lower]").input_value() == "80,00"
    page.fill("input[name=lower]", "70")
    page.locator("button[name=action][value=save]").click()
    page.wait_for_url(re.compile(r"/targets/(runs/\d+|resolutions/\d+)/"))
    first.refresh_from_db()
    assert first.lower == 70 and first.history.count() == 2

    page.goto(f"{live_server.url}/targets/resolutions/{res.pk}/")
    page.locator("[data-test=target-SUA-2] button[name=direction][value=up]").click()
    page.wait_for_url(re.compile(rf"/targets/resolutions/{res.pk}/"))
    rows = page.locator("[data-test=targets] tbody tr")
    assert [rows.nth(i).get_attribute("data-test") for i in range(rows.count())] == ["target-SUA-2", "target-SUA-1"]
    page.locator(f"a[href='/targets/{second.pk}/edit/']").click()
    page.wait_for_url(f"{live_server.url}/targets/{second.pk}/edit/")
    page.uncheck("input[name=active]")
    page.locator("button[name=action][value=save]").click()
    page.wait_for_url(re.compile(r"/targets/(runs/\d+|resolutions/\d+)/"))
    assert not Target.objects.get(pk=second.pk).active
    page.goto(f"{live_server.url}/targets/resolutions/{res.pk}/")
    assert "ngừng hoạt động" in page.locator("[data-test=target-SUA-2]").inner_text()  # listed, retired
    page.screenshot(path=str(output_dir / "resolution-after-edits.png"), full_page=True)

    page.goto(dashboard)
    card = page.locator("[data-test=target-SUA-1]")
    assert (card.locator("[data-test=bound]").inner_text(), card.locator("[data-test=actual]").inner_text()) == (
        "≥ 70%", "75% = 3/4")
    status = card.locator("[data-test=status]").inner_text()
    assert "đạt" in status and "không" not in status
    assert page.locator("[data-test=target-SUA-2]").count() == 0
    page.screenshot(path=str(output_dir / "dashboard-after-edits.png"), full_page=True)
