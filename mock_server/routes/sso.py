"""The browser-facing ends of the SSO flows: the OAuth callback and the SAML SP."""

from __future__ import annotations

from urllib.parse import urlencode

from mock_server.routing import FAPI, Reply
from mock_server.strategies import oauth, saml
from mock_server.wire.context import Ctx


def _see_other(location: str) -> Reply:
    return Reply(None, status=303, headers={"Location": location})


@FAPI.route("GET", "/v1/oauth_callback", response=None, statuses=(303, 400, 403))
def oauth_callback(ctx: Ctx) -> Reply:
    """Where the OAuth provider sends the browser back: finish the flow, then redirect."""
    return _see_other(oauth.callback(ctx.rt, ctx.tx, ctx.params.values))


@FAPI.route("POST", "/v1/oauth_callback", response=None, statuses=(303, 400))
def oauth_callback_post(ctx: Ctx) -> Reply:
    """Providers that post (Apple) are sent on to the GET with the same parameters."""
    query = urlencode({k: v for k, v in ctx.params.values.items() if v})
    return _see_other(f"{ctx.request.base_url}/v1/oauth_callback?{query}")


@FAPI.route(
    "POST", "/v1/saml/acs/{saml_connection_id}", response=None, statuses=(303, 400, 401, 404)
)
def saml_acs(ctx: Ctx) -> Reply:
    """The Assertion Consumer Service: check the IdP's response, then redirect."""
    location = saml.acs(ctx.rt, ctx.tx, ctx.path_param("saml_connection_id"), ctx.params.values)
    return _see_other(location)


@FAPI.route("GET", "/v1/saml/metadata/{saml_connection_id}.xml", response=None, statuses=(200, 404))
def saml_metadata(ctx: Ctx) -> Reply:
    """The service provider's metadata for one connection."""
    body = saml.sp_metadata(
        ctx.rt.config, ctx.path_param("saml_connection_id"), ctx.request.base_url
    )
    return Reply(body, media_type="application/samlmetadata+xml")
