"""SAML / enterprise SSO: the flow end to end, and a careful SP's refusals.

The signature-wrapping (XSW) set is shaped after SAMLRaider's XSW1-XSW10: each takes a
genuinely signed response and moves the signed assertion (or response) somewhere a
naive SP would still find the signature valid while reading an attacker's copy.
"""

from __future__ import annotations

import base64
import copy
from collections.abc import Callable
from typing import Any

import pytest
from lxml import etree
from signxml.algorithms import CanonicalizationMethod
from signxml.signer import XMLSigner
from sso_harness import BASE, CALLBACK, DONE, Browser, Form, auto_post_form, location

from mock_server.idp import saml as idp
from mock_server.idp.keys import signing_key
from mock_server.strategies import saml

CONNECTION = "samlc_mock_example"
ACS = f"{BASE}/v1/saml/acs/{CONNECTION}"
NS = {"samlp": idp.SAMLP, "saml": idp.SAML, "ds": idp.DS}
USER = "bob.smith@example-sso.com"
VICTIM = "ceo@example-sso.com"


def _flow(browser: Browser, email: str = USER, strategy: str = "enterprise_sso") -> Form:
    """Start SSO the way clerk-js does (create, then prepare) and return the IdP's form."""
    created = browser.post(
        "/v1/client/sign_ins",
        strategy=strategy,
        identifier=email,
        redirect_url=CALLBACK,
        action_complete_redirect_url=DONE,
    )
    assert created.status_code == 200, created.text
    sign_in_id = created.json()["response"]["id"]
    prepared = browser.post(
        f"/v1/client/sign_ins/{sign_in_id}/prepare_first_factor",
        strategy=strategy,
        redirect_url=CALLBACK,
        action_complete_redirect_url=DONE,
        enterprise_connection_id=CONNECTION if strategy == "enterprise_sso" else None,
    )
    assert prepared.status_code == 200, prepared.text
    verification = prepared.json()["response"]["first_factor_verification"]
    assert verification["status"] == "unverified"
    page = browser.follow(verification["external_verification_redirect_url"])
    assert page.status_code == 200, page.text
    form = auto_post_form(page.text)
    assert form.action == ACS
    return form


def _doc(form: Form) -> Any:
    return etree.fromstring(base64.b64decode(form.fields["SAMLResponse"]))


def _with(form: Form, doc: Any) -> Form:
    encoded = base64.b64encode(etree.tostring(doc)).decode()
    return Form(form.action, {**form.fields, "SAMLResponse": encoded})


def _refused(browser: Browser, form: Form, reason: str = "") -> str:
    response = browser.submit(form)
    assert response.status_code == 401, (response.status_code, response.text)
    error = response.json()["errors"][0]
    assert error["code"] == "saml_response_invalid"
    assert reason in error["long_message"], error["long_message"]
    return str(error["long_message"])


def test_enterprise_sso_signs_in_an_existing_user(browser: Browser, seed: Any) -> None:
    seed(USER)
    factors = browser.post("/v1/client/sign_ins", identifier=USER).json()["response"]
    # The user has a password and a verified email, but the domain's connection is the one
    # way in: exactly what Clerk's sign-in component needs to go straight to the IdP.
    assert factors["supported_first_factors"] == [
        {
            "strategy": "enterprise_sso",
            "enterprise_connection_id": CONNECTION,
            "enterprise_connection_name": "Example Corp (mock IdP)",
        }
    ]
    form = _flow(browser)
    assert location(browser.submit(form)) == DONE
    client = browser.client()
    assert client["sign_in"]["status"] == "complete"
    [account] = client["sessions"][0]["user"]["saml_accounts"]
    assert account["email_address"] == USER
    assert account["saml_connection"]["id"] == CONNECTION


def test_an_sso_domain_user_cannot_skip_the_idp(browser: Browser, seed: Any) -> None:
    """Clerk: every user whose email is on an active connection's domain signs in through
    the IdP; their password and email codes are not offered, and trying them fails."""
    seed(USER)
    with_password = browser.post(
        "/v1/client/sign_ins", identifier=USER, password="correct horse battery"
    )
    assert with_password.status_code == 400, with_password.text
    assert with_password.json()["errors"][0]["code"] == "strategy_for_user_invalid"
    created = browser.post("/v1/client/sign_ins", identifier=USER).json()["response"]
    code = browser.post(
        f"/v1/client/sign_ins/{created['id']}/prepare_first_factor", strategy="email_code"
    )
    assert code.json()["errors"][0]["code"] == "strategy_for_user_invalid"
    # The same user is still the SSO one: the IdP signs them in.
    assert location(browser.submit(_flow(browser))) == DONE


