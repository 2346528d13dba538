"""``/v1/me`` account and security actions: second factors, password, identifications,
sessions, deletion.

The sensitive ones (Clerk's list in ``guides/secure/reverification.mdx``) first pass
``reverification.require_recent``: 403 ``session_reverification_required`` when the
session's factors were verified longer ago than ``reverification.window_minutes``.
"""

from __future__ import annotations

from mock_server.domain import account, mfa, reverification
from mock_server.domain.models import EmailAddress, PhoneNumber, Session, User
from mock_server.errors import FapiError
from mock_server.routes.me import active_session
from mock_server.routing import FAPI, Reply
from mock_server.wire import serialize
from mock_server.wire.context import Ctx
from mock_server.wire.envelope import wrapped

EMAILS = "/v1/me/email_addresses"
EMAIL = EMAILS + "/{email_id}"
PHONES = "/v1/me/phone_numbers"
PHONE = PHONES + "/{phone_number_id}"


def guarded(ctx: Ctx) -> tuple[Session, User]:
    """The active session and user, refused when the session needs reverifying first."""
    session, user = active_session(ctx)
    reverification.require_recent(ctx.rt, session)
    return session, user


def _ident(ctx: Ctx, user: User, email: bool) -> EmailAddress | PhoneNumber:
    if email:
        return account.find(user, "email_address", ctx.path_param("email_id"))
    return account.find(user, "phone_number", ctx.path_param("phone_number_id"))


def _ident_reply(ctx: Ctx, ident: EmailAddress | PhoneNumber) -> Reply:
    if isinstance(ident, EmailAddress):
        return wrapped(ctx, serialize.email_address(ident))
    return wrapped(ctx, serialize.phone_number(ident))


# -- TOTP and backup codes ------------------------------------------------------------------


@FAPI.route("POST", "/v1/me/totp", response="envelopes/totp")
def create_totp(ctx: Ctx) -> Reply:
    """Start enrolling an authenticator app: a new secret and its otpauth URI."""
    _, user = guarded(ctx)
    if not ctx.rt.config.second_factor_enabled("totp"):
        raise FapiError.of("verification_strategy_invalid", param="strategy")
    mfa.start_enrollment(ctx.rt, user)
    return wrapped(ctx, serialize.totp(ctx.rt, user))


@FAPI.route("POST", "/v1/me/totp/attempt_verification", response="envelopes/totp")
def verify_totp(ctx: Ctx) -> Reply:
    """Finish enrolling with the app's current code; backup codes come with it."""
    _, user = active_session(ctx)
    codes = mfa.finish_enrollment(ctx.rt, ctx.tx, user, ctx.params.get("code"))
    return wrapped(ctx, serialize.totp(ctx.rt, user, codes))


@FAPI.route("DELETE", "/v1/me/totp", response="envelopes/deleted_object")
def delete_totp(ctx: Ctx) -> Reply:
    """Turn the authenticator app off."""
    _, user = guarded(ctx)
    totp_id = mfa.disable_totp(ctx.rt, ctx.tx, user)
    return wrapped(ctx, serialize.deleted_object("totp", totp_id))


@FAPI.route("POST", "/v1/me/backup_codes", response="envelopes/backup_codes")
def create_backup_codes(ctx: Ctx) -> Reply:
    """A new set of one-time backup codes (the previous set stops working)."""
    _, user = guarded(ctx)
    codes = mfa.create_backup_codes(ctx.rt, user)
    mfa.mfa_enabled(ctx.rt, ctx.tx, user)
    return wrapped(ctx, serialize.backup_codes(ctx.rt, user, codes))


# -- password and the account itself -----------------------------------------------------


@FAPI.route("POST", "/v1/me/change_password", response="envelopes/user")
def change_password(ctx: Ctx) -> Reply:
    """Change the password (``current_password``, ``new_password``)."""
    session, user = guarded(ctx)
    account.change_password(ctx.rt, ctx.tx, user, session, ctx.params)
    return wrapped(ctx, serialize.user(ctx.rt, user), shared=True)


@FAPI.route("DELETE", "/v1/me", response="envelopes/deleted_object")
def delete_me(ctx: Ctx) -> Reply:
    """Delete the signed-in user and sign them out everywhere."""
    _, user = guarded(ctx)
    account.delete_user(ctx.rt, ctx.tx, user)
    return wrapped(ctx, serialize.deleted_object("user", user.id))


# -- sessions -----------------------------------------------------------------------------


@FAPI.route("GET", "/v1/me/sessions", response="session/list")
def list_my_sessions(ctx: Ctx) -> Reply:
    """Every session of the user, whatever its status."""
    _, user = active_session(ctx)
    found = account.user_sessions(ctx.rt, ctx.tx, user, active_only=False)
    # A bare array, as Clerk's spec documents it (clerk-js reads `response || payload`).
    return Reply([serialize.session(ctx.rt, ctx.tx, s) for s in found])


