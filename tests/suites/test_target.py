"""Target mechanics that do not need a live FAPI: keys, pacing, Retry-After, seeding, curl."""

from __future__ import annotations

import base64
import json

import httpx
import pytest
import respx

from suites import target as target_module
from suites.expect import response_schema
from suites.target import (
    Capabilities,
    ClerkTarget,
    Exchange,
    Target,
    TargetUnavailable,
    frontend_api_of,
)


def _key(host: str, prefix: str = "pk_test_") -> str:
    return prefix + base64.b64encode(f"{host}$".encode()).decode().rstrip("=")


def test_publishable_key_decodes_to_the_frontend_api_host() -> None:
    assert (
        frontend_api_of(_key("happy-cat-12.clerk.accounts.dev"))
        == "happy-cat-12.clerk.accounts.dev"
    )


@pytest.mark.parametrize(
    "key", ["sk_test_abc", _key("localhost:4010"), "pk_test_" + base64.b64encode(b"x.y").decode()]
)
def test_malformed_publishable_keys_are_refused(key: str) -> None:
    with pytest.raises(ValueError, match=r"publishable key|not a Clerk"):
        frontend_api_of(key)


def test_clerk_target_talks_https_and_paces_itself() -> None:
    made = ClerkTarget.from_keys(_key("happy-cat-12.clerk.accounts.dev"))
    assert str(made.http.base_url) == "https://happy-cat-12.clerk.accounts.dev"
    assert made.min_interval > 0
    assert not made.has_admin


def test_clerk_without_secret_key_cannot_seed() -> None:
    made = ClerkTarget.from_keys(_key("happy-cat-12.clerk.accounts.dev"))
    with pytest.raises(TargetUnavailable, match="secret"):
        made.seed_user(email_addresses=["a+clerk_test@example.com"])


def test_clerk_seeds_through_the_backend_api() -> None:
    made = ClerkTarget.from_keys(_key("happy-cat-12.clerk.accounts.dev"), "sk_test_x")
    made.min_interval = 0
    with respx.mock(assert_all_mocked=True) as router:
        route = router.post("https://api.clerk.com/v1/users").respond(201, json={"id": "user_1"})
        assert made.seed_user(email_addresses=["a+clerk_test@example.com"], password="pw")["id"]
    sent = route.calls.last.request
    assert sent.headers["authorization"] == "Bearer sk_test_x"
    assert json.loads(sent.content)["email_address"] == ["a+clerk_test@example.com"]


def test_429_is_waited_out_with_retry_after(monkeypatch: pytest.MonkeyPatch) -> None:
    answers = iter([httpx.Response(429, headers={"Retry-After": "2"}), httpx.Response(200)])
    http = httpx.Client(
        transport=httpx.MockTransport(lambda _: next(answers)), base_url="http://t.test"
    )
    slept: list[float] = []
    monkeypatch.setattr(target_module.time, "sleep", slept.append)
    got = Target(name="t", http=http).send(None, "GET", "/v1/environment")
    assert got.status == 200
    assert slept == [2.0]


def test_a_check_can_see_the_429_itself() -> None:
    http = httpx.Client(
        transport=httpx.MockTransport(lambda _: httpx.Response(429, headers={"Retry-After": "9"})),
        base_url="http://t.test",
    )
    got = Target(name="t", http=http).send(None, "POST", "/v1/client/sign_ins", retry_429=False)
    assert got.status == 429


def test_the_curl_line_reproduces_the_request() -> None:
    http = httpx.Client(
        transport=httpx.MockTransport(lambda _: httpx.Response(422, json={"errors": []})),
        base_url="http://t.test",
    )
    got = Target(name="t", http=http).send(
        None, "POST", "/v1/client/sign_ins", data={"identifier": "o'neil@example.com"}
    )
    line = got.curl()
    assert line.startswith("curl -i -X POST")
    assert "identifier=o%27neil%40example.com" in line
    assert "http://t.test/v1/client/sign_ins" in line
    assert "reproduce: curl" in got.describe()


def test_capabilities_read_strategies_from_the_environment() -> None:
    env = {
        "user_settings": {
            "attributes": {
                "email_address": {"enabled": True, "first_factors": ["email_code"]},
                "phone_number": {"enabled": False, "first_factors": ["phone_code"]},
                "password": {"enabled": True},
                "authenticator_app": {
                    "enabled": True,
                    "used_for_second_factor": True,
                    "second_factors": ["totp"],
                },
            }
        }
    }
    caps = Capabilities(env)
    assert caps.missing_strategy("email_code") is None
    assert caps.missing_strategy("reset_password_email_code") is None
    assert caps.missing_strategy("totp", second=True) is None
    assert caps.missing_strategy("totp") == (
        "first factor totp is not enabled by this target's /v1/environment"
    )
    assert "phone_code is not enabled" in (caps.missing_strategy("phone_code") or "")


@pytest.mark.parametrize(
    ("method", "url", "schema"),
    [
        ("POST", "http://t/v1/client/sign_ins/sia_1/attempt_first_factor", "envelopes/sign_in"),
        ("POST", "http://t/__clerk/v1/client/sessions/sess_1/touch", "envelopes/touch_session"),
        ("POST", "http://t/v1/environment?_method=PATCH", "environment"),
        ("DELETE", "http://t/v1/client", "envelopes/delete_session"),
        ("GET", "http://t/v1/verify?token=x", None),
        ("GET", "http://t/v1/nowhere", None),
    ],
)
def test_every_success_body_has_its_schema(method: str, url: str, schema: str | None) -> None:
    ex = Exchange(method, url, {}, "", 200, {}, "{}")
    assert response_schema(ex) == schema
