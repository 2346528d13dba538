"""Every /__admin endpoint: outbox, users, tickets, sign-ins, clock, state, reset, journal."""

from __future__ import annotations

from tests.mock_server.conftest import PASSWORD, Browser, Mock, error, ok


def _send_codes(mock: Mock) -> None:
    mock.seed_user(email_addresses="a@example.com", phone_numbers="+15005550006")
    mock.seed_user(email_addresses="b@example.com")
    for identifier, strategy in [
        ("a@example.com", "email_code"),
        ("+15005550006", "phone_code"),
        ("b@example.com", "email_code"),
    ]:
        ok(mock.browser().sign_in(identifier=identifier, strategy=strategy))


def test_outbox_lists_filters_and_clears(mock: Mock) -> None:
    _send_codes(mock)
    everything = ok(mock.admin("GET", "/outbox"))
    assert everything["total_count"] == 3
    assert [m["to"] for m in everything["data"]] == [
        "a@example.com",
        "+15005550006",
        "b@example.com",
    ]
    assert ok(mock.admin("GET", "/outbox", params={"to": "A@Example.com"}))["total_count"] == 1
    assert ok(mock.admin("GET", "/outbox", params={"to": "(500) 555-0006"}))["total_count"] == 1
    sms = ok(mock.admin("GET", "/outbox", params={"channel": "sms"}))["data"]
    assert [m["to"] for m in sms] == ["+15005550006"]
    assert ok(mock.admin("GET", "/outbox", params={"purpose": "sign_in"}))["total_count"] == 3
    latest = ok(mock.admin("GET", "/outbox/latest"))
    assert latest["to"] == "b@example.com"
    assert latest["code"] in latest["body"]
    assert mock.admin("DELETE", "/outbox").status_code == 204
    assert ok(mock.admin("GET", "/outbox"))["total_count"] == 0
    error(mock.admin("GET", "/outbox/latest"), 404, "resource_not_found")


def test_users_seed_list_get_delete(mock: Mock) -> None:
    user = mock.seed_user(
        email_addresses=["seed@example.com"],
        phone_numbers=["+15005550006"],
        username="seeded",
        first_name="Seed",
        last_name="User",
        public_metadata={"role": "admin"},
    )
    assert user["object"] == "user"
    assert user["username"] == "seeded"
    assert user["public_metadata"] == {"role": "admin"}
    assert user["email_addresses"][0]["verification"]["status"] == "verified"
    assert ok(mock.admin("GET", "/users"))["data"] == [user]
    assert ok(mock.admin("GET", f"/users/{user['id']}")) == user

    browser = mock.browser()
    sid = ok(browser.sign_in(identifier="seeded", password=PASSWORD))["response"][
        "created_session_id"
    ]
    deleted = ok(mock.admin("DELETE", f"/users/{user['id']}"))
    assert deleted == {"object": "user", "id": user["id"], "deleted": True}
    error(mock.admin("GET", f"/users/{user['id']}"), 404, "resource_not_found")
    error(mock.admin("DELETE", f"/users/{user['id']}"), 404, "resource_not_found")
    error(mock.browser().sign_in(identifier="seed@example.com"), 422, "form_identifier_not_found")
    assert browser.client()["sessions"] == []
    assert ok(browser.get(f"/v1/client/sessions/{sid}"))["response"]["status"] == "removed"
    # the identifiers are free again
    mock.seed_user(email_addresses="seed@example.com")


def test_seed_user_refuses_bad_input(mock: Mock) -> None:
    error(
        mock.admin("POST", "/users", json={"email_addresses": ["not-an-email"]}),
        422,
        "form_param_format_invalid",
    )
    error(
        mock.admin("POST", "/users", json={"phone_numbers": ["12"]}),
        422,
        "form_param_format_invalid",
    )
    error(mock.admin("POST", "/users", json={}), 422, "form_param_missing")
    error(
        mock.admin("POST", "/users", json={"email_addresses": ["x@example.com"], "shoe": 1}),
        422,
        "form_param_format_invalid",
    )
    error(mock.admin("POST", "/users", content=b"{bad"), 400, "request_body_invalid")
    mock.seed_user(email_addresses="dup@example.com")
    error(
        mock.admin("POST", "/users", json={"email_addresses": ["dup@example.com"]}),
        422,
        "form_identifier_exists",
    )


def test_tickets(mock: Mock) -> None:
    user = mock.seed_user(email_addresses="t@example.com")
    issued = ok(
        mock.admin("POST", "/tickets", json={"user_id": user["id"], "ttl_seconds": 60}), 201
    )
    assert issued["kind"] == "sign_in"
    assert issued["object"] == "ticket"
    invitation = ok(mock.admin("POST", "/tickets", json={"email_address": "new@example.com"}), 201)
    assert invitation["kind"] == "invitation"
    error(mock.admin("POST", "/tickets", json={}), 422, "form_param_missing")
    error(mock.admin("POST", "/tickets", json={"user_id": "user_nope"}), 404, "resource_not_found")


