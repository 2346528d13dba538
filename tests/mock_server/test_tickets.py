"""Tickets: a sign-in token signs its user in; an invitation signs a new user up."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from tests.mock_server.conftest import PASSWORD, Browser, Mock, error, ok


def test_a_sign_in_ticket_signs_its_user_in(mock: Mock, browser: Browser) -> None:
    user = mock.seed_user(email_addresses="ticketed@example.com")
    ticket = mock.ticket(user_id=user["id"])
    body = ok(browser.sign_in(strategy="ticket", ticket=ticket))
    si = body["response"]
    assert si["status"] == "complete"
    assert si["first_factor_verification"]["strategy"] == "ticket"
    assert body["client"]["sessions"][0]["user"]["id"] == user["id"]
    error(mock.browser().sign_in(strategy="ticket", ticket=ticket), 400, "ticket_invalid_code")


def test_an_expired_ticket_is_refused(mock: Mock, browser: Browser) -> None:
    user = mock.seed_user(email_addresses="late@example.com")
    ticket = mock.ticket(user_id=user["id"], ttl_seconds=60)
    mock.advance(61)
    error(browser.sign_in(strategy="ticket", ticket=ticket), 400, "ticket_expired_code")


def test_an_unknown_or_missing_ticket_is_refused(browser: Browser) -> None:
    error(browser.sign_in(strategy="ticket", ticket="nope"), 400, "ticket_invalid_code")
    error(browser.sign_in(strategy="ticket"), 422, "form_param_missing")


def test_an_invitation_signs_up_with_a_verified_email(mock: Mock, browser: Browser) -> None:
    email = "invited@example.com"
    ticket = mock.ticket(email_address=email)
    su = ok(browser.sign_up(strategy="ticket", ticket=ticket))["response"]
    assert su["email_address"] == email
    assert su["verifications"]["email_address"]["status"] == "verified"
    assert su["unverified_fields"] == []
    assert su["missing_fields"] == ["password"]
    done = ok(browser.patch(f"/v1/client/sign_ups/{su['id']}", {"password": PASSWORD}))
    assert done["response"]["status"] == "complete"
    assert done["client"]["sessions"][0]["user"]["email_addresses"][0]["email_address"] == email
    assert mock.outbox(email) == []


def test_a_sign_in_ticket_cannot_sign_up(mock: Mock, browser: Browser) -> None:
    user = mock.seed_user(email_addresses="someone@example.com")
    ticket = mock.ticket(user_id=user["id"])
    error(browser.sign_up(strategy="ticket", ticket=ticket), 400, "ticket_invalid_code")


def test_tickets_accept_redirects_with_the_ticket(mock: Mock, browser: Browser) -> None:
    ticket = mock.ticket(email_address="invitee@example.com")
    answer = browser.get(
        "/v1/tickets/accept",
        params={"ticket": ticket, "redirect_url": "http://localhost:3000/join"},
    )
    assert answer.status_code == 303
    location = urlsplit(answer.headers["location"])
    assert location.path == "/join"
    assert parse_qs(location.query) == {"__clerk_ticket": [ticket], "__clerk_status": ["sign_up"]}
    # accepting only looks at the ticket: it can still be used
    assert ok(browser.sign_up(ticket=ticket))["response"]["email_address"] == "invitee@example.com"


def test_tickets_accept_with_a_bad_ticket(browser: Browser) -> None:
    error(browser.get("/v1/tickets/accept", params={"ticket": "bad"}), 400, "ticket_invalid_code")


def test_a_ticket_for_an_account_already_signed_in_here_is_refused(
    mock: Mock, browser: Browser
) -> None:
    user = mock.seed_user(email_addresses="twice@example.com")
    ok(browser.sign_in(identifier="twice@example.com", password=PASSWORD))
    ticket = mock.ticket(user_id=user["id"])
    error(browser.sign_in(strategy="ticket", ticket=ticket), 400, "identifier_already_signed_in")
    # the refusal did not use the ticket up
    assert ok(mock.browser().sign_in(strategy="ticket", ticket=ticket))["response"]["status"] == (
        "complete"
    )
