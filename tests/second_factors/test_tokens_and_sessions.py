"""Session tokens verified with PyJWT against the app's JWKS (``fva`` before and after a
reverification, expiry), the session lifecycle seen from ``/v1/me/sessions``, and the
"MFA required" instance option."""

from __future__ import annotations

import time
from typing import Any

import jwt
import pytest

from tests.second_factors.conftest import PASSWORD, TOTP_SECRET, Browser, Mock


def _real_now_ms() -> int:
    return int(time.time() * 1000)


def _verify(b: Browser, token: str, **options: Any) -> dict[str, Any]:
    """What a backend does: fetch the JWKS, pick the key by ``kid``, check RS256."""
    jwks = b.ok("GET", "/.well-known/jwks.json")
    assert jwks == b.ok("GET", "/v1/jwks")
    kid = jwt.get_unverified_header(token)["kid"]
    [key] = [k for k in jwks["keys"] if k["kid"] == kid]
    public = jwt.PyJWK(key).key
    claims: dict[str, Any] = jwt.decode(
        token, public, algorithms=["RS256"], leeway=5, options=options
    )
    return claims


def _token(b: Browser, sid: str, template: str = "") -> str:
    path = f"/v1/client/sessions/{sid}/tokens" + (f"/{template}" if template else "")
    body = b.ok("POST", path)
    assert body["object"] == "token"
    return str(body["jwt"])


@pytest.fixture
def real_time_mock(make_mock: Any) -> Mock:
    """Clock 30 minutes behind real time, so PyJWT's own clock checks still apply."""
    mock: Mock = make_mock()
    mock.admin("POST", "/clock", {"set": _real_now_ms() - 30 * 60_000, "freeze": True})
    return mock


def test_token_verifies_against_the_jwks_and_fva_follows_reverification(
    real_time_mock: Mock,
) -> None:
    mock = real_time_mock
    user = mock.user(email_addresses=["tk@example.com"], totp_secret=TOTP_SECRET)
    b = mock.browser()
    si = b.sign_in("tk@example.com")
    b.ok(
        "POST",
        f"/v1/client/sign_ins/{si['id']}/attempt_second_factor",
        {"strategy": "totp", "code": mock.totp()},
    )
    sid = b.session_id()
    mock.admin("POST", "/clock", {"set": _real_now_ms(), "freeze": True})

    claims = _verify(b, _token(b, sid))
    assert claims["sub"] == user["id"]
    assert claims["sid"] == sid
    assert claims["sts"] == "active"
    assert claims["iss"] == "http://mock.test"
    assert claims["v"] == 2
    assert claims["exp"] - claims["iat"] == 60
    assert claims["nbf"] <= claims["iat"]
    assert claims["fva"] == [30, 30]

    b.ok("POST", f"/v1/client/sessions/{sid}/verify", {"level": "second_factor"})
    b.ok(
        "POST",
        f"/v1/client/sessions/{sid}/verify/attempt_second_factor",
        {"strategy": "totp", "code": mock.totp()},
    )
    token = _token(b, sid)
    assert _verify(b, token)["fva"] == [30, 0]
    b.ok("POST", f"/v1/client/sessions/{sid}/verify", {"level": "first_factor"})
    b.ok(
        "POST",
        f"/v1/client/sessions/{sid}/verify/attempt_first_factor",
        {"strategy": "password", "password": PASSWORD},
    )
    templated = _token(b, sid, "backend")
    assert _verify(b, templated)["fva"] == [0, 0]
    session = b.ok("GET", f"/v1/client/sessions/{sid}")["response"]
    assert session["last_active_token"] == {"object": "token", "jwt": templated}
    assert session["factor_verification_age"] == [0, 0]


