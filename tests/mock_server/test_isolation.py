"""One client never sees another's sign-in, sign-up or session; only the newest sign-in changes."""

from __future__ import annotations

from tests.mock_server.conftest import PASSWORD, Browser, Mock, error, ok

EMAIL = "owner@example.com"


def test_another_clients_sign_in_does_not_exist(mock: Mock, browser: Browser) -> None:
    mock.seed_user(email_addresses=EMAIL)
    si = ok(browser.sign_in(identifier=EMAIL))["response"]
    intruder = mock.browser()
    ok(intruder.sign_in())  # the intruder has a client of its own
    error(intruder.get(f"/v1/client/sign_ins/{si['id']}"), 404, "resource_not_found")
    error(
        intruder.attempt(si["id"], strategy="password", password=PASSWORD),
        404,
        "resource_not_found",
    )
    error(intruder.prepare(si["id"], strategy="email_code"), 404, "resource_not_found")
    error(mock.browser().get(f"/v1/client/sign_ins/{si['id']}"), 404, "resource_not_found")
    assert (
        ok(browser.get(f"/v1/client/sign_ins/{si['id']}"))["response"]["status"]
        == "needs_first_factor"
    )


def test_another_clients_sign_up_does_not_exist(mock: Mock, browser: Browser) -> None:
    su = ok(browser.sign_up(email_address="fresh@example.com"))["response"]
    intruder = mock.browser()
    ok(intruder.sign_up())
    error(intruder.get(f"/v1/client/sign_ups/{su['id']}"), 404, "resource_not_found")
    error(
        intruder.patch(f"/v1/client/sign_ups/{su['id']}", {"password": PASSWORD}),
        404,
        "resource_not_found",
    )
    error(
        intruder.post(
            f"/v1/client/sign_ups/{su['id']}/prepare_verification", {"strategy": "email_code"}
        ),
        404,
        "resource_not_found",
    )


def test_another_clients_session_does_not_exist(mock: Mock, browser: Browser) -> None:
    mock.seed_user(email_addresses=EMAIL)
    sid = ok(browser.sign_in(identifier=EMAIL, password=PASSWORD))["response"]["created_session_id"]
    intruder = mock.browser()
    ok(intruder.sign_in())
    for action in ("", "/touch", "/end", "/remove"):
        method = intruder.get if not action else intruder.post
        error(method(f"/v1/client/sessions/{sid}{action}"), 404, "resource_not_found")
    assert ok(browser.get(f"/v1/client/sessions/{sid}"))["response"]["status"] == "active"


def test_only_the_newest_sign_in_can_change(mock: Mock, browser: Browser) -> None:
    mock.seed_user(email_addresses=EMAIL)
    old = ok(browser.sign_in(identifier=EMAIL))["response"]
    new = ok(browser.sign_in(identifier=EMAIL))["response"]
    assert ok(browser.get(f"/v1/client/sign_ins/{old['id']}"))["response"]["id"] == old["id"]
    error(
        browser.attempt(old["id"], strategy="password", password=PASSWORD),
        403,
        "resource_forbidden",
    )
    error(browser.prepare(old["id"], strategy="email_code"), 403, "resource_forbidden")
    assert (
        ok(browser.attempt(new["id"], strategy="password", password=PASSWORD))["response"]["status"]
        == "complete"
    )


def test_only_the_newest_sign_up_can_change(mock: Mock, browser: Browser) -> None:
    old = ok(browser.sign_up(email_address="a@example.com"))["response"]
    ok(browser.sign_up(email_address="b@example.com"))
    error(
        browser.patch(f"/v1/client/sign_ups/{old['id']}", {"password": PASSWORD}),
        403,
        "resource_forbidden",
    )


def test_an_abandoned_sign_in_is_gone(mock: Mock, browser: Browser) -> None:
    mock.seed_user(email_addresses=EMAIL)
    si = ok(browser.sign_in(identifier=EMAIL))["response"]
    assert si["abandon_at"] > 0
    mock.advance(24 * 3600)
    error(browser.get(f"/v1/client/sign_ins/{si['id']}"), 404, "resource_not_found")
    error(
        browser.attempt(si["id"], strategy="password", password=PASSWORD), 404, "resource_not_found"
    )


def test_an_abandoned_sign_up_is_gone(mock: Mock, browser: Browser) -> None:
    su = ok(browser.sign_up(email_address="slow@example.com"))["response"]
    mock.advance(24 * 3600)
    error(browser.get(f"/v1/client/sign_ups/{su['id']}"), 404, "resource_not_found")


def test_an_abandoned_flow_leaves_the_client(mock: Mock, browser: Browser) -> None:
    mock.seed_user(email_addresses=EMAIL)
    ok(browser.sign_up(email_address="later@example.com"))
    ok(browser.sign_in(identifier=EMAIL))
    client = browser.client()
    assert client["sign_in"]["status"] == "needs_first_factor"
    assert client["sign_up"]["status"] == "missing_requirements"
    mock.advance(24 * 3600)
    client = browser.client()
    assert client["sign_in"] is None
    assert client["sign_up"] is None
    # a new sign-in starts afresh
    assert (
        ok(browser.sign_in(identifier=EMAIL))["client"]["sign_in"]["status"] == "needs_first_factor"
    )
