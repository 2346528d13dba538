"""Email-link sign-in: the link is opened elsewhere, the original client is signed in."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from tests.mock_server.conftest import Browser, Mock, error, ok

EMAIL = "linker@example.com"
REDIRECT = "http://localhost:3000/verified?from=mail"


def _prepare(mock: Mock, browser: Browser, redirect: str | None = REDIRECT) -> tuple[str, str]:
    mock.seed_user(email_addresses=EMAIL)
    si = ok(browser.sign_in(identifier=EMAIL))["response"]
    factor = next(f for f in si["supported_first_factors"] if f["strategy"] == "email_link")
    fields = {"strategy": "email_link", "email_address_id": factor["email_address_id"]}
    if redirect:
        fields["redirect_url"] = redirect
    v = ok(browser.prepare(si["id"], **fields))["response"]["first_factor_verification"]
    assert (v["strategy"], v["status"]) == ("email_link", "unverified")
    link = mock.latest(EMAIL)["link"]
    assert link.startswith("http://mock.test/v1/verify?token=")
    return si["id"], link


def test_opening_the_link_signs_the_original_client_in(mock: Mock, browser: Browser) -> None:
    sign_in_id, link = _prepare(mock, browser)
    elsewhere = mock.browser()  # the mail client's browser: no cookie of the original tab
    opened = elsewhere.get(link)
    assert opened.status_code == 303
    location = urlsplit(opened.headers["location"])
    assert location.path == "/verified"
    query = parse_qs(location.query)
    assert query["from"] == ["mail"]
    assert query["__clerk_status"] == ["verified"]

    body = ok(browser.get(f"/v1/client/sign_ins/{sign_in_id}"))
    si = body["response"]
    assert si["status"] == "complete"
    assert si["first_factor_verification"]["status"] == "verified"
    assert query["__clerk_created_session"] == [si["created_session_id"]]
    assert body["client"]["last_active_session_id"] == si["created_session_id"]
    assert elsewhere.client() is None


def test_a_link_works_once(mock: Mock, browser: Browser) -> None:
    _, link = _prepare(mock, browser)
    assert browser.get(link).status_code == 303
    again = browser.get(link)
    assert again.status_code == 303
    assert "__clerk_status=failed" in again.headers["location"]


def test_without_redirect_the_link_answers_a_page(mock: Mock, browser: Browser) -> None:
    sign_in_id, link = _prepare(mock, browser, redirect=None)
    page = mock.browser().get(link)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert ok(browser.get(f"/v1/client/sign_ins/{sign_in_id}"))["response"]["status"] == "complete"


def test_an_expired_link_does_not_sign_in(mock: Mock, browser: Browser) -> None:
    sign_in_id, link = _prepare(mock, browser)
    mock.advance(601)
    opened = browser.get(link)
    assert opened.status_code == 303
    assert "__clerk_status=expired" in opened.headers["location"]
    si = ok(browser.get(f"/v1/client/sign_ins/{sign_in_id}"))["response"]
    assert si["status"] == "needs_first_factor"
    assert si["first_factor_verification"]["status"] == "expired"


def test_an_unknown_token_is_verification_link_token_invalid(browser: Browser) -> None:
    error(
        browser.get("/v1/verify", params={"token": "no-such-token"}),
        400,
        "verification_link_token_invalid",
    )


def test_verify_without_token_is_form_param_missing(browser: Browser) -> None:
    error(browser.get("/v1/verify"), 422, "form_param_missing")


def test_links_cannot_be_attempted_with_a_code(mock: Mock, browser: Browser) -> None:
    sign_in_id, _ = _prepare(mock, browser)
    error(
        browser.attempt(sign_in_id, strategy="email_link", code="123456"),
        400,
        "verification_strategy_invalid",
    )


def test_email_link_sign_up(mock: Mock, browser: Browser) -> None:
    email = "link.signup@example.com"
    su = ok(browser.sign_up(email_address=email, password="a long enough password"))["response"]
    ok(
        browser.post(
            f"/v1/client/sign_ups/{su['id']}/prepare_verification",
            {"strategy": "email_link", "redirect_url": "http://localhost:3000/done"},
        )
    )
    link = mock.latest(email)["link"]
    opened = mock.browser().get(link)
    assert opened.status_code == 303
    assert "__clerk_status=verified" in opened.headers["location"]
    done = ok(browser.get(f"/v1/client/sign_ups/{su['id']}"))["response"]
    assert done["status"] == "complete"
    assert f"__clerk_created_session={done['created_session_id']}" in opened.headers["location"]
