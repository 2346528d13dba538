"""The mock OAuth 2.0 / OpenID Connect provider behind every ``oauth_<provider>``.

One issuer per configured provider, ``<root>/__idp/oauth/<provider>``, with the endpoints
a relying party uses: discovery, ``authorize`` (authorization code flow, PKCE S256
required), ``token``, ``userinfo`` and ``jwks``. It keeps the rules of RFC 6749 and RFC
7636 that a relying party can get wrong: the redirect URI must match a registered one
exactly (and an unregistered one is never redirected to), ``code`` is single use and
bound to its client, redirect URI and PKCE challenge, and a reused code revokes the
access token it produced. ID tokens are RS256 JWTs signed with the provider's key,
published in its JWKS.

Which account signs in: ``login_hint`` names it (no page, for tests and scripted
runs); without a hint a small page lists the mock's users and takes any typed email.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass, field
from html import escape
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import jwt

from mock_server.config import Config, OAuthProviderSettings
from mock_server.domain import identifiers
from mock_server.domain.models import Grant, User
from mock_server.idp.keys import signing_key
from mock_server.runtime import Runtime
from mock_server.store.base import Tx

CODE = "idp_code"
ACCESS_TOKEN = "idp_access_token"
CALLBACK_PATH = "/v1/oauth_callback"


@dataclass
class IdpReply:
    """What an IdP endpoint answers: JSON, an HTML page, or a redirect."""

    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    html: bool = False


def pkce_s256(verifier: str) -> str:
    """RFC 7636 §4.2: BASE64URL(SHA256(ASCII(code_verifier))), unpadded."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def issuer(root: str, provider: str) -> str:
    return f"{root}/__idp/oauth/{provider}"


def key_name(provider: str) -> str:
    return f"oauth:{provider}"


def settings(config: Config, provider: str) -> OAuthProviderSettings | None:
    return config.oauth.providers.get(provider)


def redirect_uris(config: Config, root: str) -> set[str]:
    """The callbacks registered with the provider: the mock's own, at the root and
    under the proxy path, plus any configured extras."""
    proxy = config.server.proxy_path.rstrip("/")
    uris = {root + CALLBACK_PATH, *config.oauth.extra_redirect_uris}
    if proxy:
        uris.add(root + proxy + CALLBACK_PATH)
    return uris


