"""Properties of the SSO cryptography, over inputs hypothesis picks."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from mock_server.config import load_config
from mock_server.errors import FapiError
from mock_server.idp import oauth
from mock_server.idp import saml as idp
from mock_server.idp.keys import signing_key
from mock_server.runtime import Runtime
from mock_server.store import MemoryStore
from mock_server.strategies import saml

ROOT = "http://mock.test"
CALLBACK = f"{ROOT}/v1/oauth_callback"
CONNECTION = "samlc_mock_example"
RT = Runtime(config=load_config(profile="test"))
# RFC 7636 §4.1: 43-128 characters of [A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~".
VERIFIERS = st.text(
    alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~",
    min_size=43,
    max_size=128,
)


def _exchange(store: MemoryStore, challenge_verifier: str, sent_verifier: str) -> int:
    cfg = RT.config.oauth.providers["google"]
    query = {
        "response_type": "code",
        "client_id": cfg.client_id,
        "redirect_uri": CALLBACK,
        "state": "s",
        "code_challenge": oauth.pkce_s256(challenge_verifier),
        "code_challenge_method": "S256",
        "login_hint": "ann@example.com",
    }
    reply = store.transact(lambda tx: oauth.authorize(RT, tx, "google", query, ROOT))
    code = reply.headers["Location"].split("code=")[1].split("&")[0]
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": CALLBACK,
        "client_id": cfg.client_id,
        "client_secret": cfg.client_secret,
        "code_verifier": sent_verifier,
    }
    return store.transact(lambda tx: oauth.token(RT, tx, "google", form, ROOT)).status


@settings(max_examples=40, deadline=None)
@given(verifier=VERIFIERS, other=VERIFIERS)
def test_a_code_is_redeemed_only_with_its_own_verifier(verifier: str, other: str) -> None:
    store = MemoryStore()
    if other != verifier:
        assert _exchange(store, verifier, other) == 400
    assert _exchange(store, verifier, verifier) == 200


def _signed_response() -> bytes:
    response = idp.build_response(
        RT,
        idp_entity_id=idp.entity_id(ROOT, CONNECTION),
        acs_url=saml.acs_url(ROOT, CONNECTION),
        audience=saml.sp_entity_id(ROOT, CONNECTION),
        in_response_to="_req",
        email="bob.smith@example-sso.com",
        first_name="Bob",
        last_name="Smith",
        ttl_seconds=300,
    )
    return bytes(etree.tostring(idp.sign_assertion(response, CONNECTION)))


SIGNED = _signed_response()
CERT = signing_key(idp.key_name(CONNECTION)).certificate


def _signed_values(doc: Any) -> list[tuple[Any, str | None]]:
    """Every text and attribute of the assertion outside its Signature."""
    assertion = doc.find(f"{{{idp.SAML}}}Assertion")
    places: list[tuple[Any, str | None]] = []
    for el in assertion.iter():
        if any(a.tag == f"{{{idp.DS}}}Signature" for a in [el, *el.iterancestors()]):
            continue
        if el.text and el.text.strip():
            places.append((el, None))
        places.extend((el, name) for name in el.attrib)
    return places


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    pick=st.integers(min_value=0),
    extra=st.text(
        alphabet=st.characters(min_codepoint=33, max_codepoint=0xD7FF, exclude_categories=["Cs"]),
        min_size=1,
        max_size=3,
    ),
)
def test_any_change_to_the_signed_assertion_is_refused(pick: int, extra: str) -> None:
    doc = etree.fromstring(SIGNED)
    places = _signed_values(doc)
    el, attribute = places[pick % len(places)]
    if attribute is None:
        el.text = el.text + extra
    else:
        el.set(attribute, (el.get(attribute) or "") + extra)
    with pytest.raises(FapiError) as refused:
        saml.signed_assertion(etree.tostring(doc), CERT)
    assert refused.value.code == "saml_response_invalid"


def test_the_genuine_response_verifies() -> None:
    _, assertion = saml.signed_assertion(SIGNED, CERT)
    assert assertion.findtext(f"{{{idp.SAML}}}Subject/{{{idp.SAML}}}NameID") == (
        "bob.smith@example-sso.com"
    )


def test_a_comment_cannot_truncate_the_signed_name_id() -> None:
    """XML canonicalization drops comments, so a comment inside NameID keeps the signature
    valid; reading the signed bytes (not the posted tree's ``.text``) sees the whole name."""
    response = idp.build_response(
        RT,
        idp_entity_id=idp.entity_id(ROOT, CONNECTION),
        acs_url=saml.acs_url(ROOT, CONNECTION),
        audience=saml.sp_entity_id(ROOT, CONNECTION),
        in_response_to="_req",
        email="ceo@example-sso.com.attacker.test",
        first_name=None,
        last_name=None,
        ttl_seconds=300,
    )
    doc = idp.sign_assertion(response, CONNECTION)
    name_id = doc.find(f".//{{{idp.SAML}}}NameID")
    name_id.text = "ceo@example-sso.com"
    comment = etree.Comment("")
    comment.tail = ".attacker.test"
    name_id.append(comment)
    assert name_id.text == "ceo@example-sso.com"  # what a naive reader would take
    _, assertion = saml.signed_assertion(etree.tostring(doc), CERT)
    assert assertion.findtext(f".//{{{idp.SAML}}}NameID") == "ceo@example-sso.com.attacker.test"
