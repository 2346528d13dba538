"""HTTP the way clerk-js speaks it: _method, the proxy prefix, CORS, Clerk-shaped 404s."""

from __future__ import annotations

import pytest

from tests.mock_server.conftest import PASSWORD, Browser, Mock, error, ok

ORIGIN = "http://localhost:3000"


def test_method_override_routes_a_post_as_patch(mock: Mock, browser: Browser) -> None:
    su = ok(browser.sign_up(email_address="override@example.com"))["response"]
    patched = browser.post(
        f"/v1/client/sign_ups/{su['id']}", {"password": PASSWORD}, params={"_method": "PATCH"}
    )
    assert ok(patched)["response"]["has_password"] is True


def test_method_override_delete(mock: Mock, browser: Browser) -> None:
    mock.seed_user(email_addresses="out@example.com")
    ok(browser.sign_in(identifier="out@example.com", password=PASSWORD))
    body = ok(browser.post("/v1/client/sessions", params={"_method": "DELETE"}))
    assert body["response"]["sessions"] == []


def test_environment_touch_by_override(browser: Browser) -> None:
    body = ok(
        browser.post("/v1/environment", params={"_method": "PATCH"}, headers={"Origin": ORIGIN})
    )
    assert body == ok(browser.get("/v1/environment"))


def test_clerk_js_bookkeeping_params_are_accepted(mock: Mock, browser: Browser) -> None:
    mock.seed_user(email_addresses="bk@example.com")
    params = {"__clerk_api_version": "2026-08-20", "_clerk_js_version": "6.40.0"}
    body = ok(
        browser.post(
            "/v1/client/sign_ins",
            {"identifier": "bk@example.com", "locale": "en-US"},
            params=params,
        )
    )
    assert body["response"]["status"] == "needs_first_factor"


def test_the_proxy_prefix_serves_the_same_api(mock: Mock, browser: Browser) -> None:
    mock.seed_user(email_addresses="proxied@example.com")
    assert ok(browser.get("/__clerk/v1/environment")) == ok(browser.get("/v1/environment"))
    si = ok(browser.post("/__clerk/v1/client/sign_ins", {"identifier": "proxied@example.com"}))[
        "response"
    ]
    assert ok(browser.get(f"/v1/client/sign_ins/{si['id']}"))["response"]["id"] == si["id"]
    ok(
        browser.post(
            f"/__clerk/v1/client/sign_ins/{si['id']}/prepare_first_factor",
            {"strategy": "email_link"},
        )
    )
    assert mock.latest("proxied@example.com")["link"].startswith(
        "http://mock.test/__clerk/v1/verify?"
    )


def test_cors_echoes_the_origin_with_credentials(browser: Browser) -> None:
    answer = browser.get("/v1/environment", headers={"Origin": ORIGIN})
    assert answer.headers["access-control-allow-origin"] == ORIGIN
    assert answer.headers["access-control-allow-credentials"] == "true"
    exposed = answer.headers["access-control-expose-headers"].lower()
    assert "authorization" in exposed
    assert "retry-after" in exposed


def test_cors_preflight(browser: Browser) -> None:
    answer = browser.request(
        "OPTIONS",
        "/v1/client/sign_ins",
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,authorization",
        },
    )
    assert answer.status_code == 200
    assert answer.headers["access-control-allow-origin"] == ORIGIN
    assert answer.headers["access-control-allow-credentials"] == "true"
    assert "POST" in answer.headers["access-control-allow-methods"]
    assert "authorization" in answer.headers["access-control-allow-headers"].lower()


def test_configured_origins_are_enforced(make_mock) -> None:
    from tests.mock_server.conftest import config_for

    mock = make_mock(config_for(cors={"allowed_origins": [ORIGIN]}))
    browser = mock.browser()
    assert (
        browser.get("/v1/environment", headers={"Origin": ORIGIN}).headers[
            "access-control-allow-origin"
        ]
        == ORIGIN
    )
    other = browser.get("/v1/environment", headers={"Origin": "http://evil.test"})
    assert "access-control-allow-origin" not in other.headers


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v1/nope"),
        ("POST", "/v1/client/sign_ins/x/y/z"),
        ("GET", "/"),
        ("GET", "/__clerk/v2/x"),
    ],
)
def test_unknown_routes_answer_a_clerk_shaped_404(browser: Browser, method: str, path: str) -> None:
    found = error(browser.request(method, path), 404, "resource_not_found")
    assert found["long_message"]


def test_a_wrong_method_is_a_clerk_shaped_405(browser: Browser) -> None:
    error(browser.request("PUT", "/v1/environment"), 405, "method_not_allowed")


def test_cookies_are_not_needed_for_the_environment(browser: Browser) -> None:
    env = ok(browser.get("/v1/environment"))
    assert env["auth_config"]["object"] == "auth_config"
    assert "set-cookie" not in browser.get("/v1/environment").headers
