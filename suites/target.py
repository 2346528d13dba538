"""Where the conformance checks send their requests: one abstraction, three kinds of target.

Checks are written once against :class:`Target`; the target decides how a request travels
(in-process ASGI, a base URL, a real Clerk development instance), how a browser is
identified (dev-browser token and cookie jar), and what it can do (its
``/v1/environment`` and whether it has the mock's ``/__admin`` API). Every request is
recorded as an :class:`Exchange` so a failing check can show the request, the response
and a curl line that reproduces it.
"""

from __future__ import annotations

import base64
import json
import shlex
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import httpx
from _pytest.outcomes import Skipped

from fixtures.asgi import SyncASGITransport
from fixtures.identities import is_test_identity

#: Clerk's documented code for test identities (``+clerk_test`` emails, 555-01NN phones).
TEST_CODE = "424242"
DEV_BROWSER_PARAM = "__clerk_db_jwt"
DEV_BROWSER_HEADER = "Clerk-Db-Jwt"


@dataclass
class Exchange:
    """One request and its response, kept so a failure can be reproduced by hand."""

    method: str
    url: str
    request_headers: dict[str, str]
    request_body: str
    status: int
    response_headers: dict[str, str]
    text: str

    @cached_property
    def body(self) -> Any:
        """The parsed JSON body, or None when the response is not JSON."""
        try:
            return json.loads(self.text) if self.text else None
        except ValueError:
            return None

    def curl(self) -> str:
        parts = ["curl", "-i", "-X", self.method]
        for key, value in self.request_headers.items():
            if key.lower() in {"content-type", "authorization", "origin", "cookie"}:
                parts += ["-H", f"{key}: {value}"]
        if self.request_body:
            parts += ["--data-raw", self.request_body]
        parts.append(self.url)
        return " ".join(shlex.quote(p) for p in parts)

    def describe(self) -> str:
        """Request, response (truncated) and the curl line, for an assertion message."""
        text = self.text if len(self.text) <= 2000 else self.text[:2000] + " ...(truncated)"
        return (
            f"request:  {self.method} {self.url}\n"
            + (f"body:     {self.request_body}\n" if self.request_body else "")
            + f"response: {self.status}\n{text}\n"
            + f"reproduce: {self.curl()}"
        )


class TargetUnavailable(Skipped):
    """The target cannot do what a check needs: pytest reports it as a skip with the reason."""


@dataclass
class Capabilities:
    """What the target's ``/v1/environment`` says it enables."""

    environment: dict[str, Any]

    @property
    def attributes(self) -> dict[str, Any]:
        return dict(self.environment.get("user_settings", {}).get("attributes", {}))

    def attribute(self, name: str) -> bool:
        return bool(self.attributes.get(name, {}).get("enabled"))

    @cached_property
    def first_factors(self) -> frozenset[str]:
        found: set[str] = set()
        for name, attribute in self.attributes.items():
            if attribute.get("enabled"):
                found.update(attribute.get("first_factors") or [])
                if name in {"password", "ticket"}:
                    found.add(name)
        if "password" in found and "email_code" in found:
            found.add("reset_password_email_code")
        if "password" in found and "phone_code" in found:
            found.add("reset_password_phone_code")
        return frozenset(found)

    @cached_property
    def second_factors(self) -> frozenset[str]:
        found: set[str] = set()
        for attribute in self.attributes.values():
            if attribute.get("enabled") and attribute.get("used_for_second_factor"):
                found.update(attribute.get("second_factors") or [])
        return frozenset(found)

    @property
    def test_mode(self) -> bool:
        return bool(self.environment.get("auth_config", {}).get("test_mode"))

    @property
    def single_session(self) -> bool:
        return bool(self.environment.get("auth_config", {}).get("single_session_mode"))

    def missing_strategy(self, strategy: str, *, second: bool = False) -> str | None:
        """Why a check for ``strategy`` (as a first, or a second factor) cannot run here."""
        enabled = self.second_factors if second else self.first_factors
        if strategy in enabled:
            return None
        kind = "second" if second else "first"
        return f"{kind} factor {strategy} is not enabled by this target's /v1/environment"


