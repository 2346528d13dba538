"""Sign-up: missing_requirements until every identification is verified, then complete."""

from __future__ import annotations

import pytest

from fixtures.identities import Identity
from suites.expect import expect, that
from suites.steps import ensure_user, sign_up
from suites.target import Browser, Target

SIGN_UPS = "/v1/client/sign_ups"


def test_sign_up_starts_with_requirements(browser: Browser, who: Identity) -> None:
    data = {"email_address": who.email_address, "password": who.password}
    body = expect(
        browser.post(SIGN_UPS, data), 200, "envelopes/sign_up", state="missing_requirements"
    )
    assert "email_address" in body["response"]["unverified_fields"]


@pytest.mark.strategy("email_code")
def test_sign_up_completes_after_email_code(
    target: Target, browser: Browser, who: Identity
) -> None:
    su = sign_up(target, browser, who)
    assert su["created_user_id"]
    assert su["created_session_id"]


@pytest.mark.strategy("email_code")
def test_wrong_sign_up_code_is_refused_and_state_kept(
    target: Target, browser: Browser, who: Identity
) -> None:
    data = {"email_address": who.email_address, "password": who.password}
    su = expect(browser.post(SIGN_UPS, data), 200, "envelopes/sign_up")["response"]
    path = f"{SIGN_UPS}/{su['id']}"
    expect(browser.post(path + "/prepare_verification", {"strategy": "email_code"}), 200)
    wrong = browser.post(
        path + "/attempt_verification", {"strategy": "email_code", "code": "000001"}
    )
    expect(wrong, 422, code="form_code_incorrect", param="code")
    expect(browser.get(path), 200, "envelopes/sign_up", state="missing_requirements")


#: Bad sign-up inputs: (case, form data builder, expected code, param).
INVALID = [
    (
        "email_not_an_email",
        {"email_address": "not-an-email"},
        "form_param_format_invalid",
        "email_address",
    ),
    ("password_too_short", {"password": "short"}, "form_password_length_too_short", "password"),
]


@pytest.mark.parametrize(
    ("override", "code", "param"), [c[1:] for c in INVALID], ids=[c[0] for c in INVALID]
)
def test_invalid_sign_up_input_is_a_form_error(
    browser: Browser, who: Identity, override: dict[str, str], code: str, param: str
) -> None:
    data = {"email_address": who.email_address, "password": who.password, **override}
    expect(browser.post(SIGN_UPS, data), 422, code=code, param=param)


def test_taken_email_is_refused(target: Target, browser: Browser, who: Identity) -> None:
    ensure_user(target, who)
    data = {"email_address": who.email_address, "password": who.password}
    ex = browser.post(SIGN_UPS, data)
    if ex.status == 200:
        # Enumeration protection defers the error to verification; both are Clerk behaviours.
        that(ex.body["response"]["status"] == "missing_requirements", ex, "must not complete")
    else:
        expect(ex, 422, code="form_identifier_exists", param="email_address")
