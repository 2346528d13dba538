"""A hypothesis state-machine model of sign-in, sign-up and reverification.

Random sequences of real FAPI calls (several clients, right and wrong passwords and
codes, resends, new sign-ins over old ones) against the in-process mock, with the
invariants checked after every step:

- statuses only move along documented transitions (sign-in, sign-up, verification);
- a completed sign-in or sign-up has a session, and that session is on its client;
- a failed verification stays failed; a verified one stays verified;
- the outbox holds exactly the codes the model asked to send (Clerk's test identities
  get none), never more;
- no answer is a 5xx, and every answer validates against schemas/ (the app checks).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
)

from fixtures.asgi import SyncASGITransport
from mock_server.app import build_app
from mock_server.config import load_config

PASSWORD = "model-password-1234"
SIGN_IN_MOVES = {
    "needs_identifier": {"needs_identifier", "needs_first_factor"},
    "needs_first_factor": {
        "needs_first_factor",
        "needs_second_factor",
        "needs_new_password",
        "complete",
    },
    "needs_new_password": {"needs_new_password", "needs_second_factor", "complete"},
    "needs_second_factor": {"needs_second_factor", "complete"},
    "complete": {"complete"},
}
SIGN_UP_MOVES = {
    "missing_requirements": {"missing_requirements", "complete"},
    "complete": {"complete"},
}
VERIFICATION_MOVES = {
    "unverified": {"unverified", "verified", "failed", "expired"},
    "verified": {"verified"},
    "failed": {"failed"},
    "expired": {"expired"},
}


@dataclass
class Browser:
    http: httpx.Client
    sign_in: dict[str, Any] | None = None
    sign_up: dict[str, Any] | None = None
    seen: dict[str, str] = field(default_factory=dict)  # object id -> last status
    verifications: dict[str, str] = field(default_factory=dict)


class FlowModel(RuleBasedStateMachine):
    browsers = Bundle("browsers")

    def __init__(self) -> None:
        super().__init__()
        self.app = build_app(
            load_config(profile="test", passwords={"kdf_log_n": 4}),
            seed=11,
            validate_responses=True,
        )
        self.admin = httpx.Client(
            transport=SyncASGITransport(self.app), base_url="http://mock.test"
        )
        self.sent = 0
        self.emails = ["ann@example.com", "bob+clerk_test@example.com"]
        self.new_emails = 0
        self.calls = 0

    @initialize()
    def seed_users(self) -> None:
        for email in self.emails:
            made = self.admin.post(
                "/__admin/users", json={"email_addresses": [email], "password": PASSWORD}
            )
            assert made.status_code == 201

    # -- helpers ------------------------------------------------------------------------
    def call(
        self, b: Browser, method: str, path: str, data: dict[str, str] | None = None
    ) -> httpx.Response:
        self.calls += 1
        response = b.http.request(method, path, data=data)
        assert response.status_code < 500, f"{method} {path}: {response.text}"
        if response.status_code == 200 and "json" in response.headers.get("content-type", ""):
            body = response.json()
            client = body.get("client") if isinstance(body, dict) else None
            if client:
                b.sign_in = client.get("sign_in")
                b.sign_up = client.get("sign_up")
                self.track(b, client)
        return response

    def track(self, b: Browser, client: dict[str, Any]) -> None:
        for obj, moves in (
            (client.get("sign_in"), SIGN_IN_MOVES),
            (client.get("sign_up"), SIGN_UP_MOVES),
        ):
            if not obj:
                continue
            before = b.seen.get(obj["id"])
            assert before is None or obj["status"] in moves[before], (
                f"{obj['id']}: {before} -> {obj['status']} is not a documented transition"
            )
            b.seen[obj["id"]] = obj["status"]
            if obj["status"] == "complete":
                sessions = {s["id"] for s in client["sessions"]}
                assert obj["created_session_id"] in sessions
        sign_in = client.get("sign_in") or {}
        for key in ("first_factor_verification", "second_factor_verification"):
            v = sign_in.get(key)
            if v and v["strategy"] in ("email_code", "reset_password_email_code"):
                vid = f"{sign_in['id']}:{key}:{v['strategy']}:{v['expire_at']}"
                before = b.verifications.get(vid)
                assert before is None or v["status"] in VERIFICATION_MOVES[before], (
                    f"{vid}: {before} -> {v['status']}"
                )
                b.verifications[vid] = v["status"]

    # -- rules --------------------------------------------------------------------------
    @initialize(target=browsers)
    def first_browser(self) -> Browser:
        return self.open_browser()

    @rule(target=browsers)
    def open_browser(self) -> Browser:
        return Browser(
            httpx.Client(transport=SyncASGITransport(self.app), base_url="http://mock.test")
        )

    @rule(b=browsers, who=st.integers(0, 2))
    def start_sign_in(self, b: Browser, who: int) -> None:
        identifier = [*self.emails, "nobody@example.com"][who]
        response = self.call(b, "POST", "/v1/client/sign_ins", {"identifier": identifier})
        if who == 2:
            assert response.json()["errors"][0]["code"] == "form_identifier_not_found"

    @rule(b=browsers, right=st.booleans())
    def password(self, b: Browser, right: bool) -> None:
        if not b.sign_in or b.sign_in["status"] != "needs_first_factor":
            return
        self.call(
            b,
            "POST",
            f"/v1/client/sign_ins/{b.sign_in['id']}/attempt_first_factor",
            {"strategy": "password", "password": PASSWORD if right else "wrong-password"},
        )

    @rule(b=browsers, strategy=st.sampled_from(["email_code", "reset_password_email_code"]))
    def send_code(self, b: Browser, strategy: str) -> None:
        if not b.sign_in or b.sign_in["status"] != "needs_first_factor":
            return
        response = self.call(
            b,
            "POST",
            f"/v1/client/sign_ins/{b.sign_in['id']}/prepare_first_factor",
            {"strategy": strategy},
        )
        if response.status_code == 200 and "clerk_test" not in (b.sign_in["identifier"] or ""):
            self.sent += 1

    @rule(b=browsers, right=st.booleans())
    def enter_code(self, b: Browser, right: bool) -> None:
        v = (b.sign_in or {}).get("first_factor_verification")
        if not v or not v["strategy"].endswith("email_code") or b.sign_in is None:
            return
        code = "000000"
        if right:
            if "clerk_test" in (b.sign_in["identifier"] or ""):
                code = "424242"
            else:
                latest = self.admin.get(
                    "/__admin/outbox/latest", params={"to": b.sign_in["identifier"]}
                )
                code = latest.json()["code"] if latest.status_code == 200 else "000000"
        self.call(
            b,
            "POST",
            f"/v1/client/sign_ins/{b.sign_in['id']}/attempt_first_factor",
            {"strategy": v["strategy"], "code": code},
        )

    @rule(b=browsers)
    def new_password(self, b: Browser) -> None:
        if b.sign_in and b.sign_in["status"] == "needs_new_password":
            self.call(
                b,
                "POST",
                f"/v1/client/sign_ins/{b.sign_in['id']}/reset_password",
                {"password": PASSWORD},
            )

    @rule(b=browsers)
    def start_sign_up(self, b: Browser) -> None:
        self.new_emails += 1
        self.call(
            b,
            "POST",
            "/v1/client/sign_ups",
            {"email_address": f"new{self.new_emails}+clerk_test@example.com", "password": PASSWORD},
        )

    @rule(b=browsers, right=st.booleans())
    def verify_sign_up(self, b: Browser, right: bool) -> None:
        if not b.sign_up or b.sign_up["status"] != "missing_requirements":
            return
        path = f"/v1/client/sign_ups/{b.sign_up['id']}"
        self.call(b, "POST", path + "/prepare_verification", {"strategy": "email_code"})
        self.call(
            b,
            "POST",
            path + "/attempt_verification",
            {"strategy": "email_code", "code": "424242" if right else "111111"},
        )

    @rule(
        b=browsers,
        level=st.sampled_from(["first_factor", "second_factor", "multi_factor"]),
        right=st.booleans(),
    )
    def reverify(self, b: Browser, level: str, right: bool) -> None:
        client = self.call(b, "GET", "/v1/client").json().get("client") or {}
        sid = client.get("last_active_session_id")
        if not sid:
            return
        started = self.call(b, "POST", f"/v1/client/sessions/{sid}/verify", {"level": level})
        assert started.status_code == 200, started.text
        assert started.json()["response"]["status"] == "needs_first_factor"
        done = self.call(
            b,
            "POST",
            f"/v1/client/sessions/{sid}/verify/attempt_first_factor",
            {"strategy": "password", "password": PASSWORD if right else "nope-nope"},
        )
        status = done.json()["response"]["status"] if done.status_code == 200 else None
        assert (status == "complete") == right, done.text

    # -- invariants ---------------------------------------------------------------------
    @invariant()
    def outbox_holds_exactly_the_codes_sent(self) -> None:
        outbox = self.admin.get("/__admin/outbox").json()
        codes = [m for m in outbox["data"] if m["code"] is not None]
        assert len(codes) == self.sent, f"{len(codes)} codes in the outbox, {self.sent} sent"

    @invariant()
    def the_mock_validated_everything(self) -> None:
        assert self.app.state.mock.validation_failures == []


CALLS: list[int] = []


class CountingFlowModel(FlowModel):
    def teardown(self) -> None:
        CALLS.append(self.calls)


TestFlowModel = CountingFlowModel.TestCase
TestFlowModel.settings = settings(
    max_examples=60,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)


def test_the_model_really_drives_the_mock() -> None:
    """Guard against a model whose rules all turn into no-ops."""
    assert CALLS, "run TestFlowModel first (same module)"
    assert sum(CALLS) >= 100, f"only {sum(CALLS)} FAPI calls across {len(CALLS)} runs"
