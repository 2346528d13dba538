"""Sign-up restrictions: a restricted instance admits only invitations; legal
consent keeps a sign-up ``missing_requirements`` until ``legal_accepted`` is given."""

from __future__ import annotations

from collections.abc import Callable

from tests.mock_server.conftest import PASSWORD, Mock, config_for, error, ok


def test_a_restricted_instance_refuses_sign_ups_without_an_invitation(
    make_mock: Callable[..., Mock],
) -> None:
    mock = make_mock(config_for(sign_up={"mode": "restricted"}))
    browser = mock.browser()
    code = "sign_up_mode_restricted"
    error(browser.sign_up(email_address="x@example.com", password=PASSWORD), 403, code)
    # OAuth sign-ups start here too: the provider cannot open the door either.
    error(browser.sign_up(strategy="oauth_google", redirect_url="http://app/cb"), 403, code)
    # Nothing was left behind (a refused request changes nothing).
    client = ok(browser.get("/v1/client"))["response"]
    assert client is None or client["sign_up"] is None


def test_a_restricted_instance_admits_an_invitation(make_mock: Callable[..., Mock]) -> None:
    mock = make_mock(config_for(sign_up={"mode": "restricted"}))
    browser = mock.browser()
    ticket = mock.ticket(email_address="invited@example.com")
    su = ok(browser.sign_up(strategy="ticket", ticket=ticket, password=PASSWORD))["response"]
    assert su["status"] == "complete"


def test_legal_consent_is_missing_until_accepted(make_mock: Callable[..., Mock]) -> None:
    mock = make_mock(config_for(sign_up={"legal_consent": True}))
    browser = mock.browser()
    ticket = mock.ticket(email_address="terms@example.com")
    su = ok(browser.sign_up(strategy="ticket", ticket=ticket, password=PASSWORD))["response"]
    assert su["status"] == "missing_requirements"
    assert su["missing_fields"] == ["legal_accepted"]
    assert "legal_accepted" in su["required_fields"]
    assert su["legal_accepted_at"] is None
    done = ok(browser.patch(f"/v1/client/sign_ups/{su['id']}", {"legal_accepted": "true"}))
    assert done["response"]["status"] == "complete"
    accepted = done["response"]["legal_accepted_at"]
    assert isinstance(accepted, int)
    # The user keeps it (Clerk's user.legal_accepted_at).
    assert done["client"]["sessions"][0]["user"]["legal_accepted_at"] == accepted


def test_legal_consent_given_at_creation(make_mock: Callable[..., Mock]) -> None:
    mock = make_mock(config_for(sign_up={"legal_consent": True}))
    browser = mock.browser()
    su = ok(
        browser.sign_up(email_address="a@example.com", password=PASSWORD, legal_accepted="true")
    )["response"]
    assert su["missing_fields"] == []
    assert su["unverified_fields"] == ["email_address"]


def test_without_legal_consent_nothing_is_asked(mock: Mock) -> None:
    su = ok(mock.browser().sign_up(email_address="b@example.com", password=PASSWORD))
    assert "legal_accepted" not in su["response"]["required_fields"]
