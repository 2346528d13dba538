"""Clerk's errors, as one catalogue and one exception.

Every failure the mock can answer is an entry here: its HTTP status, its code, its short
and long message, as Clerk's "Frontend API errors" page and clerk-js's own tests write
them (see ``fapi-protocol.md`` §4-5 in the reference material). Domain code raises
:class:`FapiError`; ``wire/`` renders it as the ``errors[]`` envelope. Nothing else may
produce an error body, so every error the mock sends has the same, schema-valid shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ErrorSpec:
    status: int
    message: str
    long_message: str


# code -> (status, message, long_message). ``{param}`` and other fields are filled by
# FapiError.of(); unknown fields stay literal so a missing argument is visible, not fatal.
CATALOGUE: dict[str, ErrorSpec] = {
    # Forms (422)
    "form_param_missing": ErrorSpec(422, "is missing", "{param} must be included."),
    "form_param_format_invalid": ErrorSpec(422, "is invalid", "{param} is invalid."),
    "form_param_value_invalid": ErrorSpec(
        422, "is invalid", "{value} does not match one of the allowed values for parameter {param}"
    ),
    "form_param_unknown": ErrorSpec(
        422, "is unknown", "{param} is not a valid parameter for this request."
    ),
    "form_param_nil": ErrorSpec(422, "is empty", "{param} must not be empty."),
    "form_identifier_not_found": ErrorSpec(
        422, "Couldn't find your account.", "Couldn't find your account."
    ),
    "form_identifier_exists": ErrorSpec(
        422, "is taken", "That {param_words} is taken. Please try another."
    ),
    "form_password_incorrect": ErrorSpec(
        422,
        "Password is incorrect. Try again, or use another method.",
        "Password is incorrect. Try again, or use another method.",
    ),
    "form_password_length_too_short": ErrorSpec(
        422, "is too short", "Passwords must be {min} characters or more."
    ),
    "form_password_length_too_long": ErrorSpec(
        422, "is too long", "Passwords must be {max} characters or fewer."
    ),
    "form_password_no_lowercase": ErrorSpec(
        422, "needs a lowercase letter", "Passwords must contain at least one lowercase letter."
    ),
    "form_password_no_uppercase": ErrorSpec(
        422, "needs an uppercase letter", "Passwords must contain at least one uppercase letter."
    ),
    "form_password_no_number": ErrorSpec(
        422, "needs a number", "Passwords must contain at least one number."
    ),
    "form_password_no_special_char": ErrorSpec(
        422, "needs a special character", "Passwords must contain at least one special character."
    ),
    "form_password_size_in_bytes_exceeded": ErrorSpec(
        422, "is too long", "Passwords must be 72 bytes or fewer."
    ),
    "form_code_incorrect": ErrorSpec(422, "is incorrect", "Incorrect code"),
    "form_incorrect_signature": ErrorSpec(422, "is incorrect", "Incorrect signature"),
    "form_username_invalid_length": ErrorSpec(
        422, "is invalid", "Username must be between {min} and {max} characters long."
    ),
    "form_username_invalid_character": ErrorSpec(
        422, "is invalid", "Username can only contain letters, numbers and '_' or '-'."
    ),
    # Verifications
    "verification_expired": ErrorSpec(
        400, "expired", "This verification has expired. You must create a new one."
    ),
    "verification_failed": ErrorSpec(
        400,
        "failed",
        "Too many failed attempts. You have to try again with the same or another method.",
    ),
    "verification_already_verified": ErrorSpec(
        400, "already verified", "This verification has already been verified."
    ),
    "verification_missing": ErrorSpec(
        400,
        "missing verification",
        "This strategy requires verification preparation before attempting to validate it.",
    ),
    "verification_not_sent": ErrorSpec(
        400,
        "not sent",
        "You need to send a verification code before attempting to verify.",
    ),
    "verification_strategy_invalid": ErrorSpec(
        400, "invalid strategy", "The strategy is not valid for the current verification."
    ),
    "verification_link_token_invalid": ErrorSpec(
        400, "invalid token", "The verification link is invalid."
    ),
    "verification_link_token_expired": ErrorSpec(
        400, "expired", "The verification link has expired."
    ),
    "verification_code_too_many_requests": ErrorSpec(
        429,
        "Too many requests",
        "Too many verification code requests. Please wait at least {seconds} seconds to "
        "receive your code before trying again.",
    ),
    "strategy_for_user_invalid": ErrorSpec(
        400,
        "Invalid verification strategy",
        "The verification strategy is not valid for this account",
    ),
    "no_second_factors": ErrorSpec(
        400, "No second factors", "No second factors were found for strategy {strategy}."
    ),
    # Second factors and reverification (fapi-protocol.md §5, Clerk's errors page)
    "totp_already_enabled": ErrorSpec(
        400, "TOTP already enabled", "TOTP is already enabled on your account."
    ),
    "invalid_totp_secret_code": ErrorSpec(
        422, "is incorrect", "The TOTP code you entered is incorrect."
    ),
    "backup_codes_not_available": ErrorSpec(
        400,
        "Backup codes not available",
        "Backup codes are only available once another second factor is enabled.",
    ),
    "session_reverification_required": ErrorSpec(
        403,
        "Reverification required",
        "You need to provide additional verification to perform this operation",
    ),
    "session_reverification_missing": ErrorSpec(
        400,
        "Session verification missing",
        "You need to start a new session verification flow first",
    ),
    "invalid_action_for_session_reverification": ErrorSpec(
        400,
        "Invalid action",
        "We were unable to {action} for this session, as it's not ready for {resolution}.",
    ),
    "form_password_validation_failed": ErrorSpec(
        422, "is incorrect", "Incorrect password. Please try again."
    ),
    # Sign-in / sign-up / session state
    "session_exists": ErrorSpec(400, "Session already exists", "You're already signed in."),
    "identifier_already_signed_in": ErrorSpec(
        400, "Identifier already signed in", "You're already signed in"
    ),
    "client_state_invalid": ErrorSpec(
        400,
        "Invalid client state",
        "We were unable to complete {action} for this Client. {resolution}",
    ),
    "sign_in_identification_or_user_deleted": ErrorSpec(
        400,
        "Identification or user deleted",
        "The identification or user of this sign in was deleted. Start a new sign in.",
    ),
    "sign_in_no_identification_for_user": ErrorSpec(
        400, "No identification", "This user has no identification to sign in with."
    ),
    "account_transfer_invalid": ErrorSpec(
        400, "Invalid account transfer", "There is no account to transfer"
    ),
    "resource_forbidden": ErrorSpec(
        403, "Forbidden", "Update operations are not allowed on older sign ins"
    ),
    "resource_not_found": ErrorSpec(404, "not found", "No {resource} was found with id {id}"),
    "invalid_action_for_session": ErrorSpec(
        400, "Invalid action", "Unable to {action} session {session_id}"
    ),
    "authentication_invalid": ErrorSpec(
        401,
        "Invalid authentication",
        "Unable to authenticate the request, you need to supply an active session",
    ),
    "signed_out": ErrorSpec(401, "Signed out", "You are signed out"),
    "user_locked": ErrorSpec(
        403,
        "Account locked",
        "Your account is locked. You will be able to try again in {minutes} minutes. "
        "For more information, contact support.",
    ),
    "ticket_invalid_code": ErrorSpec(400, "Invalid ticket", "The ticket is invalid."),
    "ticket_expired_code": ErrorSpec(400, "Expired ticket", "The ticket has expired."),
    "not_allowed_access": ErrorSpec(
        403, "Not allowed", "You are not allowed to access this application."
    ),
    "sign_up_mode_restricted": ErrorSpec(
        403, "Sign-ups restricted", "Sign-ups are restricted to invited users."
    ),
    # Transport
    "dev_browser_unauthenticated": ErrorSpec(
        401, "Unauthenticated", "The development browser is not authenticated."
    ),
    "origin_invalid": ErrorSpec(
        400, "Invalid origin", "The request origin {origin} is not allowed."
    ),
    "request_header_missing": ErrorSpec(
        400, "Header missing", "The {header} header is missing from the request."
    ),
    "origin_authorization_headers_conflict": ErrorSpec(
        400,
        "Conflicting headers",
        "The Origin and Authorization headers cannot be sent together.",
    ),
    "authorization_header_format_invalid": ErrorSpec(
        401, "Invalid Authorization header", "The Authorization header is not valid."
    ),
    "client_not_found": ErrorSpec(400, "Client not found", "No client was found for this request."),
    "request_body_invalid": ErrorSpec(
        400, "Request body invalid", "The request body is invalid. {detail}"
    ),
    "malformed_request_parameters": ErrorSpec(
        400, "Malformed parameters", "The request parameters are malformed. {detail}"
    ),
    "unsupported_content_type": ErrorSpec(
        415,
        "Unsupported content type",
        "Content-Type {actual} is unsupported. You should use {expected} instead.",
    ),
    "method_not_allowed": ErrorSpec(
        405, "Method not allowed", "The {method} method is not allowed on {path}."
    ),
    "too_many_requests": ErrorSpec(
        429, "Too many requests", "Too many requests, please try again in {seconds} seconds."
    ),
    # OAuth, SAML, enterprise SSO (Clerk's Frontend API errors page; see fapi-protocol.md §5)
    "oauth_callback_invalid": ErrorSpec(
        400, "Invalid OAuth callback", "invalid form for oauth_callback"
    ),
    "oauth_access_denied": ErrorSpec(
        403, "Access denied", "You did not grant access to your {provider} account"
    ),
    "oauth_provider_not_enabled": ErrorSpec(
        400,
        "Provider not enabled",
        "Single-sign on with {provider} OAuth provider is not enabled in the instance settings.",
    ),
    "oauth_token_exchange_error": ErrorSpec(400, "Token exchange error", "Token exchange error"),
    "oauth_identification_claimed": ErrorSpec(
        400,
        "Identification claimed by another user",
        "The email address associated with this OAuth account is already claimed by another user.",
    ),
    "identification_claimed": ErrorSpec(
        400,
        "Identification claimed by another user",
        "One or more identifiers on this sign up have since been connected to a different User. "
        "Please sign up again.",
    ),
    "external_account_exists": ErrorSpec(
        400,
        "External account exists",
        "This external account is already connected to an existing user. Sign in instead.",
    ),
    "external_account_not_found": ErrorSpec(
        404, "Invalid external account", "The External Account was not found."
    ),
    "google_one_tap_token_invalid": ErrorSpec(
        400,
        "Google One Tap token is invalid",
        "The provided Google One Tap token is invalid. Make sure you're using a valid token "
        "generated by Google.",
    ),
    "invalid_redirect_url": ErrorSpec(
        422, "Redirect url invalid", "The provided redirect url is not in a valid format"
    ),
    "saml_connection_not_found": ErrorSpec(
        422, "SAML SSO not enabled", "SAML SSO is not enabled for this email address."
    ),
    "saml_connection_active_not_found": ErrorSpec(
        404, "not found", "No active SAML Connection found with id {connection_id}."
    ),
    "saml_response_invalid": ErrorSpec(
        401, "Invalid SAML response", "The SAML response is invalid. {reason}"
    ),
    "saml_response_relaystate_missing": ErrorSpec(
        400,
        "RelayState parameter missing",
        "The RelayState parameter is missing from the SAML Response. Note that RelayState is "
        "not required if you are using the IdP-initiated flow.",
    ),
    "saml_email_address_domain_mismatch": ErrorSpec(
        400,
        "Email address domain mismatch",
        "The email address domain of the provider's account does not match the domain of the "
        "connection.",
    ),
    "saml_user_attribute_missing": ErrorSpec(
        400,
        "SAML SSO user attribute missing",
        "This account does not have an associated '{attribute}' attribute. Contact your IdP "
        "administrator for resolution.",
    ),
    # Code from fapi-protocol.md §5; Clerk's page gives no text, so the text is the mock's.
    "enterprise_sso_sign_in_connection_missing": ErrorSpec(
        422,
        "No enterprise connection",
        "No enterprise SSO connection is configured for this email address.",
    ),
    "internal_clerk_error": ErrorSpec(500, "Oops, an unexpected error occurred", "{detail}"),
    # Passkeys (codes and statuses: Clerk's FAPI errors page; texts other than
    # passkey_invalid_verification's are the mock's own, Clerk's were not found)
    "passkey_authentication_failure": ErrorSpec(
        400, "Passkey authentication failed", "The passkey could not be verified: {reason}"
    ),
    "passkey_invalid_verification": ErrorSpec(
        400, "invalid verification", "Passkey verification contains invalid nonce"
    ),
    "passkey_not_registered": ErrorSpec(
        404, "Passkey not registered", "This passkey is not registered with any account."
    ),
    "passkey_invalid_public_key_credential": ErrorSpec(
        422, "is invalid", "The public key credential is invalid: {reason}"
    ),
}


class _Keep(dict[str, Any]):
    """Format mapping that leaves unknown ``{fields}`` in place instead of raising."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@dataclass(frozen=True)