def test_saml_jit_account_is_transferred_to_a_sign_up(browser: Browser) -> None:
    form = _flow(browser, "new.hire@example-sso.com", strategy="saml")
    assert location(browser.submit(form)) == CALLBACK
    assert browser.client()["sign_in"]["first_factor_verification"]["status"] == "transferable"
    sign_up = browser.post("/v1/client/sign_ups", transfer="true").json()["response"]
    assert sign_up["status"] == "complete"
    assert sign_up["missing_fields"] == []
    assert (sign_up["first_name"], sign_up["last_name"]) == ("New", "Hire")
    browser.http.delete("/v1/client/sessions")
    assert location(browser.submit(_flow(browser, "new.hire@example-sso.com"))) == DONE


def test_a_domain_without_connection_is_refused(browser: Browser) -> None:
    for strategy, code in (
        ("enterprise_sso", "enterprise_sso_sign_in_connection_missing"),
        ("saml", "saml_connection_not_found"),
    ):
        response = browser.post(
            "/v1/client/sign_ins",
            strategy=strategy,
            identifier="someone@example.com",
            redirect_url=CALLBACK,
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["code"] == code


def test_idp_without_a_subject_shows_a_login_page(browser: Browser) -> None:
    request = (
        f'<samlp:AuthnRequest xmlns:samlp="{idp.SAMLP}" xmlns:saml="{idp.SAML}" ID="_r1" '
        f'Version="2.0" AssertionConsumerServiceURL="{ACS}">'
        f"<saml:Issuer>{BASE}/v1/saml/metadata/{CONNECTION}.xml</saml:Issuer>"
        "</samlp:AuthnRequest>"
    ).encode()
    url = f"/__idp/saml/{CONNECTION}/sso"
    page = browser.http.get(url, params={"SAMLRequest": idp.encode_redirect(request)})
    assert page.status_code == 200
    assert "name='login_hint'" in page.text
    typed = browser.http.get(
        url, params={"SAMLRequest": idp.encode_redirect(request), "login_hint": USER}
    )
    assert auto_post_form(typed.text).action == ACS


def test_metadata_of_the_sp_and_the_idp(browser: Browser) -> None:
    sp = etree.fromstring(browser.http.get(f"/v1/saml/metadata/{CONNECTION}.xml").content)
    assert sp.get("entityID") == f"{BASE}/v1/saml/metadata/{CONNECTION}.xml"
    acs = sp.find(".//{urn:oasis:names:tc:SAML:2.0:metadata}AssertionConsumerService")
    assert acs is not None
    assert acs.get("Location") == ACS
    assert browser.http.get("/v1/saml/metadata/nope.xml").status_code == 404
    md = etree.fromstring(browser.http.get(f"/__idp/saml/{CONNECTION}/metadata").content)
    cert = md.find(".//ds:X509Certificate", NS)
    assert cert is not None
    assert cert.text == signing_key(idp.key_name(CONNECTION)).certificate_b64()


# -- refusals ---------------------------------------------------------------------------


def test_tampered_assertion_is_refused_and_the_genuine_one_still_works(
    browser: Browser, seed: Any
) -> None:
    seed(USER)
    form = _flow(browser)
    doc = _doc(form)
    name_id = doc.find("saml:Assertion/saml:Subject/saml:NameID", NS)
    name_id.text = VICTIM
    _refused(browser, _with(form, doc), "InvalidDigest")
    # Refusals change nothing: the RelayState and the request are still good.
    assert location(browser.submit(form)) == DONE


def test_unsigned_response_is_refused(browser: Browser) -> None:
    form = _flow(browser)
    doc = _doc(form)
    signature = doc.find("saml:Assertion/ds:Signature", NS)
    signature.getparent().remove(signature)
    _refused(browser, _with(form, doc), "not signed")


def test_signature_by_another_key_is_refused(browser: Browser) -> None:
    form = _flow(browser)
    doc = _doc(form)
    assertion = doc.find("saml:Assertion", NS)
    assertion.remove(assertion.find("ds:Signature", NS))
    assertion.insert(1, etree.Element(f"{{{idp.DS}}}Signature", Id="placeholder"))
    other = signing_key("saml:some-other-idp")
    signer = XMLSigner(c14n_algorithm=CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0)
    signed = signer.sign(
        etree.fromstring(etree.tostring(assertion)),
        key=other.private_key,
        cert=[other.certificate],
    )
    doc.replace(assertion, signed)
    _refused(browser, _with(form, doc), "InvalidSignature")


def test_expired_and_premature_assertions_are_refused(browser: Browser, app: Any) -> None:
    form = _flow(browser)
    app.state.mock.runtime.clock.advance(10 * 60)
    _refused(browser, form, "expired")
    app.state.mock.runtime.clock.advance(-20 * 60)
    _refused(browser, form, "not valid yet")


def test_replayed_response_is_refused(browser: Browser, seed: Any) -> None:
    seed(USER)
    form = _flow(browser)
    assert location(browser.submit(form)) == DONE
    _refused(browser, form)


def test_assertion_id_replay_cache(app: Any) -> None:
    """The cache on its own: the same signed assertion is accepted once."""
    rt = app.state.mock.runtime
    doc = _forged(rt, in_response_to="_req")
    raw = etree.tostring(doc)
    args = {
        "issuer": idp.entity_id(BASE, CONNECTION),
        "audience": saml.sp_entity_id(BASE, CONNECTION),
        "recipient": ACS,
        "request_id": "_req",
        "connection_id": CONNECTION,
    }

    def check(tx: Any) -> dict[str, Any]:
        posted, assertion = saml.signed_assertion(
            raw, signing_key(idp.key_name(CONNECTION)).certificate
        )
        return saml.check_assertion(rt, tx, posted, assertion, **args)

    assert app.state.mock.store.transact(check)["email"] == USER
    with pytest.raises(Exception, match="replay"):
        app.state.mock.store.transact(check)


def _forged(rt: Any, **changes: Any) -> Any:
    """A response the connection's IdP key really signed, with chosen fields."""
    fields: dict[str, Any] = {
        "idp_entity_id": idp.entity_id(BASE, CONNECTION),
        "acs_url": ACS,
        "audience": saml.sp_entity_id(BASE, CONNECTION),
        "in_response_to": None,
        "email": USER,
        "first_name": "Bob",
        "last_name": "Smith",
        "ttl_seconds": 300,
    }
    fields.update(changes)
    return idp.sign_assertion(idp.build_response(rt, **fields), CONNECTION)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"audience": "https://another-sp.test/metadata"}, "Audience"),
        ({"idp_entity_id": "https://evil-idp.test/metadata"}, "Issuer"),
        ({"acs_url": "https://evil.test/acs"}, "Destination"),
        ({"in_response_to": "_another_request"}, "another request"),
    ],
)
def test_signed_but_wrong_audience_issuer_recipient_or_request_is_refused(
    browser: Browser, app: Any, change: dict[str, Any], reason: str
) -> None:
    form = _flow(browser)
    request_id = _doc(form).get("InResponseTo")
    fields = {"in_response_to": request_id, **change}
    _refused(browser, _with(form, _forged(app.state.mock.runtime, **fields)), reason)


