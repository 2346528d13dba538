"""OAuth 2.0 / OIDC: the mock provider's rules and Clerk's redirect flow end to end."""

from __future__ import annotations

import base64
import json
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from sso_harness import BASE, CALLBACK, DONE, Browser, location

from mock_server.idp.oauth import pkce_s256

PROVIDER = "google"
CLIENT_ID = "fapi-harness-mock-client"
SECRET = "fapi-harness-mock-secret"
IDP_CALLBACK = f"{BASE}/v1/oauth_callback"


def test_pkce_s256_matches_rfc_7636_appendix_b() -> None:
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    assert pkce_s256(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


def _start(browser: Browser, strategy: str = "oauth_google", **extra: Any) -> dict[str, Any]:
    response = browser.post(
        "/v1/client/sign_ins",
        strategy=strategy,
        redirect_url=CALLBACK,
        action_complete_redirect_url=DONE,
        **extra,
    )
    assert response.status_code == 200, response.text
    sign_in: dict[str, Any] = response.json()["response"]
    verification = sign_in["first_factor_verification"]
    assert verification["status"] == "unverified"
    assert verification["strategy"] == strategy
    assert verification["external_verification_redirect_url"].startswith(f"{BASE}/__idp/oauth/")
    return sign_in


def _authorize_url(sign_in: dict[str, Any]) -> str:
    return str(sign_in["first_factor_verification"]["external_verification_redirect_url"])


def _callback_url(browser: Browser, authorize_url: str) -> str:
    """Run the provider's page-less login and return where it sends the browser."""
    return location(browser.http.get(authorize_url))


def test_existing_user_signs_in_with_oauth_from_fresh_client(browser: Browser, seed: Any) -> None:
    seed("ann@example.com", first_name="Ann", last_name="Lee")
    sign_in = _start(browser, oidc_login_hint="ann@example.com")
    final = browser.follow(_authorize_url(sign_in))
    assert location(final) == DONE  # complete: action_complete_redirect_url
    client = browser.client()
    assert client["sign_in"]["status"] == "complete"
    assert client["last_active_session_id"] == client["sign_in"]["created_session_id"]
    user = client["sessions"][0]["user"]
    [account] = user["external_accounts"]
    assert (account["provider"], account["email_address"]) == ("oauth_google", "ann@example.com")
    assert account["verification"]["status"] == "verified"
    [email] = user["email_addresses"]
    assert email["linked_to"] == [{"type": "oauth_google", "id": account["id"]}]
    # The linked provider now shows among the account's first factors.
    browser.http.delete("/v1/client/sessions")
    again = browser.post("/v1/client/sign_ins", identifier="ann@example.com").json()
    strategies = [f["strategy"] for f in again["response"]["supported_first_factors"]]
    assert "oauth_google" in strategies


def test_unknown_account_becomes_transferable_then_signs_up(browser: Browser) -> None:
    sign_in = _start(browser, oidc_login_hint="new.person@example.com")
    assert location(browser.follow(_authorize_url(sign_in))) == CALLBACK
    client = browser.client()
    assert client["sign_in"]["first_factor_verification"]["status"] == "transferable"
    # An empty list, not null: clerk-js's redirect callback sends a needs_first_factor
    # sign-in whose factors are not all enterprise_sso to factor-one, and null counts as
    # "not all", so the transfer to a sign-up would never happen.
    assert sign_in["supported_first_factors"] == []
    assert client["sign_in"]["supported_first_factors"] == []
    assert client["sessions"] == []
    response = browser.post("/v1/client/sign_ups", transfer="true")
    assert response.status_code == 200, response.text
    sign_up = response.json()["response"]
    assert sign_up["status"] == "complete"
    assert sign_up["email_address"] == "new.person@example.com"
    assert sign_up["verifications"]["external_account"]["status"] == "verified"
    user = response.json()["client"]["sessions"][0]["user"]
    assert user["external_accounts"][0]["provider"] == "oauth_google"
    assert user["password_enabled"] is False
    # The same provider account now signs straight in.
    browser.http.delete("/v1/client/sessions")
    second = _start(browser, oidc_login_hint="new.person@example.com")
    assert location(browser.follow(_authorize_url(second))) == DONE
    assert browser.client()["sign_in"]["status"] == "complete"


def test_transfer_without_a_transferable_sign_in_is_refused(browser: Browser) -> None:
    response = browser.post("/v1/client/sign_ups", transfer="true")
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "account_transfer_invalid"


def test_without_hint_the_provider_shows_a_page_to_pick_an_account(
    browser: Browser, seed: Any
) -> None:
    seed("pick.me@example.com")
    sign_in = _start(browser)
    page = browser.http.get(_authorize_url(sign_in))
    assert page.status_code == 200
    assert "pick.me@example.com" in page.text
    # The page's button is a GET of the same URL plus login_hint.
    chosen = _authorize_url(sign_in) + "&" + urlencode({"login_hint": "pick.me@example.com"})
    assert location(browser.follow(chosen)) == DONE


def test_state_is_single_use(browser: Browser, seed: Any) -> None:
    seed("ann@example.com")
    sign_in = _start(browser, oidc_login_hint="ann@example.com")
    callback = _callback_url(browser, _authorize_url(sign_in))
    assert location(browser.http.get(callback)) == DONE
    replay = browser.http.get(callback)
    assert replay.status_code == 400
    assert replay.json()["errors"][0]["code"] == "oauth_callback_invalid"


def test_unknown_or_missing_state_is_refused(browser: Browser, seed: Any) -> None:
    seed("ann@example.com")
    sign_in = _start(browser, oidc_login_hint="ann@example.com")
    callback = _callback_url(browser, _authorize_url(sign_in))
    query = parse_qs(urlsplit(callback).query)
    forged = browser.http.get("/v1/oauth_callback", params={"code": query["code"][0], "state": "x"})
    assert forged.status_code == 400
    assert forged.json()["errors"][0]["code"] == "oauth_callback_invalid"
    missing = browser.http.get("/v1/oauth_callback", params={"code": query["code"][0]})
    assert missing.status_code == 400
    # The genuine callback still works: refused attempts consumed nothing.
    assert location(browser.http.get(callback)) == DONE


def test_post_callback_is_sent_on_to_the_get(browser: Browser) -> None:
    response = browser.post("/v1/oauth_callback", code="c", state="s")
    assert location(response) == f"{BASE}/v1/oauth_callback?code=c&state=s"


def test_denied_consent_fails_the_verification(browser: Browser) -> None:
    sign_in = _start(browser)
    assert location(browser.follow(_authorize_url(sign_in) + "&deny=1")) == CALLBACK
    verification = browser.client()["sign_in"]["first_factor_verification"]
    assert verification["status"] == "failed"
    assert verification["error"]["code"] == "oauth_access_denied"


def test_flow_through_the_proxy_path(browser: Browser, seed: Any) -> None:
    seed("ann@example.com")
    response = browser.post(
        "/__clerk/v1/client/sign_ins",
        strategy="oauth_github",
        redirect_url=CALLBACK,
        oidc_login_hint="ann@example.com",
    )
    url = response.json()["response"]["first_factor_verification"][
        "external_verification_redirect_url"
    ]
    callback = _callback_url(browser, url)
    assert callback.startswith(f"{BASE}/__clerk/v1/oauth_callback?")
    assert location(browser.http.get(callback)) == CALLBACK  # no action_complete given
    assert browser.client()["sign_in"]["status"] == "complete"


def test_provider_must_be_configured(browser: Browser) -> None:
    response = browser.post("/v1/client/sign_ins", strategy="oauth_nope", redirect_url=CALLBACK)
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "oauth_provider_not_enabled"
    response = browser.post("/v1/client/sign_ins", strategy="oauth_google")
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "form_param_missing"
    response = browser.post("/v1/client/sign_ins", strategy="oauth_google", redirect_url="/x")
    assert response.json()["errors"][0]["code"] == "invalid_redirect_url"


def test_environment_publishes_the_providers(browser: Browser) -> None:
    social = browser.http.get("/v1/environment").json()["user_settings"]["social"]
    assert set(social) >= {"oauth_google", "oauth_github", "oauth_apple", "oauth_microsoft"}
    assert social["oauth_google"]["strategy"] == "oauth_google"


# -- the provider on its own: redirect URIs, codes, PKCE, tokens -----------------------


def _code(browser: Browser, verifier: str, redirect_uri: str = IDP_CALLBACK) -> str:
    query = {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": redirect_uri,
        "scope": "openid email profile",
        "state": "st",
        "code_challenge": pkce_s256(verifier),
        "code_challenge_method": "S256",
        "login_hint": "ann@example.com",
    }
    response = browser.http.get(f"/__idp/oauth/{PROVIDER}/authorize", params=query)
    target = urlsplit(location(response))
    params = parse_qs(target.query)
    assert params["state"] == ["st"]
    return params["code"][0]


def _token(browser: Browser, code: str, verifier: str, redirect_uri: str = IDP_CALLBACK) -> Any:
    return browser.http.post(
        f"/__idp/oauth/{PROVIDER}/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": verifier,
        },
        auth=(CLIENT_ID, SECRET),
    )


