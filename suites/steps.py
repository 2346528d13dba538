"""Flow steps the checks share: getting a user to exist, signing up, signing in.

Users are seeded through the target's admin API (the mock) or Backend API (Clerk with a
secret key); otherwise they are created by a real sign-up with a test identity, so the
sign-in checks also run against a target we know nothing about.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any

from faker import Faker

from fixtures.identities import Identity, PasswordRules, identity, phone_number
from suites.expect import expect
from suites.target import Browser, Target, TargetUnavailable


def new_identity(target: Target, *, test: bool = True) -> Identity:
    """A fresh test identity with a password the target's rules accept.

    The nonce keeps re-runs against a persistent instance from colliding with the users a
    previous run created.
    """
    rules = PasswordRules.from_environment(target.capabilities.environment)
    return identity(Faker(), test=test, rules=rules, nonce=uuid.uuid4().hex[:6])


def sign_up(target: Target, browser: Browser, who: Identity, *, phone: bool = False) -> Any:
    """Sign up with email + password (+ phone), verifying each by code: ``complete``."""
    data = {"email_address": who.email_address, "password": who.password}
    if phone:
        data["phone_number"] = who.phone_number
    body = expect(browser.post("/v1/client/sign_ups", data), 200, "envelopes/sign_up")
    su = body["response"]
    for field, strategy, to in (
        ("email_address", "email_code", who.email_address),
        ("phone_number", "phone_code", who.phone_number),
    ):
        if field not in su.get("unverified_fields", []):
            continue
        path = f"/v1/client/sign_ups/{su['id']}"
        expect(browser.post(path + "/prepare_verification", {"strategy": strategy}), 200)
        code = target.latest_code(to)
        attempt = browser.post(path + "/attempt_verification", {"strategy": strategy, "code": code})
        su = expect(attempt, 200, "envelopes/sign_up")["response"]
    if su["status"] != "complete":
        raise TargetUnavailable(f"sign-up needs more than we provide: {su.get('missing_fields')}")
    return su


def ensure_user(target: Target, who: Identity, *, phone: bool = False) -> Identity:
    """Make ``who`` an existing user, by seeding when the target allows it.

    Test phones are only 100 per area code, so a taken one is replaced and retried.
    """
    for _ in range(5):
        fields: dict[str, Any] = {"email_addresses": [who.email_address], "password": who.password}
        if phone:
            fields["phone_numbers"] = [who.phone_number]
        try:
            try:
                target.seed_user(**fields)
            except TargetUnavailable:
                sign_up(target, target.browser(), who, phone=phone)
            return who
        except AssertionError as exc:
            if "phone_number" not in str(exc) or "form_identifier_exists" not in str(exc):
                raise
            who = replace(who, phone_number=phone_number(Faker()))
    raise AssertionError("could not find a free test phone number in 5 tries")


def start_sign_in(browser: Browser, identifier: str) -> dict[str, Any]:
    body = expect(
        browser.post("/v1/client/sign_ins", {"identifier": identifier}),
        200,
        "envelopes/sign_in",
        state="needs_first_factor",
    )
    return dict(body["response"])


def factor(sign_in: dict[str, Any], strategy: str) -> dict[str, Any]:
    for f in sign_in.get("supported_first_factors") or []:
        if f.get("strategy") == strategy:
            return dict(f)
    raise AssertionError(f"{strategy} missing from supported_first_factors: {sign_in}")


def signed_in(target: Target, browser: Browser, who: Identity) -> dict[str, Any]:
    """Sign ``who`` in with a password; returns the completed sign-in."""
    body = expect(
        browser.post(
            "/v1/client/sign_ins",
            {"identifier": who.email_address, "password": who.password, "strategy": "password"},
        ),
        200,
        "envelopes/sign_in",
        state="complete",
    )
    return dict(body["response"])
