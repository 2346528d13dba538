"""Session tokens: RS256 JWTs a backend verifies with any JWT library against the JWKS."""

from __future__ import annotations

from typing import Any

import httpx
import jwt
import pytest

from fixtures.asgi import SyncASGITransport
from mock_server.app import build_app
from mock_server.config import load_config

PASSWORD = "correct horse battery staple"


@pytest.fixture
def signed_in() -> tuple[httpx.Client, Any, str]:
    app = build_app(
        load_config(profile="test", passwords={"kdf_log_n": 4}), seed=5, validate_responses=True
    )

    client = httpx.Client(transport=SyncASGITransport(app), base_url="http://mock.test")
    client.post(
        "/__admin/users", json={"email_addresses": ["tess@example.com"], "password": PASSWORD}
    )
    done = client.post(
        "/v1/client/sign_ins", data={"identifier": "tess@example.com", "password": PASSWORD}
    )
    return client, app, done.json()["response"]["created_session_id"]


def test_a_token_verifies_against_the_published_jwks(
    signed_in: tuple[httpx.Client, Any, str],
) -> None:
    client, _, sid = signed_in
    answer = client.post(
        f"/v1/client/sessions/{sid}/tokens", headers={"Origin": "http://localhost:3000"}
    )
    assert answer.status_code == 200
    assert answer.json()["object"] == "token"
    token = answer.json()["jwt"]
    jwks = client.get("/.well-known/jwks.json").json()
    assert jwks == client.get("/v1/jwks").json()
    key = jwt.PyJWKSet.from_dict(jwks)[jwt.get_unverified_header(token)["kid"]]
    claims = jwt.decode(
        token,
        key.key,
        algorithms=["RS256"],
        issuer="http://mock.test",
        options={"require": ["exp", "iat", "nbf", "sub", "sid"]},
    )
    assert claims["sid"] == sid
    assert claims["sts"] == "active"
    assert claims["azp"] == "http://localhost:3000"
    assert claims["fva"] == [0, -1]
    assert claims["exp"] - claims["iat"] == 60
    assert claims["v"] == 2


def test_a_tampered_token_does_not_verify(signed_in: tuple[httpx.Client, Any, str]) -> None:
    client, _, sid = signed_in
    token = client.post(f"/v1/client/sessions/{sid}/tokens").json()["jwt"]
    head, body, sig = token.split(".")
    forged = ".".join([head, body[:-2] + ("AA" if body[-2:] != "AA" else "BB"), sig])
    key = jwt.PyJWKSet.from_dict(client.get("/v1/jwks").json()).keys[0]
    with pytest.raises(jwt.InvalidTokenError):
        jwt.decode(forged, key.key, algorithms=["RS256"], options={"verify_iss": False})


def test_templates_tokens_of_ended_and_foreign_sessions(
    signed_in: tuple[httpx.Client, Any, str],
) -> None:
    client, _, sid = signed_in
    templated = client.post(f"/v1/client/sessions/{sid}/tokens/supabase").json()["jwt"]
    assert jwt.decode(templated, options={"verify_signature": False})["tpl"] == "supabase"
    stranger = httpx.Client(transport=client._transport, base_url="http://mock.test")
    assert stranger.post(f"/v1/client/sessions/{sid}/tokens").status_code == 404
    client.post(f"/v1/client/sessions/{sid}/end")
    ended = client.post(f"/v1/client/sessions/{sid}/tokens")
    assert ended.status_code == 401
    assert ended.json()["errors"][0]["code"] == "signed_out"
