"""Clerk's own browser SDK, unmodified, in Debian's headless Chromium, against the mock.

What it takes, and what is skipped (with the reason) when it is missing:
- ``/usr/bin/chromium`` (Debian's ``chromium``; .ci/run installs it with apt-get) and the
  ``playwright`` Python package to drive it (never ``playwright install``: it downloads a
  browser of its own and fails here);
- ``@clerk/clerk-js`` at the pinned version, unpacked from the npm registry into
  ``.cache/clerk-js/<version>/`` (``npm pack``; .ci/run does it, and so does
  :func:`clerk_js_dist` when npm is on the PATH).

The page is served from its own origin (like an app on a dev server) and points the SDK at
the mock the way a developer would: a ``pk_test_`` key encoding the mock's host, and the
``proxyUrl`` option (``data-clerk-proxy-url``) so the SDK speaks plain http to
``/__clerk/v1/...`` on the mock.
"""

from __future__ import annotations

import base64
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

CLERK_JS_VERSION = "6.40.0"
# 1.36.0 is the @clerk/ui release known to work with clerk-js 6.40.0.
CLERK_UI_VERSION = "1.36.0"
CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Playwright's --enable-automation sets navigator.webdriver; clerk-js then treats the
    # page as a bot and turns network failures into nulls, hiding a broken mock.
    "--disable-blink-features=AutomationControlled",
]


class Unavailable(RuntimeError):
    """Something the browser tests need is not installed; the message says what."""


def publishable_key(host: str) -> str:
    """``pk_test_`` + base64 of ``host$``: how Clerk keys name their Frontend API host.

    clerk-js refuses a host without a dot, so ``127.0.0.1:PORT`` works and
    ``localhost:PORT`` does not.
    """
    return "pk_test_" + base64.b64encode(f"{host}$".encode()).decode().rstrip("=")


def npm_dist(package: str, version: str, entry: str) -> Path:
    """The unpacked ``dist/`` of a pinned npm package, fetched with ``npm pack`` if needed.

    ``npm pack`` rather than ``npm install``: the browser bundles are self-contained, and
    ``npm install @clerk/ui`` fails on this registry (a dependency of it is missing), while
    the packed tarball alone is all a page needs. ``entry`` is a file that must be in
    ``dist/`` once unpacked.
    """
    cache = ROOT / ".cache" / package.rsplit("/", 1)[-1] / version
    bundle = cache / "package" / "dist" / entry
    if bundle.exists():
        return bundle.parent
    npm = shutil.which("npm")
    if npm is None:
        raise Unavailable(
            f"{package}@{version} is not in {cache} and npm is not installed to fetch it"
        )
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        done = subprocess.run(
            [npm, "pack", f"{package}@{version}", "--pack-destination", tmp],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if done.returncode != 0:
            raise Unavailable(f"npm pack {package}@{version} failed: {done.stderr.strip()[:300]}")
        tarball = next(Path(tmp).glob("*.tgz"))
        with tarfile.open(tarball) as archive:
            archive.extractall(cache, filter="data")
    if not bundle.exists():
        raise Unavailable(f"{bundle} missing after unpacking {package}")
    return bundle.parent


def clerk_js_dist() -> Path:
    """The pinned ``@clerk/clerk-js`` browser bundle's directory."""
    return npm_dist("@clerk/clerk-js", CLERK_JS_VERSION, "clerk.browser.js")


def clerk_ui_dist() -> Path:
    """The pinned ``@clerk/ui`` (the prebuilt components) browser bundle's directory.

    ``ui.browser.js`` defines ``window.__internal_ClerkUICtor``, which the page hands to
    ``Clerk.load({ ui: { ClerkUI } })``.
    """
    return npm_dist("@clerk/ui", CLERK_UI_VERSION, "ui.browser.js")


def chromium() -> Path:
    if not CHROMIUM.exists():
        raise Unavailable(
            f"{CHROMIUM} is not installed (apt-get install chromium; .ci/run does it)"
        )
    return CHROMIUM
