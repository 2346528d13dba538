"""Environment and development browser: what every SDK fetches before anything else."""

from __future__ import annotations

from suites.expect import expect, that
from suites.target import Target


def test_environment_is_served_and_valid(target: Target) -> None:
    body = expect(target.send(None, "GET", "/v1/environment"), 200, "environment")
    assert body["auth_config"]["object"] == "auth_config"


def test_environment_touch_through_method_override(target: Target) -> None:
    """clerk-js starts with ``POST /v1/environment?_method=PATCH`` on development instances."""
    ex = target.send(None, "POST", "/v1/environment", params={"_method": "PATCH"})
    expect(ex, 200, "environment")


def test_dev_browser_hands_out_a_token(target: Target) -> None:
    ex = target.send(None, "POST", "/v1/dev_browser")
    body = expect(ex, 200, "dev_browser")
    that(bool(body.get("id")), ex, "the dev browser id is the token clerk-js sends back")


def test_environment_lists_at_least_one_identifier(target: Target) -> None:
    ex = target.send(None, "GET", "/v1/environment")
    attributes = expect(ex, 200, "environment")["user_settings"]["attributes"]
    usable = [name for name, a in attributes.items() if a["enabled"] and a["used_for_first_factor"]]
    that(bool(usable), ex, "an instance must let users identify themselves somehow")
