"""The fast path answers exactly as the full middleware stack does.

Two apps with the same seed, the same frozen clock and the same config, one with the fast
path and one without (``build_app(fast_path=False)``), get the same requests in the same
order. Every answer must be the same: status, every header in its order, and the body
byte for byte; and so must the request journal. The requests cover what the fast path
serves itself (operations at the root and under the proxy path, ``_method`` overrides,
cookie, dev-browser and native clients, allowed and refused origins, Clerk errors) and
what it must leave to the stack (preflights, ``HEAD``, 404s and 405s, the admin API,
armed faults).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mock_server.app import build_app
from mock_server.clock import Clock
from mock_server.routing import FAPI
from tests.mock_server.conftest import config_for

ALLOWED = "http://app.test"
REFUSED = "http://evil.test"
EMAIL = "fast+clerk_test@example.com"
FORM = {"content-type": "application/x-www-form-urlencoded"}


class Twins:
    """The same requests to an app with the fast path and to one without it."""

    def __init__(self) -> None:
        config = config_for(cors={"allowed_origins": [ALLOWED]}, server={"proxy_path": "/__clerk"})
        self.loop = asyncio.new_event_loop()
        apps = [
            build_app(config, clock=Clock(frozen_at_ms=1_800_000_000_000), seed=11, fast_path=on)
            for on in (True, False)
        ]
        # One session-token key for both, so their tokens are the same bytes.
        key = apps[0].state.mock.runtime.signing_key
        apps[1].state.mock.runtime.signing_key = key
        self.clients = [
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app, raise_app_exceptions=False),
                base_url="http://mock.test",
            )
            for app in apps
        ]
        self.compared = 0

    def send(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        fast, full = (
            self.loop.run_until_complete(client.request(method, url, **kwargs))
            for client in self.clients
        )
        where = f"{method} {url}"
        assert fast.status_code == full.status_code, where
        assert fast.headers.raw == full.headers.raw, where
        assert fast.content == full.content, where
        self.compared += 1
        return fast

    def close(self) -> None:
        for client in self.clients:
            self.loop.run_until_complete(client.aclose())
        self.loop.close()


@pytest.fixture
def twins() -> Iterator[Twins]:
    pair = Twins()
    yield pair
    pair.close()


def _id(response: httpx.Response) -> str:
    body = response.json()
    return str((body.get("response") or body)["id"])


def test_a_sign_up_by_cookie_answers_alike_with_and_without_the_fast_path(twins: Twins) -> None:
    origin = {"origin": ALLOWED}
    twins.send("GET", "/v1/environment", headers=origin)
    twins.send("GET", "/v1/client", headers={"origin": REFUSED})
    sign_up = twins.send(
        "POST",
        "/v1/client/sign_ups",
        data={"email_address": EMAIL, "password": "a long enough password 1"},
        headers=origin,
    )
    assert sign_up.status_code == 200, sign_up.text
    sign_up_id = _id(sign_up)
    base = f"/v1/client/sign_ups/{sign_up_id}"
    twins.send("POST", base + "?_method=PATCH", data={"first_name": "Ada"}, headers=origin)
    twins.send("POST", base + "/prepare_verification", data={"strategy": "email_code"})
    # A wrong code is a Clerk error that still counts an attempt.
    wrong = twins.send(
        "POST", base + "/attempt_verification", data={"strategy": "email_code", "code": "000000"}
    )
    assert wrong.status_code == 422
    done = twins.send(
        "POST", base + "/attempt_verification", data={"strategy": "email_code", "code": "424242"}
    )
    assert done.json()["response"]["status"] == "complete", done.text
    session_id = done.json()["client"]["last_active_session_id"]
    twins.send("GET", "/v1/client", headers=origin)
    twins.send("POST", f"/v1/client/sessions/{session_id}/tokens", headers=origin)
    twins.send("GET", "/v1/me", headers=origin)
    twins.send("POST", "/v1/me?_method=PATCH", data={"not_a_param": "x"})
    twins.send("POST", f"/v1/client/sessions/{session_id}/end")
    assert twins.compared == 12


def test_native_and_dev_browser_clients_answer_alike(twins: Twins) -> None:
    created = twins.send(
        "POST", "/v1/client/sign_ins?_is_native=1", data={"identifier": "nobody@example.com"}
    )
    assert created.status_code == 422
    dev = twins.send("POST", "/__clerk/v1/dev_browser", headers={"origin": ALLOWED})
    token = dev.json()["id"] if "id" in dev.json() else dev.json()["token"]
    query = f"?__clerk_db_jwt={token}"
    twins.send("GET", "/__clerk/v1/client" + query, headers={"origin": ALLOWED})
    sign_up = twins.send(
        "POST", "/__clerk/v1/client/sign_ups" + query, data={"email_address": EMAIL}
    )
    twins.send("GET", f"/__clerk/v1/client/sign_ups/{_id(sign_up)}" + query)
    twins.send("GET", "/v1/client?_is_native=1", headers={"authorization": "two words"})
    twins.send("GET", "/v1/client?__clerk_db_jwt=unknown")


def test_bad_bodies_answer_alike(twins: Twins) -> None:
    twins.send(
        "POST", "/v1/client/sign_ins", content=b"{", headers={"content-type": "application/json"}
    )
    twins.send("POST", "/v1/client/sign_ins", content=b"x", headers={"content-type": "text/plain"})
    twins.send("POST", "/v1/client/sign_ins", content=b"%zz=%ff&a", headers=FORM)


def test_what_the_fast_path_leaves_to_the_stack_answers_alike(twins: Twins) -> None:
    twins.send(
        "OPTIONS",
        "/v1/client",
        headers={"origin": ALLOWED, "access-control-request-method": "POST"},
    )
    twins.send(
        "OPTIONS",
        "/v1/client",
        headers={"origin": REFUSED, "access-control-request-method": "POST"},
    )
    twins.send("HEAD", "/v1/environment")
    twins.send("GET", "/v1/nowhere", headers={"origin": ALLOWED})
    twins.send("DELETE", "/v1/environment", headers={"origin": ALLOWED})
    twins.send("GET", "/__clerk/nowhere")
    # An armed fault sends everything down the stack, where the fault layer is.
    twins.send("POST", "/__admin/faults", json={"path": "/v1/environment", "error_rate": 1.0})
    twins.send("GET", "/v1/environment", headers={"origin": ALLOWED})
    twins.send("GET", "/v1/client", headers={"origin": ALLOWED})
    journal = twins.send("GET", "/__admin/journal")
    assert any(entry["fault"] for entry in journal.json()["data"])


def test_the_journal_records_fast_answers_as_the_stack_does(twins: Twins) -> None:
    twins.send("GET", "/v1/environment")
    twins.send("POST", "/v1/client/sign_ups/sua_x?_method=PATCH", data={})
    twins.send("GET", "/__clerk/v1/environment")
    entries = twins.send("GET", "/__admin/journal").json()["data"]
    assert [(e["method"], e["path"]) for e in entries][:3] == [
        ("GET", "/v1/environment"),
        ("POST", "/v1/client/sign_ups/sua_x"),
        ("GET", "/__clerk/v1/environment"),
    ]


# -- any request built from the operation table ----------------------------------------

TEMPLATES = sorted({op.path for op in FAPI.operations})


def _fill(template: str, ident: str) -> str:
    return "/".join(ident if part.startswith("{") else part for part in template.split("/"))


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    requests=st.lists(
        st.tuples(
            st.sampled_from(["GET", "POST", "PATCH", "DELETE", "PUT", "HEAD", "OPTIONS"]),
            st.sampled_from(TEMPLATES),
            st.sampled_from(["", "/__clerk"]),
            st.sampled_from(["x", "sia_1", ""]),
            st.sampled_from([None, ALLOWED, REFUSED]),
            st.sampled_from(["", "?_is_native=1", "?_method=PATCH", "?__clerk_db_jwt=d"]),
            st.dictionaries(
                st.sampled_from(["identifier", "strategy", "code", "x"]),
                st.text(max_size=5),
                max_size=2,
            ),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_any_operation_request_answers_alike(
    requests: list[tuple[str, str, str, str, str | None, str, dict[str, str]]],
) -> None:
    pair = Twins()
    try:
        for method, template, prefix, ident, origin, query, data in requests:
            headers = {"origin": origin} if origin else {}
            body = {"data": data} if method not in {"GET", "HEAD", "OPTIONS"} else {}
            pair.send(method, prefix + _fill(template, ident) + query, headers=headers, **body)
    finally:
        pair.close()
