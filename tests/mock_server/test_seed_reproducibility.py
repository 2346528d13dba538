"""--seed: the same seed gives the same ids, codes and tokens, run after run."""

from __future__ import annotations

from tests.mock_server.conftest import ok


def _run(make_mock, seed: int | None) -> dict:
    mock = make_mock(seed=seed)
    user = mock.seed_user(email_addresses="seeded@example.com")
    browser = mock.browser()
    si = ok(browser.sign_in(identifier="seeded@example.com", strategy="email_code"))
    code = mock.latest_code("seeded@example.com")
    done = ok(browser.attempt(si["response"]["id"], strategy="email_code", code=code))
    dev = ok(mock.browser().post("/v1/dev_browser"))
    return {
        "user": user["id"],
        "email": user["email_addresses"][0]["id"],
        "client": si["client"]["id"],
        "cookie": browser.http.cookies["__client"],
        "sign_in": si["response"]["id"],
        "code": code,
        "session": done["response"]["created_session_id"],
        "dev_browser": dev["id"],
    }


def test_the_same_seed_gives_the_same_run(make_mock) -> None:
    assert _run(make_mock, 7) == _run(make_mock, 7)


def test_another_seed_gives_another_run(make_mock) -> None:
    a, b = _run(make_mock, 7), _run(make_mock, 8)
    assert all(a[k] != b[k] for k in a if k != "code")


def test_no_seed_is_random(make_mock) -> None:
    assert _run(make_mock, None)["user"] != _run(make_mock, None)["user"]


def test_reset_replays_the_seeded_sequence(make_mock) -> None:
    mock = make_mock(seed=3)
    first = mock.seed_user(email_addresses="r@example.com")["id"]
    mock.admin("POST", "/reset")
    assert mock.seed_user(email_addresses="r@example.com")["id"] == first