VERIFIER = "v" * 43
OTHER_VERIFIER = "w" * 43


def test_pkce_mismatch_is_refused_and_the_right_verifier_works(browser: Browser) -> None:
    code = _code(browser, VERIFIER)
    wrong = _token(browser, code, OTHER_VERIFIER)
    assert (wrong.status_code, wrong.json()["error"]) == (400, "invalid_grant")
    right = _token(browser, code, VERIFIER)
    assert right.status_code == 200, right.text
    assert right.json()["token_type"] == "Bearer"
    info = browser.http.get(
        f"/__idp/oauth/{PROVIDER}/userinfo",
        headers={"Authorization": f"Bearer {right.json()['access_token']}"},
    )
    assert info.json()["email"] == "ann@example.com"


def test_reused_code_is_refused_and_revokes_its_access_token(browser: Browser) -> None:
    code = _code(browser, VERIFIER)
    first = _token(browser, code, VERIFIER)
    access = first.json()["access_token"]
    again = _token(browser, code, VERIFIER)
    assert (again.status_code, again.json()["error"]) == (400, "invalid_grant")
    info = browser.http.get(
        f"/__idp/oauth/{PROVIDER}/userinfo", headers={"Authorization": f"Bearer {access}"}
    )
    assert info.status_code == 401


