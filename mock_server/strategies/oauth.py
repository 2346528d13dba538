"""``oauth_<provider>``, ``oauth_token_<provider>`` and ``google_one_tap``: the FAPI side.

The redirect flow, as Clerk runs it:

1. A sign-in (or sign-up) asks for ``oauth_google`` with a ``redirect_url``; the answer's
   verification is ``unverified`` and carries ``external_verification_redirect_url``,
   the provider's authorize URL with a fresh single-use ``state``, a PKCE S256
   challenge and an OIDC ``nonce``.
2. The provider sends the browser to ``/v1/oauth_callback?code&state``. The state is
   consumed, the code exchanged at the provider's token endpoint with the PKCE
   verifier, and the ID token checked against the provider's JWKS (signature, issuer,
   audience, expiry on the mock clock, nonce).
3. The flow completes (or becomes ``transferable``) and the browser goes back (303) to
   ``redirect_url`` (``action_complete_redirect_url`` once the flow is complete).

The code exchange is an in-process call of the mock provider's token endpoint with the
form a real token request carries: FAPI handlers run synchronously inside one unit of
work, where an HTTP round trip to the same app cannot be made. Everything else the
FAPI side knows of the provider comes from the redirects and its published keys.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode, urlsplit

import jwt

from mock_server.config import Config
from mock_server.domain import grants, sso_accounts
from mock_server.domain.models import Grant, SignIn, SignUp, Verification
from mock_server.errors import FapiError, error_item
from mock_server.idp import oauth as idp
from mock_server.runtime import Runtime
from mock_server.store.base import Tx
from mock_server.wire.request import Params

STATE = "oauth_state"
TOKEN_PREFIX = "oauth_token_"


def provider_of(config: Config, strategy: str) -> str | None:
    """``oauth_google`` -> ``google`` when the instance offers it."""
    if not strategy.startswith("oauth_") or strategy.startswith(TOKEN_PREFIX):
        return None
    name = strategy.removeprefix("oauth_")
    return name if name in config.oauth.providers else None


def token_provider_of(config: Config, strategy: str) -> str | None:
    if not strategy.startswith(TOKEN_PREFIX):
        return None
    name = strategy.removeprefix(TOKEN_PREFIX)
    return name if name in config.oauth.providers else None


def strategies(config: Config) -> list[str]:
    return [f"oauth_{p}" for p in config.oauth.providers]


def root_of(config: Config, base_url: str) -> str:
    """The host root: the FAPI base without the proxy path (the IdPs live at the root)."""
    proxy = config.server.proxy_path.rstrip("/")
    return base_url[: -len(proxy)] if proxy and base_url.endswith(proxy) else base_url


def check_redirect_url(value: str | None, param: str = "redirect_url") -> str:
    if value is None:
        raise FapiError.of("form_param_missing", param=param)
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise FapiError.of("invalid_redirect_url", param=param)
    return value


def start(
    rt: Runtime, tx: Tx, owner: str, client_id: str, strategy: str, params: Params, base_url: str
) -> Verification:
    """Begin the redirect flow for ``owner`` (``sign_in:<id>`` / ``sign_up:<id>``)."""
    provider = provider_of(rt.config, strategy)
    if provider is None:
        raise FapiError.of("oauth_provider_not_enabled", param="strategy", provider=strategy)
    redirect_url = check_redirect_url(params.get("redirect_url"))
    action_complete = params.get("action_complete_redirect_url")
    if action_complete is not None:
        check_redirect_url(action_complete, "action_complete_redirect_url")
    grants.sweep(rt, tx)
    cfg = rt.config.oauth.providers[provider]
    state = rt.rng.token()
    verifier = rt.rng.token(48)
    nonce = rt.rng.token(16)
    callback = base_url + idp.CALLBACK_PATH
    expire_at = rt.now() + rt.config.oauth.verification_ttl_seconds * 1000
    tx.put(
        Grant(
            id=f"{STATE}:{state}",
            kind=STATE,
            expire_at=expire_at,
            data={
                "owner": owner,
                "client_id": client_id,
                "strategy": strategy,
                "provider": provider,
                "code_verifier": verifier,
                "nonce": nonce,
                "callback": callback,
                "root": root_of(rt.config, base_url),
                "redirect_url": redirect_url,
                "action_complete_redirect_url": action_complete,
            },
        )
    )
    query = {
        "response_type": "code",
        "client_id": cfg.client_id,
        "redirect_uri": callback,
        "scope": cfg.scopes,
        "state": state,
        "code_challenge": idp.pkce_s256(verifier),
        "code_challenge_method": "S256",
        "nonce": nonce,
    }
    if params.get("oidc_login_hint"):
        query["login_hint"] = params.get("oidc_login_hint") or ""
    if params.get("oidc_prompt"):
        query["prompt"] = params.get("oidc_prompt") or ""
    url = f"{idp.issuer(root_of(rt.config, base_url), provider)}/authorize?{urlencode(query)}"
    return Verification(
        status="unverified",
        strategy=strategy,
        attempts=0,
        expire_at=expire_at,
        redirect_url=redirect_url,
        external_verification_redirect_url=url,
    )


def verify_id_token(
    rt: Runtime, provider: str, token: str, root: str, *, nonce: str | None = None
) -> dict[str, Any]:
    """Check an ID token the way a relying party must; raises ``jwt.InvalidTokenError``."""
    cfg = rt.config.oauth.providers[provider]
    header = jwt.get_unverified_header(token)
    keys = {k["kid"]: k for k in idp.jwks(provider, rt.config.oauth.idp_signing_key_file)["keys"]}
    jwk = keys.get(header.get("kid", ""))
    if jwk is None:
        raise jwt.InvalidTokenError("unknown signing key")
    claims: dict[str, Any] = jwt.decode(
        token,
        jwt.PyJWK(jwk).key,
        algorithms=["RS256"],
        audience=cfg.client_id,
        issuer=idp.issuer(root, provider),
        # Time is the mock's clock, not the wall clock: checked below.
        options={"verify_exp": False, "verify_iat": False, "verify_nbf": False},
    )
    now = rt.now() // 1000
    if not isinstance(claims.get("exp"), int) or claims["exp"] <= now:
        raise jwt.ExpiredSignatureError("the ID token has expired")
    if nonce is not None and claims.get("nonce") != nonce:
        raise jwt.InvalidTokenError("nonce mismatch")
    if not claims.get("sub") or not claims.get("email"):
        raise jwt.InvalidTokenError("sub and email are required")
    return claims


def identity(provider: str, strategy: str, claims: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "kind": "oauth",
        "strategy": strategy,
        "provider": f"oauth_{provider}",
        "provider_user_id": str(claims["sub"]),
        "email": str(claims["email"]).strip().lower(),
        "email_verified": bool(claims.get("email_verified")),
        "first_name": claims.get("given_name") or None,
        "last_name": claims.get("family_name") or None,
        "scope": str(claims.get("scope") or ""),
    }


def _fail(v: Verification, code: str, **fields: Any) -> None:
    v.status = "failed"
    v.error = error_item(code, **fields).to_wire()


def _exchange(
    rt: Runtime,
    tx: Tx,
    provider: str,
    code: str,
    redirect_uri: str,
    verifier: str | None,
    root: str,
) -> str | None:
    """The token request (in process; see the module docstring): the ID token or None."""
    cfg = rt.config.oauth.providers[provider]
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
        "client_id": cfg.client_id,
        "client_secret": cfg.client_secret,
        "code_verifier": verifier or "",
    }
    reply = idp.token(rt, tx, provider, form, root)
    if reply.status != 200 or not isinstance(reply.body, dict):
        return None
    token = reply.body.get("id_token")
    return token if isinstance(token, str) else None


def _scope(rt: Runtime, provider: str) -> str:
    return rt.config.oauth.providers[provider].scopes


def callback(rt: Runtime, tx: Tx, query: Mapping[str, str]) -> str:
    """``/v1/oauth_callback``: finish the flow the ``state`` names; the redirect target."""
    state = query.get("state") or ""
    grant = tx.get(Grant, f"{STATE}:{state}") if state else None
    if grant is None or grant.kind != STATE or grant.used or rt.now() >= grant.expire_at:
        raise FapiError.of("oauth_callback_invalid")
    grant.used = True
    tx.put(grant)
    data = grant.data
    kind, _, owner_id = str(data["owner"]).partition(":")
    if kind == "user":
        return _connect_callback(rt, tx, query, data, owner_id)
    target: SignIn | SignUp | None = (
        tx.get(SignIn, owner_id) if kind == "sign_in" else tx.get(SignUp, owner_id)
    )
    v = (
        target.first_factor_verification
        if isinstance(target, SignIn)
        else target.external_account_verification
        if isinstance(target, SignUp)
        else None
    )
    if target is None or v is None or v.strategy != data["strategy"] or v.status != "unverified":
        raise FapiError.of("oauth_callback_invalid")
    redirect_url = str(data["redirect_url"])
    who = _identity_from_callback(rt, tx, query, data, v)
    if who is None:
        return redirect_url
    try:
        if isinstance(target, SignIn):
            sso_accounts.conclude_sign_in(rt, tx, target, who)
            done = target.status == "complete"
        else:
            done = sso_accounts.conclude_sign_up(rt, tx, target, who)
    except FapiError as exc:
        v.status = "failed"
        v.error = exc.items[0].to_wire()
        return redirect_url
    complete = data.get("action_complete_redirect_url")
    return str(complete) if done and complete else redirect_url


def _identity_from_callback(
    rt: Runtime, tx: Tx, query: Mapping[str, str], data: Mapping[str, Any], v: Verification
) -> dict[str, Any] | None:
    """The provider's answer on the callback as an identity, or None with ``v`` failed."""
    provider = str(data["provider"])
    if query.get("error"):
        if query["error"] == "access_denied":
            _fail(v, "oauth_access_denied", provider=rt.config.oauth.providers[provider].name)
        else:
            _fail(v, "oauth_callback_invalid")
        return None
    code = query.get("code")
    token = (
        _exchange(
            rt, tx, provider, code, str(data["callback"]), data["code_verifier"], data["root"]
        )
        if code
        else None
    )
    try:
        if token is None:
            raise jwt.InvalidTokenError("no ID token")
        claims = verify_id_token(rt, provider, token, str(data["root"]), nonce=data["nonce"])
    except jwt.InvalidTokenError:
        _fail(v, "oauth_token_exchange_error")
        return None
    return {**identity(provider, v.strategy, claims), "scope": _scope(rt, provider)}


