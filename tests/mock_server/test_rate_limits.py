"""Clerk's per-IP limits: 5 creates / 10 s, 3 attempts / 10 s, 429 + Retry-After; off in tests."""

from __future__ import annotations

from tests.mock_server.conftest import Mock, config_for, error, ok


def _limited(make_mock) -> Mock:
    return make_mock(config_for(profile="default"))


def test_sign_in_creation_is_limited_to_five_per_ten_seconds(make_mock) -> None:
    mock = _limited(make_mock)
    browser = mock.browser()
    for _ in range(5):
        ok(browser.sign_in())
    refused = browser.sign_in()
    found = error(refused, 429, "too_many_requests")
    assert int(refused.headers["retry-after"]) in range(1, 11)
    assert found["long_message"]
    mock.advance(10)
    ok(browser.sign_in())


def test_sign_up_creation_has_its_own_bucket(make_mock) -> None:
    mock = _limited(make_mock)
    browser = mock.browser()
    for _ in range(5):
        ok(browser.sign_in())
    for _ in range(5):
        ok(browser.sign_up())
    error(browser.sign_up(), 429, "too_many_requests")


def test_attempts_are_limited_to_three_per_ten_seconds(make_mock) -> None:
    mock = _limited(make_mock)
    browser = mock.browser()
    mock.seed_user(email_addresses="limited@example.com")
    si = ok(browser.sign_in(identifier="limited@example.com"))["response"]
    for _ in range(3):
        error(
            browser.attempt(si["id"], strategy="password", password="wrong-password"),
            422,
            "form_password_incorrect",
        )
    refused = browser.attempt(si["id"], strategy="password", password="wrong-password")
    error(refused, 429, "too_many_requests")
    assert "retry-after" in refused.headers


def test_limits_are_per_ip_for_all_clients(make_mock) -> None:
    mock = _limited(make_mock)
    for _ in range(5):
        ok(mock.browser().sign_in())
    error(mock.browser().sign_in(), 429, "too_many_requests")


def test_the_test_profile_has_no_limits(mock: Mock) -> None:
    browser = mock.browser()
    for _ in range(12):
        ok(browser.sign_in())


def test_limits_can_be_turned_off_and_tuned(make_mock) -> None:
    off = make_mock(config_for(profile="default", rate_limits={"enabled": False})).browser()
    for _ in range(8):
        ok(off.sign_in())
    tuned = make_mock(config_for(profile="default", rate_limits={"create_sign_in": 2})).browser()
    ok(tuned.sign_in())
    ok(tuned.sign_in())
    error(tuned.sign_in(), 429, "too_many_requests")