def test_unregistered_redirect_uri_is_never_redirected_to(browser: Browser) -> None:
    query = {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": "http://evil.test/cb",
        "state": "st",
        "code_challenge": pkce_s256(VERIFIER),
        "code_challenge_method": "S256",
        "login_hint": "ann@example.com",
    }
    response = browser.http.get(f"/__idp/oauth/{PROVIDER}/authorize", params=query)
    assert response.status_code == 400
    assert "location" not in response.headers
    # A trailing slash is another URI: matching is exact.
    query["redirect_uri"] = IDP_CALLBACK + "/"
    assert browser.http.get(f"/__idp/oauth/{PROVIDER}/authorize", params=query).status_code == 400


def test_token_request_must_repeat_the_exact_redirect_uri(browser: Browser) -> None:
    proxied = f"{BASE}/__clerk/v1/oauth_callback"
    code = _code(browser, VERIFIER, redirect_uri=proxied)
    wrong = _token(browser, code, VERIFIER, redirect_uri=IDP_CALLBACK)
    assert (wrong.status_code, wrong.json()["error"]) == (400, "invalid_grant")
    assert _token(browser, code, VERIFIER, redirect_uri=proxied).status_code == 200


def test_client_must_authenticate(browser: Browser) -> None:
    code = _code(browser, VERIFIER)
    response = browser.http.post(
        f"/__idp/oauth/{PROVIDER}/token",
        data={"grant_type": "authorization_code", "code": code, "code_verifier": VERIFIER},
        auth=(CLIENT_ID, "wrong"),
    )
    assert (response.status_code, response.json()["error"]) == (401, "invalid_client")


def test_authorize_requires_pkce_s256(browser: Browser) -> None:
    query = {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": IDP_CALLBACK,
        "state": "st",
        "code_challenge": "plain-challenge",
        "code_challenge_method": "plain",
        "login_hint": "ann@example.com",
    }
    response = browser.http.get(f"/__idp/oauth/{PROVIDER}/authorize", params=query)
    assert parse_qs(urlsplit(location(response)).query)["error"] == ["invalid_request"]


