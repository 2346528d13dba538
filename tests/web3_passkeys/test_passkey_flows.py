"""Passkey registration and sign-in, end to end, with a software authenticator."""

from __future__ import annotations

import json
from typing import Any, Literal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fixtures.webauthn import SoftwareAuthenticator, b64url, b64url_decode
from tests.web3_passkeys.conftest import Browser, Mock, make_app

SIGN_INS = "/v1/client/sign_ins"
EMAIL = "pat@example.com"


def signed_in(mock: Mock, email: str = EMAIL) -> Browser:
    mock.seed_user(email)
    browser = mock.browser()
    browser.sign_in_with_password(email)
    return browser


def start_registration(browser: Browser) -> tuple[str, str]:
    """POST /v1/me/passkeys -> (passkey id, creation options JSON)."""
    passkey = browser.ok("POST", "/v1/me/passkeys")["response"]
    verification = passkey["verification"]
    assert verification["status"] == "unverified"
    return passkey["id"], verification["nonce"]


def finish(browser: Browser, passkey_id: str, credential: str) -> Any:
    return browser.call(
        "POST",
        f"/v1/me/passkeys/{passkey_id}/attempt_verification",
        data={"strategy": "passkey", "public_key_credential": credential},
    )


def register(browser: Browser, authenticator: SoftwareAuthenticator) -> str:
    passkey_id, options = start_registration(browser)
    response = finish(browser, passkey_id, authenticator.create(options))
    assert response.status_code == 200, response.text
    assert response.json()["response"]["verification"]["status"] == "verified"
    return passkey_id


def start_sign_in(browser: Browser, email: str = EMAIL) -> tuple[str, str]:
    """create {identifier} -> prepare passkey; (sign-in path, request options JSON)."""
    created = browser.ok("POST", SIGN_INS, data={"identifier": email})["response"]
    assert {"strategy": "passkey"} in created["supported_first_factors"]
    path = f"{SIGN_INS}/{created['id']}"
    prepared = browser.ok("POST", path + "/prepare_first_factor", data={"strategy": "passkey"})
    return path, prepared["response"]["first_factor_verification"]["nonce"]


def attempt(browser: Browser, path: str, credential: str) -> Any:
    return browser.call(
        "POST",
        path + "/attempt_first_factor",
        data={"strategy": "passkey", "public_key_credential": credential},
    )


@pytest.fixture
def authenticator(mock: Mock) -> SoftwareAuthenticator:
    """A registered authenticator for EMAIL's account."""
    auth = SoftwareAuthenticator()
    register(signed_in(mock), auth)
    return auth


@pytest.mark.parametrize("attestation", ["none", "packed"])
def test_register_then_sign_in_with_a_passkey(
    mock: Mock, attestation: Literal["none", "packed"]
) -> None:
    browser = signed_in(mock)
    auth = SoftwareAuthenticator(attestation=attestation)
    passkey_id, options = start_registration(browser)
    creation = json.loads(options)
    assert creation["rp"]["id"] == "localhost"
    assert creation["authenticatorSelection"]["residentKey"] == "required"
    done = finish(browser, passkey_id, auth.create(options)).json()
    user = done["client"]["sessions"][0]["user"]
    assert [k["id"] for k in user["passkeys"]] == [passkey_id]

    fresh = mock.browser()
    path, request = start_sign_in(fresh)
    allowed = json.loads(request)["allowCredentials"]
    assert [c["id"] for c in allowed] == [b64url(auth.credentials[0].id)]
    signed = attempt(fresh, path, auth.get(request))
    assert signed.status_code == 200, signed.text
    assert signed.json()["response"]["status"] == "complete"
    assert signed.json()["client"]["sessions"][0]["status"] == "active"
    passkey = signed.json()["client"]["sessions"][0]["user"]["passkeys"][0]
    assert passkey["last_used_at"] is not None


def test_discoverable_sign_in_finds_the_account_from_the_credential(
    mock: Mock, authenticator: SoftwareAuthenticator
) -> None:
    browser = mock.browser()
    created = browser.ok("POST", SIGN_INS, data={"strategy": "passkey"})["response"]
    assert created["status"] == "needs_first_factor"
    assert created["identifier"] is None
    options = json.loads(created["first_factor_verification"]["nonce"])
    assert options["allowCredentials"] == []
    path = f"{SIGN_INS}/{created['id']}"
    done = attempt(browser, path, authenticator.get(created["first_factor_verification"]["nonce"]))
    assert done.status_code == 200, done.text
    session = done.json()["client"]["sessions"][0]
    assert session["user"]["email_addresses"][0]["email_address"] == EMAIL


def _sign_in_error(mock: Mock, auth: SoftwareAuthenticator, **bend: Any) -> tuple[int, str]:
    browser = mock.browser()
    path, request = start_sign_in(browser)
    response = attempt(browser, path, auth.get(request, **bend))
    return response.status_code, response.json()["errors"][0]["code"]


def test_a_wrong_origin_is_refused_at_sign_in(
    mock: Mock, authenticator: SoftwareAuthenticator
) -> None:
    for origin in ("https://evil.example", "http://localhost.evil.example:3000"):
        assert _sign_in_error(mock, authenticator, origin=origin) == (
            400,
            "passkey_authentication_failure",
        )


