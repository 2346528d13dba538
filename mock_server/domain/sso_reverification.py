"""``enterprise_sso`` as a session reverification's first factor.

The signed-in user proves themselves again at their enterprise IdP: prepare starts the
same SAML flow as a sign-in (the AuthnRequest names the user's own SSO email), and the
ACS, instead of finishing a sign-in, marks the reverification's first factor verified
and refreshes the session's first-factor time (the token's ``fva[0]``). A response for
anyone else than the session's user fails the verification.
"""

from __future__ import annotations

from mock_server.domain import reverification, sso_accounts
from mock_server.domain.factors import find_factor
from mock_server.domain.models import Client, Session, User
from mock_server.domain.verification import is_verified
from mock_server.errors import FapiError, error_item
from mock_server.runtime import Runtime
from mock_server.store.base import Tx
from mock_server.strategies import saml
from mock_server.wire.request import Params


def _sso_email(rt: Runtime, user: User) -> str | None:
    for email in user.email_addresses:
        if (
            is_verified(email)
            and saml.connection_for_email(rt.config, email.email_address) is not None
        ):
            return email.email_address
    return None


def prepare(
    rt: Runtime,
    tx: Tx,
    client: Client,
    session: Session,
    user: User,
    params: Params,
    base_url: str,
) -> None:
    rv = reverification.load(session)
    reverification._require(rv, "needs_first_factor", "prepare the first factor")
    strategy = params.get("strategy") or "enterprise_sso"
    email = _sso_email(rt, user)
    offered = find_factor(reverification.supported_first(rt, user), "enterprise_sso")
    if email is None or offered is None:
        raise FapiError.of("strategy_for_user_invalid", param="strategy")
    rv.first_factor_verification = saml.start(
        rt, tx, f"session:{session.id}", client.id, strategy, email, params, base_url
    )
    reverification.save(session, rv)


def conclude(rt: Runtime, tx: Tx, session_id: str, identity: sso_accounts.Identity) -> bool:
    """The IdP vouched for ``identity``: the reverification's first factor, if it is the
    session's user; True when the reverification is then complete."""
    session = tx.get(Session, session_id)
    if session is None:
        raise FapiError.of("saml_response_invalid", reason="The session of this response is gone.")
    rv = reverification.load(session)
    v = rv.first_factor_verification
    if v is None or v.strategy not in saml.STRATEGIES or rv.status != "needs_first_factor":
        raise FapiError.of("session_reverification_missing")
    user = tx.get(User, session.user_id)
    owner = sso_accounts.find_user(tx, identity)
    if user is None or owner is None or owner.id != user.id:
        v.status = "failed"
        v.error = error_item("saml_email_address_domain_mismatch").to_wire()
        reverification.save(session, rv)
        tx.put(session)
        return False
    sso_accounts.link(rt, tx, user, identity, v.strategy)
    v.status = "verified"
    now = rt.now()
    session.first_factor_verified_at = now
    session.updated_at = now
    second = reverification.supported_second(rt, user)
    rv.status = "needs_second_factor" if rv.level == "multi_factor" and second else "complete"
    reverification.save(session, rv)
    tx.put(session)
    return rv.status == "complete"