def discovery(root: str, provider: str) -> dict[str, Any]:
    base = issuer(root, provider)
    return {
        "issuer": base,
        "authorization_endpoint": f"{base}/authorize",
        "token_endpoint": f"{base}/token",
        "userinfo_endpoint": f"{base}/userinfo",
        "jwks_uri": f"{base}/jwks",
        "response_types_supported": ["code"],
        "grant_types_supported": ["authorization_code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
        "scopes_supported": ["openid", "email", "profile"],
        "claims_supported": ["sub", "email", "email_verified", "name", "given_name"],
    }


def jwks(provider: str, key_file: str | None = None) -> dict[str, Any]:
    return {"keys": [signing_key(key_name(provider), key_file).jwk()]}


def subject(provider: str, email: str) -> str:
    """A stable, opaque provider user id for an email (as Google's numeric ``sub``)."""
    digest = hashlib.sha256(f"{provider}:{email}".encode()).digest()
    return str(int.from_bytes(digest[:9], "big"))


def profile(tx: Tx, provider: str, email: str) -> dict[str, Any]:
    """What the provider knows of an account: the mock user's names when it has one."""
    email = identifiers.normalize_email(email)
    user = _user_by_email(tx, email)
    local = email.split("@", 1)[0].split("+", 1)[0]
    first = (user.first_name if user else None) or local.replace(".", " ").title()
    last = (user.last_name if user else None) or ""
    return {
        "sub": subject(provider, email),
        "email": email,
        "email_verified": True,
        "given_name": first,
        "family_name": last,
        "name": f"{first} {last}".strip(),
    }


def _user_by_email(tx: Tx, email: str) -> User | None:
    from mock_server.domain import users

    return users.find_by_identifier(tx, email)


def _with_query(url: str, params: Mapping[str, str]) -> str:
    parts = urlsplit(url)
    query = "&".join(q for q in (parts.query, urlencode(dict(params))) if q)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def _page(title: str, body_html: str, status: int = 200) -> IdpReply:
    page = (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>{escape(title)}</title></head><body><h1>{escape(title)}</h1>"
        f"{body_html}</body></html>"
    )
    return IdpReply(status, page, html=True)


def _back(redirect_uri: str, state: str | None, **params: str) -> IdpReply:
    if state is not None:
        params["state"] = state
    return IdpReply(303, headers={"Location": _with_query(redirect_uri, params)})


def authorize(rt: Runtime, tx: Tx, provider: str, q: Mapping[str, str], root: str) -> IdpReply:
    """The authorization endpoint (RFC 6749 §4.1.1, RFC 7636 §4.3)."""
    cfg = settings(rt.config, provider)
    if cfg is None:
        return _page("Unknown provider", f"<p>No provider {escape(provider)}.</p>", 404)
    redirect_uri = q.get("redirect_uri") or ""
    if q.get("client_id") != cfg.client_id:
        return _page("Unknown client", "<p>The client_id is not registered.</p>", 400)
    if redirect_uri not in redirect_uris(rt.config, root):
        # Never redirect to an unregistered URI (RFC 6749 §4.1.2.1).
        return _page("Invalid redirect_uri", "<p>The redirect_uri is not registered.</p>", 400)
    state = q.get("state")
    if q.get("response_type") != "code":
        return _back(redirect_uri, state, error="unsupported_response_type")
    challenge = q.get("code_challenge") or ""
    if not challenge or q.get("code_challenge_method") != "S256":
        return _back(
            redirect_uri, state, error="invalid_request", error_description="PKCE S256 required"
        )
    if q.get("deny"):
        return _back(redirect_uri, state, error="access_denied")
    hint = (q.get("login_hint") or "").strip()
    if not hint:
        if q.get("prompt") == "none":
            return _back(redirect_uri, state, error="login_required")
        return _account_page(tx, provider, cfg, q)
    if not identifiers.is_email(hint):
        return _account_page(tx, provider, cfg, q, problem=f"{hint} is not an email address.")
    code = rt.rng.token()
    tx.put(
        Grant(
            id=f"{CODE}:{code}",
            kind=CODE,
            expire_at=rt.now() + rt.config.oauth.code_ttl_seconds * 1000,
            data={
                "provider": provider,
                "client_id": cfg.client_id,
                "redirect_uri": redirect_uri,
                "code_challenge": challenge,
                "nonce": q.get("nonce"),
                "scope": q.get("scope") or cfg.scopes,
                "profile": profile(tx, provider, hint),
            },
        )
    )
    return _back(redirect_uri, state, code=code)


def _account_page(
    tx: Tx,
    provider: str,
    cfg: OAuthProviderSettings,
    q: Mapping[str, str],
    problem: str | None = None,
) -> IdpReply:
    keep = {k: v for k, v in q.items() if k not in {"login_hint", "deny"}}
    hidden = "".join(
        f"<input type='hidden' name='{escape(k)}' value='{escape(v)}'>" for k, v in keep.items()
    )
    emails = sorted(
        e.email_address for u in tx.scan(User) for e in u.email_addresses if e.verification
    )
    buttons = "".join(
        f"<li><form method='get'>{hidden}<button name='login_hint' value='{escape(e)}'>"
        f"{escape(e)}</button></form></li>"
        for e in emails
    )
    body = (
        (f"<p role='alert'>{escape(problem)}</p>" if problem else "")
        + f"<p>Choose an account to continue to the app with {escape(cfg.name)}.</p>"
        + f"<ul>{buttons}</ul>"
        + f"<form method='get'>{hidden}<label>Email <input name='login_hint' type='email'>"
        + "</label><button>Continue</button></form>"
        + f"<form method='get'>{hidden}<button name='deny' value='1'>Cancel</button></form>"
    )
    return _page(f"Sign in with {cfg.name} (mock)", body)


def _client_credentials(
    form: Mapping[str, str], authorization: str | None
) -> tuple[str | None, str | None]:
    if authorization and authorization.lower().startswith("basic "):
        try:
            raw = base64.b64decode(authorization[6:].strip()).decode()
        except ValueError:
            return None, None
        client_id, _, secret = raw.partition(":")
        return client_id, secret
    return form.get("client_id"), form.get("client_secret")


def _oauth_error(status: int, error: str, description: str) -> IdpReply:
    return IdpReply(
        status,
        {"error": error, "error_description": description},
        headers={"Cache-Control": "no-store"},
    )


def token(
    rt: Runtime,
    tx: Tx,
    provider: str,
    form: Mapping[str, str],
    root: str,
    authorization: str | None = None,
) -> IdpReply:
    """The token endpoint: exchange a code for an access token and an ID token."""
    cfg = settings(rt.config, provider)
    if cfg is None:
        return _oauth_error(404, "invalid_request", "unknown provider")
    client_id, secret = _client_credentials(form, authorization)
    if client_id != cfg.client_id or not hmac.compare_digest(
        (secret or "").encode(), cfg.client_secret.encode()
    ):
        return _oauth_error(401, "invalid_client", "client authentication failed")
    if form.get("grant_type") != "authorization_code":
        return _oauth_error(400, "unsupported_grant_type", "only authorization_code")
    code = form.get("code") or ""
    grant = tx.get(Grant, f"{CODE}:{code}") if code else None
    if grant is None or grant.data.get("provider") != provider:
        return _oauth_error(400, "invalid_grant", "unknown code")
    if grant.used:
        # RFC 6749 §4.1.2: a reused code revokes what it produced.
        issued = grant.data.get("access_token")
        if issued:
            tx.delete(Grant, f"{ACCESS_TOKEN}:{issued}")
        return _oauth_error(400, "invalid_grant", "code already used")
    if rt.now() >= grant.expire_at:
        return _oauth_error(400, "invalid_grant", "code expired")
    if grant.data.get("client_id") != client_id:
        return _oauth_error(400, "invalid_grant", "code issued to another client")
    if form.get("redirect_uri") != grant.data.get("redirect_uri"):
        return _oauth_error(400, "invalid_grant", "redirect_uri does not match")
    verifier = form.get("code_verifier") or ""
    if not 43 <= len(verifier) <= 128 or not hmac.compare_digest(
        pkce_s256(verifier).encode(), str(grant.data.get("code_challenge")).encode()
    ):
        return _oauth_error(400, "invalid_grant", "PKCE verification failed")
    access = rt.rng.token()
    ttl = rt.config.oauth.access_token_ttl_seconds
    user_profile: dict[str, Any] = grant.data["profile"]
    tx.put(
        Grant(
            id=f"{ACCESS_TOKEN}:{access}",
            kind=ACCESS_TOKEN,
            expire_at=rt.now() + ttl * 1000,
            data={"provider": provider, "profile": user_profile, "scope": grant.data["scope"]},
        )
    )
    grant.used = True
    grant.data["access_token"] = access
    tx.put(grant)
    id_token = mint_id_token(
        rt, provider, root, user_profile, audience=client_id, nonce=grant.data.get("nonce")
    )
    return IdpReply(
        200,
        {
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": ttl,
            "scope": grant.data["scope"],
            "id_token": id_token,
        },
        headers={"Cache-Control": "no-store"},
    )


def mint_id_token(
    rt: Runtime,
    provider: str,
    root: str,
    user_profile: Mapping[str, Any],
    *,
    audience: str,
    nonce: str | None,
) -> str:
    """An OIDC ID token (RS256) for ``user_profile``, valid for an hour of mock time."""
    now = rt.now() // 1000
    claims: dict[str, Any] = {
        "iss": issuer(root, provider),
        "aud": audience,
        "iat": now,
        "auth_time": now,
        "exp": now + 3600,
        **user_profile,
    }
    if nonce:
        claims["nonce"] = nonce
    key = signing_key(key_name(provider), rt.config.oauth.idp_signing_key_file)
    return jwt.encode(claims, key.private_key, algorithm="RS256", headers={"kid": key.kid})


def userinfo(rt: Runtime, tx: Tx, provider: str, authorization: str | None) -> IdpReply:
    value = (authorization or "").removeprefix("Bearer ").strip()
    grant = tx.get(Grant, f"{ACCESS_TOKEN}:{value}") if value else None
    if grant is None or grant.data.get("provider") != provider or rt.now() >= grant.expire_at:
        return IdpReply(
            401,
            {"error": "invalid_token"},
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    return IdpReply(200, dict(grant.data["profile"]))