class Browser:
    """One client as a browser would be: its own dev-browser token and cookie jar."""

    def __init__(self, target: Target, http: httpx.Client, *, native: bool = False) -> None:
        self.target = target
        self.http = http
        self.token: str | None = None
        #: A native app (Expo, Electron): ``_is_native=1`` and the client token in
        #: ``Authorization``, handed back in the response header of the same name.
        self.native = native
        self.authorization: str | None = None

    def request(
        self,
        method: str,
        path: str,
        *,
        data: Mapping[str, Any] | None = None,
        params: Mapping[str, Any] | None = None,
        retry_429: bool = True,
    ) -> Exchange:
        query: dict[str, Any] = dict(params or {})
        if self.native:
            query.setdefault("_is_native", "1")
        elif self.token:
            query.setdefault(DEV_BROWSER_PARAM, self.token)
        return self.target.send(self, method, path, data=data, params=query, retry_429=retry_429)

    def get(self, path: str, **kw: Any) -> Exchange:
        return self.request("GET", path, **kw)

    def post(self, path: str, data: Mapping[str, Any] | None = None, **kw: Any) -> Exchange:
        return self.request("POST", path, data=data or {}, **kw)

    def patch(self, path: str, data: Mapping[str, Any] | None = None, **kw: Any) -> Exchange:
        return self.request("PATCH", path, data=data or {}, **kw)

    def delete(self, path: str, **kw: Any) -> Exchange:
        return self.request("DELETE", path, **kw)


@dataclass
class Target:
    """Base: pacing, Retry-After, recording, capabilities; subclasses say how to connect.

    ``min_interval`` spaces requests (a real instance rate limits per IP); a 429 is waited
    out (``Retry-After`` seconds, capped) and retried a few times unless the check wants
    to see it.
    """

    name: str
    http: httpx.Client
    has_admin: bool = False
    min_interval: float = 0.0
    max_retry_after: float = 30.0
    history: deque[Exchange] = field(default_factory=lambda: deque(maxlen=8))
    _last_sent: float = 0.0

    def send(
        self,
        browser: Browser | None,
        method: str,
        path: str,
        *,
        data: Mapping[str, Any] | None = None,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        retry_429: bool = True,
    ) -> Exchange:
        http = browser.http if browser else self.http
        for attempt in range(4):
            wait = self.min_interval - (time.monotonic() - self._last_sent)
            if wait > 0:
                time.sleep(wait)
            self._last_sent = time.monotonic()
            headers = (
                {"Authorization": browser.authorization}
                if browser is not None and browser.authorization
                else None
            )
            response = http.request(
                method, path, data=data, params=params, json=json_body, headers=headers
            )
            exchange = _record(response)
            self.history.append(exchange)
            if browser is not None and response.headers.get(DEV_BROWSER_HEADER):
                browser.token = response.headers[DEV_BROWSER_HEADER]
            if browser is not None and browser.native and response.headers.get("authorization"):
                browser.authorization = response.headers["authorization"]
            if response.status_code != 429 or not retry_429 or attempt == 3:
                return exchange
            time.sleep(min(_retry_after(response), self.max_retry_after))
        raise AssertionError("unreachable")  # pragma: no cover

    def browser(self) -> Browser:
        """A fresh client: a new cookie jar and a dev-browser token for development targets."""
        b = Browser(self, self._client())
        made = b.post("/v1/dev_browser")
        if made.status == 200 and isinstance(made.body, dict) and made.body.get("id"):
            b.token = str(made.body["id"])
        return b

    def native_client(self) -> Browser:
        """A fresh native-app client: no cookies, no dev browser, ``Authorization`` only."""
        return Browser(self, self._client(), native=True)

    @cached_property
    def capabilities(self) -> Capabilities:
        got = self.send(None, "GET", "/v1/environment")
        if got.status != 200 or not isinstance(got.body, dict):
            raise TargetUnavailable(f"{self.name}: GET /v1/environment answered {got.status}")
        return Capabilities(got.body)

    def _client(self) -> httpx.Client:
        return httpx.Client(transport=self.http._transport, base_url=self.http.base_url, timeout=30)

    # -- the mock's admin API (or an equivalent); checks that need it are marked ------------

    def admin(self, method: str, path: str, json_body: Any = None, **params: Any) -> Exchange:
        if not self.has_admin:
            raise TargetUnavailable(f"{self.name} has no /__admin API")
        return self.send(None, method, "/__admin" + path, json_body=json_body, params=params)

    def seed_user(self, **fields: Any) -> dict[str, Any]:
        """Create a verified user directly (the mock's admin API)."""
        made = self.admin("POST", "/users", fields)
        if made.status != 201:
            raise AssertionError("seeding a user failed\n" + made.describe())
        return dict(made.body)

    def latest_code(self, to: str) -> str:
        """The last code sent to ``to``: the outbox on a mock, 424242 for test identities."""
        if is_test_identity(to) and self.capabilities.test_mode:
            return TEST_CODE
        got = self.admin("GET", "/outbox/latest", to=to)
        if got.status != 200:
            raise AssertionError(f"no message to {to}\n" + got.describe())
        return str(got.body["code"])

    def latest_link(self, to: str) -> str:
        got = self.admin("GET", "/outbox/latest", to=to)
        if got.status != 200 or not got.body.get("link"):
            raise AssertionError(f"no link sent to {to}\n" + got.describe())
        return str(got.body["link"])

    def advance_clock(self, seconds: float) -> None:
        got = self.admin("POST", "/clock", {"advance_seconds": seconds})
        if got.status != 200:
            raise AssertionError("moving the clock failed\n" + got.describe())

    def reset(self) -> None:
        """Start from an empty mock (no-op for targets without the admin API)."""
        if self.has_admin:
            self.admin("POST", "/reset")

    def close(self) -> None:
        self.http.close()


