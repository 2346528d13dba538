"""``/v1/me/external_accounts``: connect an OAuth account to the signed-in user, or drop one.

Connecting runs the same redirect flow as an OAuth sign-in (or checks an ID token for
``oauth_token_<provider>``); the callback links the provider account to the user.
"""

from __future__ import annotations

from mock_server.domain import sso_accounts
from mock_server.domain.models import Verification
from mock_server.errors import FapiError, not_found
from mock_server.routes.me import active_session
from mock_server.routing import FAPI, Reply
from mock_server.store.base import unpoint
from mock_server.strategies import oauth
from mock_server.wire import serialize
from mock_server.wire.context import Ctx
from mock_server.wire.envelope import wrapped


@FAPI.route("POST", "/v1/me/external_accounts", response="envelopes/external_account")
def connect_external_account(ctx: Ctx) -> Reply:
    """Start connecting an OAuth account (redirect flow, or an ID token)."""
    _, user = active_session(ctx)
    strategy = ctx.params.get("strategy")
    if strategy is None:
        raise FapiError.of("form_param_missing", param="strategy")
    client = ctx.require_client()
    if strategy.startswith(oauth.TOKEN_PREFIX):
        who = oauth.identity_from_token(ctx.rt, ctx.tx, strategy, ctx.params, ctx.request.base_url)
        pending = Verification(status="unverified", strategy=strategy, attempts=0, expire_at=0)
        account = sso_accounts.start_connect(ctx.rt, ctx.tx, user, pending)
        sso_accounts.conclude_connect(ctx.rt, ctx.tx, user, account, who)
        return wrapped(ctx, serialize.external_account(account))
    if not strategy.startswith("oauth_"):
        raise FapiError.of("form_param_value_invalid", param="strategy", value=strategy)
    account_id = ctx.rt.new_id("eac")
    started = oauth.start(
        ctx.rt,
        ctx.tx,
        f"user:{user.id}:{account_id}",
        client.id,
        strategy,
        ctx.params,
        ctx.request.base_url,
    )
    account = sso_accounts.start_connect(ctx.rt, ctx.tx, user, started)
    account.id = account_id
    return wrapped(ctx, serialize.external_account(account))


@FAPI.route(
    "DELETE",
    "/v1/me/external_accounts/{external_account_id}",
    response="envelopes/deleted_object",
)
def delete_external_account(ctx: Ctx) -> Reply:
    """Disconnect an external account from the user."""
    _, user = active_session(ctx)
    wanted = ctx.path_param("external_account_id")
    account = next((a for a in user.external_accounts if a.id == wanted), None)
    if account is None:
        raise not_found("external account", wanted)
    user.external_accounts = [a for a in user.external_accounts if a.id != wanted]
    user.updated_at = ctx.rt.now()
    ctx.tx.put(user)
    if account.provider_user_id:
        key = f"oauth:{account.provider}:{account.provider_user_id}"
        unpoint(ctx.tx, sso_accounts.INDEX, key)
    return wrapped(ctx, {"object": "external_account", "id": wanted, "deleted": True})
