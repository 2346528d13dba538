"""Sessions: read, touch, end, remove; /v1/me follows the active session."""

from __future__ import annotations

import pytest

from tests.mock_server.conftest import PASSWORD, Browser, Mock, error, ok

EMAIL = "session@example.com"


@pytest.fixture
def signed_in(mock: Mock, browser: Browser) -> str:
    mock.seed_user(email_addresses=EMAIL)
    return ok(browser.sign_in(identifier=EMAIL, password=PASSWORD))["response"][
        "created_session_id"
    ]


def test_get_session(browser: Browser, signed_in: str) -> None:
    s = ok(browser.get(f"/v1/client/sessions/{signed_in}"))["response"]
    assert (s["id"], s["object"], s["status"]) == (signed_in, "session", "active")
    assert s["public_user_data"]["identifier"] == EMAIL
    assert s["factor_verification_age"] == [0, -1]


def test_touch_moves_last_active(mock: Mock, browser: Browser, signed_in: str) -> None:
    before = ok(browser.get(f"/v1/client/sessions/{signed_in}"))["response"]["last_active_at"]
    mock.advance(60)
    body = ok(browser.post(f"/v1/client/sessions/{signed_in}/touch", {"intent": "focus"}))
    assert body["response"]["last_active_at"] >= before + 60_000
    assert body["client"]["last_active_session_id"] == signed_in


def test_touch_refuses_an_intent_clerk_does_not_list(browser: Browser, signed_in: str) -> None:
    """Found by the contract fuzz: any ``intent`` was accepted (Clerk's spec: an enum), and
    later an empty one (the stateful walk)."""
    touch = f"/v1/client/sessions/{signed_in}/touch"
    error(browser.post(touch, {"intent": "\x140"}), 422, "form_param_value_invalid")
    error(browser.post(touch, {"intent": ""}), 422, "form_param_nil")
    for intent in ("focus", "select_session", "select_org"):
        ok(browser.post(touch, {"intent": intent}))
    ok(browser.post(touch, {}))


def test_touch_sets_the_active_organization(browser: Browser, signed_in: str) -> None:
    body = ok(
        browser.post(f"/v1/client/sessions/{signed_in}/touch", {"active_organization_id": "org_1"})
    )
    assert body["response"]["last_active_organization_id"] == "org_1"
    cleared = ok(
        browser.post(f"/v1/client/sessions/{signed_in}/touch", {"active_organization_id": ""})
    )
    assert cleared["response"]["last_active_organization_id"] is None


@pytest.mark.parametrize(("action", "status"), [("end", "ended"), ("remove", "removed")])
def test_end_and_remove(browser: Browser, signed_in: str, action: str, status: str) -> None:
    body = ok(browser.post(f"/v1/client/sessions/{signed_in}/{action}"))
    assert body["response"]["status"] == status
    assert body["client"]["sessions"] == []
    assert body["client"]["last_active_session_id"] is None
    error(browser.post(f"/v1/client/sessions/{signed_in}/touch"), 400, "invalid_action_for_session")
    error(
        browser.post(f"/v1/client/sessions/{signed_in}/{action}"), 400, "invalid_action_for_session"
    )
    error(browser.get("/v1/me"), 401, "signed_out")


def test_me_is_the_signed_in_user(browser: Browser, signed_in: str) -> None:
    me = ok(browser.get("/v1/me", params={"_clerk_session_id": signed_in}))["response"]
    assert me["email_addresses"][0]["email_address"] == EMAIL
    assert me["last_sign_in_at"] is not None
    error(
        browser.get("/v1/me", params={"_clerk_session_id": "sess_other"}),
        401,
        "authentication_invalid",
    )


def test_me_without_a_client_is_signed_out(mock: Mock) -> None:
    error(mock.browser().get("/v1/me"), 401, "signed_out")


def test_sessions_expire_with_the_clock(mock: Mock, browser: Browser, signed_in: str) -> None:
    mock.advance(7 * 24 * 3600)
    s = ok(browser.get(f"/v1/client/sessions/{signed_in}"))["response"]
    assert s["status"] == "expired"


def test_two_sign_ins_give_two_sessions_on_one_client(
    mock: Mock, browser: Browser, signed_in: str
) -> None:
    mock.seed_user(email_addresses="second@example.com")
    second = ok(browser.sign_in(identifier="second@example.com", password=PASSWORD))
    client = second["client"]
    assert [s["id"] for s in client["sessions"]] == [
        signed_in,
        second["response"]["created_session_id"],
    ]
    assert client["last_active_session_id"] == second["response"]["created_session_id"]
    touched = ok(browser.post(f"/v1/client/sessions/{signed_in}/touch"))
    assert touched["client"]["last_active_session_id"] == signed_in


def test_single_session_mode_refuses_a_second_sign_in(make_mock) -> None:
    from tests.mock_server.conftest import config_for

    mock = make_mock(config_for(instance={"single_session_mode": True}))
    browser = mock.browser()
    mock.seed_user(email_addresses=EMAIL)
    ok(browser.sign_in(identifier=EMAIL, password=PASSWORD))
    error(browser.sign_in(identifier=EMAIL), 400, "session_exists")
    error(browser.sign_up(email_address="x@example.com"), 400, "session_exists")


def test_signing_in_again_to_a_signed_in_account_is_refused(
    mock: Mock, browser: Browser, signed_in: str
) -> None:
    found = error(browser.sign_in(identifier=EMAIL), 400, "identifier_already_signed_in")
    assert found["meta"]["session_id"] == signed_in
    ok(browser.post(f"/v1/client/sessions/{signed_in}/end"))
    assert (
        ok(browser.sign_in(identifier=EMAIL, password=PASSWORD))["response"]["status"] == "complete"
    )
    # another client is free to sign the same account in
    assert ok(mock.browser().sign_in(identifier=EMAIL, password=PASSWORD))


def test_an_expired_session_does_not_block_signing_in_again(
    mock: Mock, browser: Browser, signed_in: str
) -> None:
    mock.advance(7 * 24 * 3600)
    assert (
        ok(browser.sign_in(identifier=EMAIL, password=PASSWORD))["response"]["status"] == "complete"
    )


def test_an_expired_session_leaves_the_client(mock: Mock, browser: Browser, signed_in: str) -> None:
    mock.advance(7 * 24 * 3600)
    answer = browser.get("/v1/client")
    client = ok(answer)["response"]
    assert client["sessions"] == []
    assert client["last_active_session_id"] is None
    assert "__client_uat=0" in answer.headers["set-cookie"]
    error(browser.get("/v1/me"), 401, "signed_out")
