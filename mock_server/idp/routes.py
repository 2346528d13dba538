"""``/__idp``: the HTTP face of the mock OAuth provider and SAML IdPs."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route

from mock_server.idp import oauth, saml
from mock_server.idp.oauth import IdpReply
from mock_server.store.base import Tx
from mock_server.wire.json import JSONResponse


def _state(request: Request) -> Any:
    return request.app.state.mock


def _root(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def _render(reply: IdpReply) -> Response:
    if reply.html:
        return HTMLResponse(reply.body, status_code=reply.status, headers=reply.headers)
    if reply.body is None:
        return Response(status_code=reply.status, headers=reply.headers)
    return JSONResponse(reply.body, status_code=reply.status, headers=reply.headers)


async def discovery(request: Request) -> Response:
    provider = request.path_params["provider"]
    if oauth.settings(_state(request).runtime.config, provider) is None:
        return JSONResponse({"error": "not_found"}, status_code=404)
    return JSONResponse(oauth.discovery(_root(request), provider))


async def jwks(request: Request) -> Response:
    provider = request.path_params["provider"]
    if oauth.settings(_state(request).runtime.config, provider) is None:
        return JSONResponse({"error": "not_found"}, status_code=404)
    key_file = _state(request).runtime.config.oauth.idp_signing_key_file
    return JSONResponse(oauth.jwks(provider, key_file))


async def authorize(request: Request) -> Response:
    state = _state(request)
    query = dict(request.query_params)

    def unit(tx: Tx) -> IdpReply:
        return oauth.authorize(
            state.runtime, tx, request.path_params["provider"], query, _root(request)
        )

    return _render(state.store.transact(unit))


async def token(request: Request) -> Response:
    state = _state(request)
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    auth = request.headers.get("authorization")

    def unit(tx: Tx) -> IdpReply:
        return oauth.token(
            state.runtime, tx, request.path_params["provider"], form, _root(request), auth
        )

    return _render(state.store.transact(unit))


async def userinfo(request: Request) -> Response:
    state = _state(request)
    auth = request.headers.get("authorization")

    def unit(tx: Tx) -> IdpReply:
        return oauth.userinfo(state.runtime, tx, request.path_params["provider"], auth)

    return _render(state.store.transact(unit))


async def saml_metadata(request: Request) -> Response:
    connection_id = request.path_params["connection_id"]
    if saml.connection(_state(request).runtime.config, connection_id) is None:
        return JSONResponse({"error": "not_found"}, status_code=404)
    key_file = _state(request).runtime.config.oauth.idp_signing_key_file
    return Response(
        saml.metadata(_root(request), connection_id, key_file),
        media_type="application/samlmetadata+xml",
    )


async def saml_sso(request: Request) -> Response:
    runtime = _state(request).runtime
    reply = saml.sso(
        runtime, request.path_params["connection_id"], dict(request.query_params), _root(request)
    )
    return _render(reply)


def idp_routes() -> list[BaseRoute]:
    return [
        Route("/oauth/{provider}/.well-known/openid-configuration", discovery, methods=["GET"]),
        Route("/oauth/{provider}/authorize", authorize, methods=["GET"]),
        Route("/oauth/{provider}/token", token, methods=["POST"]),
        Route("/oauth/{provider}/userinfo", userinfo, methods=["GET"]),
        Route("/oauth/{provider}/jwks", jwks, methods=["GET"]),
        Route("/saml/{connection_id}/metadata", saml_metadata, methods=["GET"]),
        Route("/saml/{connection_id}/sso", saml_sso, methods=["GET"]),
    ]
