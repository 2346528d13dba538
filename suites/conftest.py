"""How ``pytest suites/`` picks its target, gates checks on capabilities and reports skips.

Markers a check can carry (each module also carries its capability, taken from its name):

- ``strategy("email_code")``: skipped when the target's /v1/environment does not enable it
  as a first factor (``strategy("totp", second=True)`` for a second factor);
- ``needs_admin``: needs the mock's /__admin API (clock, outbox, seeding);
- ``aggressive``: deliberately trips rate limits; never run against a real instance.

Adding a capability (second factors, tokens, reverification, web3, OAuth, SAML,
passkeys) is adding ``test_<capability>.py`` here with the same fixtures and markers;
the matrix picks it up by its module name.
"""

from __future__ import annotations

import contextlib
from collections import defaultdict
from collections.abc import Generator, Iterator

import pytest

from fixtures.identities import Identity
from suites.steps import ensure_user, new_identity
from suites.target import (
    Browser,
    ClerkTarget,
    InProcessTarget,
    Target,
    TargetUnavailable,
    UrlTarget,
    mock_app,
)


def pytest_addoption(parser: pytest.Parser) -> None:
    """Declared here too so the suites run with the plugin disabled (``-p no:fapi_harness``)."""
    group = parser.getgroup("fapi", "FAPI target and data")
    for name, help_text in OPTIONS:
        with contextlib.suppress(ValueError):  # the fapi_harness plugin declares it already
            group.addoption(name, default=None, help=help_text)
    group.addoption(
        "--fapi-black-box",
        action="store_true",
        help="Ignore the target's /__admin API: run only what works against any FAPI",
    )


OPTIONS = [
    ("--fapi-target", "Base URL of a FAPI (default: in-process mock)"),
    ("--fapi-publishable-key", "A Clerk development instance"),
    ("--fapi-secret-key", "Seed users via Clerk's Backend API"),
    ("--fapi-mock-config", "TOML config for the in-process mock (default: test profile)"),
]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "strategy(name, second=False): needs this factor enabled on the target"
    )
    config.addinivalue_line("markers", "needs_admin: needs the mock's /__admin API")
    config.addinivalue_line("markers", "aggressive: trips rate limits; not for real instances")


def _make_target(config: pytest.Config) -> Target:
    key = config.getoption("--fapi-publishable-key")
    if key:
        return ClerkTarget.from_keys(key, config.getoption("--fapi-secret-key"))
    url = config.getoption("--fapi-target")
    if url:
        return UrlTarget(url)
    mock_config = config.getoption("--fapi-mock-config")
    return InProcessTarget(mock_app(mock_config) if mock_config else None)


@pytest.fixture(scope="session")
def target(pytestconfig: pytest.Config) -> Iterator[Target]:
    made = _make_target(pytestconfig)
    if pytestconfig.getoption("--fapi-black-box"):
        made.has_admin = False
        made.name += " (black box)"
    yield made
    made.close()


@pytest.fixture(autouse=True)
def _gate(request: pytest.FixtureRequest, target: Target) -> None:
    """Skip, with the reason, what this target cannot do."""
    target.history.clear()  # a failure report shows this check's exchanges only
    node = request.node
    if node.get_closest_marker("needs_admin") and not target.has_admin:
        pytest.skip(f"needs the mock's /__admin API, which {target.name} does not have")
    if node.get_closest_marker("aggressive") and isinstance(target, ClerkTarget):
        pytest.skip("trips rate limits on purpose; not run against a real Clerk instance")
    for mark in node.iter_markers("strategy"):
        try:
            second = bool(mark.kwargs.get("second", False))
            reason = target.capabilities.missing_strategy(str(mark.args[0]), second=second)
        except TargetUnavailable as exc:
            pytest.skip(str(exc))
        if reason:
            pytest.skip(reason)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Attach the check's last exchanges (request, response, curl) to a failure."""
    report = yield
    target = getattr(item, "funcargs", {}).get("target")
    if report.when == "call" and report.failed and isinstance(target, Target):
        recent = list(target.history)[-3:]
        text = "\n\n".join(ex.describe() for ex in recent)
        report.sections.append(("FAPI exchanges (most recent last)", text))
    return report


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    skipped = terminalreporter.stats.get("skipped", [])
    if not skipped:
        return
    by_reason: dict[str, list[str]] = defaultdict(list)
    for report in skipped:
        longrepr = report.longrepr
        reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
        by_reason[reason.removeprefix("Skipped: ")].append(report.nodeid)
    terminalreporter.section("FAPI conformance: skipped checks")
    for reason, ids in sorted(by_reason.items()):
        terminalreporter.write_line(f"{len(ids):3d} x {reason}")
        for nodeid in ids:
            terminalreporter.write_line(f"      {nodeid}")


@pytest.fixture
def browser(target: Target) -> Browser:
    """A fresh client (its own dev-browser token and cookie jar) for each check."""
    return target.browser()


@pytest.fixture
def who(target: Target) -> Identity:
    """A fresh test identity (+clerk_test email, 555-01NN phone, a valid password)."""
    return new_identity(target)


@pytest.fixture
def user(target: Target, who: Identity) -> Identity:
    """``who``, made an existing user with a verified email, phone and password."""
    phone = target.capabilities.attribute("phone_number")
    return ensure_user(target, who, phone=phone)