def test_a_token_is_valid_for_sixty_seconds(real_time_mock: Mock) -> None:
    mock = real_time_mock
    mock.user(email_addresses=["ttl@example.com"])
    b = mock.browser()
    b.sign_in("ttl@example.com")
    sid = b.session_id()
    mock.admin("POST", "/clock", {"set": _real_now_ms() - 61_000, "freeze": True})
    stale = _token(b, sid)
    with pytest.raises(jwt.ExpiredSignatureError):
        jwt.decode(
            stale,
            jwt.PyJWK(b.ok("GET", "/v1/jwks")["keys"][0]).key,
            algorithms=["RS256"],
        )
    mock.admin("POST", "/clock", {"set": _real_now_ms() - 50_000, "freeze": True})
    assert _verify(b, _token(b, sid))["sid"] == sid


def test_a_template_name_of_control_characters_is_an_unknown_template(
    real_time_mock: Mock,
) -> None:
    """Found by the contract fuzz: ``tokens/%C3%B7%20%0F`` minted a JWT whose ``tpl`` claim
    held a control character."""
    mock = real_time_mock
    mock.user(email_addresses=["tpl@example.com"])
    b = mock.browser()
    b.sign_in("tpl@example.com")
    sid = b.session_id()
    for name in ("%C3%B7%20%0F", "a%20b", "x" * 129):
        refused = b.call("POST", f"/v1/client/sessions/{sid}/tokens/{name}")
        assert refused.status_code == 404, refused.text
        assert refused.json()["errors"][0]["code"] == "resource_not_found"
    mock.admin("POST", "/clock", {"set": _real_now_ms(), "freeze": True})
    assert _verify(b, _token(b, sid, "my-template_2"))["tpl"] == "my-template_2"