def test_sign_ins_listing(mock: Mock, browser: Browser) -> None:
    mock.seed_user(email_addresses="s@example.com")
    si = ok(browser.sign_in(identifier="s@example.com"))["response"]
    listed = ok(mock.admin("GET", "/sign_ins"))
    assert [s["id"] for s in listed["data"]] == [si["id"]]


def test_clock_get_set_freeze_advance(mock: Mock) -> None:
    now = ok(mock.admin("GET", "/clock"))["now"]
    frozen = ok(mock.admin("POST", "/clock", json={"set": 1_800_000_000_000, "freeze": True}))
    assert frozen["now"] == 1_800_000_000_000
    assert frozen["frozen_at_ms"] == 1_800_000_000_000
    advanced = ok(mock.admin("POST", "/clock", json={"advance_seconds": 90}))
    assert advanced["now"] == 1_800_000_090_000
    thawed = ok(mock.admin("POST", "/clock", json={"set": now}))
    assert thawed["frozen_at_ms"] is None
    assert abs(thawed["now"] - now) < 5_000
    error(
        mock.admin("POST", "/clock", json={"advance_seconds": -1}), 422, "form_param_value_invalid"
    )
    error(
        mock.admin("POST", "/clock", json={"advance_seconds": "soon"}),
        422,
        "form_param_format_invalid",
    )


def test_clock_drives_timestamps(mock: Mock, browser: Browser) -> None:
    mock.admin("POST", "/clock", json={"set": 1_800_000_000_000, "freeze": True})
    mock.seed_user(email_addresses="time@example.com")
    si = ok(browser.sign_in(identifier="time@example.com", password=PASSWORD))["client"][
        "sessions"
    ][0]
    assert si["created_at"] == 1_800_000_000_000


def test_state_export_import(mock: Mock, make_mock) -> None:
    mock.seed_user(email_addresses="export@example.com")
    browser = mock.browser()
    ok(browser.sign_in(identifier="export@example.com", password=PASSWORD))
    exported = ok(mock.admin("GET", "/state"))
    assert len(exported["users"]) == 1

    other = make_mock()
    assert other.admin("PUT", "/state", json=exported).status_code == 204
    assert ok(other.admin("GET", "/state")) == exported
    moved = other.browser(cookies={"__client": browser.http.cookies["__client"]})
    assert (
        moved.client()["sessions"][0]["user"]["email_addresses"][0]["email_address"]
        == "export@example.com"
    )
    error(other.admin("PUT", "/state", json={"nonsense": []}), 400, "request_body_invalid")
    error(other.admin("PUT", "/state", json=[1]), 400, "request_body_invalid")
    error(other.admin("PUT", "/state", json={"users": [{"id": "x"}]}), 400, "request_body_invalid")
    # a refused import changes nothing
    assert ok(other.admin("GET", "/state")) == exported


def test_reset_forgets_everything(mock: Mock, browser: Browser) -> None:
    mock.seed_user(email_addresses="gone@example.com")
    ok(browser.sign_in(identifier="gone@example.com", strategy="email_code"))
    mock.advance(3600)
    assert mock.admin("POST", "/reset").status_code == 204
    assert ok(mock.admin("GET", "/users"))["total_count"] == 0
    assert ok(mock.admin("GET", "/outbox"))["total_count"] == 0
    assert ok(mock.admin("GET", "/clock"))["offset_ms"] == 0
    assert browser.client() is None


def test_journal_records_requests(mock: Mock, browser: Browser) -> None:
    browser.get("/v1/environment")
    browser.get("/v1/nope")
    entries = ok(mock.admin("GET", "/journal"))["data"]
    assert [(e["method"], e["path"], e["status"]) for e in entries[:2]] == [
        ("GET", "/v1/environment", 200),
        ("GET", "/v1/nope", 404),
    ]
    assert ok(mock.admin("GET", "/journal", params={"limit": 1}))["total_count"] == 1
    error(mock.admin("GET", "/journal", params={"limit": "x"}), 422, "form_param_format_invalid")


def test_admin_unknown_route_is_clerk_shaped(mock: Mock) -> None:
    error(mock.admin("GET", "/nope"), 404, "resource_not_found")


def test_a_sign_in_whose_user_was_deleted_cannot_go_on(mock: Mock, browser: Browser) -> None:
    user = mock.seed_user(email_addresses="vanish@example.com")
    si = ok(browser.sign_in(identifier="vanish@example.com"))["response"]
    ok(mock.admin("DELETE", f"/users/{user['id']}"))
    error(
        browser.attempt(si["id"], strategy="password", password=PASSWORD),
        400,
        "sign_in_identification_or_user_deleted",
    )
    error(
        browser.prepare(si["id"], strategy="email_code"),
        400,
        "sign_in_identification_or_user_deleted",
    )
    assert ok(browser.get(f"/v1/client/sign_ins/{si['id']}"))["response"]["id"] == si["id"]
