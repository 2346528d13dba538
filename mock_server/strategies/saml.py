"""``saml`` and ``enterprise_sso``: the service-provider side of SAML 2.0 SSO.

The email's domain picks the connection. Starting the flow issues an AuthnRequest (its
ID is remembered with a single-use RelayState) and points
``external_verification_redirect_url`` at the connection's IdP. The IdP posts a
``SAMLResponse`` to ``/v1/saml/acs/<connection>``, where it is accepted only if all of
these hold (any failure is 401 ``saml_response_invalid`` naming the reason):

- the document has the one shape a signed SAML response may have: a ``Response`` with
  exactly one ``Assertion``, its direct child, and signatures only as direct children
  of those two. Wrapped copies (XSW: an assertion inside ``Signature``, ``Object``,
  ``Extensions``, another assertion, or beside the signed one) never get further;
- every signature present verifies against the connection's configured IdP
  certificate (never a certificate the document carries), with exactly one reference,
  to the element that holds it; at least one covers the assertion;
- everything read after that is read from the XML that ``XMLVerifier.verify`` returns
  (the signed bytes re-parsed), never from the posted tree: issuer, audience, bearer
  confirmation (recipient = this ACS URL, ``InResponseTo`` = the request's ID,
  ``NotOnOrAfter``), ``Conditions`` time bounds on the mock clock with the configured
  skew, and the assertion ID, which is remembered until it expires so a replay fails.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from cryptography import x509
from lxml import etree
from signxml.algorithms import DigestAlgorithm, SignatureMethod
from signxml.exceptions import InvalidCertificate, InvalidDigest, InvalidInput, InvalidSignature
from signxml.verifier import SignatureConfiguration, XMLVerifier

from mock_server.config import Config, EnterpriseConnectionSettings
from mock_server.domain import grants, sso_accounts
from mock_server.domain.models import Grant, SignIn, SignUp, Verification
from mock_server.errors import FapiError
from mock_server.idp import saml as idp
from mock_server.idp.keys import signing_key
from mock_server.runtime import Runtime
from mock_server.store.base import Tx
from mock_server.strategies.oauth import check_redirect_url, root_of
from mock_server.wire.request import Params

RELAY = "saml_relay"
SEEN = "saml_assertion"
STRATEGIES = frozenset({"saml", "enterprise_sso"})

_RESPONSE = f"{{{idp.SAMLP}}}Response"
_ASSERTION = f"{{{idp.SAML}}}Assertion"
_SIGNATURE = f"{{{idp.DS}}}Signature"


def connection_for_email(config: Config, email: str | None) -> EnterpriseConnectionSettings | None:
    if not email or "@" not in email:
        return None
    domain = email.rsplit("@", 1)[1].strip().lower()
    return next(
        (c for c in config.enterprise_sso.connections if c.active and domain in c.domains), None
    )


def sp_base(config: Config, base_url: str) -> str:
    return (config.enterprise_sso.sp_base_url or base_url).rstrip("/")


def sp_entity_id(base: str, connection_id: str) -> str:
    return f"{base}/v1/saml/metadata/{connection_id}.xml"


def acs_url(base: str, connection_id: str) -> str:
    return f"{base}/v1/saml/acs/{connection_id}"


def idp_entity_id(conn: EnterpriseConnectionSettings, root: str) -> str:
    return conn.idp_entity_id or idp.entity_id(root, conn.id)


def idp_certificate(config: Config, conn: EnterpriseConnectionSettings) -> x509.Certificate:
    if conn.idp_certificate_pem:
        return x509.load_pem_x509_certificate(conn.idp_certificate_pem.encode())
    return signing_key(idp.key_name(conn.id), config.oauth.idp_signing_key_file).certificate


def _missing_connection(strategy: str) -> FapiError:
    if strategy == "enterprise_sso":
        return FapiError.of("enterprise_sso_sign_in_connection_missing", param="identifier")
    return FapiError.of("saml_connection_not_found", param="identifier")


def start(
    rt: Runtime,
    tx: Tx,
    owner: str,
    client_id: str,
    strategy: str,
    email: str | None,
    params: Params,
    base_url: str,
) -> Verification:
    """An AuthnRequest for the connection of ``email``; the URL that sends it."""
    conn = connection_for_email(rt.config, email)
    wanted = params.get("enterprise_connection_id")
    if conn is None or (wanted is not None and wanted != conn.id):
        raise _missing_connection(strategy)
    redirect_url = check_redirect_url(params.get("redirect_url"))
    action_complete = params.get("action_complete_redirect_url")
    if action_complete is not None:
        check_redirect_url(action_complete, "action_complete_redirect_url")
    grants.sweep(rt, tx)
    base = sp_base(rt.config, base_url)
    root = root_of(rt.config, base_url)
    sso_url = conn.idp_sso_url or idp.sso_url(root, conn.id)
    request_id = "_" + rt.rng.token(16)
    relay = rt.rng.token()
    now = rt.now()
    expire_at = now + rt.config.oauth.verification_ttl_seconds * 1000
    request = etree.Element(
        f"{{{idp.SAMLP}}}AuthnRequest", nsmap={"samlp": idp.SAMLP, "saml": idp.SAML}
    )
    request.set("ID", request_id)
    request.set("Version", "2.0")
    request.set("IssueInstant", idp.instant(now))
    request.set("Destination", sso_url)
    request.set("AssertionConsumerServiceURL", acs_url(base, conn.id))
    request.set("ProtocolBinding", idp.POST_BINDING)
    etree.SubElement(request, f"{{{idp.SAML}}}Issuer").text = sp_entity_id(base, conn.id)
    if email:
        subject = etree.SubElement(request, f"{{{idp.SAML}}}Subject")
        etree.SubElement(subject, f"{{{idp.SAML}}}NameID", Format=idp.NAMEID_EMAIL).text = email
    tx.put(
        Grant(
            id=f"{RELAY}:{relay}",
            kind=RELAY,
            expire_at=expire_at,
            data={
                "owner": owner,
                "client_id": client_id,
                "strategy": strategy,
                "connection_id": conn.id,
                "request_id": request_id,
                "email": email,
                "sp_base": base,
                "root": root,
                "redirect_url": redirect_url,
                "action_complete_redirect_url": action_complete,
            },
        )
    )
    query = urlencode(
        {"SAMLRequest": idp.encode_redirect(etree.tostring(request)), "RelayState": relay}
    )
    return Verification(
        status="unverified",
        strategy=strategy,
        attempts=0,
        expire_at=expire_at,
        redirect_url=redirect_url,
        external_verification_redirect_url=f"{sso_url}?{query}",
    )


def _invalid(reason: str) -> FapiError:
    return FapiError.of("saml_response_invalid", reason=reason)


def _time(value: str | None, what: str) -> int:
    if not value:
        raise _invalid(f"{what} is missing.")
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise _invalid(f"{what} is not a valid time.") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return int(moment.timestamp() * 1000)


# Public-key signatures only: an HMAC "signature" keyed with the public certificate
# (key confusion) or SHA-1 is refused before any digest is compared.
_METHODS = frozenset(
    {
        SignatureMethod.RSA_SHA256,
        SignatureMethod.RSA_SHA384,
        SignatureMethod.RSA_SHA512,
        SignatureMethod.ECDSA_SHA256,
        SignatureMethod.ECDSA_SHA384,
        SignatureMethod.ECDSA_SHA512,
    }
)
_DIGESTS = frozenset({DigestAlgorithm.SHA256, DigestAlgorithm.SHA384, DigestAlgorithm.SHA512})


def _verify_one(raw: bytes, cert: x509.Certificate, location: str) -> etree._Element:
    config = SignatureConfiguration(
        expect_references=1,
        location=location,
        signature_methods=_METHODS,
        digest_algorithms=_DIGESTS,
    )
    try:
        result = XMLVerifier().verify(raw, x509_cert=cert, expect_config=config)
    except (InvalidSignature, InvalidDigest, InvalidCertificate) as exc:
        raise _invalid(f"The signature does not verify ({type(exc).__name__}).") from exc
    except (InvalidInput, etree.XMLSyntaxError, ValueError) as exc:
        raise _invalid("The signature cannot be processed.") from exc
    if isinstance(result, list) or result.signed_xml is None:
        raise _invalid("The signed content is not one XML element.")
    return result.signed_xml


def signed_assertion(raw: bytes, cert: x509.Certificate) -> tuple[etree._Element, etree._Element]:
    """The posted document and its assertion *as signed*; refuses every other shape."""
    try:
        doc = etree.fromstring(raw, idp.PARSER)
    except etree.XMLSyntaxError as exc:
        raise _invalid("The response is not XML.") from exc
    if doc.tag != _RESPONSE:
        raise _invalid("The document is not a SAML Response.")
    assertions = list(doc.iter(_ASSERTION))
    if len(assertions) != 1 or assertions[0].getparent() is not doc:
        raise _invalid("Expected exactly one Assertion, directly inside the Response.")
    assertion = assertions[0]
    signatures = list(doc.iter(_SIGNATURE))
    if any(s.getparent() not in (doc, assertion) for s in signatures) or len(signatures) > 2:
        raise _invalid("A Signature is in a place a SAML response does not have one.")
    on_response = [s for s in signatures if s.getparent() is doc]
    on_assertion = [s for s in signatures if s.getparent() is assertion]
    if len(on_response) > 1 or len(on_assertion) > 1:
        raise _invalid("More than one Signature on one element.")
    if not signatures:
        raise _invalid("The response is not signed.")
    trusted: etree._Element | None = None
    if on_assertion:
        signed = _verify_one(raw, cert, f"./{_ASSERTION}/")
        if signed.tag != _ASSERTION or signed.get("ID") != assertion.get("ID"):
            raise _invalid("The assertion signature does not cover the assertion.")
        trusted = signed
    if on_response:
        signed = _verify_one(raw, cert, "./")
        if signed.tag != _RESPONSE or signed.get("ID") != doc.get("ID"):
            raise _invalid("The response signature does not cover the response.")
        inner = signed.findall(_ASSERTION)
        if len(inner) != 1:
            raise _invalid("The signed response holds no single assertion.")
        trusted = trusted if trusted is not None else inner[0]
    assert trusted is not None
    return doc, trusted


def _text(el: etree._Element, path: str) -> str | None:
    found = el.find(path, namespaces={"saml": idp.SAML, "samlp": idp.SAMLP})
    return found.text.strip() if found is not None and found.text else None


def check_assertion(
    rt: Runtime,
    tx: Tx,
    doc: etree._Element,
    assertion: etree._Element,
    *,
    issuer: str,
    audience: str,
    recipient: str,
    request_id: str,
    connection_id: str,
) -> dict[str, Any]:
    """Every condition of the signed assertion; its subject and attributes."""
    now = rt.now()
    skew = rt.config.enterprise_sso.clock_skew_seconds * 1000
    status = doc.find("samlp:Status/samlp:StatusCode", namespaces={"samlp": idp.SAMLP})
    if status is None or status.get("Value") != idp.SUCCESS:
        raise _invalid("The IdP did not report success.")
    destination = doc.get("Destination")
    if destination is not None and destination != recipient:
        raise _invalid("The response Destination is not this ACS URL.")
    if doc.get("InResponseTo") not in (None, request_id):
        raise _invalid("The response answers another request.")
    response_issuer = _text(doc, "saml:Issuer")
    if response_issuer is not None and response_issuer != issuer:
        raise _invalid("The response Issuer is not the connection's IdP.")
    if _text(assertion, "saml:Issuer") != issuer:
        raise _invalid("The assertion Issuer is not the connection's IdP.")
    audiences = [
        a.text
        for a in assertion.iterfind(
            "saml:Conditions/saml:AudienceRestriction/saml:Audience", {"saml": idp.SAML}
        )
    ]
    if audience not in audiences:
        raise _invalid("The assertion is not meant for this service provider (Audience).")
    conditions = assertion.find("saml:Conditions", {"saml": idp.SAML})
    assert conditions is not None
    if conditions.get("NotBefore") and now + skew < _time(conditions.get("NotBefore"), "NotBefore"):
        raise _invalid("The assertion is not valid yet (NotBefore).")
    not_after = _time(conditions.get("NotOnOrAfter"), "NotOnOrAfter")
    if now - skew >= not_after:
        raise _invalid("The assertion has expired (NotOnOrAfter).")
    confirmations = [
        c
        for c in assertion.iterfind("saml:Subject/saml:SubjectConfirmation", {"saml": idp.SAML})
        if c.get("Method") == idp.BEARER
    ]
    data = (
        confirmations[0].find("saml:SubjectConfirmationData", {"saml": idp.SAML})
        if confirmations
        else None
    )
    if data is None:
        raise _invalid("The assertion has no bearer subject confirmation.")
    if data.get("Recipient") != recipient:
        raise _invalid("The assertion Recipient is not this ACS URL.")
    if data.get("InResponseTo") != request_id:
        raise _invalid("The assertion answers another request (InResponseTo).")
    if now - skew >= _time(data.get("NotOnOrAfter"), "SubjectConfirmationData NotOnOrAfter"):
        raise _invalid("The subject confirmation has expired.")
    assertion_id = assertion.get("ID")
    if not assertion_id:
        raise _invalid("The assertion has no ID.")
    seen_key = f"{SEEN}:{connection_id}:{assertion_id}"
    if tx.get(Grant, seen_key) is not None:
        raise _invalid("This assertion was already used (replay).")
    tx.put(Grant(id=seen_key, kind=SEEN, expire_at=not_after + skew, used=True))
    name_id = _text(assertion, "saml:Subject/saml:NameID")
    attrs: dict[str, str] = {}
    for attr in assertion.iterfind("saml:AttributeStatement/saml:Attribute", {"saml": idp.SAML}):
        value = attr.find("saml:AttributeValue", {"saml": idp.SAML})
        if value is not None and value.text and attr.get("Name"):
            attrs[str(attr.get("Name"))] = value.text.strip()
    email = (attrs.get("email") or name_id or "").strip().lower()
    if not name_id:
        raise FapiError.of("saml_user_attribute_missing", attribute="NameID")
    if not email:
        raise FapiError.of("saml_user_attribute_missing", attribute="email")
    return {
        "provider_user_id": name_id,
        "email": email,
        "first_name": attrs.get("firstName"),
        "last_name": attrs.get("lastName"),
    }


def acs(rt: Runtime, tx: Tx, connection_id: str, form: Mapping[str, str]) -> str:
    """``POST /v1/saml/acs/<connection>``: the redirect target once the response holds."""
    conn = idp.connection(rt.config, connection_id)
    if conn is None or not conn.active:
        raise FapiError.of("saml_connection_active_not_found", connection_id=connection_id)
    encoded = form.get("SAMLResponse")
    if not encoded:
        raise _invalid("SAMLResponse is missing.")
    relay = form.get("RelayState")
    if not relay:
        raise FapiError.of("saml_response_relaystate_missing")
    grant = tx.get(Grant, f"{RELAY}:{relay}")
    if (
        grant is None
        or grant.kind != RELAY
        or grant.used
        or rt.now() >= grant.expire_at
        or grant.data.get("connection_id") != conn.id
    ):
        raise _invalid("The RelayState is unknown, expired or already used.")
    try:
        raw = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise _invalid("SAMLResponse is not base64.") from exc
    data = grant.data
    doc, assertion = signed_assertion(raw, idp_certificate(rt.config, conn))
    subject = check_assertion(
        rt,
        tx,
        doc,
        assertion,
        issuer=idp_entity_id(conn, str(data["root"])),
        audience=sp_entity_id(str(data["sp_base"]), conn.id),
        recipient=acs_url(str(data["sp_base"]), conn.id),
        request_id=str(data["request_id"]),
        connection_id=conn.id,
    )
    email = subject["email"]
    if email.rsplit("@", 1)[-1] not in conn.domains:
        raise FapiError.of("saml_email_address_domain_mismatch")
    expected = data.get("email")
    if expected and str(expected).lower() != email:
        raise FapiError.of("saml_email_address_domain_mismatch")
    grant.used = True
    tx.put(grant)
    kind, _, owner_id = str(data["owner"]).partition(":")
    who = {"kind": "saml", "strategy": data["strategy"], "provider": conn.id, **subject}
    if kind == "session":
        from mock_server.domain import sso_reverification

        done = sso_reverification.conclude(rt, tx, owner_id, who)
    elif kind == "sign_in":
        si = tx.get(SignIn, owner_id)
        if si is None or si.first_factor_verification is None:
            raise _invalid("The sign-in of this response is gone.")
        sso_accounts.conclude_sign_in(rt, tx, si, who)
        done = si.status == "complete"
    else:
        su = tx.get(SignUp, owner_id)
        if su is None or su.external_account_verification is None:
            raise _invalid("The sign-up of this response is gone.")
        done = sso_accounts.conclude_sign_up(rt, tx, su, who)
    complete = data.get("action_complete_redirect_url")
    return str(complete) if done and complete else str(data["redirect_url"])


def sp_metadata(config: Config, connection_id: str, base_url: str) -> bytes:
    conn = idp.connection(config, connection_id)
    if conn is None:
        raise FapiError.of("saml_connection_active_not_found", connection_id=connection_id)
    base = sp_base(config, base_url)
    md = idp.MD
    ed = etree.Element(f"{{{md}}}EntityDescriptor", nsmap={"md": md})
    ed.set("entityID", sp_entity_id(base, conn.id))
    sp = etree.SubElement(ed, f"{{{md}}}SPSSODescriptor")
    sp.set("AuthnRequestsSigned", "false")
    sp.set("WantAssertionsSigned", "true")
    sp.set("protocolSupportEnumeration", idp.SAMLP)
    etree.SubElement(sp, f"{{{md}}}NameIDFormat").text = idp.NAMEID_EMAIL
    etree.SubElement(
        sp,
        f"{{{md}}}AssertionConsumerService",
        Binding=idp.POST_BINDING,
        Location=acs_url(base, conn.id),
        index="0",
        isDefault="true",
    )
    return bytes(etree.tostring(ed, xml_declaration=True, encoding="UTF-8"))
