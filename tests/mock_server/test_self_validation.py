"""The app's own response check: a mismatch or a missing schema is a 500, never a pass."""

from __future__ import annotations

import asyncio
import dataclasses

import httpx
import pytest

from mock_server.app import build_app
from mock_server.routing import FAPI
from tests.mock_server.conftest import config_for


def _get(app, path: str) -> httpx.Response:
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://mock.test") as client:
            return await client.get(path)

    return asyncio.run(go())


@pytest.mark.parametrize(
    ("response", "reason"),
    [
        ("no_such_schema", "does not exist"),
        (None, "declares no response schema"),
        ("errors", "does not match errors"),
    ],
)
def test_an_undescribed_body_is_a_500_naming_the_problem(
    monkeypatch: pytest.MonkeyPatch, response: str | None, reason: str
) -> None:
    patched = [
        dataclasses.replace(op, response=response) if op.operation_id == "get_environment" else op
        for op in FAPI.operations
    ]
    monkeypatch.setattr(FAPI, "operations", patched)
    app = build_app(config_for(), validate_responses=True)
    answer = _get(app, "/v1/environment")
    assert answer.status_code == 500
    assert answer.json()["errors"][0]["code"] == "internal_clerk_error"
    assert reason in answer.json()["errors"][0]["long_message"]
    assert reason in app.state.mock.validation_failures[0]


def test_without_validation_the_body_goes_out(monkeypatch: pytest.MonkeyPatch) -> None:
    patched = [
        dataclasses.replace(op, response="no_such_schema")
        if op.operation_id == "get_environment"
        else op
        for op in FAPI.operations
    ]
    monkeypatch.setattr(FAPI, "operations", patched)
    app = build_app(config_for(), validate_responses=False)
    assert _get(app, "/v1/environment").status_code == 200
