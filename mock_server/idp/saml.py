"""The mock SAML 2.0 identity provider: one per enterprise connection.

``/__idp/saml/<connection>/metadata`` publishes its entity id, SSO endpoint and signing
certificate; ``/__idp/saml/<connection>/sso`` takes an AuthnRequest (HTTP-Redirect
binding: deflated, base64) and answers an auto-posting HTML form that carries a
``SAMLResponse`` to the request's ACS URL with its ``RelayState`` (HTTP-POST binding).
The assertion is signed with signxml (RSA-SHA256, exclusive c14n, enveloped, the
reference pointing at the assertion's ID), with a loaded key object: signxml parses PEM
text on every call otherwise, which costs ~40x the signature itself.

Which account: the AuthnRequest's ``<Subject><NameID>`` (the SP knows the email the
user typed) or a ``login_hint``; without either, a page to type one.
"""

from __future__ import annotations

import base64
import datetime as dt
import zlib
from collections.abc import Mapping
from html import escape

from lxml import etree
from signxml.algorithms import CanonicalizationMethod
from signxml.signer import XMLSigner

from mock_server.config import Config, EnterpriseConnectionSettings
from mock_server.domain import identifiers
from mock_server.idp.keys import signing_key
from mock_server.idp.oauth import IdpReply
from mock_server.runtime import Runtime

SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
MD = "urn:oasis:names:tc:SAML:2.0:metadata"
DS = "http://www.w3.org/2000/09/xmldsig#"
NAMEID_EMAIL = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
BEARER = "urn:oasis:names:tc:SAML:2.0:cm:bearer"
SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success"
POST_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
REDIRECT_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"

# A parser that never fetches, never expands entities: SAML input is attacker-controlled.
PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, remove_comments=False, huge_tree=False
)


def key_name(connection_id: str) -> str:
    return f"saml:{connection_id}"


def entity_id(root: str, connection_id: str) -> str:
    return f"{root}/__idp/saml/{connection_id}/metadata"


def sso_url(root: str, connection_id: str) -> str:
    return f"{root}/__idp/saml/{connection_id}/sso"


def connection(config: Config, connection_id: str) -> EnterpriseConnectionSettings | None:
    return next((c for c in config.enterprise_sso.connections if c.id == connection_id), None)