def test_discovery_and_jwks_describe_the_signing_key(browser: Browser) -> None:
    import jwt

    config = browser.http.get(f"/__idp/oauth/{PROVIDER}/.well-known/openid-configuration")
    assert config.json()["code_challenge_methods_supported"] == ["S256"]
    keys = browser.http.get(f"/__idp/oauth/{PROVIDER}/jwks").json()["keys"]
    id_token = _token(browser, _code(browser, VERIFIER), VERIFIER).json()["id_token"]
    header = jwt.get_unverified_header(id_token)
    [jwk] = [k for k in keys if k["kid"] == header["kid"]]
    claims = jwt.decode(
        id_token,
        jwt.PyJWK(jwk).key,
        algorithms=["RS256"],
        audience=CLIENT_ID,
        options={"verify_exp": False, "verify_iat": False},
    )
    assert claims["iss"] == f"{BASE}/__idp/oauth/{PROVIDER}"
    assert claims["email"] == "ann@example.com"


# -- oauth_token_<provider> and google_one_tap -----------------------------------------


def _id_token(browser: Browser) -> str:
    return str(_token(browser, _code(browser, VERIFIER), VERIFIER).json()["id_token"])


def _tampered(token: str) -> str:
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["email"] = "victim@example.com"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


def test_oauth_token_with_an_id_token_signs_in(browser: Browser, seed: Any) -> None:
    seed("ann@example.com")
    response = browser.post(
        "/v1/client/sign_ins", strategy="oauth_token_google", token=_id_token(browser)
    )
    assert response.status_code == 200, response.text
    assert response.json()["response"]["status"] == "complete"


def test_oauth_token_with_a_code_and_verifier_signs_in(browser: Browser, seed: Any) -> None:
    seed("ann@example.com")
    code = _code(browser, VERIFIER)
    response = browser.post(
        "/v1/client/sign_ins",
        strategy="oauth_token_google",
        code=code,
        code_verifier=VERIFIER,
        redirect_url=IDP_CALLBACK,
    )
    assert response.status_code == 200, response.text
    assert response.json()["response"]["status"] == "complete"


@pytest.mark.parametrize("strategy", ["oauth_token_google", "google_one_tap"])
def test_tampered_or_expired_id_tokens_are_refused(
    browser: Browser, seed: Any, strategy: str
) -> None:
    seed("ann@example.com")
    seed("victim@example.com")
    code = "google_one_tap_token_invalid" if strategy == "google_one_tap" else None
    forged = browser.post(
        "/v1/client/sign_ins", strategy=strategy, token=_tampered(_id_token(browser))
    )
    assert forged.status_code == 400
    assert forged.json()["errors"][0]["code"] == (code or "oauth_token_exchange_error")
    token = _id_token(browser)
    browser.http.post("/__admin/clock", json={"advance_seconds": 7200})
    expired = browser.post("/v1/client/sign_ins", strategy=strategy, token=token)
    assert expired.status_code == 400
    # A refused create changes nothing: not even a client is left behind.
    assert browser.client() is None


def test_a_token_for_another_provider_is_refused(browser: Browser, seed: Any) -> None:
    seed("ann@example.com")
    github = browser.post(
        "/v1/client/sign_ins", strategy="oauth_token_github", token=_id_token(browser)
    )
    assert github.status_code == 400


def test_google_one_tap_signs_in_or_signs_up(browser: Browser, seed: Any) -> None:
    token = _id_token(browser)  # ann@example.com, not a user yet
    unknown = browser.post("/v1/client/sign_ins", strategy="google_one_tap", token=token)
    assert unknown.status_code == 404
    assert unknown.json()["errors"][0]["code"] == "external_account_not_found"
    signed_up = browser.post("/v1/client/sign_ups", strategy="google_one_tap", token=token)
    assert signed_up.status_code == 200, signed_up.text
    assert signed_up.json()["response"]["status"] == "complete"
    browser.http.delete("/v1/client/sessions")
    again = browser.post("/v1/client/sign_ins", strategy="google_one_tap", token=token)
    assert again.json()["response"]["status"] == "complete"
    assert again.json()["response"]["first_factor_verification"]["object"] == (
        "verification_google_one_tap"
    )


