"""Sign-in with a one-time code (email_code, phone_code): prepare, attempt, single use.

The cases differ only in data (which strategy, which identifier, which id field), so each
check runs once per case.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from fixtures.identities import Identity
from suites.expect import expect, that
from suites.steps import factor, start_sign_in
from suites.target import Browser, Target

#: Clerk does not document a per-verification cap; this is the mock's default, which is
#: why the check needs the admin API (a mock) rather than any target.
MOCK_MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class CodeCase:
    strategy: str
    id_field: str
    identifier_field: str


CASES = [
    pytest.param(
        CodeCase("email_code", "email_address_id", "email_address"),
        marks=pytest.mark.strategy("email_code"),
        id="email_code",
    ),
    pytest.param(
        CodeCase("phone_code", "phone_number_id", "phone_number"),
        marks=pytest.mark.strategy("phone_code"),
        id="phone_code",
    ),
]


def _prepared(browser: Browser, user: Identity, case: CodeCase) -> tuple[str, str]:
    """Start a sign-in and send the code; returns the sign-in path and where it went."""
    si = start_sign_in(browser, user.email_address)
    f = factor(si, case.strategy)
    path = f"/v1/client/sign_ins/{si['id']}"
    ex = browser.post(
        path + "/prepare_first_factor", {"strategy": case.strategy, case.id_field: f[case.id_field]}
    )
    body = expect(ex, 200, "envelopes/sign_in", state="needs_first_factor")
    v = body["response"]["first_factor_verification"]
    that(v["status"] == "unverified" and v["strategy"] == case.strategy, ex, "prepared")
    return path, getattr(user, case.identifier_field)


@pytest.mark.parametrize("case", CASES)
def test_code_completes_sign_in(
    target: Target, browser: Browser, user: Identity, case: CodeCase
) -> None:
    path, to = _prepared(browser, user, case)
    ex = browser.post(
        path + "/attempt_first_factor", {"strategy": case.strategy, "code": target.latest_code(to)}
    )
    body = expect(ex, 200, "envelopes/sign_in", state="complete")
    that(bool(body["response"]["created_session_id"]), ex, "complete carries the session id")


@pytest.mark.parametrize("case", CASES)
def test_wrong_code_is_refused(browser: Browser, user: Identity, case: CodeCase) -> None:
    path, _ = _prepared(browser, user, case)
    ex = browser.post(path + "/attempt_first_factor", {"strategy": case.strategy, "code": "000001"})
    expect(ex, 422, code="form_code_incorrect", param="code")
    state = expect(browser.get(path), 200, "envelopes/sign_in", state="needs_first_factor")
    v = state["response"]["first_factor_verification"]
    that(v["attempts"] == 1, browser.target.history[-1], "a wrong code counts one attempt")


@pytest.mark.parametrize("case", CASES)
def test_a_code_is_accepted_once(
    target: Target, browser: Browser, user: Identity, case: CodeCase
) -> None:
    path, to = _prepared(browser, user, case)
    code = target.latest_code(to)
    attempt = {"strategy": case.strategy, "code": code}
    expect(browser.post(path + "/attempt_first_factor", attempt), 200, state="complete")
    again = browser.post(path + "/attempt_first_factor", attempt)
    that(again.status >= 400, again, "a used code must not be accepted a second time")
    expect(again, again.status)


@pytest.mark.needs_admin
@pytest.mark.parametrize("case", CASES)
def test_an_expired_code_is_refused(
    target: Target, browser: Browser, user: Identity, case: CodeCase
) -> None:
    path, to = _prepared(browser, user, case)
    code = target.latest_code(to)
    target.advance_clock(11 * 60)  # codes live 10 minutes
    ex = browser.post(path + "/attempt_first_factor", {"strategy": case.strategy, "code": code})
    expect(ex, 400, code="verification_expired")


@pytest.mark.needs_admin
@pytest.mark.parametrize("case", CASES)
def test_too_many_wrong_codes_fail_the_verification(
    target: Target, browser: Browser, user: Identity, case: CodeCase
) -> None:
    path, to = _prepared(browser, user, case)
    for _ in range(MOCK_MAX_ATTEMPTS):
        browser.post(path + "/attempt_first_factor", {"strategy": case.strategy, "code": "000001"})
    right = {"strategy": case.strategy, "code": target.latest_code(to)}
    ex = browser.post(path + "/attempt_first_factor", right)
    expect(ex, 400, code="verification_failed")
