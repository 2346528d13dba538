"""The SSO flows' JSON answers against Clerk's official FAPI spec, where it has them.

Uses the providers and strategies the spec knows (``oauth_google``, ``saml``): the spec's
factor enum lists a fixed set of providers and has no stub for an ``enterprise_sso``
verification (fapi-protocol.md §3.5, §3.6), which the mock serves for clerk-js anyway.
"""

from __future__ import annotations

from typing import Any

import pytest
from sso_harness import CALLBACK, DONE, Browser, auto_post_form, location

official_spec = pytest.importorskip(
    "schemas.official_spec", reason="the official-spec bridge is not in this checkout"
)


@pytest.fixture
def spec() -> Any:
    try:
        return official_spec.load()
    except official_spec.SpecNotFound as exc:
        pytest.skip(f"Clerk's FAPI spec is not on this machine: {exc}")


def _checked(spec: Any, method: str, path: str, response: Any) -> dict[str, Any]:
    body: dict[str, Any] = response.json()
    problems = spec.response_errors(method, path, response.status_code, body)
    assert problems == [], problems
    return body


def test_oauth_and_saml_answers_match_the_official_spec(
    browser: Browser, seed: Any, spec: Any
) -> None:
    seed("ann@example.com")
    path = "/v1/client/sign_ins"
    created = browser.post(
        path,
        strategy="oauth_google",
        redirect_url=CALLBACK,
        action_complete_redirect_url=DONE,
        oidc_login_hint="ann@example.com",
    )
    body = _checked(spec, "POST", path, created)
    url = body["response"]["first_factor_verification"]["external_verification_redirect_url"]
    assert location(browser.follow(url)) == DONE
    _checked(spec, "GET", "/v1/client", browser.http.get("/v1/client"))
    browser.http.delete("/v1/client/sessions")
    saml = browser.post(
        path,
        strategy="saml",
        identifier="new.hire@example-sso.com",
        redirect_url=CALLBACK,
    )
    body = _checked(spec, "POST", path, saml)
    url = body["response"]["first_factor_verification"]["external_verification_redirect_url"]
    assert location(browser.submit(auto_post_form(browser.follow(url).text))) == CALLBACK
    _checked(spec, "GET", "/v1/client", browser.http.get("/v1/client"))
    signed_up = browser.post("/v1/client/sign_ups", transfer="true")
    _checked(spec, "POST", "/v1/client/sign_ups", signed_up)
    refused = browser.post(path, strategy="saml", identifier="x@example.com", redirect_url=CALLBACK)
    _checked(spec, "POST", path, refused)
    # The account made just in time signs in again: a user with a SAML account.
    browser.http.delete("/v1/client/sessions")
    again = browser.post(
        path, strategy="saml", identifier="new.hire@example-sso.com", redirect_url=CALLBACK
    )
    url = again.json()["response"]["first_factor_verification"][
        "external_verification_redirect_url"
    ]
    assert location(browser.submit(auto_post_form(browser.follow(url).text))) == CALLBACK
    client = _checked(spec, "GET", "/v1/client", browser.http.get("/v1/client"))
    assert client["response"]["sessions"][0]["user"]["saml_accounts"]


def test_connecting_an_external_account_matches_the_official_spec(
    browser: Browser, seed: Any, spec: Any
) -> None:
    seed("ann@example.com")
    signed_in = browser.post(
        "/v1/client/sign_ins", identifier="ann@example.com", password="correct horse battery"
    )
    assert signed_in.json()["response"]["status"] == "complete"
    path = "/v1/me/external_accounts"
    started = browser.post(
        path, strategy="oauth_google", redirect_url=CALLBACK, oidc_login_hint="ann@example.com"
    )
    body = _checked(spec, "POST", path, started)
    url = body["response"]["verification"]["external_verification_redirect_url"]
    assert location(browser.follow(url)) == CALLBACK
    _checked(spec, "GET", "/v1/me", browser.http.get("/v1/me"))
    account_id = body["response"]["id"]
    deleted = browser.http.delete(f"{path}/{account_id}")
    _checked(spec, "DELETE", f"{path}/{account_id}", deleted)
