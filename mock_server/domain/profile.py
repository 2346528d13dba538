"""``PATCH /v1/me``: the signed-in user's own profile fields.

Clerk's ``patchUser`` takes the names, the username and which verified identification is
primary (``username``, ``first_name``, ``last_name``, ``primary_email_address_id``,
``primary_phone_number_id``, ``primary_web3_wallet_id``); clerk-js's ``user.update()``
also sends ``unsafe_metadata``. A field sent empty clears it, except that a username the
instance requires cannot be cleared. A username is checked as a sign-up's is (length and
characters from the config, held by no other account) and moves the user's index entry
with it. A primary identification must be one of the user's own and verified: signing
in by an address nobody proved is what primaries exist to prevent.
"""

from __future__ import annotations

from mock_server.domain import users
from mock_server.domain.models import EmailAddress, PhoneNumber, User, Web3Wallet
from mock_server.domain.sign_up import identifier_problem
from mock_server.domain.verification import is_verified
from mock_server.errors import FapiError, not_found
from mock_server.runtime import Runtime
from mock_server.store.base import Tx
from mock_server.wire.request import Params


def _fields() -> frozenset[str]:
    """The form fields, as ``schemas/wire/requests.json`` declares them for ``update_me``."""
    import schemas

    return frozenset(schemas.documents()["requests"]["$defs"]["update_me"]["properties"])


FIELDS = _fields()


def update(rt: Runtime, tx: Tx, user: User, params: Params) -> None:
    sent = params.values
    for name in ("first_name", "last_name"):
        if name in sent:
            setattr(user, name, sent[name] or None)
    if "username" in sent:
        _set_username(rt, tx, user, sent["username"].strip().lower())
    if "primary_email_address_id" in sent:
        email = _own(user.email(sent["primary_email_address_id"]), "email address", sent)
        user.primary_email_address_id = email.id
    if "primary_phone_number_id" in sent:
        phone = _own(user.phone(sent["primary_phone_number_id"]), "phone number", sent)
        user.primary_phone_number_id = phone.id
    if "primary_web3_wallet_id" in sent:
        wallet = _own(user.wallet(sent["primary_web3_wallet_id"]), "web3 wallet", sent)
        user.primary_web3_wallet_id = wallet.id
    metadata = params.json_object("unsafe_metadata")
    if metadata is not None:
        user.unsafe_metadata = metadata
    user.updated_at = rt.now()


def _set_username(rt: Runtime, tx: Tx, user: User, value: str) -> None:
    if value == (user.username or ""):
        return
    if rt.config.attributes.username == "off":
        # As a sign-up answers a field the instance does not collect.
        raise FapiError.of("form_param_unknown", param="username")
    if not value:
        if rt.config.attributes.username == "required":
            raise FapiError.of("form_param_nil", param="username")
    else:
        problem = identifier_problem(rt, tx, "username", value)
        if problem is not None:
            raise FapiError(422, [problem])
    users.unindex_user(tx, user)
    user.username = value or None
    users.index_user(tx, user)


def _own(
    found: EmailAddress | PhoneNumber | Web3Wallet | None, kind: str, sent: dict[str, str]
) -> EmailAddress | PhoneNumber | Web3Wallet:
    param = "primary_" + kind.replace(" ", "_") + "_id"
    if found is None:
        raise not_found(kind, sent[param])
    if not is_verified(found):
        raise FapiError.of("verification_missing")
    return found
