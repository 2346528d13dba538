"""Isolation: one client can neither see nor act on another client's flows or sessions."""

from __future__ import annotations

import pytest

from fixtures.identities import Identity
from suites.expect import expect, that
from suites.steps import signed_in, start_sign_in
from suites.target import Target

#: What a second client tries on the first client's sign-in: (id, method, suffix, data).
FOREIGN = [
    ("read", "GET", "", None),
    ("prepare", "POST", "/prepare_first_factor", {"strategy": "email_code"}),
    ("attempt", "POST", "/attempt_first_factor", {"strategy": "password", "password": "x"}),
]


@pytest.mark.parametrize(
    ("method", "suffix", "data"), [c[1:] for c in FOREIGN], ids=[c[0] for c in FOREIGN]
)
def test_another_client_cannot_touch_a_sign_in(
    target: Target, user: Identity, method: str, suffix: str, data: dict[str, str] | None
) -> None:
    owner, stranger = target.browser(), target.browser()
    si = start_sign_in(owner, user.email_address)
    ex = stranger.request(method, f"/v1/client/sign_ins/{si['id']}{suffix}", data=data)
    expect(ex, 404, code="resource_not_found")
    expect(owner.get(f"/v1/client/sign_ins/{si['id']}"), 200, state="needs_first_factor")


@pytest.mark.strategy("password")
def test_another_client_cannot_read_a_session(target: Target, user: Identity) -> None:
    owner, stranger = target.browser(), target.browser()
    sid = signed_in(target, owner, user)["created_session_id"]
    expect(stranger.get(f"/v1/client/sessions/{sid}"), 404, code="resource_not_found")
    ex = stranger.post(f"/v1/client/sessions/{sid}/end")
    that(ex.status in (401, 404), ex, "ending a foreign session must fail")
    expect(ex, ex.status)
    expect(owner.get(f"/v1/client/sessions/{sid}"), 200, "envelopes/session")


def test_errors_do_not_reveal_whether_a_password_user_exists_by_shape(
    target: Target, user: Identity, who: Identity
) -> None:
    """A wrong password and an unknown account are both plain form errors, no extra data."""
    b = target.browser()
    wrong = b.post(
        "/v1/client/sign_ins",
        {
            "identifier": user.email_address,
            "password": "Not-the-1-password",
            "strategy": "password",
        },
    )
    expect(wrong, 422, code="form_password_incorrect")
    that("password_digest" not in wrong.text and user.password not in wrong.text, wrong, "no leak")
