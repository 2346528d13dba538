"""The /v1/me endpoints the guarded actions need: identifications, phone second factors,
TOTP removal, user deletion."""

from __future__ import annotations

from collections.abc import Callable

from tests.second_factors.conftest import PASSWORD, TOTP_SECRET, Mock


def test_adding_a_phone_and_reserving_it_as_a_second_factor(mock: Mock) -> None:
    mock.user(email_addresses=["ph@example.com"])
    b = mock.browser()
    b.sign_in("ph@example.com")
    phone = b.ok("POST", "/v1/me/phone_numbers", {"phone_number": "+14155550388"})["response"]
    assert phone["verification"] is None
    early = b.call(
        "PATCH", f"/v1/me/phone_numbers/{phone['id']}", data={"reserved_for_second_factor": "true"}
    )
    assert early.status_code == 400  # an unverified phone cannot be a second factor
    b.ok("POST", f"/v1/me/phone_numbers/{phone['id']}/prepare_verification", {})
    code = mock.latest_code("+14155550388")
    verified = b.ok(
        "POST", f"/v1/me/phone_numbers/{phone['id']}/attempt_verification", {"code": code}
    )["response"]
    assert verified["verification"]["status"] == "verified"
    reserved = b.ok(
        "PATCH",
        f"/v1/me/phone_numbers/{phone['id']}",
        {"reserved_for_second_factor": "true", "default_second_factor": "true"},
    )["response"]
    assert reserved["reserved_for_second_factor"] is True
    assert reserved["default_second_factor"] is True

    other = mock.browser()
    si = other.sign_in("ph@example.com")
    assert si["status"] == "needs_second_factor"
    assert si["supported_second_factors"][0]["phone_number_id"] == phone["id"]


def test_adding_verifying_and_removing_an_email(mock: Mock) -> None:
    mock.user(email_addresses=["em@example.com"])
    b = mock.browser()
    b.sign_in("em@example.com")
    email = b.ok("POST", "/v1/me/email_addresses", {"email_address": "second@example.com"})
    email_id = email["response"]["id"]
    taken = b.post("/v1/me/email_addresses", {"email_address": "second@example.com"})
    assert taken.json()["errors"][0]["code"] == "form_identifier_exists"
    b.ok("POST", f"/v1/me/email_addresses/{email_id}/prepare_verification", {})
    code = mock.latest_code("second@example.com")
    wrong = b.post(f"/v1/me/email_addresses/{email_id}/attempt_verification", {"code": "1"})
    assert wrong.status_code == 422
    b.ok("POST", f"/v1/me/email_addresses/{email_id}/attempt_verification", {"code": code})
    # The new address now signs in.
    assert mock.browser().sign_in("second@example.com")["status"] == "complete"
    deleted = b.ok("DELETE", f"/v1/me/email_addresses/{email_id}")["response"]
    assert deleted == {"object": "email_address", "id": email_id, "deleted": True}
    gone = mock.browser().post(
        "/v1/client/sign_ins", {"identifier": "second@example.com", "password": PASSWORD}
    )
    assert gone.json()["errors"][0]["code"] == "form_identifier_not_found"


def test_removing_totp_turns_the_second_factor_off(mock: Mock) -> None:
    mock.user(email_addresses=["rm@example.com"], totp_secret=TOTP_SECRET, backup_codes=["x1"])
    b = mock.browser()
    si = b.sign_in("rm@example.com")
    b.ok(
        "POST",
        f"/v1/client/sign_ins/{si['id']}/attempt_second_factor",
        {"strategy": "totp", "code": mock.totp()},
    )
    assert b.ok("DELETE", "/v1/me/totp")["response"]["deleted"] is True
    user = b.ok("GET", "/v1/me")["response"]
    assert user["totp_enabled"] is False
    assert user["backup_code_enabled"] is False
    assert mock.browser().sign_in("rm@example.com")["status"] == "complete"
    assert b.delete("/v1/me/totp").status_code == 404


def test_deleting_the_user_signs_them_out_everywhere(mock: Mock) -> None:
    mock.user(email_addresses=["del@example.com"])
    b, other = mock.browser(), mock.browser()
    b.sign_in("del@example.com")
    other.sign_in("del@example.com")
    body = b.ok("DELETE", "/v1/me")
    assert body["response"]["object"] == "user"
    assert body["response"]["deleted"] is True
    assert body["client"]["sessions"] == []
    assert other.ok("GET", "/v1/client")["response"]["sessions"] == []
    assert b.get("/v1/me").status_code == 401


def test_a_new_email_verified_by_link(mock: Mock) -> None:
    """Clerk's UserProfile asks for a link when the instance verifies emails by link."""
    mock.user(email_addresses=["ln@example.com"])
    b = mock.browser()
    b.sign_in("ln@example.com")
    email_id = b.ok("POST", "/v1/me/email_addresses", {"email_address": "ln2@example.com"})[
        "response"
    ]["id"]
    path = f"/v1/me/email_addresses/{email_id}"
    back = "http://app.test/user/verify"
    sent = b.ok(
        "POST",
        path + "/prepare_verification",
        {"strategy": "email_link", "redirect_url": back},
    )["response"]
    assert sent["verification"]["strategy"] == "email_link"
    assert sent["verification"]["status"] == "unverified"
    # clerk-js polls the address (EmailAddress.reload) until the link is opened.
    assert b.ok("GET", path)["response"]["verification"]["status"] == "unverified"
    link = mock.admin("GET", "/outbox/latest?to=ln2%40example.com")["link"]
    opened = mock.browser().http.get(link, follow_redirects=False)
    assert opened.status_code == 303
    assert opened.headers["location"] == back + "?__clerk_status=verified"
    assert b.ok("GET", path)["response"]["verification"]["status"] == "verified"
    again = mock.browser().http.get(link, follow_redirects=False)
    assert again.headers["location"] == back + "?__clerk_status=failed"
    assert mock.browser().sign_in("ln2@example.com")["status"] == "complete"


def test_email_link_only_where_the_instance_allows_it(make_mock: Callable[..., Mock]) -> None:
    mock = make_mock(strategies={"email_verification": ["email_code"]})
    mock.user(email_addresses=["nl@example.com"])
    b = mock.browser()
    b.sign_in("nl@example.com")
    email_id = b.ok("POST", "/v1/me/email_addresses", {"email_address": "nl2@example.com"})[
        "response"
    ]["id"]
    refused = b.post(
        f"/v1/me/email_addresses/{email_id}/prepare_verification", {"strategy": "email_link"}
    )
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["code"] == "verification_strategy_invalid"


def test_reading_one_identification(mock: Mock) -> None:
    mock.user(email_addresses=["rd@example.com"], phone_numbers=["+14155550377"])
    b = mock.browser()
    b.sign_in("rd@example.com")
    me = b.ok("GET", "/v1/me")["response"]
    email_id = me["email_addresses"][0]["id"]
    phone_id = me["phone_numbers"][0]["id"]
    email = b.ok("GET", f"/v1/me/email_addresses/{email_id}")["response"]
    assert email["email_address"] == "rd@example.com"
    phone = b.ok("GET", f"/v1/me/phone_numbers/{phone_id}")["response"]
    assert phone["phone_number"] == "+14155550377"
    missing = b.get("/v1/me/email_addresses/idn_nope")
    assert missing.status_code == 404
    assert missing.json()["errors"][0]["code"] == "resource_not_found"
    signed_out = mock.browser().get(f"/v1/me/email_addresses/{email_id}")
    assert signed_out.status_code == 401
    assert signed_out.json()["errors"][0]["code"] == "signed_out"
