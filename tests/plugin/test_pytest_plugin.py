"""The pytest plugin's fixtures, used exactly as a team would use them (entry point)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from faker import Faker
from hypothesis import given, settings
from hypothesis import strategies as st

from fixtures.flows import FapiClient, SignedIn
from fixtures.identities import (
    Identity,
    PasswordRules,
    identity,
    is_test_identity,
    password,
    totp_code,
    totp_secret,
)
from fixtures.pytest_plugin import DEFAULT_SEED, MockFapi, fapi_seed_of


def test_signed_in_user_has_a_session_on_the_client(
    fapi: FapiClient, signed_in_user: SignedIn
) -> None:
    client = fapi.client()
    assert client is not None
    assert signed_in_user.session_id in [s["id"] for s in client["sessions"]]


def test_code_sign_in_reads_the_outbox(
    fapi_mock: MockFapi, fapi: FapiClient, fake_identity: Callable[..., Identity]
) -> None:
    who = fapi_mock.seed_user(fake_identity(test=False))
    done = fapi.sign_in_with_code(who.email_address, "email_code")
    assert done["status"] == "complete"
    assert len(fapi_mock.outbox(who.email_address)) == 1


def test_sign_up_through_the_typed_client(fapi: FapiClient, fake_user: Identity) -> None:
    su = fapi.sign_up(fake_user)
    assert su["status"] == "complete"


def test_clock_advance_expires_codes(
    fapi_mock: MockFapi, fapi: FapiClient, fake_identity: Callable[..., Identity]
) -> None:
    who = fapi_mock.seed_user(fake_identity(test=False))
    si = fapi.create_sign_in(identifier=who.email_address)
    path = f"/v1/client/sign_ins/{si['id']}"
    fapi.browser.post(path + "/prepare_first_factor", {"strategy": "email_code"})
    fapi_mock.advance_clock(601)
    late = {"strategy": "email_code", "code": fapi_mock.latest_code(who.email_address)}
    ex = fapi.browser.post(path + "/attempt_first_factor", late)
    assert ex.body["errors"][0]["code"] == "verification_expired"


def test_fake_user_is_in_clerk_test_ranges(
    fake_user: Identity, fake_identity: Callable[..., Identity]
) -> None:
    assert is_test_identity(fake_user.email_address)
    assert is_test_identity(fake_user.phone_number)
    other = fake_identity(test=False)
    assert not is_test_identity(other.email_address)
    assert not is_test_identity(other.phone_number)


def test_fake_data_is_reproducible_per_seed() -> None:
    a, b = Faker(), Faker()
    a.seed_instance(7)
    b.seed_instance(7)
    assert identity(a) == identity(b)


def test_seed_defaults_without_pytest_randomly(pytestconfig: pytest.Config) -> None:
    if pytestconfig.pluginmanager.hasplugin("randomly"):
        pytest.skip("pytest-randomly is active: its seed is used")
    assert fapi_seed_of(pytestconfig) == pytestconfig.getoption("--fapi-seed") == DEFAULT_SEED


@settings(deadline=None)  # a loaded CI machine is not a slow password generator
@given(
    st.integers(8, 40),
    st.booleans(),
    st.booleans(),
    st.booleans(),
    st.booleans(),
    st.integers(0, 2**32),
)
def test_passwords_meet_the_rules(
    min_length: int, lower: bool, upper: bool, digits: bool, special: bool, seed: int
) -> None:
    rules = PasswordRules(
        min_length=min_length,
        require_lowercase=lower,
        require_uppercase=upper,
        require_numbers=digits,
        require_special_char=special,
    )
    fake = Faker()
    fake.seed_instance(seed)
    made = password(fake, rules)
    assert rules.min_length <= len(made) <= rules.max_length
    assert not lower or any(c.islower() for c in made)
    assert not upper or any(c.isupper() for c in made)
    assert not digits or any(c.isdigit() for c in made)
    assert not special or any(c in rules.allowed_special_characters for c in made)


def test_phone_code_sign_in_by_email_identifier(
    fapi_mock: MockFapi, fapi: FapiClient, fake_identity: Callable[..., Identity]
) -> None:
    who = fapi_mock.seed_user(fake_identity(test=False), phone=True)
    done = fapi.sign_in_with_code(who.email_address, "phone_code", to=who.phone_number)
    assert done["status"] == "complete"


def test_totp_codes_match_rfc_6238() -> None:
    """RFC 6238 appendix B, SHA-1 secret "12345678901234567890"."""
    import base64

    secret = base64.b32encode(b"12345678901234567890").decode()
    assert totp_code(secret, 59_000, digits=8) == "94287082"
    assert totp_code(secret, 1_111_111_109_000, digits=8) == "07081804"
    assert totp_code(secret, 59_000) == "287082"


def test_totp_secrets_are_reproducible() -> None:
    a, b = Faker(), Faker()
    a.seed_instance(3)
    b.seed_instance(3)
    secret = totp_secret(a)
    assert len(secret) == 32
    assert secret == totp_secret(b)
