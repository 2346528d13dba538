"""Where sign-ins and sign-ups hand over to the SSO strategies.

The OAuth strategy names depend on the instance's configured providers, and SSO flows
start without an identifier (OAuth) or with one that need not belong to a user yet
(SAML just-in-time accounts), so they are dispatched here, before the password/code
rules of ``sign_in``/``sign_up`` apply.
"""

from __future__ import annotations

from mock_server.config import Config
from mock_server.domain import identifiers, sso_accounts, users
from mock_server.domain.models import Client, SignIn, SignUp, Verification
from mock_server.errors import FapiError
from mock_server.runtime import Runtime
from mock_server.store.base import Tx
from mock_server.strategies import oauth, saml
from mock_server.wire.request import Params

ONE_TAP = "google_one_tap"


def handles(config: Config, strategy: str | None) -> bool:
    if strategy is None:
        return False
    # Every oauth_* is ours: one the instance lacks is oauth_provider_not_enabled.
    return strategy.startswith("oauth_") or strategy == ONE_TAP or strategy in saml.STRATEGIES


def _redirect_oauth(strategy: str) -> bool:
    return strategy.startswith("oauth_") and not strategy.startswith(oauth.TOKEN_PREFIX)


def _token_identity(
    rt: Runtime, tx: Tx, strategy: str, params: Params, base_url: str
) -> sso_accounts.Identity:
    if strategy == ONE_TAP:
        return oauth.one_tap_identity(rt, params, base_url)
    return oauth.identity_from_token(rt, tx, strategy, params, base_url)


def _email_param(params: Params) -> str | None:
    value = params.get("identifier") or params.get("email_address")
    if value is None:
        return None
    if not identifiers.is_email(value):
        raise FapiError.of("form_param_format_invalid", param="identifier")
    return identifiers.normalize_email(value)


def create_sign_in(
    rt: Runtime, tx: Tx, client: Client, si: SignIn, params: Params, base_url: str
) -> bool:
    """Run an SSO ``POST /v1/client/sign_ins``; False when it is not one."""
    if params.flag("transfer"):
        sso_accounts.transfer_to_sign_in(rt, tx, client, si)
        return True
    strategy = params.get("strategy")
    if strategy is None:
        return _unknown_sso_email(rt, tx, si, params)
    if not handles(rt.config, strategy):
        return False
    owner = f"sign_in:{si.id}"
    si.status = "needs_first_factor"
    if _redirect_oauth(strategy):
        si.first_factor_verification = oauth.start(
            rt, tx, owner, client.id, strategy, params, base_url
        )
        return True
    if strategy in saml.STRATEGIES:
        email = _email_param(params)
        if email is None:
            raise FapiError.of("form_param_missing", param="identifier")
        _identify(tx, si, email)
        if params.has("redirect_url"):
            si.first_factor_verification = saml.start(
                rt, tx, owner, client.id, strategy, email, params, base_url
            )
        elif saml.connection_for_email(rt.config, email) is None:
            raise FapiError.of(
                "enterprise_sso_sign_in_connection_missing"
                if strategy == "enterprise_sso"
                else "saml_connection_not_found",
                param="identifier",
            )
        return True
    who = _token_identity(rt, tx, strategy, params, base_url)
    if strategy == ONE_TAP and sso_accounts.find_user(tx, who) is None:
        raise FapiError.of("external_account_not_found")
    si.first_factor_verification = Verification(
        status="unverified",
        strategy=strategy,
        attempts=0,
        expire_at=rt.now() + rt.config.oauth.verification_ttl_seconds * 1000,
    )
    sso_accounts.conclude_sign_in(rt, tx, si, who)
    return True


def _unknown_sso_email(rt: Runtime, tx: Tx, si: SignIn, params: Params) -> bool:
    """``{identifier}`` alone, an email nobody has, in a domain with a connection: the
    sign-in goes on with enterprise SSO as its factor instead of "not found"."""
    identifier = params.get("identifier")
    if identifier is None or params.has("password") or not identifiers.is_email(identifier):
        return False
    email = identifiers.normalize_email(identifier)
    if saml.connection_for_email(rt.config, email) is None:
        return False
    if users.find_by_identifier(tx, email, view=True) is not None:
        return False
    si.identifier = email
    si.status = "needs_first_factor"
    return True


