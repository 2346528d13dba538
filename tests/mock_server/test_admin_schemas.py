"""Every /__admin answer validates against ``schemas/wire/admin.json`` (or the FAPI document
it names), checked here independently of the app's own response validation; and the
admin request models take exactly the fields their schemas document.

The tour below calls every operation of ``admin.table.ADMIN`` with a request that
succeeds; a new admin operation without a step in it fails
:func:`test_the_tour_covers_every_admin_operation`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import httpx
import pytest
from pydantic import BaseModel

import schemas
from fixtures.asgi import SyncASGITransport
from mock_server.admin import routes
from mock_server.admin.table import ADMIN, AdminOperation
from mock_server.app import build_app
from mock_server.domain.models import TABLES
from mock_server.faults import FaultRule
from tests.mock_server.conftest import PASSWORD, Mock, config_for

Step = tuple[str, str, dict[str, Any]]


def _tour(mock: Mock) -> list[tuple[Step, httpx.Response]]:
    """Call every admin operation once, in an order where each one has something to act on."""
    browser = mock.browser()
    done: list[tuple[Step, httpx.Response]] = []

    def call(
        method: str, path: str, template: dict[str, str] | None = None, **kwargs: Any
    ) -> httpx.Response:
        response = mock.admin(method, path, **kwargs)
        for name, value in (template or {}).items():
            path = path.replace(value, "{" + name + "}")
        done.append(((method, path, kwargs), response))
        return response

    user = call(
        "POST",
        "/users",
        json={
            "email_addresses": ["tour@example.com"],
            "phone_numbers": ["+15005550006"],
            "password": PASSWORD,
            "totp_secret": "JBSWY3DPEHPK3PXP",
            "backup_codes": ["abcd1234"],
        },
    ).json()
    browser.sign_in(identifier="tour@example.com", strategy="email_code")
    other = mock.browser()
    other.sign_in(identifier="tour@example.com", password=PASSWORD)
    call("GET", "/users")
    call("GET", f"/users/{user['id']}", template={"user_id": user["id"]})
    call("GET", "/outbox", params={"to": "tour@example.com"})
    call("GET", "/outbox/latest", params={"channel": "email"})
    call("POST", "/tickets", json={"user_id": user["id"]})
    call("POST", "/tickets", json={"email_address": "invitee@example.com", "ttl_seconds": 60})
    call("GET", "/sign_ins")
    call("GET", "/sessions")
    call("GET", "/clock")
    call("POST", "/clock", json={"advance_seconds": 1.5})
    call("POST", "/clock", json={"set": 1_800_000_000_000, "freeze": True})
    call("GET", "/journal", params={"limit": "3"})
    fault = call("POST", "/faults", json={"path": "/v1/environment", "latency_ms": 1}).json()
    call("GET", "/faults")
    call("DELETE", f"/faults/{fault['id']}", template={"fault_id": fault["id"]})
    call("DELETE", "/faults")
    exported = call("GET", "/state").json()
    call("PUT", "/state", json=exported)
    call("GET", "/ui")
    call("DELETE", "/outbox")
    call("DELETE", f"/users/{user['id']}", template={"user_id": user["id"]})
    call("POST", "/reset")
    return done


def _operation(method: str, path: str) -> AdminOperation:
    return next(op for op in ADMIN.operations if (op.method, op.path) == (method, path))


def test_every_admin_answer_validates(mock: Mock) -> None:
    for (method, path, _), response in _tour(mock):
        op = _operation(method, path)
        assert response.status_code in op.statuses, f"{method} {path}: {response.text}"
        if op.response is not None:
            schemas.validate(op.response, response.json())
        elif response.status_code == 204:
            assert response.content == b""
        else:
            assert response.headers["content-type"].startswith(op.media_type)


def test_the_tour_covers_every_admin_operation(mock: Mock) -> None:
    called = {(method, path) for (method, path, _), _ in _tour(mock)}
    declared = {(op.method, op.path) for op in ADMIN.operations}
    assert declared - called == set(), "admin operations the tour never calls"


def test_a_non_conforming_admin_answer_is_a_500_naming_the_schema() -> None:
    """The check runs on the real answers: a schema that no longer fits them is caught."""
    op = _operation("GET", "/clock")
    index = ADMIN.operations.index(op)
    ADMIN.operations[index] = replace(op, response="admin/journal")
    try:
        app = build_app(config_for(), validate_responses=True)
    finally:
        ADMIN.operations[index] = op
    with httpx.Client(transport=SyncASGITransport(app), base_url="http://mock.test") as client:
        response = client.get("/__admin/clock")
    assert response.status_code == 500
    assert "does not match admin/journal" in response.json()["errors"][0]["long_message"]
    assert app.state.mock.validation_failures


@pytest.mark.parametrize(
    ("model", "name"),
    [
        (routes.SeedUser, "admin/seed_user"),
        (routes.ClockChange, "admin/clock_change"),
        (routes.TicketRequest, "admin/ticket_request"),
        (FaultRule, "admin/fault_rule"),
    ],
)
def test_request_models_take_exactly_the_documented_fields(
    model: type[BaseModel], name: str
) -> None:
    stem, _, definition = name.partition("/")
    schema = schemas.documents()[stem]["$defs"][definition]
    assert set(schema["properties"]) == set(model.model_fields)
    assert set(schema.get("required", [])) == {
        field for field, info in model.model_fields.items() if info.is_required()
    }
    assert schema["additionalProperties"] is False


def test_the_fault_answer_is_the_rule_plus_its_id_and_use_count() -> None:
    admin = schemas.documents()["admin"]["$defs"]
    assert admin["fault"]["properties"] == {
        "id": {"type": "string"},
        "used": {"type": "integer", "minimum": 0},
        **admin["fault_rule"]["properties"],
    }


def test_the_state_document_names_every_store_table() -> None:
    state = schemas.documents()["admin"]["$defs"]["state"]
    assert set(state["properties"]) == set(TABLES)


def test_an_invalid_admin_body_is_refused_with_clerks_envelope(mock: Mock) -> None:
    """Each of these was accepted before the fuzz ran the admin API: coerced (``freeze: 0``),
    or turned into a timestamp past 64 bits (a 500 then, and for the clock on every later
    answer, as was a negative one)."""
    for path, body in [
        ("/clock", {"freeze": 0}),
        ("/clock", {"set": -1}),
        ("/clock", {"advance_seconds": 1e300}),
        ("/clock", {"set": 253_402_300_800_000}),
        ("/faults", {"error_rate": False}),
        ("/users", {"email_addresses": "one@example.com"}),
        ("/tickets", {"email_address": "a@example.com", "ttl_seconds": 1087300980658793600}),
    ]:
        assert not schemas.is_valid(_operation("POST", path).request or "", body)
        response = mock.admin("POST", path, json=body)
        assert response.status_code == 422, (path, body, response.text)
        schemas.validate("errors", response.json())
    assert mock.admin("GET", "/clock").json()["offset_ms"] == 0
    mock.seed_user(email_addresses="after@example.com")
    assert mock.browser().sign_in(identifier="after@example.com", password=PASSWORD).is_success
