"""Browser smoke test: Playwright drives Debian's Chromium (never a downloaded browser)."""

import os

import pytest

from tests.conftest import PASSWORD, require_tool

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture
def browser_page(output_dir):
    chromium = require_tool("/usr/bin/chromium", "chromium")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the test makes around it are
    # synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 800})
        page = context.new_page()
        try:
            yield page
        finally:
            page.screenshot(path=str(output_dir / "last.png"), full_page=True)
            browser.close()


@pytest.mark.browser
def test_it_logs_in_and_sees_the_vietnamese_home_page(live_server, member_user, browser_page, output_dir):
    page = browser_page
    page.goto(f"{live_server.url}/")
    assert page.locator("h1").inner_text() == "Đăng nhập"
    page.fill("input[name=username]", member_user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert "Xin chào" in page.locator("h1").inner_text()
    page.screenshot(path=str(output_dir / "home-desktop.png"), full_page=True)

    page.set_viewport_size({"width": 375, "height": 740})
    toggler = page.locator(".navbar-toggler")
    assert toggler.is_visible(), "the phone layout collapses the menu behind a button"
    home_link = page.locator("#navMain").get_by_role("link", name="Trang chủ")
    assert not home_link.is_visible()
    toggler.click()
    home_link.wait_for(state="visible")
    page.wait_for_timeout(400)  # let the collapse animation finish before the screenshot
    page.screenshot(path=str(output_dir / "home-phone.png"), full_page=True)