def _connect_callback(
    rt: Runtime, tx: Tx, query: Mapping[str, str], data: Mapping[str, Any], owner: str
) -> str:
    """The callback of ``POST /v1/me/external_accounts``: link the account to the user."""
    from mock_server.domain.models import User

    user_id, _, account_id = owner.partition(":")
    user = tx.get(User, user_id)
    account = (
        next((a for a in user.external_accounts if a.id == account_id), None) if user else None
    )
    v = account.verification if account else None
    if user is None or account is None or v is None or v.status != "unverified":
        raise FapiError.of("oauth_callback_invalid")
    who = _identity_from_callback(rt, tx, query, data, v)
    if who is None:
        tx.put(user)
        return str(data["redirect_url"])
    linked = sso_accounts.conclude_connect(rt, tx, user, account, who)
    complete = data.get("action_complete_redirect_url")
    return str(complete) if linked and complete else str(data["redirect_url"])


def identity_from_token(
    rt: Runtime, tx: Tx, strategy: str, params: Params, base_url: str
) -> dict[str, Any]:
    """``oauth_token_<provider>``: an ID token, or a code (exchanged with its PKCE
    ``code_verifier`` and ``redirect_url``, the values the app used at the provider)."""
    provider = token_provider_of(rt.config, strategy)
    if provider is None:
        raise FapiError.of("oauth_provider_not_enabled", param="strategy", provider=strategy)
    root = root_of(rt.config, base_url)
    token = params.get("token")
    code = params.get("code")
    if token is None and code is None:
        raise FapiError.of("form_param_missing", param="token")
    if token is None and code is not None:
        redirect_uri = params.get("redirect_url") or base_url + idp.CALLBACK_PATH
        token = _exchange(rt, tx, provider, code, redirect_uri, params.get("code_verifier"), root)
    if token is None:
        raise FapiError.of("oauth_token_exchange_error")
    try:
        claims = verify_id_token(rt, provider, token, root)
    except jwt.InvalidTokenError as exc:
        raise FapiError.of("oauth_token_exchange_error") from exc
    return identity(provider, strategy, claims)


def one_tap_identity(rt: Runtime, params: Params, base_url: str) -> dict[str, Any]:
    """``google_one_tap``: a Google ID token, checked against the ``google`` provider."""
    if "google" not in rt.config.oauth.providers:
        raise FapiError.of("oauth_provider_not_enabled", param="strategy", provider="google")
    token = params.get("token")
    if token is None:
        raise FapiError.of("form_param_missing", param="token")
    try:
        claims = verify_id_token(rt, "google", token, root_of(rt.config, base_url))
    except jwt.InvalidTokenError as exc:
        raise FapiError.of("google_one_tap_token_invalid", param="token") from exc
    return identity("google", "google_one_tap", claims)
