"""Email links: prepare sends a link; opening it verifies the sign-in, once."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from fixtures.identities import Identity
from suites.expect import expect, that
from suites.steps import factor, start_sign_in
from suites.target import Browser, Target

# The link only exists in an outbox: a real instance emails it.
pytestmark = [pytest.mark.strategy("email_link"), pytest.mark.needs_admin]
REDIRECT = "http://localhost:3000/verified"


def _link(target: Target, browser: Browser, user: Identity) -> tuple[str, str]:
    si = start_sign_in(browser, user.email_address)
    f = factor(si, "email_link")
    path = f"/v1/client/sign_ins/{si['id']}"
    ex = browser.post(
        path + "/prepare_first_factor",
        {
            "strategy": "email_link",
            "email_address_id": f["email_address_id"],
            "redirect_url": REDIRECT,
        },
    )
    body = expect(ex, 200, "envelopes/sign_in", state="needs_first_factor")
    that(body["response"]["first_factor_verification"]["strategy"] == "email_link", ex, "prepared")
    link = urlsplit(target.latest_link(user.email_address))
    return path, f"{link.path}?{link.query}"


def test_opening_the_link_completes_the_sign_in(
    target: Target, browser: Browser, user: Identity
) -> None:
    path, link = _link(target, browser, user)
    opened = target.send(None, "GET", link)
    expect(opened, 303)
    status = parse_qs(urlsplit(opened.response_headers.get("location", "")).query)
    that(status.get("__clerk_status") == ["verified"], opened, "redirects with __clerk_status")
    expect(browser.get(path), 200, "envelopes/sign_in", state="complete")


def test_a_link_works_once(target: Target, browser: Browser, user: Identity) -> None:
    _, link = _link(target, browser, user)
    expect(target.send(None, "GET", link), 303)
    again = target.send(None, "GET", link)
    location = again.response_headers.get("location", "")
    that(
        again.status >= 400 or "__clerk_status=verified" not in location,
        again,
        "a used email link must not verify again",
    )