def instant(epoch_ms: int) -> str:
    """SAML's xs:dateTime in UTC with a Z."""
    moment = dt.datetime.fromtimestamp(epoch_ms / 1000, dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _q(ns: str, tag: str) -> str:
    return f"{{{ns}}}{tag}"


def metadata(root: str, connection_id: str, key_file: str | None = None) -> bytes:
    key = signing_key(key_name(connection_id), key_file)
    ed = etree.Element(_q(MD, "EntityDescriptor"), nsmap={"md": MD, "ds": DS})
    ed.set("entityID", entity_id(root, connection_id))
    idp = etree.SubElement(ed, _q(MD, "IDPSSODescriptor"))
    idp.set("protocolSupportEnumeration", SAMLP)
    idp.set("WantAuthnRequestsSigned", "false")
    kd = etree.SubElement(idp, _q(MD, "KeyDescriptor"), use="signing")
    ki = etree.SubElement(kd, _q(DS, "KeyInfo"))
    x509 = etree.SubElement(etree.SubElement(ki, _q(DS, "X509Data")), _q(DS, "X509Certificate"))
    x509.text = key.certificate_b64()
    etree.SubElement(idp, _q(MD, "NameIDFormat")).text = NAMEID_EMAIL
    etree.SubElement(
        idp,
        _q(MD, "SingleSignOnService"),
        Binding=REDIRECT_BINDING,
        Location=sso_url(root, connection_id),
    )
    return bytes(etree.tostring(ed, xml_declaration=True, encoding="UTF-8"))


def decode_redirect(value: str) -> etree._Element:
    """HTTP-Redirect binding: base64, then raw DEFLATE (or plain XML for hand calls)."""
    raw = base64.b64decode(value, validate=False)
    try:
        xml = zlib.decompress(raw, -15)
    except zlib.error:
        xml = raw
    return etree.fromstring(xml, PARSER)


def encode_redirect(xml: bytes) -> str:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return base64.b64encode(compressor.compress(xml) + compressor.flush()).decode()


def _request_fields(request: etree._Element) -> dict[str, str | None]:
    issuer = request.find(_q(SAML, "Issuer"))
    name_id = request.find(f"{_q(SAML, 'Subject')}/{_q(SAML, 'NameID')}")
    return {
        "id": request.get("ID"),
        "acs_url": request.get("AssertionConsumerServiceURL"),
        "issuer": issuer.text if issuer is not None else None,
        "subject": name_id.text if name_id is not None else None,
    }


def build_response(
    rt: Runtime,
    *,
    idp_entity_id: str,
    acs_url: str,
    audience: str,
    in_response_to: str | None,
    email: str,
    first_name: str | None,
    last_name: str | None,
    ttl_seconds: int,
) -> etree._Element:
    """An unsigned ``samlp:Response`` holding one assertion about ``email``."""
    now = rt.now()
    until = instant(now + ttl_seconds * 1000)
    response_id = "_" + rt.rng.token(16)
    assertion_id = "_" + rt.rng.token(16)
    nsmap = {"samlp": SAMLP, "saml": SAML}
    resp = etree.Element(_q(SAMLP, "Response"), nsmap=nsmap)
    resp.set("ID", response_id)
    resp.set("Version", "2.0")
    resp.set("IssueInstant", instant(now))
    resp.set("Destination", acs_url)
    if in_response_to:
        resp.set("InResponseTo", in_response_to)
    etree.SubElement(resp, _q(SAML, "Issuer")).text = idp_entity_id
    status = etree.SubElement(resp, _q(SAMLP, "Status"))
    etree.SubElement(status, _q(SAMLP, "StatusCode"), Value=SUCCESS)
    a = etree.SubElement(resp, _q(SAML, "Assertion"))
    a.set("ID", assertion_id)
    a.set("Version", "2.0")
    a.set("IssueInstant", instant(now))
    etree.SubElement(a, _q(SAML, "Issuer")).text = idp_entity_id
    # Where signxml puts the enveloped signature: right after Issuer, as the schema wants.
    etree.SubElement(a, _q(DS, "Signature"), nsmap={"ds": DS}, Id="placeholder")
    subject = etree.SubElement(a, _q(SAML, "Subject"))
    name_id = etree.SubElement(subject, _q(SAML, "NameID"), Format=NAMEID_EMAIL)
    name_id.text = email
    confirmation = etree.SubElement(subject, _q(SAML, "SubjectConfirmation"), Method=BEARER)
    data = etree.SubElement(confirmation, _q(SAML, "SubjectConfirmationData"))
    data.set("NotOnOrAfter", until)
    data.set("Recipient", acs_url)
    if in_response_to:
        data.set("InResponseTo", in_response_to)
    conditions = etree.SubElement(a, _q(SAML, "Conditions"))
    conditions.set("NotBefore", instant(now - 5_000))
    conditions.set("NotOnOrAfter", until)
    restriction = etree.SubElement(conditions, _q(SAML, "AudienceRestriction"))
    etree.SubElement(restriction, _q(SAML, "Audience")).text = audience
    statement = etree.SubElement(a, _q(SAML, "AuthnStatement"))
    statement.set("AuthnInstant", instant(now))
    statement.set("SessionIndex", assertion_id)
    ctx = etree.SubElement(statement, _q(SAML, "AuthnContext"))
    etree.SubElement(
        ctx, _q(SAML, "AuthnContextClassRef")
    ).text = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
    attrs = etree.SubElement(a, _q(SAML, "AttributeStatement"))
    for name, value in (("email", email), ("firstName", first_name), ("lastName", last_name)):
        if value:
            attr = etree.SubElement(attrs, _q(SAML, "Attribute"), Name=name)
            etree.SubElement(attr, _q(SAML, "AttributeValue")).text = value
    return resp


_SIGNER = XMLSigner(c14n_algorithm=CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0)


def sign_assertion(
    response: etree._Element, connection_id: str, key_file: str | None = None
) -> etree._Element:
    """Sign the response's assertion in place (enveloped, reference ``#<assertion ID>``)."""
    key = signing_key(key_name(connection_id), key_file)
    assertion = response.find(_q(SAML, "Assertion"))
    assert assertion is not None
    index = list(response).index(assertion)
    detached = etree.fromstring(etree.tostring(assertion), PARSER)
    signed = _SIGNER.sign(detached, key=key.private_key, cert=[key.certificate])
    response.remove(assertion)
    response.insert(index, signed)
    return response


def post_form(acs_url: str, saml_response: str, relay_state: str | None) -> str:
    relay = (
        f"<input type='hidden' name='RelayState' value='{escape(relay_state)}'>"
        if relay_state
        else ""
    )
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>Signing in</title></head>"
        "<body onload='document.forms[0].submit()'>"
        f"<form method='post' action='{escape(acs_url)}'>"
        f"<input type='hidden' name='SAMLResponse' value='{escape(saml_response)}'>{relay}"
        "<noscript><button>Continue</button></noscript></form></body></html>"
    )


