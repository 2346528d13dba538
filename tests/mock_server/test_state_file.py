"""--state FILE: loaded at start-up, saved at shutdown; nothing is lost across a restart."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mock_server.app import StateFileError
from tests.mock_server.conftest import PASSWORD, ok


def test_state_survives_a_restart(make_mock, tmp_path: Path) -> None:
    state_file = tmp_path / "state.json"
    with make_mock(state_file=str(state_file)).running() as first:
        first.seed_user(email_addresses="persist@example.com")
        browser = first.browser()
        signed_in = ok(browser.sign_in(identifier="persist@example.com", password=PASSWORD))
        cookie = browser.http.cookies["__client"]
    saved = json.loads(state_file.read_text())
    assert len(saved["users"]) == 1
    assert len(saved["sessions"]) == 1

    with make_mock(state_file=str(state_file)).running() as second:
        again = second.browser(cookies={"__client": cookie})
        client = again.client()
        assert client["id"] == signed_in["client"]["id"]
        assert client["last_active_session_id"] == signed_in["response"]["created_session_id"]
        me = ok(again.get("/v1/me"))["response"]
        assert me["email_addresses"][0]["email_address"] == "persist@example.com"
        # the password hash survived too
        fresh = second.browser()
        assert ok(fresh.sign_in(identifier="persist@example.com", password=PASSWORD))


def test_a_missing_state_file_starts_empty_and_is_written(make_mock, tmp_path: Path) -> None:
    state_file = tmp_path / "new.json"
    with make_mock(state_file=str(state_file)).running() as mock:
        assert mock.admin("GET", "/users").json()["total_count"] == 0
    assert json.loads(state_file.read_text())["users"] == []


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", '{"users": [{"id": 1}]}', '{"x": []}'])
def test_an_unreadable_state_file_stops_the_start_and_is_kept(
    make_mock, tmp_path: Path, content: str
) -> None:
    state_file = tmp_path / "broken.json"
    state_file.write_text(content)
    mock = make_mock(state_file=str(state_file))
    with pytest.raises(StateFileError, match="cannot load state"), mock.running():
        pass
    assert state_file.read_text() == content
