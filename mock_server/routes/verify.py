"""Links opened in a browser: ``/v1/verify`` (email links) and ``/v1/tickets/accept``.

Both answer with a redirect (303) to the ``redirect_url`` of the flow, carrying
``__clerk_status`` (and ``__clerk_created_session``) as clerk-js's
``handleEmailLinkVerification`` expects, or with a small page when there is nowhere to
go back to.
"""

from __future__ import annotations

import hmac
from html import escape
from urllib.parse import urlencode, urlsplit, urlunsplit

from mock_server.domain import account, sign_in, sign_up, tickets, verification
from mock_server.domain.models import EmailAddress, SignIn, SignUp, Verification
from mock_server.errors import FapiError
from mock_server.routing import FAPI, Reply
from mock_server.store.base import resolve
from mock_server.strategies.email_link import LINK_INDEX
from mock_server.wire.context import Ctx


def _with_query(url: str, params: dict[str, str]) -> str:
    parts = urlsplit(url)
    query = "&".join(q for q in (parts.query, urlencode(params)) if q)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def _page(title: str, text: str, status: int = 200) -> Reply:
    body = (
        "<!doctype html><html><head><meta charset='utf-8'><title>"
        f"{escape(title)}</title></head><body><h1>{escape(title)}</h1><p>{escape(text)}</p>"
        "</body></html>"
    )
    return Reply(body, status=status, media_type="text/html")


def _finish(v: Verification | None, status: str, session_id: str | None) -> Reply:
    redirect = v.redirect_url if v else None
    if redirect:
        params = {"__clerk_status": status}
        if session_id:
            params["__clerk_created_session"] = session_id
        return Reply(None, status=303, headers={"Location": _with_query(redirect, params)})
    messages = {
        "verified": "Return to the original tab to continue.",
        "expired": "This link has expired. Request a new one.",
        "failed": "This link is invalid or was already used.",
    }
    return _page(f"Email link {status}", messages.get(status, status))


@FAPI.route("GET", "/v1/verify", response=None, statuses=(200, 303, 400))
def verify_email_link(ctx: Ctx) -> Reply:
    """Open an email link: verify it and finish the flow it belongs to."""
    token = ctx.params.get("token")
    if token is None:
        raise FapiError.of("form_param_missing", param="token")
    owner = resolve(ctx.tx, LINK_INDEX, token)
    kind, _, owner_id = (owner or "").partition(":")
    target: SignIn | SignUp | EmailAddress | None = None
    v: Verification | None = None
    if kind == account.LINK_OWNER:
        found = account.linked_email(ctx.tx, owner_id)
        target = found[1] if found else None
        v = target.verification if target else None
    elif kind == "sign_in":
        target = ctx.tx.get(SignIn, owner_id)
        v = target.first_factor_verification if target else None
    elif kind == "sign_up":
        target = ctx.tx.get(SignUp, owner_id)
        v = target.email_address_verification if target else None
    if target is None or v is None or v.strategy != "email_link":
        raise FapiError.of("verification_link_token_invalid", param="token")
    if v.secret is None:
        return _finish(v, "failed", None)
    if not hmac.compare_digest(v.secret.encode(), token.encode()):
        return _finish(v, "failed", None)
    if verification.is_expired(ctx.rt, v):
        v.status = "expired"
        return _finish(v, "expired", None)
    v.status = "verified"
    v.secret = None
    if isinstance(target, EmailAddress):
        # An address added in the profile: verified, nothing else to finish.
        target.updated_at = ctx.rt.now()
        return _finish(v, "verified", None)
    if isinstance(target, SignIn):
        done = sign_in.complete_by_link(ctx.rt, ctx.tx, target)
        return _finish(v, "verified", done.created_session_id)
    done_up = sign_up.verify_link(ctx.rt, ctx.tx, target)
    return _finish(v, "verified", done_up.created_session_id)


@FAPI.route("GET", "/v1/tickets/accept", response=None, statuses=(200, 303, 400))
def accept_ticket(ctx: Ctx) -> Reply:
    """Follow an invitation or sign-in token link back to the app, ticket in hand."""
    value = ctx.params.get("ticket")
    ticket = tickets.peek(ctx.rt, ctx.tx, value)
    assert value is not None
    status = "sign_in" if ticket.kind == "sign_in" else "sign_up"
    redirect = ctx.params.get("redirect_url") or ctx.rt.config.instance.home_url
    location = _with_query(redirect, {"__clerk_ticket": value, "__clerk_status": status})
    return Reply(None, status=303, headers={"Location": location})
