"""What a sign-up still needs: required, optional, missing and unverified fields.

Derived from the instance's attribute toggles (``required`` / ``on`` / ``off``), the
same toggles ``/v1/environment`` publishes, so clerk-js's sign-up form asks for exactly
what the mock will check.
"""

from __future__ import annotations

from dataclasses import dataclass

from mock_server.config import Config
from mock_server.domain.models import SignUp

ATTRIBUTES = ("email_address", "phone_number", "username", "first_name", "last_name", "password")


@dataclass(frozen=True)
class Fields:
    required: list[str]
    optional: list[str]
    missing: list[str]
    unverified: list[str]


def _provided(su: SignUp, name: str) -> bool:
    if name == "password":
        return su.password_hash is not None
    if name == "legal_accepted":
        return su.legal_accepted_at is not None
    return getattr(su, name) is not None


def fields(config: Config, su: SignUp) -> Fields:
    attrs = config.attributes
    required = [a for a in ATTRIBUTES if getattr(attrs, a) == "required"]
    if config.sign_up.legal_consent:
        # Clerk lists it with the fields (missing_fields: ["legal_accepted"]); SSO
        # sign-ups need it too.
        required.append("legal_accepted")
    if su.external_identity is not None:
        # An SSO provider is the credential: no password is asked of SSO sign-ups.
        required = [a for a in required if a != "password"]
    optional = [a for a in ATTRIBUTES if getattr(attrs, a) == "on"]
    missing = [a for a in required if not _provided(su, a)]
    unverified = []
    if su.email_address and not _is_verified(su.email_address_verification):
        unverified.append("email_address")
    if su.phone_number and not _is_verified(su.phone_number_verification):
        unverified.append("phone_number")
    if su.web3_wallet and not _is_verified(su.web3_wallet_verification):
        unverified.append("web3_wallet")
    return Fields(required, optional, missing, unverified)


def _is_verified(v: object) -> bool:
    return getattr(v, "status", None) == "verified"


def is_complete(config: Config, su: SignUp) -> bool:
    f = fields(config, su)
    return not f.missing and not f.unverified
