"""Identifier rules: what an email, a phone number and a username look like, and masking.

Normalisation matters for lookups: ``Jane@Example.com`` and ``jane@example.com`` are one
account, and clerk-js sends phone numbers in whatever format the user typed.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

from mock_server.domain import web3

IdentifierKind = Literal["email_address", "phone_number", "username", "web3_wallet"]

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")
_USERNAME = re.compile(r"^[A-Za-z0-9_-]+$")
_TEST_PHONE = re.compile(r"^\+1\d{3}55501\d{2}$")


def normalize_email(value: str) -> str:
    return value.strip().lower()


def normalize_phone(value: str) -> str:
    """Strip formatting; a bare 10-digit number is taken as North American (+1)."""
    digits = re.sub(r"[\s().-]", "", value.strip())
    if not digits.startswith("+") and len(digits) == 10 and digits.isdigit():
        digits = "+1" + digits
    elif not digits.startswith("+") and digits.isdigit():
        digits = "+" + digits
    return digits


def is_email(value: str) -> bool:
    return bool(_EMAIL.match(value.strip()))


def is_phone(value: str) -> bool:
    return bool(_E164.match(normalize_phone(value)))


def is_username(value: str) -> bool:
    return bool(_USERNAME.match(value))


_PHONEISH = re.compile(r"^\+?[\d\s().-]{7,}$")


def classify(value: str) -> IdentifierKind:
    """Which kind of identifier a free-form sign-in ``identifier`` is.

    Usernames cannot be purely numeric by default (Clerk's ``allow_numeric_usernames``
    is off), so anything made of digits and phone punctuation is a phone number.
    """
    text = value.strip()
    if "@" in text:
        return "email_address"
    if web3.kind_of(text) is not None:
        return "web3_wallet"
    if _PHONEISH.match(text):
        return "phone_number"
    return "username"


def normalize(kind: IdentifierKind, value: str) -> str:
    if kind == "email_address":
        return normalize_email(value)
    if kind == "phone_number":
        return normalize_phone(value)
    if kind == "web3_wallet":
        return web3.normalize(value)
    return value.strip().lower()


def is_test_email(value: str) -> bool:
    """Clerk's test mode: any address with the ``+clerk_test`` subaddress."""
    local = normalize_email(value).split("@", 1)[0]
    return "+clerk_test" in local


def is_test_phone(value: str) -> bool:
    """Clerk's test mode: fictional numbers +1 (XXX) 555-0100 to 555-0199."""
    return bool(_TEST_PHONE.match(normalize_phone(value)))


# Pure, and asked for the same few addresses on every sign-in answer.
@lru_cache(maxsize=4096)
def mask_email(value: str) -> str:
    local, _, domain = value.partition("@")
    return f"{local[:1]}{'*' * max(len(local) - 1, 3)}@{domain}"


@lru_cache(maxsize=4096)
def mask_phone(value: str) -> str:
    return value[:2] + "*" * max(len(value) - 4, 0) + value[-2:]
