"""An unmodified httpx app is served by the mock through respx, sync and async, no socket."""

from __future__ import annotations

import anyio
import frontend_app
import httpx
import pytest
import respx
from respx.models import AllMockedAssertionError

from fixtures.identities import Identity
from fixtures.pytest_plugin import MockFapi
from fixtures.respx_mock import fapi_router


def test_sync_app_signs_in_against_the_mock(
    fapi_mock: MockFapi, fapi_respx: respx.MockRouter, fake_user: Identity
) -> None:
    who = fapi_mock.seed_user(fake_user)
    session_id = frontend_app.sign_in(who.email_address, who.password)
    assert session_id.startswith("sess_")
    assert fapi_respx["fapi"].call_count == 2


def test_async_app_signs_in_against_the_mock(
    fapi_mock: MockFapi, fapi_respx: respx.MockRouter, fake_user: Identity
) -> None:
    who = fapi_mock.seed_user(fake_user)
    session_id = anyio.run(frontend_app.sign_in_async, who.email_address, who.password)
    assert session_id.startswith("sess_")


def test_wrong_password_reaches_the_app_as_clerk_error(
    fapi_mock: MockFapi, fapi_respx: respx.MockRouter, fake_user: Identity
) -> None:
    who = fapi_mock.seed_user(fake_user)
    with pytest.raises(httpx.HTTPStatusError) as caught:
        frontend_app.sign_in(who.email_address, who.password + "!")
    assert caught.value.response.json()["errors"][0]["code"] == "form_password_incorrect"


def test_router_without_fixture_serves_a_fresh_mock() -> None:
    with fapi_router():
        assert frontend_app.instance_name() == "fapi-harness mock"


def test_requests_elsewhere_are_refused(fapi_respx: respx.MockRouter) -> None:
    with pytest.raises(AllMockedAssertionError):
        httpx.get("https://api.clerk.com/v1/users")
