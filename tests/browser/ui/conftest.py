"""Fixtures for Clerk's prebuilt components (``@clerk/ui``) against the mock.

The page is a small app of its own (``app.html``) on its own origin: the path picks the
component (``/sign-in``, ``/sign-up``, ``/user``, ``/home``), and every path serves the
same page, so the components' path routing and their redirects work as in a real app.

Two choices matter, each learnt from the components themselves:
- The publishable key names a ``*.accounts.dev`` host. For such a development key, clerk-js
  first creates a development browser (``POST /v1/dev_browser``); the components need its
  token to build their links ("Missing dev browser" otherwise). ``proxyUrl`` still points
  every request at the mock's ``/__clerk``.
- Clerk's images (provider logos on ``img.clerk.com``) are answered locally with an empty
  SVG: the machine has no internet, and a test must not depend on it.

Screenshots of each flow's key screens go to ``.artifacts/screenshots/<test>/`` (or
``$FAPI_SCREENSHOTS``); their paths are printed in the test's captured output.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from mock_server.app import build_app
from mock_server.config import Config, load_config
from tests.browser.conftest import Served
from tests.browser.harness import Unavailable, clerk_ui_dist, publishable_key

ROOT = Path(__file__).resolve().parents[3]
APP_HTML = Path(__file__).with_name("app.html")
DEV_HOST = "fapi-harness.accounts.dev"
# How long a step may wait for the page; generous, since a shared 2-core machine running
# the suite beside a browser is slow, and a wait ends as soon as its condition holds.
WAIT_MS = 20_000
BLANK_SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>'


@pytest.fixture(scope="session")
def ui_dist() -> Path:
    try:
        return clerk_ui_dist()
    except Unavailable as exc:
        pytest.skip(str(exc))


def instance(**overrides: Any) -> Config:
    """A test-mode instance (no rate limits, cheap password hashing) with the given sections."""
    return load_config(profile="test", passwords={"kdf_log_n": 4}, **overrides)


@pytest.fixture(scope="module")
def instance_config() -> Config:
    """The instance the module's components run against; a module overrides it."""
    return instance()


class UiSite:
    """The mock and the app page, both served on 127.0.0.1, and an admin client."""

    def __init__(self, config: Config, clerk_dist: Path, ui_dist: Path) -> None:
        self.mock = Served(build_app(config, validate_responses=True))
        html = (
            APP_HTML.read_text()
            .replace("__KEY__", publishable_key(DEV_HOST))
            .replace("__PROXY__", f"{self.mock.origin}/__clerk")
        )

        def page(request: Request) -> HTMLResponse:
            return HTMLResponse(html)

        self.pages = Served(
            Starlette(
                routes=[
                    Mount("/clerk", StaticFiles(directory=str(clerk_dist))),
                    Mount("/ui", StaticFiles(directory=str(ui_dist))),
                    Route("/{path:path}", page),
                ]
            )
        )
        self.admin = httpx.Client(base_url=self.mock.origin)

    @property
    def origin(self) -> str:
        return self.pages.origin

    def stop(self) -> None:
        self.admin.close()
        self.pages.stop()
        self.mock.stop()


@pytest.fixture(scope="module")
def ui_site(instance_config: Config, clerk_dist: Path, ui_dist: Path) -> Iterator[UiSite]:
    site = UiSite(instance_config, clerk_dist, ui_dist)
    yield site
    site.stop()


