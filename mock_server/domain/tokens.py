"""Session tokens: short-lived RS256 JWTs with Clerk's claims, and the JWKS to verify them.

A backend under test verifies these exactly as it verifies Clerk's: fetch the JWKS from
``/.well-known/jwks.json`` (or ``/v1/jwks``), check the RS256 signature, ``exp``/``nbf``,
``iss`` and ``azp``. The claims follow Clerk's session-token documentation: ``sub`` (user),
``sid`` (session), ``sts`` (session status), ``fva`` (minutes since the first and second
factor were verified, -1 for never), ``v`` (token version 2), ``azp`` (the origin that
asked), ``iss`` (the Frontend API URL), ``iat``/``nbf``/``exp``, ``jti``.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from mock_server.domain.models import Session
from mock_server.runtime import Runtime
from mock_server.wire import serialize

#: The JWT template names the mock mints for: letters, digits, ``_`` and ``-``. Anything
#: else (spaces, control characters) is an unknown template, never a ``tpl`` claim. The
#: OpenAPI document declares the same pattern for ``{template_name}``.
TEMPLATE_NAME = re.compile(r"^[A-Za-z0-9_-]{1,128}$")

NBF_SKEW_S = 10  # Clerk's tokens are valid from a few seconds before iat (clock skew)


def _b64url_uint(value: int) -> str:
    raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@dataclass
class SigningKey:
    """The instance's RSA key pair; generated per instance, or loaded from a PEM file."""

    private: rsa.RSAPrivateKey

    @classmethod
    def generate(cls) -> SigningKey:
        return cls(rsa.generate_private_key(public_exponent=65537, key_size=2048))

    @classmethod
    def from_pem(cls, pem: bytes) -> SigningKey:
        key = serialization.load_pem_private_key(pem, password=None)
        if not isinstance(key, rsa.RSAPrivateKey):
            raise ValueError("the signing key must be an RSA private key")
        return cls(key)

    @cached_property
    def kid(self) -> str:
        der = self.private.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return "ins_" + hashlib.sha256(der).hexdigest()[:27]

    def jwk(self) -> dict[str, str]:
        numbers = self.private.public_key().public_numbers()
        return {
            "kid": self.kid,
            "alg": "RS256",
            "use": "sig",
            "kty": "RSA",
            "n": _b64url_uint(numbers.n),
            "e": _b64url_uint(numbers.e),
        }

    def jwks(self) -> dict[str, Any]:
        return {"keys": [self.jwk()]}


def session_token(
    rt: Runtime,
    key: SigningKey,
    session: Session,
    *,
    issuer: str,
    azp: str | None,
    template: str | None = None,
) -> str:
    now_s = rt.now() // 1000
    claims: dict[str, Any] = {
        "iss": issuer,
        "sub": session.user_id,
        "sid": session.id,
        "sts": session.status,
        "iat": now_s,
        "nbf": now_s - NBF_SKEW_S,
        "exp": now_s + rt.config.sessions.token_ttl_seconds,
        "fva": serialize.factor_verification_age(rt, session),
        "v": 2,
        "jti": rt.rng.token(10),
    }
    if azp:
        claims["azp"] = azp
    if template:
        claims["tpl"] = template
    return jwt.encode(claims, key.private, algorithm="RS256", headers={"kid": key.kid})