def _record(response: httpx.Response) -> Exchange:
    request = response.request
    return Exchange(
        method=request.method,
        url=str(request.url),
        request_headers=dict(request.headers),
        request_body=request.content.decode("utf-8", "replace"),
        status=response.status_code,
        response_headers=dict(response.headers),
        text=response.text,
    )


def _retry_after(response: httpx.Response) -> float:
    try:
        return max(float(response.headers.get("retry-after", "1")), 0.0)
    except ValueError:
        return 1.0


def default_mock_app() -> Any:
    """A fresh mock as the suites expect it: test profile (no rate limits), cheap KDF,
    every body checked against schemas/ by the mock itself too."""
    from mock_server.app import build_app
    from mock_server.config import load_config

    return build_app(
        load_config(profile="test", passwords={"kdf_log_n": 4}), seed=1, validate_responses=True
    )


def mock_app(config_path: str) -> Any:
    """A mock configured from a TOML file (e.g. with rate limits on), validating itself."""
    from mock_server.app import build_app
    from mock_server.config import load_config

    return build_app(load_config(config_path), seed=1, validate_responses=True)


def InProcessTarget(app: Any = None) -> Target:
    """The mock (or any ASGI app) driven in-process through httpx's ASGI transport."""
    transport = SyncASGITransport(app if app is not None else default_mock_app())
    http = httpx.Client(transport=transport, base_url="http://mock.test")
    return Target(name="in-process mock", http=http, has_admin=True)


def UrlTarget(base_url: str, *, min_interval: float = 0.0) -> Target:
    """A FAPI at a base URL; it has the admin API when ``/__admin/clock`` answers."""
    http = httpx.Client(base_url=base_url.rstrip("/"), timeout=30)
    target = Target(name=base_url, http=http, min_interval=min_interval)
    try:
        target.has_admin = http.get("/__admin/clock").status_code == 200
    except httpx.HTTPError as exc:
        raise TargetUnavailable(f"{base_url} is not reachable: {exc}") from exc
    return target


def frontend_api_of(publishable_key: str) -> str:
    """The Frontend API host a publishable key encodes (``pk_test_`` + base64 of ``host$``)."""
    parts = publishable_key.split("_")
    if len(parts) != 3 or parts[0] != "pk" or parts[1] not in {"test", "live"} or not parts[2]:
        raise ValueError("not a Clerk publishable key (pk_test_... or pk_live_...)")
    encoded = parts[2]
    try:
        decoded = base64.b64decode(encoded + "=" * (-len(encoded) % 4)).decode()
    except ValueError as exc:  # binascii.Error and UnicodeDecodeError both are
        raise ValueError(f"publishable key does not decode: {exc}") from exc
    if not decoded.endswith("$") or "." not in decoded[:-1]:
        raise ValueError(f"publishable key decodes to {decoded!r}, not 'host$'")
    return decoded[:-1]


@dataclass
class ClerkTarget(Target):
    """A real Clerk development instance, given its publishable key.

    Requests are paced (Clerk limits per IP) and users are seeded through the Backend API
    when a secret key is given; codes are Clerk's test-mode 424242, so the checks use test
    identities only.
    """

    secret_key: str | None = None

    @classmethod
    def from_keys(cls, publishable_key: str, secret_key: str | None = None) -> ClerkTarget:
        host = frontend_api_of(publishable_key)
        http = httpx.Client(base_url=f"https://{host}", timeout=30)
        return cls(name=host, http=http, min_interval=0.35, secret_key=secret_key)

    def seed_user(self, **fields: Any) -> dict[str, Any]:
        if not self.secret_key:
            raise TargetUnavailable("seeding users on Clerk needs --fapi-secret-key")
        body = {
            "email_address": fields.get("email_addresses", []),
            "phone_number": fields.get("phone_numbers", []),
            "password": fields.get("password"),
            "skip_password_checks": True,
        }
        with httpx.Client(base_url="https://api.clerk.com", timeout=30) as api:
            time.sleep(self.min_interval)
            made = api.post(
                "/v1/users", json=body, headers={"Authorization": f"Bearer {self.secret_key}"}
            )
        exchange = _record(made)
        if made.status_code not in (200, 201):
            raise AssertionError(
                "seeding a user through the Backend API failed\n" + exchange.describe()
            )
        return dict(exchange.body)