def test_missing_relay_state_and_unknown_connection(browser: Browser) -> None:
    form = _flow(browser)
    response = browser.http.post(ACS, data={"SAMLResponse": form.fields["SAMLResponse"]})
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "saml_response_relaystate_missing"
    response = browser.http.post(f"{BASE}/v1/saml/acs/nope", data=form.fields)
    assert response.status_code == 404
    _refused(browser, Form(ACS, {**form.fields, "RelayState": "made-up"}), "RelayState")


# -- signature wrapping (XSW) -----------------------------------------------------------


def _evil(original: Any, *, keep_id: bool = False, keep_signature: bool = False) -> Any:
    evil = copy.deepcopy(original)
    if not keep_id:
        evil.set("ID", "_evil")
    evil.find("saml:Subject/saml:NameID", NS).text = VICTIM
    for value in evil.iterfind(".//saml:AttributeValue", NS):
        if "@" in (value.text or ""):
            value.text = VICTIM
    if not keep_signature:
        for signature in evil.findall("ds:Signature", NS):
            evil.remove(signature)
    return evil


def _unsigned(assertion: Any) -> Any:
    bare = copy.deepcopy(assertion)
    for signature in bare.findall("ds:Signature", NS):
        bare.remove(signature)
    return bare


def _parts(doc: Any) -> tuple[Any, Any, int]:
    assertion = doc.find("saml:Assertion", NS)
    return assertion, assertion.find("ds:Signature", NS), list(doc).index(assertion)