def test_a_wrong_challenge_is_refused_at_sign_in(
    mock: Mock, authenticator: SoftwareAuthenticator
) -> None:
    forged = b64url(b"\x00" * 32)
    assert _sign_in_error(mock, authenticator, challenge=forged) == (
        400,
        "passkey_invalid_verification",
    )


def test_a_wrong_rp_id_is_refused_at_sign_in(
    mock: Mock, authenticator: SoftwareAuthenticator
) -> None:
    assert _sign_in_error(mock, authenticator, rp_id="evil.example") == (
        400,
        "passkey_authentication_failure",
    )


def test_a_counter_that_does_not_increase_is_refused(
    mock: Mock, authenticator: SoftwareAuthenticator
) -> None:
    browser = mock.browser()
    path, request = start_sign_in(browser)
    assert attempt(browser, path, authenticator.get(request, sign_count=5)).status_code == 200
    for replayed in (5, 4):  # a cloned authenticator replays or lags the counter
        assert _sign_in_error(mock, authenticator, sign_count=replayed) == (
            400,
            "passkey_authentication_failure",
        )
    browser = mock.browser()
    path, request = start_sign_in(browser)
    assert attempt(browser, path, authenticator.get(request, sign_count=6)).status_code == 200


def test_a_replayed_assertion_is_refused(mock: Mock, authenticator: SoftwareAuthenticator) -> None:
    browser = mock.browser()
    path, request = start_sign_in(browser)
    assertion = authenticator.get(request)
    assert attempt(browser, path, assertion).status_code == 200
    other = mock.browser()
    new_path, _ = start_sign_in(other)
    response = attempt(other, new_path, assertion)
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "passkey_invalid_verification"


def test_a_tampered_signature_is_refused(mock: Mock, authenticator: SoftwareAuthenticator) -> None:
    browser = mock.browser()
    path, request = start_sign_in(browser)
    credential = json.loads(authenticator.get(request))
    signature = bytearray(b64url_decode(credential["response"]["signature"]))
    signature[-1] ^= 0x01
    credential["response"]["signature"] = b64url(bytes(signature))
    response = attempt(browser, path, json.dumps(credential))
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "passkey_authentication_failure"


def test_an_expired_challenge_is_refused_at_sign_in(
    mock: Mock, authenticator: SoftwareAuthenticator
) -> None:
    browser = mock.browser()
    path, request = start_sign_in(browser)
    mock.advance(mock.state.runtime.config.passkeys.challenge_ttl_seconds + 1)
    response = attempt(browser, path, authenticator.get(request))
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "verification_expired"


def test_an_unregistered_credential_is_refused(
    mock: Mock, authenticator: SoftwareAuthenticator
) -> None:
    stranger = SoftwareAuthenticator()
    stranger.create(
        json.dumps({"rp": {"id": "localhost"}, "user": {"id": "eA"}, "challenge": "AA"})
    )
    browser = mock.browser()
    created = browser.ok("POST", SIGN_INS, data={"strategy": "passkey"})["response"]
    response = attempt(
        browser,
        f"{SIGN_INS}/{created['id']}",
        stranger.get(created["first_factor_verification"]["nonce"]),
    )
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "passkey_not_registered"


@pytest.mark.parametrize(
    ("bend", "code"),
    [
        ({"origin": "https://evil.example"}, "passkey_invalid_public_key_credential"),
        ({"rp_id": "evil.example"}, "passkey_invalid_public_key_credential"),
        ({"challenge": b64url(b"\x01" * 32)}, "passkey_invalid_verification"),
    ],
)
def test_registration_checks_origin_rp_and_challenge(
    mock: Mock, bend: dict[str, str], code: str
) -> None:
    browser = signed_in(mock)
    passkey_id, options = start_registration(browser)
    response = finish(browser, passkey_id, SoftwareAuthenticator().create(options, **bend))
    assert response.status_code in (400, 422)
    assert response.json()["errors"][0]["code"] == code


def test_registration_challenge_expires_and_is_single_use(mock: Mock) -> None:
    browser = signed_in(mock)
    auth = SoftwareAuthenticator()
    passkey_id, options = start_registration(browser)
    mock.advance(mock.state.runtime.config.passkeys.challenge_ttl_seconds + 1)
    assert finish(browser, passkey_id, auth.create(options)).json()["errors"][0]["code"] == (
        "verification_expired"
    )
    passkey_id = register(browser, auth)
    again = finish(browser, passkey_id, auth.create(options))
    assert again.json()["errors"][0]["code"] == "verification_already_verified"


def test_registration_refuses_a_malformed_credential(mock: Mock) -> None:
    browser = signed_in(mock)
    passkey_id, _ = start_registration(browser)
    for bad in ("not json", "{}", json.dumps({"response": {"clientDataJSON": "!!"}})):
        response = finish(browser, passkey_id, bad)
        assert response.status_code == 422
        assert response.json()["errors"][0]["code"] == "passkey_invalid_public_key_credential"


