"""The OpenAPI links of the mock's document: which answer feeds which next request.

Schemathesis' stateful phase only reaches an operation keyed by an id (a sign-in, a
session, a fault rule) through a link from the operation that hands that id out; without
them every such request is a 404 on a made-up id. Each chain is a real flow: create
sign-in -> prepare -> attempt (first, then second factor) -> session; sign-up -> update ->
verification; session -> tokens -> touch (and the JWKS that verifies the token);
session -> reverification -> its factors; the user's new email address or phone number ->
its verification; admin user and fault rule -> their own endpoints.
"""

from __future__ import annotations

#: (operation id) -> {link name: (target operation id, {target parameter: expression})}
Links = dict[str, dict[str, tuple[str, dict[str, str]]]]

_SIGN_IN = {"sign_in_id": "$response.body#/response/id"}
_SIGN_UP = {"sign_up_id": "$response.body#/response/id"}
_SESSION = {"session_id": "$response.body#/response/id"}
_CREATED = {"session_id": "$response.body#/response/created_session_id"}
_LAST_ACTIVE = {"session_id": "$response.body#/response/last_active_session_id"}
# The reverification object does not repeat its session's id: the request path has it.
_SAME_SESSION = {"session_id": "$request.path.session_id"}

_SECOND_FACTOR = {
    "PrepareSecondFactor": ("prepare_sign_in_second_factor", _SIGN_IN),
    "AttemptSecondFactor": ("attempt_sign_in_second_factor", _SIGN_IN),
}


def _session_links(session: dict[str, str]) -> dict[str, tuple[str, dict[str, str]]]:
    """What a live session's id opens: itself, its tokens, reverification, signing out."""
    return {
        "GetSession": ("get_session", session),
        "TouchSession": ("touch_session", session),
        "CreateSessionToken": ("create_session_token", session),
        "CreateTemplateSessionToken": ("create_session_token_with_template", session),
        "StartReverification": ("start_session_reverification", session),
        "EndSession": ("end_session", session),
        "RemoveSession": ("remove_session", session),
        "RevokeSession": ("revoke_my_session", session),
    }


def _reverification(*targets: str) -> dict[str, tuple[str, dict[str, str]]]:
    names = {
        "prepare_session_reverification_first_factor": "PrepareFirstFactor",
        "attempt_session_reverification_first_factor": "AttemptFirstFactor",
        "prepare_session_reverification_second_factor": "PrepareSecondFactor",
        "attempt_session_reverification_second_factor": "AttemptSecondFactor",
    }
    return {names[t]: (t, _SAME_SESSION) for t in targets}


_EMAIL = {"email_id": "$response.body#/response/id"}
_PHONE = {"phone_number_id": "$response.body#/response/id"}


def _token_links() -> dict[str, tuple[str, dict[str, str]]]:
    """A minted token is verified with the JWKS; the session it was minted for lives on."""
    return {
        "GetJwks": ("get_jwks", {}),
        "TouchSession": ("touch_session", _SAME_SESSION),
        "CreateSessionToken": ("create_session_token", _SAME_SESSION),
    }


LINKS: Links = {
    "create_sign_in": {
        "GetSignIn": ("get_sign_in", _SIGN_IN),
        "PrepareFirstFactor": ("prepare_sign_in_first_factor", _SIGN_IN),
        "AttemptFirstFactor": ("attempt_sign_in_first_factor", _SIGN_IN),
        "ResetPassword": ("reset_sign_in_password", _SIGN_IN),
        **_SECOND_FACTOR,
    },
    "prepare_sign_in_first_factor": {
        "AttemptFirstFactor": ("attempt_sign_in_first_factor", _SIGN_IN),
    },
    "attempt_sign_in_first_factor": {
        "ResetPassword": ("reset_sign_in_password", _SIGN_IN),
        **_SECOND_FACTOR,
        "GetSession": ("get_session", _CREATED),
        "CreateSessionToken": ("create_session_token", _CREATED),
    },
    "prepare_sign_in_second_factor": {
        "AttemptSecondFactor": ("attempt_sign_in_second_factor", _SIGN_IN),
    },
    "attempt_sign_in_second_factor": {
        "GetSession": ("get_session", _CREATED),
        "CreateSessionToken": ("create_session_token", _CREATED),
    },
    "create_sign_up": {
        "GetSignUp": ("get_sign_up", _SIGN_UP),
        "UpdateSignUp": ("update_sign_up", _SIGN_UP),
        "PrepareVerification": ("prepare_sign_up_verification", _SIGN_UP),
        "AttemptVerification": ("attempt_sign_up_verification", _SIGN_UP),
    },
    "update_sign_up": {
        "GetSignUp": ("get_sign_up", _SIGN_UP),
        "PrepareVerification": ("prepare_sign_up_verification", _SIGN_UP),
        "AttemptVerification": ("attempt_sign_up_verification", _SIGN_UP),
    },
    "prepare_sign_up_verification": {
        "AttemptVerification": ("attempt_sign_up_verification", _SIGN_UP),
    },
    "attempt_sign_up_verification": {
        "GetSession": ("get_session", _CREATED),
        "CreateSessionToken": ("create_session_token", _CREATED),
    },
    "get_client": _session_links(_LAST_ACTIVE),
    "get_session": {k: v for k, v in _session_links(_SESSION).items() if k != "GetSession"},
    "touch_session": {
        "GetSession": ("get_session", _SESSION),
        "CreateSessionToken": ("create_session_token", _SESSION),
    },
    "create_session_token": _token_links(),
    "create_session_token_with_template": _token_links(),
    "start_session_reverification": _reverification(
        "prepare_session_reverification_first_factor",
        "attempt_session_reverification_first_factor",
        "prepare_session_reverification_second_factor",
        "attempt_session_reverification_second_factor",
    ),
    "prepare_session_reverification_first_factor": _reverification(
        "attempt_session_reverification_first_factor"
    ),
    "attempt_session_reverification_first_factor": _reverification(
        "prepare_session_reverification_second_factor",
        "attempt_session_reverification_second_factor",
    ),
    "prepare_session_reverification_second_factor": _reverification(
        "attempt_session_reverification_second_factor"
    ),
    "add_email_address": {
        "PrepareVerification": ("prepare_email_address_verification", _EMAIL),
        "AttemptVerification": ("attempt_email_address_verification", _EMAIL),
        "Delete": ("delete_email_address", _EMAIL),
    },
    "prepare_email_address_verification": {
        "AttemptVerification": ("attempt_email_address_verification", _EMAIL),
    },
    "add_phone_number": {
        "PrepareVerification": ("prepare_phone_number_verification", _PHONE),
        "AttemptVerification": ("attempt_phone_number_verification", _PHONE),
        "Update": ("update_phone_number", _PHONE),
        "Delete": ("delete_phone_number", _PHONE),
    },
    "prepare_phone_number_verification": {
        "AttemptVerification": ("attempt_phone_number_verification", _PHONE),
    },
    "create_user": {
        "GetUser": ("get_user", {"user_id": "$response.body#/id"}),
        "DeleteUser": ("delete_user", {"user_id": "$response.body#/id"}),
    },
    "add_fault": {
        "DeleteFault": ("delete_fault", {"fault_id": "$response.body#/id"}),
    },
}