class UiPage:
    """A browser tab on the app, with what a flow test needs beside it.

    ``goto`` waits until clerk-js has loaded (or failed to: the failure is the assertion),
    ``shoot`` keeps a screenshot of a key screen, ``code_for`` reads the mock's outbox the
    way a person reads their inbox.
    """

    def __init__(self, page: Any, site: UiSite, shots: Path) -> None:
        self.page = page
        self.site = site
        self.shots = shots
        self.log: list[str] = []
        self._shot = 0

    def goto(self, path: str) -> None:
        self.page.goto(self.site.origin + path)
        self.wait_ready()

    def wait_ready(self) -> None:
        self.page.wait_for_selector(
            "#status[data-state=ready], #status[data-state=error]", state="attached"
        )
        state = self.page.get_attribute("#status", "data-state")
        assert state == "ready", self.page.text_content("#status") + self.recent()

    def shoot(self, name: str) -> Path:
        self._shot += 1
        self.shots.mkdir(parents=True, exist_ok=True)
        path = self.shots / f"{self._shot:02d}-{name}.png"
        self.page.screenshot(path=str(path), animations="disabled")
        print(f"screenshot: {path}")
        return path

    def code_for(self, to: str) -> str:
        message = self.site.admin.get("/__admin/outbox/latest", params={"to": to})
        assert message.status_code == 200, message.text
        return str(message.json()["code"])

    def signed_in_user(self) -> str | None:
        """The user id clerk-js reports, read after the app's redirect to ``/home``."""
        self.page.wait_for_url(re.compile(r"/home"))
        self.wait_ready()
        user = self.page.get_attribute("#status", "data-user")
        return user or None

    def signed_in_with_password(self, email: str, password: str) -> str:
        """Seed a password user, then sign in through the sign-in component as a person would.

        The flows that start signed in (profile, user button) begin here; the sign-in flows
        themselves are in ``test_sign_in_component.py``.
        """
        made = self.site.admin.post(
            "/__admin/users", json={"email_addresses": [email], "password": password}
        )
        assert made.status_code == 201, made.text
        self.goto("/sign-in")
        self.page.get_by_label("Email address").fill(email)
        self.page.get_by_role("button", name="Continue", exact=True).click()
        self.page.get_by_label("Password", exact=True).fill(password)
        self.page.get_by_role("button", name="Continue", exact=True).click()
        user_id = str(made.json()["id"])
        assert self.signed_in_user() == user_id, self.recent()
        return user_id

    def tick(self, checkbox: Any) -> None:
        """Tick a checkbox of a form that may re-render under the click.

        Seen once in a full CI run on a loaded machine: the sign-up form redrew just as the
        consent box was clicked, and Playwright reported "Clicking the checkbox did not
        change its state". A person would click again; so does this, then requires the box
        to stay ticked.
        """
        from playwright.sync_api import Error, expect

        for _ in range(5):
            try:
                checkbox.check(timeout=3000)
                break
            except Error:
                self.page.wait_for_timeout(300)
        expect(checkbox).to_be_checked()

    def recent(self, n: int = 25) -> str:
        return "\nrecent page activity:\n" + "\n".join(self.log[-n:])


def _shots_dir(request: pytest.FixtureRequest) -> Path:
    base = Path(os.environ.get("FAPI_SCREENSHOTS", ROOT / ".artifacts" / "screenshots"))
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid.split("::", 1)[-1])
    module = str(request.node.module.__name__).rsplit(".", 1)[-1]
    return base / module / name


@pytest.fixture
def ui(browser: Any, ui_site: UiSite, request: pytest.FixtureRequest) -> Iterator[UiPage]:
    """A fresh tab (fresh cookies, empty mock) on the component app."""
    assert ui_site.admin.post("/__admin/reset").status_code in (200, 204)
    browser.clear_cookies()
    page = browser.new_page()
    page.set_default_timeout(WAIT_MS)
    page.set_default_navigation_timeout(WAIT_MS)
    # ``expect`` has a clock of its own (5 s by default), too short on a busy CI machine.
    from playwright.sync_api import expect

    expect.set_options(timeout=WAIT_MS)
    page.route(
        "https://img.clerk.com/**",
        lambda route: route.fulfill(status=200, content_type="image/svg+xml", body=BLANK_SVG),
    )
    shots = _shots_dir(request)
    # A rerun's screenshots replace the last run's, so a folder shows one run only.
    shutil.rmtree(shots, ignore_errors=True)
    tab = UiPage(page, ui_site, shots)
    page.on("pageerror", lambda exc: tab.log.append(f"pageerror: {exc}"))
    page.on("console", lambda msg: tab.log.append(f"console.{msg.type}: {msg.text[:300]}"))
    page.on("request", lambda req: tab.log.append(f"request: {req.method} {req.url[:160]}"))
    yield tab
    page.close(run_before_unload=False)