class ErrorItem:
    code: str
    message: str
    long_message: str
    meta: dict[str, Any] = field(default_factory=dict)

    def to_wire(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message,
            "long_message": self.long_message,
            "meta": self.meta,
        }


def error_item(
    code: str, *, param: str | None = None, meta: dict[str, Any] | None = None, **fields: Any
) -> ErrorItem:
    spec = CATALOGUE[code]
    values = _Keep(fields)
    if param is not None:
        values.setdefault("param", param)
        # Messages a person reads name the field in words ("That email address is
        # taken"): the components show long_message under the field as it comes.
        values.setdefault("param_words", param.replace("_", " "))
    full_meta = dict(meta or {})
    if param is not None:
        full_meta.setdefault("param_name", param)
    return ErrorItem(
        code=code,
        message=spec.message.format_map(values),
        long_message=spec.long_message.format_map(values),
        meta=full_meta,
    )


class FapiError(Exception):
    """A Clerk-shaped failure: HTTP status plus one or more error items.

    Raised anywhere below the HTTP layer; the state change of the request it interrupts
    is discarded by the store (see ``store/``), so a failed request changes nothing
    unless the rule itself says so (a wrong code still counts an attempt).
    """

    def __init__(self, status: int, items: list[ErrorItem], headers: dict[str, str] | None = None):
        super().__init__(items[0].long_message if items else str(status))
        self.status = status
        self.items = items
        self.headers = headers or {}

    @classmethod
    def of(
        cls,
        code: str,
        *,
        param: str | None = None,
        meta: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        **fields: Any,
    ) -> FapiError:
        item = error_item(code, param=param, meta=meta, **fields)
        return cls(CATALOGUE[code].status, [item], headers)

    @property
    def code(self) -> str:
        return self.items[0].code

    def to_wire(self) -> dict[str, Any]:
        return {"errors": [item.to_wire() for item in self.items]}


class CommittedFapiError(FapiError):
    """A failure whose state change must be kept (an attempt counted, a lock set).

    The store commits the world before the error is rendered, because the rule that
    failed the request is also the rule that changed state: a wrong code is answered
    with 422 *and* counts towards the attempt limit.
    """

    @classmethod
    def wrap(cls, error: FapiError) -> CommittedFapiError:
        return cls(error.status, error.items, error.headers)


def not_found(resource: str, id_: str) -> FapiError:
    return FapiError.of("resource_not_found", resource=resource, id=id_)


def param_missing(param: str) -> FapiError:
    return FapiError.of("form_param_missing", param=param)


def param_invalid(param: str, value: Any = None) -> FapiError:
    return FapiError.of("form_param_value_invalid", param=param, value=value)
