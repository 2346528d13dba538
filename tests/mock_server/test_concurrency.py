"""Concurrent attempts with the same code on one sign-in: exactly one succeeds."""

from __future__ import annotations

import asyncio

from tests.mock_server.conftest import Browser, Mock, ok


def test_the_same_code_twice_at_once_signs_in_once(mock: Mock, browser: Browser) -> None:
    mock.seed_user(email_addresses="race@example.com", password=None)
    si = ok(browser.sign_in(identifier="race@example.com", strategy="email_code"))["response"]
    code = mock.latest_code("race@example.com")
    path = f"/v1/client/sign_ins/{si['id']}/attempt_first_factor"

    async def burst() -> list:
        form = {"strategy": "email_code", "code": code}
        return await asyncio.gather(*(browser.http.post(path, data=form) for _ in range(8)))

    answers = mock.run(burst())
    statuses = sorted(a.status_code for a in answers)
    assert statuses.count(200) == 1, [a.text for a in answers]
    assert all(400 <= s < 500 for s in statuses if s != 200)
    client = browser.client()
    assert len(client["sessions"]) == 1
    assert client["sign_in"]["status"] == "complete"


def test_the_same_sign_up_code_twice_at_once_creates_one_user(mock: Mock, browser: Browser) -> None:
    email = "race.up@example.com"
    su = ok(browser.sign_up(email_address=email, password="long enough pw"))["response"]
    ok(
        browser.post(
            f"/v1/client/sign_ups/{su['id']}/prepare_verification", {"strategy": "email_code"}
        )
    )
    code = mock.latest_code(email)
    path = f"/v1/client/sign_ups/{su['id']}/attempt_verification"

    async def burst() -> list:
        form = {"strategy": "email_code", "code": code}
        return await asyncio.gather(*(browser.http.post(path, data=form) for _ in range(6)))

    answers = mock.run(burst())
    assert sorted(a.status_code for a in answers).count(200) == 1
    users = mock.admin("GET", "/users").json()
    assert users["total_count"] == 1