def test_token_ttl_is_configurable(make_mock: Any) -> None:
    mock: Mock = make_mock(sessions={"token_ttl_seconds": 300})
    mock.user(email_addresses=["cfg@example.com"])
    b = mock.browser()
    b.sign_in("cfg@example.com")
    claims = jwt.decode(_token(b, b.session_id()), options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == 300


def test_another_clients_session_is_not_found(mock: Mock) -> None:
    mock.user(email_addresses=["own@example.com"])
    owner = mock.browser()
    owner.sign_in("own@example.com")
    sid = owner.session_id()
    stranger = mock.browser()
    stranger.ok("POST", "/v1/client/sign_ins", {})
    assert stranger.post(f"/v1/client/sessions/{sid}/tokens").status_code == 404
    assert stranger.post(f"/v1/client/sessions/{sid}/tokens/tpl").status_code == 404
    assert stranger.get(f"/v1/client/sessions/{sid}").status_code == 404


def test_an_ended_session_gets_no_token(mock: Mock) -> None:
    mock.user(email_addresses=["end@example.com"])
    b = mock.browser()
    b.sign_in("end@example.com")
    sid = b.session_id()
    b.ok("POST", f"/v1/client/sessions/{sid}/end")
    assert b.post(f"/v1/client/sessions/{sid}/tokens").status_code == 401


# -- sessions --------------------------------------------------------------------------


def test_sessions_listed_revoked_and_expired(make_mock: Any) -> None:
    mock: Mock = make_mock(sessions={"lifetime_seconds": 3600})
    mock.user(email_addresses=["ls@example.com"])
    laptop, phone, tablet = mock.browser(), mock.browser(), mock.browser()
    laptop.sign_in("ls@example.com")
    mock.advance(3000)
    phone.sign_in("ls@example.com")
    tablet.sign_in("ls@example.com")
    phone_sid, tablet_sid = phone.session_id(), tablet.session_id()

    active = laptop.ok("GET", "/v1/me/sessions/active")  # a bare array, as the spec has it
    assert len(active) == 3

    revoked = tablet.ok("POST", f"/v1/me/sessions/{phone_sid}/revoke")["response"]
    assert revoked["status"] == "revoked"
    assert phone.post(f"/v1/client/sessions/{phone_sid}/tokens").status_code == 401
    again = tablet.post(f"/v1/me/sessions/{phone_sid}/revoke")
    assert again.json()["errors"][0]["code"] == "invalid_action_for_session"

    mock.advance(700)  # the laptop's hour is over; the others have 50 minutes left
    statuses = {s["id"]: s["status"] for s in tablet.ok("GET", "/v1/me/sessions")}
    assert sorted(statuses.values()) == ["active", "expired", "revoked"]
    assert statuses[tablet_sid] == "active"
    assert [s["id"] for s in tablet.ok("GET", "/v1/me/sessions/active")] == [tablet_sid]


def test_an_inactive_session_is_abandoned(make_mock: Any) -> None:
    mock: Mock = make_mock(sessions={"inactivity_timeout_seconds": 600})
    mock.user(email_addresses=["ab@example.com"])
    b = mock.browser()
    b.sign_in("ab@example.com")
    sid = b.session_id()
    mock.advance(500)
    b.ok("POST", f"/v1/client/sessions/{sid}/touch")
    mock.advance(500)  # 1000 s since sign-in, 500 s since the touch: still alive
    assert b.ok("GET", f"/v1/client/sessions/{sid}")["response"]["status"] == "active"
    mock.advance(100)
    assert b.ok("GET", f"/v1/client/sessions/{sid}")["response"]["status"] == "abandoned"


# -- MFA required --------------------------------------------------------------------------


def test_mfa_required_leaves_the_session_pending_until_a_second_factor_is_set_up(
    make_mock: Any,
) -> None:
    mock: Mock = make_mock(strategies={"mfa_required": True})
    mock.user(email_addresses=["req@example.com"])
    b = mock.browser()
    si = b.sign_in("req@example.com")
    assert si["status"] == "complete"
    sid = si["created_session_id"]
    session = b.ok("GET", f"/v1/client/sessions/{sid}")["response"]
    assert session["status"] == "pending"
    assert session["tasks"] == [{"key": "setup-mfa"}]
    claims = jwt.decode(_token(b, sid), options={"verify_signature": False})
    assert claims["sts"] == "pending"

    secret = b.ok("POST", "/v1/me/totp")["response"]["secret"]
    b.ok("POST", "/v1/me/totp/attempt_verification", {"code": mock.totp(secret)})
    session = b.ok("GET", f"/v1/client/sessions/{sid}")["response"]
    assert session["status"] == "active"
    assert session["tasks"] == []


def test_mfa_required_does_not_hold_back_a_user_with_a_second_factor(make_mock: Any) -> None:
    mock: Mock = make_mock(strategies={"mfa_required": True})
    mock.user(email_addresses=["has@example.com"], totp_secret=TOTP_SECRET)
    b = mock.browser()
    si = b.sign_in("has@example.com")
    done = b.ok(
        "POST",
        f"/v1/client/sign_ins/{si['id']}/attempt_second_factor",
        {"strategy": "totp", "code": mock.totp()},
    )
    assert done["client"]["sessions"][0]["status"] == "active"


def test_keys_from_a_pem_file_survive_a_restart(make_mock: Any, tmp_path: Any) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    pem = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path = tmp_path / "signing.pem"
    path.write_bytes(pem)
    first: Mock = make_mock(sessions={"signing_key_file": str(path)})
    first.user(email_addresses=["pem@example.com"])
    b = first.browser()
    b.sign_in("pem@example.com")
    token = _token(b, b.session_id())
    restarted: Mock = make_mock(sessions={"signing_key_file": str(path)})
    jwks = restarted.browser().ok("GET", "/.well-known/jwks.json")
    assert jwks == b.ok("GET", "/.well-known/jwks.json")
    claims = jwt.decode(
        token,
        jwt.PyJWK(jwks["keys"][0]).key,
        algorithms=["RS256"],
        options={"verify_exp": False, "verify_nbf": False, "verify_iat": False},
    )
    assert claims["sid"] == b.session_id()
