"""The inbox page (/__admin/ui) as a developer uses it, in the same headless Chromium."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import httpx

from tests.browser.conftest import Browserside

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "img" / "inbox.png"


def _start_email_code_sign_in(site: Browserside, email: str) -> None:
    with httpx.Client(base_url=site.mock.origin) as browser:
        made = browser.post(
            "/__admin/users", json={"email_addresses": [email], "first_name": "Ines"}
        )
        assert made.status_code == 201
        sign_in = browser.post("/v1/client/sign_ins", data={"identifier": email}).json()
        prepared = browser.post(
            f"/v1/client/sign_ins/{sign_in['response']['id']}/prepare_first_factor",
            data={"strategy": "email_code"},
        )
        assert prepared.status_code == 200, prepared.text


def _inbox(browser: Any, site: Browserside) -> Any:
    site.admin.post("/__admin/reset")
    page = browser.new_page()
    page.goto(site.mock.origin + "/__admin/ui")
    return page


def test_a_code_sent_a_moment_ago_shows_large(browser: Any, site: Browserside) -> None:
    page = _inbox(browser, site)
    _start_email_code_sign_in(site, "ines@example.com")
    code = site.admin.get("/__admin/outbox/latest", params={"to": "ines@example.com"}).json()[
        "code"
    ]
    shown = page.locator(".message .code").first
    shown.wait_for(timeout=10_000)
    assert shown.inner_text() == code
    assert "ines@example.com" in page.locator(".message .to").first.inner_text()
    assert "needs_first_factor" in page.locator("#sign-ins").inner_text()
    if os.environ.get("FAPI_HARNESS_SCREENSHOTS") == "1":
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        page.set_viewport_size({"width": 1100, "height": 620})
        page.screenshot(path=str(SCREENSHOT))
    page.close()


def test_advancing_the_clock_expires_a_pending_code(browser: Any, site: Browserside) -> None:
    page = _inbox(browser, site)
    _start_email_code_sign_in(site, "ivo@example.com")
    page.locator(".message .code").first.wait_for(timeout=10_000)
    assert page.locator(".message.expired").count() == 0
    page.fill("#advance", "601")
    page.click("#advance-button")
    page.locator(".message.expired").first.wait_for(timeout=10_000)
    assert page.locator(".message .badge").first.inner_text() == "expired"
    page.close()


def test_an_email_link_in_the_inbox_works(browser: Any, site: Browserside) -> None:
    page = _inbox(browser, site)
    with httpx.Client(base_url=site.mock.origin) as app_client:
        site.admin.post("/__admin/users", json={"email_addresses": ["lin@example.com"]})
        sign_in = app_client.post("/v1/client/sign_ins", data={"identifier": "lin@example.com"})
        sign_in_id = sign_in.json()["response"]["id"]
        app_client.post(
            f"/v1/client/sign_ins/{sign_in_id}/prepare_first_factor",
            data={"strategy": "email_link", "redirect_url": site.page_origin + "/"},
        )
        link = page.locator(".message a.link").first
        link.wait_for(timeout=10_000)
        with page.context.expect_page() as opened:
            link.click()
        landed = opened.value
        landed.wait_for_load_state()
        assert "__clerk_status=verified" in landed.url
        done = app_client.get(f"/v1/client/sign_ins/{sign_in_id}").json()["response"]
        assert done["status"] == "complete"
        landed.close()
    page.close()