def sso(rt: Runtime, connection_id: str, q: Mapping[str, str], root: str) -> IdpReply:
    """The SSO endpoint: AuthnRequest in, auto-posting signed response out."""
    conn = connection(rt.config, connection_id)
    if conn is None or conn.idp_certificate_pem is not None:
        return _page("Unknown connection", "<p>This IdP has no such connection.</p>", 404)
    encoded = q.get("SAMLRequest")
    if not encoded:
        return _page("Bad request", "<p>SAMLRequest is missing.</p>", 400)
    try:
        fields = _request_fields(decode_redirect(encoded))
    except (ValueError, etree.XMLSyntaxError):
        return _page("Bad request", "<p>SAMLRequest cannot be read.</p>", 400)
    acs_url = fields["acs_url"]
    if not acs_url or not fields["issuer"]:
        return _page("Bad request", "<p>The AuthnRequest lacks an ACS URL or issuer.</p>", 400)
    if not acs_url.endswith(f"/v1/saml/acs/{connection_id}"):
        # The IdP posts assertions only to its service provider's ACS, never elsewhere.
        return _page("Bad request", "<p>The ACS URL is not this connection's.</p>", 400)
    email = (q.get("login_hint") or fields["subject"] or "").strip().lower()
    if not email or not identifiers.is_email(email):
        return _login_page(conn, q, email)
    local = email.split("@", 1)[0]
    response = build_response(
        rt,
        idp_entity_id=entity_id(root, connection_id),
        acs_url=acs_url,
        audience=fields["issuer"] or "",
        in_response_to=fields["id"],
        email=email,
        first_name=local.split(".")[0].title(),
        last_name=local.split(".")[1].title() if "." in local else None,
        ttl_seconds=rt.config.enterprise_sso.assertion_ttl_seconds,
    )
    signed = sign_assertion(response, connection_id, rt.config.oauth.idp_signing_key_file)
    payload = base64.b64encode(etree.tostring(signed)).decode()
    return IdpReply(200, post_form(acs_url, payload, q.get("RelayState")), html=True)


def _page(title: str, body: str, status: int) -> IdpReply:
    html = (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>{escape(title)}</title></head><body><h1>{escape(title)}</h1>{body}</body></html>"
    )
    return IdpReply(status, html, html=True)


def _login_page(conn: EnterpriseConnectionSettings, q: Mapping[str, str], typed: str) -> IdpReply:
    hidden = "".join(
        f"<input type='hidden' name='{escape(k)}' value='{escape(v)}'>"
        for k, v in q.items()
        if k != "login_hint"
    )
    problem = f"<p role='alert'>{escape(typed)} is not an email address.</p>" if typed else ""
    body = (
        f"{problem}<p>Sign in to {escape(conn.name)} ({escape(', '.join(conn.domains))}).</p>"
        f"<form method='get'>{hidden}<label>Email <input name='login_hint' type='email'></label>"
        "<button>Sign in</button></form>"
    )
    return _page(f"{conn.name} single sign-on (mock)", body, 200)