def test_read_rename_and_delete_a_passkey(mock: Mock) -> None:
    browser = signed_in(mock)
    auth = SoftwareAuthenticator()
    passkey_id = register(browser, auth)
    path = f"/v1/me/passkeys/{passkey_id}"
    assert browser.ok("GET", path)["response"]["name"] == "Passkey"
    renamed = browser.ok("PATCH", path, data={"name": "Laptop"})["response"]
    assert renamed["name"] == "Laptop"
    # clerk-js sends PATCH/DELETE as POST with ?_method=
    deleted = browser.ok("POST", path + "?_method=DELETE")["response"]
    assert deleted == {"object": "passkey", "id": passkey_id, "deleted": True}
    assert browser.error(404, "GET", path) == "resource_not_found"

    fresh = mock.browser()
    created = fresh.ok("POST", SIGN_INS, data={"identifier": EMAIL})["response"]
    assert {"strategy": "passkey"} not in created["supported_first_factors"]
    discoverable = fresh.ok("POST", SIGN_INS, data={"strategy": "passkey"})["response"]
    response = attempt(
        fresh,
        f"{SIGN_INS}/{discoverable['id']}",
        auth.get(discoverable["first_factor_verification"]["nonce"]),
    )
    assert response.json()["errors"][0]["code"] == "passkey_not_registered"


def test_passkeys_need_a_session_and_can_be_turned_off() -> None:
    app = make_app(passkeys={"enabled": False})
    browser = Browser(app)
    assert browser.call("POST", "/v1/me/passkeys").status_code == 401
    env = browser.ok("GET", "/v1/environment")
    assert env["user_settings"]["attributes"]["passkey"]["enabled"] is False
    assert "passkey" not in env["auth_config"]["first_factors"]
    code = browser.error(400, "POST", SIGN_INS, data={"strategy": "passkey"})
    assert code == "verification_strategy_invalid"
    on = Browser(make_app()).ok("GET", "/v1/environment")
    assert on["user_settings"]["attributes"]["passkey"]["enabled"] is True
    assert on["user_settings"]["passkey_settings"]["show_sign_in_button"] is True


def test_abandoned_registrations_do_not_pile_up(mock: Mock) -> None:
    browser = signed_in(mock)
    first, _ = start_registration(browser)
    mock.advance(mock.state.runtime.config.passkeys.challenge_ttl_seconds + 1)
    start_registration(browser)
    assert browser.error(404, "GET", f"/v1/me/passkeys/{first}") == "resource_not_found"


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(min_value=0, max_value=2**32 - 1), min_size=1, max_size=4))
def test_an_assertion_is_accepted_only_when_its_counter_goes_up(counters: list[int]) -> None:
    """WebAuthn §6.1.1: a counter at or below the stored one signals a cloned key; an
    authenticator without a counter always says 0, which is allowed while both are 0."""
    mock = Mock(make_app())
    auth = SoftwareAuthenticator()
    register(signed_in(mock), auth)
    stored = 0
    for counter in counters:
        browser = mock.browser()
        created = browser.ok("POST", SIGN_INS, data={"strategy": "passkey"})["response"]
        options = created["first_factor_verification"]["nonce"]
        response = attempt(
            browser, f"{SIGN_INS}/{created['id']}", auth.get(options, sign_count=counter)
        )
        expected = counter > stored or counter == stored == 0
        assert (response.status_code == 200) == expected, (counters, response.text)
        if expected:
            stored = counter
    assert mock.state.validation_failures == []


def test_a_stale_session_reverifies_with_its_passkey_before_adding_another(
    mock: Mock, authenticator: SoftwareAuthenticator
) -> None:
    browser = mock.browser()
    path, request = start_sign_in(browser)
    session_id = attempt(browser, path, authenticator.get(request)).json()["response"][
        "created_session_id"
    ]
    window = mock.state.runtime.config.reverification.window_minutes
    mock.advance(window * 60 + 1)
    for guarded_call in (("POST", "/v1/me/passkeys"), ("POST", "/v1/me/web3_wallets")):
        assert browser.error(403, *guarded_call) == "session_reverification_required"

    verify = f"/v1/client/sessions/{session_id}/verify"
    started = browser.ok("POST", verify, data={"level": "first_factor"})["response"]
    assert {"strategy": "passkey"} in started["supported_first_factors"]
    prepared = browser.ok("POST", verify + "/prepare_first_factor", data={"strategy": "passkey"})
    options = prepared["response"]["first_factor_verification"]["nonce"]
    wrong = browser.call(
        "POST",
        verify + "/attempt_first_factor",
        data={
            "strategy": "passkey",
            "public_key_credential": authenticator.get(options, origin="https://evil.example"),
        },
    )
    assert wrong.json()["errors"][0]["code"] == "passkey_authentication_failure"
    done = browser.ok(
        "POST",
        verify + "/attempt_first_factor",
        data={"strategy": "passkey", "public_key_credential": authenticator.get(options)},
    )
    assert done["response"]["status"] == "complete"
    assert browser.ok("POST", "/v1/me/passkeys")["response"]["verification"]["status"] == (
        "unverified"
    )