def test_custom_providers_come_from_config() -> None:
    from starlette.testclient import TestClient

    from mock_server.app import build_app
    from mock_server.config import load_config

    config = load_config(
        profile="test", oauth={"providers": {"custom_acme": {"name": "Acme", "client_id": "a"}}}
    )
    with TestClient(
        build_app(config, validate_responses=True), base_url=BASE, follow_redirects=False
    ) as http:
        browser = Browser(http)
        social = http.get("/v1/environment").json()["user_settings"]["social"]
        assert list(social) == ["oauth_custom_acme"]
        sign_in = _start(browser, "oauth_custom_acme", oidc_login_hint="x@acme.test")
        assert "/__idp/oauth/custom_acme/authorize?" in _authorize_url(sign_in)
        assert location(browser.follow(_authorize_url(sign_in))) == CALLBACK
        refused = browser.post(
            "/v1/client/sign_ins", strategy="oauth_google", redirect_url=CALLBACK
        )
        assert refused.json()["errors"][0]["code"] == "oauth_provider_not_enabled"


def _start_sign_up(browser: Browser, email: str) -> str:
    response = browser.post(
        "/v1/client/sign_ups",
        strategy="oauth_google",
        redirect_url=CALLBACK,
        action_complete_redirect_url=DONE,
        oidc_login_hint=email,
    )
    assert response.status_code == 200, response.text
    verification = response.json()["response"]["verifications"]["external_account"]
    assert verification["status"] == "unverified"
    return str(verification["external_verification_redirect_url"])


def test_sign_up_with_oauth_creates_the_account(browser: Browser) -> None:
    assert location(browser.follow(_start_sign_up(browser, "fresh@example.com"))) == DONE
    sign_up = browser.client()["sign_up"]
    assert sign_up["status"] == "complete"
    assert sign_up["verifications"]["email_address"]["strategy"] == "from_oauth_google"


def test_sign_up_with_an_existing_account_transfers_to_a_sign_in(
    browser: Browser, seed: Any
) -> None:
    seed("ann@example.com")
    assert location(browser.follow(_start_sign_up(browser, "ann@example.com"))) == CALLBACK
    external = browser.client()["sign_up"]["verifications"]["external_account"]
    assert external["status"] == "transferable"
    assert external["error"]["code"] == "external_account_exists"
    response = browser.post("/v1/client/sign_ins", transfer="true")
    assert response.status_code == 200, response.text
    assert response.json()["response"]["status"] == "complete"


def test_expired_flow_credentials_are_swept_by_the_next_flow(browser: Browser, app: Any) -> None:
    from mock_server.domain.models import Grant

    store = app.state.mock.store
    _start(browser)
    assert store.count(Grant) == 1
    app.state.mock.runtime.clock.advance(3600)
    _start(browser)
    assert store.count(Grant) == 1


def test_signing_in_again_names_the_session_already_there(browser: Browser, seed: Any) -> None:
    seed("ann@example.com")
    assert (
        location(browser.follow(_authorize_url(_start(browser, oidc_login_hint="ann@example.com"))))
        == DONE
    )
    session_id = browser.client()["last_active_session_id"]
    again = _start(browser, oidc_login_hint="ann@example.com")
    assert location(browser.follow(_authorize_url(again))) == CALLBACK
    verification = browser.client()["sign_in"]["first_factor_verification"]
    assert verification["error"]["code"] == "identifier_already_signed_in"
    assert verification["error"]["meta"]["session_id"] == session_id
    assert len(browser.client()["sessions"]) == 1


def test_complete_sso_drives_both_kinds_of_flow(browser: Browser, seed: Any) -> None:
    """fixtures.sso plays the browser for OAuth (redirects) and SAML (auto-post)."""
    from fixtures.sso import complete_sso

    seed("ann@example.com")
    seed("bob@example-sso.com")
    url = _authorize_url(_start(browser, oidc_login_hint="ann@example.com"))
    assert location(complete_sso(browser.http, url, mock_base=BASE)) == DONE
    browser.http.delete("/v1/client/sessions")
    created = browser.post(
        "/v1/client/sign_ins",
        strategy="enterprise_sso",
        identifier="bob@example-sso.com",
        redirect_url=CALLBACK,
        action_complete_redirect_url=DONE,
    ).json()["response"]
    url = created["first_factor_verification"]["external_verification_redirect_url"]
    assert location(complete_sso(browser.http, url, mock_base=BASE)) == DONE
    page = complete_sso(browser.http, _authorize_url(_start(browser)), mock_base=BASE)
    assert page.status_code == 200  # the provider's account page: nothing to follow