def xsw3(doc: Any) -> Any:
    """An unsigned evil assertion before the signed one."""
    assertion, _, index = _parts(doc)
    doc.insert(index, _evil(assertion))
    return doc


def xsw4(doc: Any) -> Any:
    """The evil assertion replaces the signed one, which hides inside it."""
    assertion, _, index = _parts(doc)
    evil = _evil(assertion)
    doc.remove(assertion)
    evil.append(assertion)
    doc.insert(index, evil)
    return doc


def xsw5(doc: Any) -> Any:
    """The evil assertion carries the signature; the original, bare, goes to the end."""
    assertion, _, index = _parts(doc)
    evil = _evil(assertion, keep_signature=True)
    doc.remove(assertion)
    doc.insert(index, evil)
    doc.append(_unsigned(assertion))
    return doc


def xsw6(doc: Any) -> Any:
    """The evil assertion carries the signature, the bare original inside that signature."""
    assertion, _, index = _parts(doc)
    evil = _evil(assertion, keep_signature=True)
    evil.find("ds:Signature", NS).append(_unsigned(assertion))
    doc.remove(assertion)
    doc.insert(index, evil)
    return doc


def xsw7(doc: Any) -> Any:
    """The signed original inside an Extensions element, an unsigned evil in its place."""
    assertion, _, index = _parts(doc)
    extensions = etree.Element(f"{{{idp.SAMLP}}}Extensions")
    doc.remove(assertion)
    extensions.append(assertion)
    doc.insert(1, extensions)
    doc.insert(index + 1, _evil(assertion))
    return doc


def xsw8(doc: Any) -> Any:
    """The evil assertion carries the signature with the bare original in a ds:Object."""
    assertion, _, index = _parts(doc)
    evil = _evil(assertion, keep_signature=True)
    obj = etree.SubElement(evil.find("ds:Signature", NS), f"{{{idp.DS}}}Object")
    obj.append(_unsigned(assertion))
    doc.remove(assertion)
    doc.insert(index, evil)
    return doc


def xsw9(doc: Any) -> Any:
    """An evil twin with the same ID after the signed assertion."""
    assertion, _, index = _parts(doc)
    doc.insert(index + 1, _evil(assertion, keep_id=True))
    return doc


def xsw10(doc: Any) -> Any:
    """The signed original wrapped in a foreign element; an evil twin with its ID and
    signature is the Response's only direct assertion."""
    assertion, _, index = _parts(doc)
    wrapper = etree.Element("{urn:evil}Wrapper")
    doc.remove(assertion)
    wrapper.append(assertion)
    doc.insert(index, _evil(assertion, keep_id=True, keep_signature=True))
    doc.append(wrapper)
    return doc


def _response_signed(doc: Any) -> Any:
    """Re-sign the whole response (and not the assertion) with the IdP's key."""
    assertion, signature, _ = _parts(doc)
    assertion.remove(signature)
    doc.insert(1, etree.Element(f"{{{idp.DS}}}Signature", Id="placeholder"))
    key = signing_key(idp.key_name(CONNECTION))
    signer = XMLSigner(c14n_algorithm=CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0)
    return signer.sign(doc, key=key.private_key, cert=[key.certificate])


def xsw1(doc: Any) -> Any:
    """Response-level: an evil response whose signature holds the signed original."""
    original = _response_signed(doc)
    evil = copy.deepcopy(original)
    evil.set("ID", "_evil_response")
    assertion, _, _ = _parts(evil)
    evil.replace(assertion, _evil(assertion))
    evil.find("ds:Signature", NS).append(original)
    return evil


def xsw2(doc: Any) -> Any:
    """Response-level: the signed original as a sibling before the evil one's signature."""
    original = _response_signed(doc)
    evil = copy.deepcopy(original)
    evil.set("ID", "_evil_response")
    assertion, _, _ = _parts(evil)
    evil.replace(assertion, _evil(assertion))
    signature = evil.find("ds:Signature", NS)
    signature.addprevious(original)
    return evil


XSW: dict[str, Callable[[Any], Any]] = {
    f.__name__: f for f in (xsw1, xsw2, xsw3, xsw4, xsw5, xsw6, xsw7, xsw8, xsw9, xsw10)
}


