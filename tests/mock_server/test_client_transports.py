"""The three ways FAPI identifies a client: __client cookie, dev browser token, native header."""

from __future__ import annotations

import pytest

from tests.mock_server.conftest import PASSWORD, Mock, error, ok

EMAIL = "transport@example.com"


def test_the_cookie_carries_the_client(mock: Mock) -> None:
    mock.seed_user(email_addresses=EMAIL)
    browser = mock.browser()
    assert browser.client() is None
    assert "__client" not in browser.http.cookies
    created = browser.sign_in(identifier=EMAIL, password=PASSWORD)
    body = ok(created)
    cookie = created.headers["set-cookie"]
    assert "__client=" in cookie
    assert "httponly" in cookie.lower()
    assert browser.client()["id"] == body["client"]["id"]
    # the same cookie in another jar is the same client
    twin = mock.browser(cookies={"__client": browser.http.cookies["__client"]})
    assert twin.client()["id"] == body["client"]["id"]
    # an unknown cookie is simply no client
    assert mock.browser(cookies={"__client": "forged"}).client() is None


def test_a_dev_browser_token_carries_the_client(mock: Mock) -> None:
    mock.seed_user(email_addresses=EMAIL)
    http = mock.browser()
    created = http.post("/v1/dev_browser")
    body = ok(created)
    token = body["id"]
    assert body["object"] == "dev_browser"
    assert created.headers["clerk-db-jwt"] == token
    dev = mock.browser(params={"__clerk_db_jwt": token})
    assert dev.client() is None
    si = ok(dev.sign_in(identifier=EMAIL, password=PASSWORD))
    assert "__client=" not in dev.http.cookies.jar.__repr__()
    client = dev.client()
    assert client["id"] == si["client"]["id"]
    assert client["last_active_session_id"] == si["response"]["created_session_id"]
    # Clerk's spec calls the parameter __dev_session: both name the same client
    assert mock.browser(params={"__dev_session": token}).client()["id"] == client["id"]
    # and so does the Clerk-Db-Jwt header
    assert mock.browser(headers={"Clerk-Db-Jwt": token}).client()["id"] == client["id"]


def test_an_unknown_dev_browser_token_is_unauthenticated(mock: Mock) -> None:
    stranger = mock.browser(params={"__clerk_db_jwt": "not-issued"})
    error(stranger.get("/v1/client"), 401, "dev_browser_unauthenticated")
    error(stranger.sign_in(), 401, "dev_browser_unauthenticated")


@pytest.mark.parametrize("prefix", ["", "Bearer "])
def test_a_native_client_gets_its_token_in_the_authorization_header(
    mock: Mock, prefix: str
) -> None:
    mock.seed_user(email_addresses=EMAIL)
    app = mock.browser(params={"_is_native": "1"})
    created = app.sign_in(identifier=EMAIL, password=PASSWORD)
    body = ok(created)
    token = created.headers["authorization"]
    assert token
    assert "set-cookie" not in created.headers
    same = mock.browser(params={"_is_native": "1"}, headers={"Authorization": prefix + token})
    client = same.client()
    assert client["id"] == body["client"]["id"]
    assert client["last_active_session_id"] == body["response"]["created_session_id"]
    sid = client["last_active_session_id"]
    assert ok(same.get("/v1/me"))["response"]["id"] == client["sessions"][0]["user"]["id"]
    assert ok(same.get(f"/v1/client/sessions/{sid}"))["response"]["id"] == sid


def test_a_native_request_without_a_token_has_no_client(mock: Mock) -> None:
    app = mock.browser(params={"_is_native": "1"})
    assert app.client() is None


def test_a_malformed_authorization_header_is_refused(mock: Mock) -> None:
    app = mock.browser(params={"_is_native": "1"}, headers={"Authorization": "Bearer a b"})
    error(app.get("/v1/client"), 401, "authorization_header_format_invalid")


def test_put_client_on_a_dev_browser_keeps_the_token_for_the_new_client(mock: Mock) -> None:
    mock.seed_user(email_addresses=EMAIL)
    token = ok(mock.browser().post("/v1/dev_browser"))["id"]
    dev = mock.browser(params={"__clerk_db_jwt": token})
    old = ok(dev.sign_in(identifier=EMAIL, password=PASSWORD))["client"]["id"]
    new = ok(dev.request("PUT", "/v1/client"))["response"]
    assert new["id"] != old
    assert new["sessions"] == []
    assert dev.client()["id"] == new["id"]
