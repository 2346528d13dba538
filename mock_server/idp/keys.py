"""Signing keys of the mock IdPs: one RSA key and self-signed certificate per name.

Keys are made once per process and kept in memory (a 2048-bit key takes tens of
milliseconds to generate, and tokens are signed thousands of times in a test run).
They are not part of the stored state: an id token or SAML response minted before a
restart does not verify after it, as with a real IdP that rotated its keys.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID


def _b64url_uint(value: int) -> str:
    raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@dataclass(frozen=True)
class SigningKey:
    name: str
    kid: str
    private_key: rsa.RSAPrivateKey
    certificate: x509.Certificate

    @property
    def public_key(self) -> rsa.RSAPublicKey:
        return self.private_key.public_key()

    def jwk(self) -> dict[str, Any]:
        """The public key as a JWK (RFC 7517), as a JWKS document lists it."""
        numbers = self.public_key.public_numbers()
        return {
            "kty": "RSA",
            "use": "sig",
            "alg": "RS256",
            "kid": self.kid,
            "n": _b64url_uint(numbers.n),
            "e": _b64url_uint(numbers.e),
        }

    def certificate_pem(self) -> str:
        return self.certificate.public_bytes(serialization.Encoding.PEM).decode()

    def certificate_b64(self) -> str:
        """The DER certificate in base64: the form SAML metadata carries."""
        der = self.certificate.public_bytes(serialization.Encoding.DER)
        return base64.b64encode(der).decode()


def signing_key(name: str, key_file: str | None = None) -> SigningKey:
    """The key of the IdP ``name``: from ``key_file`` when given, else made once.

    The certificate is a pure function of the key and the name (fixed validity, serial
    from the key's hash; RSA PKCS#1 v1.5 signatures are deterministic), so processes that
    share a key file also publish the same certificate.
    """
    return _signing_key(name, key_file)  # one cache entry however the call is spelled


@cache
def _signing_key(name: str, key_file: str | None) -> SigningKey:
    if key_file is not None:
        loaded = serialization.load_pem_private_key(Path(key_file).read_bytes(), password=None)
        if not isinstance(loaded, rsa.RSAPrivateKey):
            raise ValueError(f"{key_file}: the IdP signing key must be an RSA private key")
        key = loaded
    else:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    der = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    digest = hashlib.sha256(der + name.encode()).digest()
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"fapi-harness mock {name}")])
    # signxml checks certificate validity against the wall clock, not the mock's settable
    # clock, so the validity spans far around any "now" a test may set.
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(int.from_bytes(digest[:16], "big") >> 1)
        .not_valid_before(dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
        .not_valid_after(dt.datetime(2100, 1, 1, tzinfo=dt.UTC))
        .sign(key, hashes.SHA256())
    )
    kid = hashlib.sha256(der).hexdigest()[:16]
    return SigningKey(name=name, kid=kid, private_key=key, certificate=cert)