def test_a_response_signed_as_a_whole_is_accepted(browser: Browser, seed: Any) -> None:
    """The control for XSW1/XSW2: the response-signed form itself is good."""
    seed(USER)
    form = _flow(browser)
    assert location(browser.submit(_with(form, _response_signed(_doc(form))))) == DONE


@pytest.mark.parametrize("attack", sorted(XSW))
def test_signature_wrapping_is_refused(browser: Browser, seed: Any, attack: str) -> None:
    seed(USER)
    seed(VICTIM)
    form = _flow(browser)
    _refused(browser, _with(form, XSW[attack](_doc(form))))
    assert browser.client()["sessions"] == []
    # The genuine response is still accepted, and it names the genuine user.
    assert location(browser.submit(form)) == DONE
    user = browser.client()["sessions"][0]["user"]
    assert user["email_addresses"][0]["email_address"] == USER


@pytest.mark.parametrize("attack", sorted(XSW))
def test_past_the_shape_check_only_signed_bytes_are_read(browser: Browser, attack: str) -> None:
    """Defence in depth: whatever signature the verifier picks in a wrapped document,
    the XML it hands back is the signed original, never the attacker's copy."""
    form = _flow(browser)
    raw = etree.tostring(XSW[attack](_doc(form)))
    cert = signing_key(idp.key_name(CONNECTION)).certificate
    for where in (".//", "./", f"./{{{idp.SAML}}}Assertion/"):
        try:
            signed = saml._verify_one(raw, cert, where)
        except Exception:
            continue
        names = [n.text for n in signed.iter(f"{{{idp.SAML}}}NameID")]
        assert VICTIM not in names


def test_sign_up_with_enterprise_sso(browser: Browser) -> None:
    response = browser.post(
        "/v1/client/sign_ups",
        strategy="enterprise_sso",
        email_address="jit.user@example-sso.com",
        redirect_url=CALLBACK,
        action_complete_redirect_url=DONE,
    )
    assert response.status_code == 200, response.text
    url = response.json()["response"]["verifications"]["external_account"][
        "external_verification_redirect_url"
    ]
    form = auto_post_form(browser.follow(url).text)
    assert location(browser.submit(form)) == DONE
    sign_up = browser.client()["sign_up"]
    assert sign_up["status"] == "complete"
    assert sign_up["email_address"] == "jit.user@example-sso.com"


def test_idp_posts_only_to_the_connections_acs(browser: Browser) -> None:
    request = (
        f'<samlp:AuthnRequest xmlns:samlp="{idp.SAMLP}" xmlns:saml="{idp.SAML}" ID="_r1" '
        'Version="2.0" AssertionConsumerServiceURL="http://evil.test/collect">'
        f"<saml:Issuer>{BASE}/v1/saml/metadata/{CONNECTION}.xml</saml:Issuer>"
        "</samlp:AuthnRequest>"
    ).encode()
    page = browser.http.get(
        f"/__idp/saml/{CONNECTION}/sso",
        params={"SAMLRequest": idp.encode_redirect(request), "login_hint": USER},
    )
    assert page.status_code == 400
    assert "evil.test" not in page.text


def test_an_unknown_email_of_an_sso_domain_is_offered_enterprise_sso(browser: Browser) -> None:
    created = browser.post("/v1/client/sign_ins", identifier="first.day@example-sso.com")
    assert created.status_code == 200, created.text
    sign_in = created.json()["response"]
    assert sign_in["status"] == "needs_first_factor"
    strategies = [f["strategy"] for f in sign_in["supported_first_factors"]]
    assert strategies == ["enterprise_sso"]
    prepared = browser.post(
        f"/v1/client/sign_ins/{sign_in['id']}/prepare_first_factor",
        strategy="enterprise_sso",
        redirect_url=CALLBACK,
    )
    url = prepared.json()["response"]["first_factor_verification"][
        "external_verification_redirect_url"
    ]
    assert location(browser.submit(auto_post_form(browser.follow(url).text))) == CALLBACK
    assert browser.client()["sign_in"]["first_factor_verification"]["status"] == "transferable"
    # Other domains keep Clerk's answer for an unknown identifier.
    unknown = browser.post("/v1/client/sign_ins", identifier="nobody@example.com")
    assert unknown.json()["errors"][0]["code"] == "form_identifier_not_found"


