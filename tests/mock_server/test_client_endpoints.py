"""/v1/client (GET, PUT, POST, DELETE), DELETE /v1/client/sessions and the __client_uat cookie."""

from __future__ import annotations

from tests.mock_server.conftest import PASSWORD, Browser, Mock, error, ok

EMAIL = "client@example.com"


def _uat(response) -> int:
    cookies = response.headers.get_list("set-cookie")
    found = [c for c in cookies if c.startswith("__client_uat=")]
    assert found, cookies
    assert "httponly" not in found[0].lower()
    return int(found[0].split(";")[0].split("=", 1)[1])


def test_a_new_browser_has_no_client_and_uat_zero(browser: Browser) -> None:
    answer = browser.get("/v1/client")
    assert ok(answer) == {"response": None, "client": None}
    assert _uat(answer) == 0
    assert "__client" not in browser.http.cookies


def test_uat_is_the_sign_in_time_then_zero_after_sign_out(mock: Mock, browser: Browser) -> None:
    mock.seed_user(email_addresses=EMAIL)
    created = browser.sign_in(identifier=EMAIL, password=PASSWORD)
    session = ok(created)["client"]["sessions"][0]
    assert _uat(created) == session["created_at"] // 1000
    assert _uat(browser.get("/v1/client")) == session["created_at"] // 1000
    assert browser.http.cookies["__client_uat"] == str(session["created_at"] // 1000)
    signed_out = browser.delete("/v1/client/sessions")
    assert _uat(signed_out) == 0


def test_post_client_creates_one_when_missing(browser: Browser) -> None:
    created = ok(browser.post("/v1/client"))["response"]
    assert created["object"] == "client"
    assert created["sessions"] == []
    assert browser.client()["id"] == created["id"]
    assert ok(browser.post("/v1/client"))["response"]["id"] == created["id"]


def test_put_client_replaces_the_client(mock: Mock, browser: Browser) -> None:
    mock.seed_user(email_addresses=EMAIL)
    first = ok(browser.sign_in(identifier=EMAIL, password=PASSWORD))
    old_id = first["client"]["id"]
    old_session = first["response"]["created_session_id"]
    old_cookie = browser.http.cookies["__client"]
    replaced = ok(browser.request("PUT", "/v1/client"))["response"]
    assert replaced["id"] != old_id
    assert replaced["sessions"] == []
    assert browser.client()["id"] == replaced["id"]
    old = mock.browser(cookies={"__client": old_cookie})
    assert old.client() is None
    error(old.get(f"/v1/client/sessions/{old_session}"), 404, "resource_not_found")


def test_delete_client_signs_out_and_forgets_it(mock: Mock, browser: Browser) -> None:
    mock.seed_user(email_addresses=EMAIL)
    sid = ok(browser.sign_in(identifier=EMAIL, password=PASSWORD))["response"]["created_session_id"]
    deleted = browser.delete("/v1/client")
    body = ok(deleted)
    assert body["client"] is None
    assert body["response"]["id"]
    assert body["response"]["sessions"] == []
    assert _uat(deleted) == 0
    assert browser.client() is None
    error(browser.get(f"/v1/client/sessions/{sid}"), 404, "resource_not_found")
    error(browser.get("/v1/me"), 401, "signed_out")


def test_delete_client_without_a_client(browser: Browser) -> None:
    assert ok(browser.delete("/v1/client")) == {"response": None, "client": None}


def test_delete_sessions_keeps_the_client(mock: Mock, browser: Browser) -> None:
    mock.seed_user(email_addresses=EMAIL)
    mock.seed_user(email_addresses="other@example.com")
    first = ok(browser.sign_in(identifier=EMAIL, password=PASSWORD))
    ok(browser.sign_in(identifier="other@example.com", password=PASSWORD))
    body = ok(browser.delete("/v1/client/sessions"))
    assert body["client"] is None
    assert body["response"]["id"] == first["client"]["id"]
    assert body["response"]["sessions"] == []
    assert body["response"]["last_active_session_id"] is None
    client = browser.client()
    assert client["id"] == first["client"]["id"]
    ended = ok(browser.get(f"/v1/client/sessions/{first['response']['created_session_id']}"))[
        "response"
    ]
    assert ended["status"] == "ended"