def _identify(tx: Tx, si: SignIn, email: str) -> None:
    si.identifier = email
    user = users.find_by_identifier(tx, email, view=True)
    si.user_id = user.id if user else None


def prepare_sign_in(
    rt: Runtime, tx: Tx, client: Client, si: SignIn, params: Params, base_url: str
) -> bool:
    """``prepare_first_factor`` for an SSO strategy; False when it is not one."""
    strategy = params.get("strategy")
    if strategy is None or not handles(rt.config, strategy):
        return False
    if si.status not in ("needs_identifier", "needs_first_factor"):
        raise FapiError.of(
            "client_state_invalid",
            action="prepare_first_factor",
            resolution=f"The sign in is {si.status}.",
        )
    owner = f"sign_in:{si.id}"
    if _redirect_oauth(strategy):
        si.first_factor_verification = oauth.start(
            rt, tx, owner, client.id, strategy, params, base_url
        )
    elif strategy in saml.STRATEGIES:
        email = si.identifier or _email_param(params)
        if email is None:
            raise FapiError.of("form_param_missing", param="identifier")
        _identify(tx, si, email)
        si.first_factor_verification = saml.start(
            rt, tx, owner, client.id, strategy, email, params, base_url
        )
    else:
        raise FapiError.of("verification_strategy_invalid", param="strategy")
    si.status = "needs_first_factor"
    return True


def create_sign_up(
    rt: Runtime, tx: Tx, client: Client, su: SignUp, params: Params, base_url: str
) -> bool:
    """Run an SSO ``POST /v1/client/sign_ups``; False when it is not one."""
    strategy = params.get("strategy")
    owner = f"sign_up:{su.id}"
    if params.flag("transfer"):
        from mock_server.domain import sign_up

        sso_accounts.transfer_to_sign_up(rt, tx, client, su)
        sign_up._apply(rt, tx, su, params)
    elif strategy is None or not handles(rt.config, strategy):
        return False
    elif _redirect_oauth(strategy):
        from mock_server.domain import sign_up

        sign_up._apply(rt, tx, su, params)  # unsafe_metadata, legal_accepted, ...
        su.external_account_verification = oauth.start(
            rt, tx, owner, client.id, strategy, params, base_url
        )
        return True
    elif strategy in saml.STRATEGIES:
        email = _email_param(params)
        if email is None:
            raise FapiError.of("form_param_missing", param="email_address")
        su.email_address = email
        su.external_account_verification = saml.start(
            rt, tx, owner, client.id, strategy, email, params, base_url
        )
        return True
    else:
        who = _token_identity(rt, tx, strategy, params, base_url)
        if strategy == ONE_TAP and sso_accounts.find_user(tx, who) is not None:
            raise FapiError.of("external_account_exists")
        su.external_account_verification = Verification(
            status="unverified", strategy=strategy, attempts=0
        )
        sso_accounts.conclude_sign_up(rt, tx, su, who)
        return True
    sso_accounts.settle_sign_up(rt, tx, client, su)
    return True


def prepare_sign_up(
    rt: Runtime, tx: Tx, client: Client, su: SignUp, params: Params, base_url: str
) -> bool:
    """``prepare_verification`` of a sign-up with ``oauth_<provider>``, ``saml`` or
    ``enterprise_sso``: (re)start the provider flow for the external account."""
    strategy = params.get("strategy")
    if strategy is None or not (_redirect_oauth(strategy) or strategy in saml.STRATEGIES):
        return False
    owner = f"sign_up:{su.id}"
    if _redirect_oauth(strategy):
        su.external_account_verification = oauth.start(
            rt, tx, owner, client.id, strategy, params, base_url
        )
        return True
    email = su.email_address or _email_param(params)
    if email is None:
        raise FapiError.of("form_param_missing", param="email_address")
    su.email_address = email
    su.external_account_verification = saml.start(
        rt, tx, owner, client.id, strategy, email, params, base_url
    )
    return True
