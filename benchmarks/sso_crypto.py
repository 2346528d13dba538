"""What the SSO flows' cryptography costs per operation (medians, one process).

    python benchmarks/sso_crypto.py [--rounds N]

Measures the mock IdP's SAML assertion signature (signxml, with a loaded key object and,
for comparison, with PEM text as signxml's docs show it), the ACS's verification of the
signed response, and an RS256 ID token's signing and verification.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import jwt
from cryptography.hazmat.primitives import serialization
from lxml import etree

from mock_server.config import Config
from mock_server.idp import oauth, saml
from mock_server.idp.keys import signing_key
from mock_server.runtime import Runtime
from mock_server.strategies import saml as sp

CONNECTION = "samlc_mock_example"
ROOT = "http://mock.test"


def _median_ms(fn: Callable[[], object], rounds: int) -> float:
    fn()
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=200)
    rounds = parser.parse_args().rounds
    rt = Runtime(config=Config())
    key = signing_key(saml.key_name(CONNECTION))
    pem = key.private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )

    def response() -> etree._Element:
        return saml.build_response(
            rt,
            idp_entity_id=saml.entity_id(ROOT, CONNECTION),
            acs_url=sp.acs_url(ROOT, CONNECTION),
            audience=sp.sp_entity_id(ROOT, CONNECTION),
            in_response_to="_req",
            email="bob@example-sso.com",
            first_name="Bob",
            last_name=None,
            ttl_seconds=300,
        )

    def sign_with_key() -> object:
        return saml.sign_assertion(response(), CONNECTION)

    def sign_with_pem() -> object:
        doc = response()
        assertion = doc.find(f"{{{saml.SAML}}}Assertion")
        return saml._SIGNER.sign(
            etree.fromstring(etree.tostring(assertion)), key=pem, cert=key.certificate_pem()
        )

    raw = etree.tostring(sign_with_key())
    verify = lambda: sp.signed_assertion(raw, key.certificate)  # noqa: E731
    profile = {"sub": "1", "email": "bob@example.com", "email_verified": True}
    token = oauth.mint_id_token(rt, "google", ROOT, profile, audience="aud", nonce=None)
    jwk = jwt.PyJWK(oauth.jwks("google")["keys"][0]).key
    figures = {
        "SAML sign (loaded key object)": _median_ms(sign_with_key, rounds),
        "SAML sign (PEM text)": _median_ms(sign_with_pem, max(rounds // 10, 5)),
        "SAML verify (shape + signature)": _median_ms(verify, rounds),
        "RS256 id token sign": _median_ms(
            lambda: oauth.mint_id_token(rt, "google", ROOT, profile, audience="aud", nonce=None),
            rounds,
        ),
        "RS256 id token verify": _median_ms(
            lambda: jwt.decode(token, jwk, algorithms=["RS256"], audience="aud"), rounds
        ),
    }
    for name, ms in figures.items():
        print(f"{name:34s} {ms:8.3f} ms")


if __name__ == "__main__":
    main()
