"""Errors and limits: Clerk's error envelope, the codes for bad requests, rate limits."""

from __future__ import annotations

import pytest

from fixtures.identities import Identity
from suites.expect import expect, that
from suites.steps import start_sign_in
from suites.target import Browser

#: Requests that must fail, with the status and code Clerk documents: (id, method, path, data).
BAD_REQUESTS = [
    (
        "unknown_sign_in",
        "GET",
        "/v1/client/sign_ins/sia_doesnotexist",
        None,
        404,
        "resource_not_found",
    ),
    (
        "unknown_sign_up",
        "GET",
        "/v1/client/sign_ups/sua_doesnotexist",
        None,
        404,
        "resource_not_found",
    ),
    (
        "unknown_session",
        "GET",
        "/v1/client/sessions/sess_doesnotexist",
        None,
        404,
        "resource_not_found",
    ),
    (
        "unknown_strategy",
        "POST",
        "/v1/client/sign_ins",
        {"identifier": "x+clerk_test@example.com", "strategy": "carrier_pigeon"},
        422,
        "form_param_value_invalid",
    ),
]


@pytest.mark.parametrize(
    ("method", "path", "data", "status", "code"),
    [c[1:] for c in BAD_REQUESTS],
    ids=[c[0] for c in BAD_REQUESTS],
)
def test_bad_request_is_a_clerk_error(
    browser: Browser, method: str, path: str, data: dict[str, str] | None, status: int, code: str
) -> None:
    expect(browser.request(method, path, data=data), status, code=code)


def test_older_sign_in_cannot_be_updated(browser: Browser, user: Identity) -> None:
    old = start_sign_in(browser, user.email_address)
    start_sign_in(browser, user.email_address)
    ex = browser.post(
        f"/v1/client/sign_ins/{old['id']}/prepare_first_factor", {"strategy": "email_code"}
    )
    expect(ex, 403, code="resource_forbidden")


@pytest.mark.aggressive
def test_rate_limit_answers_429_with_retry_after(browser: Browser, who: Identity) -> None:
    """Clerk allows 5 sign-in creations per 10 s per IP; the 6th..10th must be 429."""
    for _ in range(10):
        ex = browser.post("/v1/client/sign_ins", {"identifier": who.email_address}, retry_429=False)
        if ex.status == 429:
            expect(ex, 429)
            that(ex.response_headers.get("retry-after", "").isdigit(), ex, "Retry-After seconds")
            return
    pytest.skip("the target did not rate limit 10 quick sign-ins (limits off, e.g. test profile)")
