"""``/v1/me/passkeys``: register a passkey (options, then attestation), rename, remove.

Registering and removing are sensitive actions (Clerk's reverification guide): they need
a recently verified session, else 403 ``session_reverification_required``.
"""

from __future__ import annotations

from mock_server.domain import passkeys
from mock_server.domain.models import Passkey
from mock_server.routes.me import active_session
from mock_server.routes.me_security import guarded
from mock_server.routing import FAPI, Reply
from mock_server.wire import serialize
from mock_server.wire.context import Ctx
from mock_server.wire.envelope import wrapped

PASSKEYS = "/v1/me/passkeys"
PASSKEY = PASSKEYS + "/{passkey_id}"


def _reply(ctx: Ctx, passkey: Passkey) -> Reply:
    return wrapped(ctx, serialize.passkey(passkey))


@FAPI.route("POST", PASSKEYS, response="envelopes/passkey")
def post_passkey(ctx: Ctx) -> Reply:
    """Start registering a passkey: its verification's nonce holds the creation options."""
    _, user = guarded(ctx)
    label = serialize.primary_identifier(user)
    return _reply(ctx, passkeys.start_registration(ctx.rt, user, label))


@FAPI.route("GET", PASSKEY, response="envelopes/passkey")
def read_passkey(ctx: Ctx) -> Reply:
    """One of the current user's passkeys."""
    _, user = active_session(ctx)
    return _reply(ctx, passkeys.owned(user, ctx.path_param("passkey_id")))


@FAPI.route("PATCH", PASSKEY, response="envelopes/passkey")
def patch_passkey(ctx: Ctx) -> Reply:
    """Rename a passkey."""
    _, user = active_session(ctx)
    passkey = passkeys.owned(user, ctx.path_param("passkey_id"))
    return _reply(ctx, passkeys.rename(ctx.rt, passkey, ctx.params.get("name")))


@FAPI.route("DELETE", PASSKEY, response="envelopes/deleted_object")
def delete_passkey(ctx: Ctx) -> Reply:
    """Remove a passkey; its credential no longer signs in."""
    _, user = guarded(ctx)
    passkey = passkeys.owned(user, ctx.path_param("passkey_id"))
    passkeys.remove(ctx.rt, ctx.tx, user, passkey)
    return wrapped(ctx, serialize.deleted_object("passkey", passkey.id))


@FAPI.route(
    "POST",
    PASSKEY + "/attempt_verification",
    response="envelopes/passkey",
    rate_limit="attempt",
    statuses=(200, 429),
)
def attempt_passkey_verification(ctx: Ctx) -> Reply:
    """Finish registering: verify the attestation against the issued challenge."""
    _, user = active_session(ctx)
    passkey = passkeys.owned(user, ctx.path_param("passkey_id"))
    raw = ctx.params.get("public_key_credential")
    return _reply(ctx, passkeys.finish_registration(ctx.rt, ctx.tx, user, passkey, raw))
