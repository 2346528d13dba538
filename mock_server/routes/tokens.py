"""Session tokens (``/v1/client/sessions/{id}/tokens``) and the JWKS that verifies them."""

from __future__ import annotations

from mock_server.domain import sessions, tokens
from mock_server.errors import FapiError, not_found
from mock_server.routing import FAPI, Reply
from mock_server.wire.context import Ctx

TOKENS = "/v1/client/sessions/{session_id}/tokens"


def _mint(ctx: Ctx, template: str | None) -> Reply:
    client = ctx.client()
    sid = ctx.path_param("session_id")
    if client is None:
        raise not_found("session", sid)
    session = sessions.owned(ctx.rt, ctx.tx, client, sid)
    if session.status not in sessions.ACTIVE:
        raise FapiError.of("signed_out")
    jwt = tokens.session_token(
        ctx.rt,
        ctx.rt.signing_key,
        session,
        issuer=ctx.request.base_url,
        azp=ctx.request.origin,
        template=template,
    )
    session.last_active_token = jwt  # the session object shows the newest token
    return Reply({"object": "token", "jwt": jwt})


@FAPI.route("POST", TOKENS, response="token")
def create_session_token(ctx: Ctx) -> Reply:
    """A fresh short-lived session JWT (RS256) for one of the client's active sessions."""
    return _mint(ctx, None)


@FAPI.route("POST", TOKENS + "/{template_name}", response="token")
def create_session_token_with_template(ctx: Ctx) -> Reply:
    """A session JWT named after a template (the template name is in the ``tpl`` claim)."""
    name = ctx.path_param("template_name")
    if not tokens.TEMPLATE_NAME.match(name):
        raise not_found("jwt_template", name)
    return _mint(ctx, name)


@FAPI.route("GET", "/v1/jwks", response="jwks")
def get_jwks(ctx: Ctx) -> Reply:
    """The public keys that verify session tokens."""
    return Reply(ctx.rt.signing_key.jwks())