def test_continuing_a_sign_up_with_oauth_keeps_its_fields(browser: Browser) -> None:
    """clerk-js ``authenticateWithRedirect({continueSignUp: true})`` updates the sign-up."""
    created = browser.post(
        "/v1/client/sign_ups", username="annie", unsafe_metadata='{"plan": "pro"}'
    ).json()["response"]
    updated = browser.post(
        f"/v1/client/sign_ups/{created['id']}?_method=PATCH",
        strategy="oauth_google",
        redirect_url=CALLBACK,
        action_complete_redirect_url=DONE,
        oidc_login_hint="annie@example.com",
    )
    assert updated.status_code == 200, updated.text
    url = updated.json()["response"]["verifications"]["external_account"][
        "external_verification_redirect_url"
    ]
    assert location(browser.follow(url)) == DONE
    sign_up = browser.client()["sign_up"]
    assert sign_up["status"] == "complete"
    assert (sign_up["username"], sign_up["unsafe_metadata"]) == ("annie", {"plan": "pro"})


def _signed_in(browser: Browser, seed: Any, email: str) -> None:
    seed(email)
    response = browser.post(
        "/v1/client/sign_ins", identifier=email, password="correct horse battery"
    )
    assert response.json()["response"]["status"] == "complete", response.text


def test_a_signed_in_user_connects_an_oauth_account(browser: Browser, seed: Any) -> None:
    _signed_in(browser, seed, "ann@example.com")
    started = browser.post(
        "/v1/me/external_accounts",
        strategy="oauth_github",
        redirect_url=CALLBACK,
        action_complete_redirect_url=DONE,
        oidc_login_hint="ann.work@example.com",
    )
    assert started.status_code == 200, started.text
    account = started.json()["response"]
    assert account["verification"]["status"] == "unverified"
    url = account["verification"]["external_verification_redirect_url"]
    assert location(browser.follow(url)) == DONE
    user = browser.client()["sessions"][0]["user"]
    [linked] = user["external_accounts"]
    assert (linked["id"], linked["provider"]) == (account["id"], "oauth_github")
    assert linked["email_address"] == "ann.work@example.com"
    # The connected account now signs the user in.
    browser.http.delete("/v1/client/sessions")
    again = _start(browser, "oauth_github", oidc_login_hint="ann.work@example.com")
    assert location(browser.follow(_authorize_url(again))) == DONE
    assert browser.client()["sessions"][0]["user"]["id"] == user["id"]
    # And it can be disconnected.
    deleted = browser.http.delete(f"/v1/me/external_accounts/{account['id']}")
    assert deleted.json()["response"] == {
        "object": "external_account",
        "id": account["id"],
        "deleted": True,
    }
    assert browser.client()["sessions"][0]["user"]["external_accounts"] == []


def test_an_account_of_another_user_cannot_be_connected(browser: Browser, seed: Any) -> None:
    seed("owner@example.com")
    first = _start(browser, oidc_login_hint="owner@example.com")
    assert location(browser.follow(_authorize_url(first))) == DONE  # linked to owner
    browser.http.delete("/v1/client/sessions")
    _signed_in(browser, seed, "ann@example.com")
    started = browser.post(
        "/v1/me/external_accounts",
        strategy="oauth_google",
        redirect_url=CALLBACK,
        oidc_login_hint="owner@example.com",
    ).json()["response"]
    url = started["verification"]["external_verification_redirect_url"]
    assert location(browser.follow(url)) == CALLBACK
    me = browser.http.get("/v1/me").json()["response"]
    [pending] = me["external_accounts"]
    assert pending["verification"]["status"] == "failed"
    assert pending["verification"]["error"]["code"] == "external_account_exists"
    # A failed connection is not a way to sign in.
    browser.http.delete("/v1/client/sessions")
    factors = browser.post("/v1/client/sign_ins", identifier="ann@example.com").json()
    strategies = [f["strategy"] for f in factors["response"]["supported_first_factors"]]
    assert "oauth_google" not in strategies


def test_connecting_needs_a_session(browser: Browser) -> None:
    response = browser.post("/v1/me/external_accounts", strategy="oauth_google")
    assert response.status_code == 401
