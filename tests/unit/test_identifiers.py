"""Identifier rules: classification, normalisation, Clerk's test ranges, masking."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from mock_server.domain import identifiers as ids


def test_classify_by_shape() -> None:
    assert ids.classify("Jane@Example.com") == "email_address"
    assert ids.classify("+1 (201) 555-0100") == "phone_number"
    assert ids.classify("jane_doe") == "username"


def test_normalisation_makes_one_account_of_many_spellings() -> None:
    assert ids.normalize("email_address", " Jane@Example.COM ") == "jane@example.com"
    assert ids.normalize("phone_number", "(201) 555-0100") == "+12015550100"
    assert ids.normalize("phone_number", "+1 201 555 0100") == "+12015550100"


def test_clerk_test_identities() -> None:
    assert ids.is_test_email("jane+clerk_test@example.com")
    assert not ids.is_test_email("jane@example.com")
    assert ids.is_test_phone("+12015550100")
    assert ids.is_test_phone("+19735550199")
    assert not ids.is_test_phone("+12015550200")
    assert not ids.is_test_phone("+12015550099")


@given(st.integers(min_value=200, max_value=999), st.integers(min_value=0, max_value=99))
def test_every_number_in_the_fictional_range_is_a_test_phone(area: int, line: int) -> None:
    assert ids.is_test_phone(f"+1{area}55501{line:02d}")


@given(st.emails())
def test_masking_keeps_the_domain_and_hides_the_local_part(email: str) -> None:
    masked = ids.mask_email(email)
    local, _, domain = email.partition("@")
    shown, _, masked_domain = masked.partition("@")
    assert masked_domain == domain
    assert shown[:1] == local[:1]
    assert set(shown[1:]) == {"*"}
    assert len(shown) >= 4
