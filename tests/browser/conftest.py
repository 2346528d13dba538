"""Fixtures for the browser tests: a served mock, a page origin, and a Chromium page.

Playwright's sync API keeps an event loop running in the main thread while it is open,
so its fixtures are module-scoped: other test modules (which run their own loops) never
overlap with it.
"""

from __future__ import annotations

import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.responses import HTMLResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from mock_server.app import build_app
from mock_server.config import load_config
from tests.browser.harness import (
    CHROMIUM_ARGS,
    CLERK_JS_VERSION,
    Unavailable,
    chromium,
    clerk_js_dist,
    publishable_key,
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Served:
    """An ASGI app on a real 127.0.0.1 socket, in a thread, for the browser to reach."""

    def __init__(self, app: Any) -> None:
        self.port = _free_port()
        self.server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="critical")
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.02)
        if not self.server.started:
            raise RuntimeError("server did not start")

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@dataclass
class Browserside:
    mock: Served
    admin: httpx.Client
    page_origin: str


def _page_html(key: str, proxy_url: str) -> str:
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>app</title></head>
<body><div id="app"></div>
<script>window.__clerk_ready = false;</script>
<script src="/clerk/clerk.browser.js" crossorigin="anonymous"
        data-clerk-publishable-key="{key}" data-clerk-proxy-url="{proxy_url}"></script>
</body></html>"""


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    try:
        return chromium()
    except Unavailable as exc:
        pytest.skip(str(exc))


@pytest.fixture(scope="session")
def clerk_dist() -> Path:
    try:
        return clerk_js_dist()
    except Unavailable as exc:
        pytest.skip(str(exc))


@pytest.fixture(scope="module")
def playwright_api() -> Iterator[Any]:
    sync_api = pytest.importorskip(
        "playwright.sync_api",
        reason="the playwright package drives Chromium (pip install playwright)",
    )
    with sync_api.sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def browser(playwright_api: Any, chromium_path: Path) -> Iterator[Any]:
    with tempfile.TemporaryDirectory() as profile:
        context = playwright_api.chromium.launch_persistent_context(
            profile,
            executable_path=str(chromium_path),
            headless=True,
            args=CHROMIUM_ARGS,
            ignore_default_args=["--enable-automation"],
        )
        yield context
        context.close()


@pytest.fixture(scope="module")
def site(clerk_dist: Path) -> Iterator[Browserside]:
    config = load_config(profile="test", passwords={"kdf_log_n": 4})
    mock = Served(build_app(config, validate_responses=True))
    key = publishable_key(f"127.0.0.1:{mock.port}")
    html = _page_html(key, f"{mock.origin}/__clerk")
    page_app = Starlette(
        routes=[
            Route("/", lambda request: HTMLResponse(html)),
            Mount("/clerk", StaticFiles(directory=str(clerk_dist))),
        ]
    )
    pages = Served(page_app)
    with httpx.Client(base_url=mock.origin) as admin:
        yield Browserside(mock, admin, pages.origin)
    pages.stop()
    mock.stop()


@pytest.fixture
def clerk_page(browser: Any, site: Browserside) -> Iterator[Any]:
    """A fresh page (fresh cookies) on the app, with clerk-js loaded against the mock."""
    site.admin.post("/__admin/reset")
    browser.clear_cookies()
    page = browser.new_page()
    page.set_default_timeout(20_000)
    page.set_default_navigation_timeout(20_000)
    log: list[str] = []
    page.on("pageerror", lambda exc: log.append(f"pageerror: {exc}"))
    page.on("console", lambda msg: log.append(f"console.{msg.type}: {msg.text[:300]}"))
    page.on("request", lambda req: log.append(f"request: {req.method} {req.url[:160]}"))
    page.goto(site.page_origin + "/")
    page.wait_for_function("window.Clerk !== undefined", timeout=20_000)
    run_in_page(page, "async () => { await window.Clerk.load({ telemetry: false }); }")
    assert page.evaluate("window.Clerk.loaded") is True, log
    page.fapi_log = log
    yield page
    page.close(run_before_unload=False)


def run_in_page(page: Any, script: str, arg: Any = None, timeout_ms: int = 20_000) -> Any:
    """``page.evaluate`` of an async function, failing (not hanging) after ``timeout_ms``.

    Playwright's evaluate has no timeout of its own; an SDK promise that never settles
    would hang the suite. The page's recent requests are in the failure message.
    """
    wrapped = (
        "async ([arg, ms]) => { const f = " + script + "; return await Promise.race(["
        "f(arg), new Promise((_, reject) => setTimeout(() => reject(new Error("
        "'timed out after ' + ms + ' ms')), ms))]); }"
    )
    try:
        return page.evaluate(wrapped, [arg, timeout_ms])
    except Exception as exc:
        recent = "\n".join(getattr(page, "fapi_log", [])[-25:])
        raise AssertionError(f"{exc}\nrecent page activity:\n{recent}") from exc


__all__ = ["CLERK_JS_VERSION"]
