"""The harness's second check: bodies against Clerk's official spec, when it is on this machine."""

from __future__ import annotations

import httpx
import pytest

from tests.mock_server import conftest

needs_spec = pytest.mark.skipif(
    conftest.SPEC is None,
    reason="Clerk's FAPI spec is not at ../shared/reference/clerk-fapi/ (or $FAPI_SPEC): "
    "responses are checked against schemas/ only",
)


def _exchange(method: str, url: str, status: int, body: bytes) -> httpx.Response:
    request = httpx.Request(method, url)
    return httpx.Response(
        status, content=body, headers={"content-type": "application/json"}, request=request
    )


@needs_spec
def test_a_body_the_spec_does_not_describe_is_reported() -> None:
    response = _exchange("POST", "http://mock.test/v1/client/sign_ins", 200, b'{"response": 1}')
    found = conftest._official_errors(response.request, response, "/__clerk")
    assert found
    assert found[0].startswith("POST /v1/client/sign_ins -> 200")


@needs_spec
def test_the_proxy_prefix_and_method_override_are_seen_through() -> None:
    response = _exchange(
        "POST", "http://mock.test/__clerk/v1/client?_method=DELETE", 200, b'{"client": 3}'
    )
    found = conftest._official_errors(response.request, response, "/__clerk")
    assert found
    assert found[0].startswith("DELETE /v1/client -> 200")


@needs_spec
def test_a_valid_error_body_passes() -> None:
    body = b'{"errors": [{"code": "x", "message": "m", "long_message": "l", "meta": {}}]}'
    response = _exchange("GET", "http://mock.test/v1/client", 401, body)
    assert conftest._official_errors(response.request, response, "/__clerk") == []


@needs_spec
def test_every_mock_response_in_a_flow_is_checked(mock: conftest.Mock) -> None:
    browser = mock.browser()
    mock.seed_user(email_addresses="spec@example.com")
    before = mock.spec_checked
    conftest.ok(browser.sign_in(identifier="spec@example.com", password=conftest.PASSWORD))
    conftest.ok(browser.get("/v1/client"))
    assert mock.spec_checked == before + 2
    assert mock.spec_failures == []