@FAPI.route("GET", "/v1/me/sessions/active", response="session/list")
def list_my_active_sessions(ctx: Ctx) -> Reply:
    """The user's active sessions, on every client."""
    _, user = active_session(ctx)
    found = account.user_sessions(ctx.rt, ctx.tx, user, active_only=True)
    return Reply([serialize.session(ctx.rt, ctx.tx, s) for s in found])


@FAPI.route("POST", "/v1/me/sessions/{session_id}/revoke", response="envelopes/session")
def revoke_my_session(ctx: Ctx) -> Reply:
    """Revoke one of the user's sessions (signs that device out)."""
    _, user = guarded(ctx)
    revoked = account.revoke(ctx.rt, ctx.tx, user, ctx.path_param("session_id"))
    return wrapped(ctx, serialize.session(ctx.rt, ctx.tx, revoked))


# -- email addresses and phone numbers ---------------------------------------------------


@FAPI.route("POST", EMAILS, response="envelopes/email_address")
def add_email_address(ctx: Ctx) -> Reply:
    """Add an (unverified) email address."""
    _, user = guarded(ctx)
    email = account.add_email(ctx.rt, ctx.tx, user, ctx.params.get("email_address"))
    return _ident_reply(ctx, email)


@FAPI.route("POST", PHONES, response="envelopes/phone_number")
def add_phone_number(ctx: Ctx) -> Reply:
    """Add an (unverified) phone number."""
    _, user = guarded(ctx)
    phone = account.add_phone(ctx.rt, ctx.tx, user, ctx.params.get("phone_number"))
    return _ident_reply(ctx, phone)


def _prepare(ctx: Ctx, email: bool) -> Reply:
    _, user = active_session(ctx)
    ident = _ident(ctx, user, email)
    client = ctx.require_client()
    account.prepare(ctx.rt, ctx.tx, client, user, ident, ctx.params, ctx.request.base_url)
    return _ident_reply(ctx, ident)


def _attempt(ctx: Ctx, email: bool) -> Reply:
    _, user = active_session(ctx)
    ident = _ident(ctx, user, email)
    account.attempt(ctx.rt, ident, ctx.params)
    return _ident_reply(ctx, ident)


def _delete(ctx: Ctx, email: bool) -> Reply:
    _, user = guarded(ctx)
    ident = _ident(ctx, user, email)
    account.remove(ctx.rt, ctx.tx, user, ident)
    kind = "email_address" if email else "phone_number"
    return wrapped(ctx, serialize.deleted_object(kind, ident.id))


@FAPI.route("GET", EMAIL, response="envelopes/email_address")
def get_email_address(ctx: Ctx) -> Reply:
    """One of the user's email addresses: clerk-js reloads it while an email link is out."""
    _, user = active_session(ctx)
    return _ident_reply(ctx, _ident(ctx, user, True))


@FAPI.route("POST", EMAIL + "/prepare_verification", response="envelopes/email_address")
def prepare_email_address_verification(ctx: Ctx) -> Reply:
    """Send a code to the new email address."""
    return _prepare(ctx, True)


@FAPI.route(
    "POST",
    EMAIL + "/attempt_verification",
    response="envelopes/email_address",
    rate_limit="attempt",
    statuses=(200, 429),
)
def attempt_email_address_verification(ctx: Ctx) -> Reply:
    """Verify the new email address with its code."""
    return _attempt(ctx, True)


@FAPI.route("DELETE", EMAIL, response="envelopes/deleted_object")
def delete_email_address(ctx: Ctx) -> Reply:
    """Remove an email address."""
    return _delete(ctx, True)


@FAPI.route("GET", PHONE, response="envelopes/phone_number")
def get_phone_number(ctx: Ctx) -> Reply:
    """One of the user's phone numbers (``PhoneNumber.reload`` in clerk-js)."""
    _, user = active_session(ctx)
    return _ident_reply(ctx, _ident(ctx, user, False))


@FAPI.route("POST", PHONE + "/prepare_verification", response="envelopes/phone_number")
def prepare_phone_number_verification(ctx: Ctx) -> Reply:
    """Send a code to the new phone number."""
    return _prepare(ctx, False)


@FAPI.route(
    "POST",
    PHONE + "/attempt_verification",
    response="envelopes/phone_number",
    rate_limit="attempt",
    statuses=(200, 429),
)
def attempt_phone_number_verification(ctx: Ctx) -> Reply:
    """Verify the new phone number with its code."""
    return _attempt(ctx, False)


@FAPI.route("PATCH", PHONE, response="envelopes/phone_number")
def update_phone_number(ctx: Ctx) -> Reply:
    """Reserve a verified phone for second-factor codes (or make it the default one)."""
    _, user = guarded(ctx)
    phone = account.find(user, "phone_number", ctx.path_param("phone_number_id"))
    assert isinstance(phone, PhoneNumber)
    account.update_phone(ctx.rt, ctx.tx, user, phone, ctx.params)
    return _ident_reply(ctx, phone)


@FAPI.route("DELETE", PHONE, response="envelopes/deleted_object")
def delete_phone_number(ctx: Ctx) -> Reply:
    """Remove a phone number (and with it a phone second factor)."""
    return _delete(ctx, False)
