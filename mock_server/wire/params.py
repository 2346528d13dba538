"""Which body parameters an operation accepts; anything else is ``form_param_unknown``.

Clerk rejects a truly unknown form field with 422 ``form_param_unknown`` (one error per
field), so a client that misspells ``identifer`` fails loudly instead of being ignored.
But clerk-js also sends fields Clerk's spec does not list (``locale``, ``timezone``,
``sign_up_if_missing``, captcha fields, ``channel``...) and Clerk accepts them, so the
mock must too. Each list below is the operation's form fields as Clerk's OpenAPI
document declares them (2026-05-12) plus :data:`CLIENT_EXTRAS`.

Operations not named here accept any parameter: a new operation is permissive until its
fields are declared, never wrongly strict.
"""

from __future__ import annotations

from mock_server.domain import profile
from mock_server.errors import FapiError, error_item
from mock_server.wire.request import Params

# Fields clerk-js (and the native SDKs) add that the spec does not declare.
CLIENT_EXTRAS = frozenset(
    {
        "locale",
        "timezone",
        "sign_up_if_missing",
        "captcha_token",
        "captcha_error",
        "captcha_widget_type",
        "channel",
        "default",
        "tab_state",
    }
)

_REDIRECTS = frozenset(
    {"redirect_url", "action_complete_redirect_url", "oidc_login_hint", "oidc_prompt"}
)
_SIGN_UP_FIELDS = frozenset(
    {
        "password",
        "first_name",
        "last_name",
        "username",
        "email_address",
        "phone_number",
        "email_address_or_phone_number",
        "unsafe_metadata",
        "strategy",
        "ticket",
        "web3_wallet",
        "token",
        "code",
        "legal_accepted",
        "proof_token",
        *_REDIRECTS,
    }
)

# operation id (the handler's name) -> the form fields it accepts.
ACCEPTED: dict[str, frozenset[str]] = {
    "create_sign_in": frozenset(
        {
            "identifier",
            "password",
            "strategy",
            "ticket",
            "token",
            "code",
            "transfer",
            "trusted_device_id",
            "proof_token",
            *_REDIRECTS,
        }
    ),
    "prepare_sign_in_first_factor": frozenset(
        {
            "strategy",
            "email_address_id",
            "phone_number_id",
            "web3_wallet_id",
            "passkey_id",
            "trusted_device_id",
            "proof_token",
            *_REDIRECTS,
        }
    ),
    "attempt_sign_in_first_factor": frozenset(
        {
            "strategy",
            "password",
            "code",
            "signature",
            "public_key_credential",
            "ticket",
            "token",
            "algorithm",
            "client_data",
            "trusted_device_id",
        }
    ),
    "reset_sign_in_password": frozenset({"password", "sign_out_of_other_sessions"}),
    "create_sign_up": _SIGN_UP_FIELDS | {"transfer"},
    "update_sign_up": _SIGN_UP_FIELDS,
    "prepare_sign_up_verification": frozenset({"strategy", "proof_token", *_REDIRECTS}),
    "attempt_sign_up_verification": frozenset({"strategy", "code", "signature", "token"}),
    "touch_session": frozenset({"active_organization_id", "intent"}),
    "update_me": profile.FIELDS,
}


def check_known(operation_id: str, params: Params) -> None:
    """Raise 422 ``form_param_unknown`` (one error per field) for undeclared fields."""
    accepted = ACCEPTED.get(operation_id)
    if accepted is None:
        return
    unknown = params.values.keys() - accepted - CLIENT_EXTRAS
    if unknown:
        raise FapiError(422, [error_item("form_param_unknown", param=k) for k in sorted(unknown)])


# SSO: clerk-js sends ``enterprise_connection_id`` with enterprise SSO (SignIn.ts prepare,
# SignUp.ts authenticateWithRedirect; not in the spec), and a native
# ``oauth_token_<provider>`` code comes with its PKCE ``code_verifier`` (a mock extension:
# the spec has no field for it, and the mock's provider requires PKCE on every code).
_SSO_EXTRAS: dict[str, frozenset[str]] = {
    "create_sign_in": frozenset({"code_verifier", "enterprise_connection_id"}),
    "prepare_sign_in_first_factor": frozenset({"enterprise_connection_id"}),
    "create_sign_up": frozenset({"code_verifier", "enterprise_connection_id"}),
    "update_sign_up": frozenset({"enterprise_connection_id"}),
    "prepare_sign_up_verification": frozenset({"enterprise_connection_id"}),
}
for _operation, _extra in _SSO_EXTRAS.items():
    ACCEPTED[_operation] = ACCEPTED[_operation] | _extra
