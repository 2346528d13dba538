"""Password sign-up, then the email code, then complete: a user and an active session."""

from __future__ import annotations

from tests.mock_server.conftest import PASSWORD, Browser, Mock, error, ok

EMAIL = "new.user@example.com"


def _start(browser: Browser) -> dict:
    body = ok(browser.sign_up(email_address=EMAIL, password=PASSWORD, locale="en-US"))
    su = body["response"]
    assert su["status"] == "missing_requirements"
    assert su["unverified_fields"] == ["email_address"]
    assert su["missing_fields"] == []
    assert su["email_address"] == EMAIL
    assert body["client"]["sign_up"]["id"] == su["id"]
    return su


def test_password_sign_up_completes_with_the_emailed_code(mock: Mock, browser: Browser) -> None:
    su = _start(browser)
    prepared = ok(
        browser.post(
            f"/v1/client/sign_ups/{su['id']}/prepare_verification", {"strategy": "email_code"}
        )
    )["response"]
    assert prepared["verifications"]["email_address"]["status"] == "unverified"
    assert prepared["verifications"]["email_address"]["strategy"] == "email_code"
    code = mock.latest_code(EMAIL)

    wrong = "000000" if code != "000000" else "111111"
    attempt = f"/v1/client/sign_ups/{su['id']}/attempt_verification"
    error(
        browser.post(attempt, {"strategy": "email_code", "code": wrong}), 422, "form_code_incorrect"
    )

    body = ok(browser.post(attempt, {"strategy": "email_code", "code": code}))
    done = body["response"]
    assert done["status"] == "complete"
    assert done["created_user_id"].startswith("user_")
    assert done["created_session_id"].startswith("sess_")
    client = body["client"]
    assert client["last_active_session_id"] == done["created_session_id"]
    assert [s["id"] for s in client["sessions"]] == [done["created_session_id"]]
    session = client["sessions"][0]
    assert session["status"] == "active"
    assert session["user"]["id"] == done["created_user_id"]
    assert session["user"]["email_addresses"][0]["email_address"] == EMAIL
    assert session["user"]["password_enabled"] is True

    me = ok(browser.get("/v1/me"))["response"]
    assert me["id"] == done["created_user_id"]


def test_the_new_user_signs_in_with_the_password(mock: Mock, browser: Browser) -> None:
    su = _start(browser)
    browser.post(f"/v1/client/sign_ups/{su['id']}/prepare_verification", {"strategy": "email_code"})
    code = mock.latest_code(EMAIL)
    ok(
        browser.post(
            f"/v1/client/sign_ups/{su['id']}/attempt_verification",
            {"strategy": "email_code", "code": code},
        )
    )

    other = mock.browser()
    si = ok(other.sign_in(identifier=EMAIL, password=PASSWORD))["response"]
    assert si["status"] == "complete"


def test_a_taken_email_address_is_refused(mock: Mock, browser: Browser) -> None:
    mock.seed_user(email_addresses=EMAIL)
    found = error(
        browser.sign_up(email_address=EMAIL, password=PASSWORD), 422, "form_identifier_exists"
    )
    assert found["meta"]["param_name"] == "email_address"
    # Clerk's forms page: "That %s is taken. Please try another." with the field in words;
    # the prebuilt components show this text under the field.
    assert found["long_message"] == "That email address is taken. Please try another."


def test_a_short_password_is_refused_with_clerks_code(browser: Browser) -> None:
    found = error(
        browser.sign_up(email_address=EMAIL, password="short"),
        422,
        "form_password_length_too_short",
    )
    assert found["meta"]["param_name"] == "password"


def test_missing_fields_are_listed_until_given(mock: Mock, browser: Browser) -> None:
    su = ok(browser.sign_up(email_address=EMAIL))["response"]
    assert su["missing_fields"] == ["password"]
    updated = ok(browser.patch(f"/v1/client/sign_ups/{su['id']}", {"password": PASSWORD}))[
        "response"
    ]
    assert updated["missing_fields"] == []
    assert updated["has_password"] is True


def test_a_completed_sign_up_cannot_be_changed(mock: Mock, browser: Browser) -> None:
    su = _start(browser)
    browser.post(f"/v1/client/sign_ups/{su['id']}/prepare_verification", {"strategy": "email_code"})
    code = mock.latest_code(EMAIL)
    attempt = f"/v1/client/sign_ups/{su['id']}/attempt_verification"
    ok(browser.post(attempt, {"strategy": "email_code", "code": code}))
    error(
        browser.post(attempt, {"strategy": "email_code", "code": code}), 400, "client_state_invalid"
    )


def test_phone_sign_up_completes_with_the_sms_code(mock: Mock, browser: Browser) -> None:
    phone = "+15005550006"
    su = ok(browser.sign_up(email_address=EMAIL, phone_number=phone, password=PASSWORD))["response"]
    assert sorted(su["unverified_fields"]) == ["email_address", "phone_number"]
    base = f"/v1/client/sign_ups/{su['id']}"
    ok(browser.post(f"{base}/prepare_verification", {"strategy": "phone_code"}))
    sms = mock.latest(phone)
    assert sms["channel"] == "sms"
    after_phone = ok(
        browser.post(
            f"{base}/attempt_verification", {"strategy": "phone_code", "code": sms["code"]}
        )
    )
    assert after_phone["response"]["unverified_fields"] == ["email_address"]
    ok(browser.post(f"{base}/prepare_verification", {"strategy": "email_code"}))
    email_code = mock.latest_code(EMAIL)
    done = ok(
        browser.post(f"{base}/attempt_verification", {"strategy": "email_code", "code": email_code})
    )
    assert done["response"]["status"] == "complete"
    user = done["client"]["sessions"][0]["user"]
    assert user["phone_numbers"][0]["phone_number"] == phone