def test_sign_up_prepare_verification_starts_enterprise_sso(browser: Browser) -> None:
    created = browser.post("/v1/client/sign_ups", email_address="later@example-sso.com")
    sign_up_id = created.json()["response"]["id"]
    prepared = browser.post(
        f"/v1/client/sign_ups/{sign_up_id}/prepare_verification",
        strategy="enterprise_sso",
        redirect_url=CALLBACK,
        action_complete_redirect_url=DONE,
    )
    assert prepared.status_code == 200, prepared.text
    url = prepared.json()["response"]["verifications"]["external_account"][
        "external_verification_redirect_url"
    ]
    assert location(browser.submit(auto_post_form(browser.follow(url).text))) == DONE
    assert browser.client()["sign_up"]["status"] == "complete"


def test_an_hmac_signature_keyed_with_the_public_certificate_is_refused(browser: Browser) -> None:
    """Key confusion: the IdP's certificate is public, so an HMAC over it proves nothing."""
    form = _flow(browser)
    doc = _doc(form)
    assertion = doc.find("saml:Assertion", NS)
    assertion.find("saml:Subject/saml:NameID", NS).text = VICTIM
    assertion.remove(assertion.find("ds:Signature", NS))
    assertion.insert(1, etree.Element(f"{{{idp.DS}}}Signature", Id="placeholder"))
    public = signing_key(idp.key_name(CONNECTION)).certificate_pem().encode()
    signer = XMLSigner(
        signature_algorithm="hmac-sha256",
        c14n_algorithm=CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0,
    )
    signed = signer.sign(etree.fromstring(etree.tostring(assertion)), key=public)
    doc.replace(assertion, signed)
    _refused(browser, _with(form, doc))


def test_processes_sharing_an_idp_key_file_trust_each_other(tmp_path: Any) -> None:
    """Two workers behind one store: the IdP of one signs, the SP of the other checks."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from starlette.testclient import TestClient

    from mock_server.app import build_app
    from mock_server.config import load_config
    from mock_server.store import MemoryStore

    pem = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    key_file = tmp_path / "idp.pem"
    key_file.write_bytes(pem)
    config = load_config(profile="test", oauth={"idp_signing_key_file": str(key_file)})
    store = MemoryStore()
    first = build_app(config, store, validate_responses=True)
    second = build_app(config, store, validate_responses=True)
    with (
        TestClient(first, base_url=BASE, follow_redirects=False) as one,
        TestClient(second, base_url=BASE, follow_redirects=False) as two,
    ):
        started = Browser(one).post(
            "/v1/client/sign_ins",
            strategy="saml",
            identifier=USER,
            redirect_url=CALLBACK,
        )
        url = started.json()["response"]["first_factor_verification"][
            "external_verification_redirect_url"
        ]
        form = auto_post_form(one.get(url).text)
        # The response the first process's IdP signed is accepted by the second's ACS.
        two.cookies = one.cookies
        assert location(two.post(form.action, data=form.fields)) == CALLBACK
        meta_one = one.get(f"/__idp/saml/{CONNECTION}/metadata").content
        assert meta_one == two.get(f"/__idp/saml/{CONNECTION}/metadata").content


def test_enterprise_sso_reverifies_a_session(browser: Browser, seed: Any, app: Any) -> None:
    seed(USER)
    assert location(browser.submit(_flow(browser))) == DONE
    [session] = browser.client()["sessions"]
    session_id = session["id"]
    app.state.mock.runtime.clock.advance(30 * 60)
    verify = f"/v1/client/sessions/{session_id}/verify"
    started = browser.post(verify, level="first_factor").json()["response"]
    offered = [f["strategy"] for f in started["supported_first_factors"]]
    assert "enterprise_sso" in offered
    prepared = browser.post(
        f"{verify}/prepare_first_factor",
        strategy="enterprise_sso",
        redirect_url=CALLBACK,
        action_complete_redirect_url=DONE,
    )
    assert prepared.status_code == 200, prepared.text
    verification = prepared.json()["response"]["first_factor_verification"]
    assert (verification["strategy"], verification["status"]) == ("enterprise_sso", "unverified")
    form = auto_post_form(browser.follow(verification["external_verification_redirect_url"]).text)
    assert location(browser.submit(form)) == DONE
    [session] = browser.client()["sessions"]
    assert session["factor_verification_age"][0] == 0
