"""Clerk's browser SDK (@clerk/clerk-js, unmodified) signs up, in and out against the mock.

Each test drives the SDK's own API inside the page and asserts what the SDK itself
reports (``clerk.user``, ``clerk.session.status``), not only the mock's state.
"""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import Browserside, run_in_page

PASSWORD = "correct horse battery staple"


def _latest_code(site: Browserside, to: str) -> str:
    message = site.admin.get("/__admin/outbox/latest", params={"to": to})
    assert message.status_code == 200, message.text
    return str(message.json()["code"])


def _seed(site: Browserside, email: str, **extra: Any) -> None:
    made = site.admin.post("/__admin/users", json={"email_addresses": [email], **extra})
    assert made.status_code == 201, made.text


def test_load_reports_a_signed_out_client(clerk_page: Any) -> None:
    state = clerk_page.evaluate(
        "() => ({ user: window.Clerk.user, session: window.Clerk.session, "
        "loaded: window.Clerk.loaded })"
    )
    assert state == {"user": None, "session": None, "loaded": True}


def test_sign_up_with_email_code(clerk_page: Any, site: Browserside) -> None:
    email = "sam.sdk@example.com"
    run_in_page(
        clerk_page,
        """async ([email, password]) => {
            const signUp = await window.Clerk.client.signUp.create({ emailAddress: email, password });
            await signUp.prepareEmailAddressVerification({ strategy: 'email_code' });
        }""",
        [email, PASSWORD],
    )
    code = _latest_code(site, email)
    result = run_in_page(
        clerk_page,
        """async (code) => {
            const signUp = await window.Clerk.client.signUp.attemptEmailAddressVerification({ code });
            await window.Clerk.setActive({ session: signUp.createdSessionId });
            return { status: signUp.status, email: window.Clerk.user.primaryEmailAddress.emailAddress,
                     session: window.Clerk.session.status };
        }""",
        code,
    )
    assert result == {"status": "complete", "email": email, "session": "active"}


def test_sign_in_with_password_then_sign_out(clerk_page: Any, site: Browserside) -> None:
    _seed(site, "pat@example.com", password=PASSWORD, first_name="Pat")
    signed_in = run_in_page(
        clerk_page,
        """async (password) => {
            const signIn = await window.Clerk.client.signIn.create({ identifier: 'pat@example.com', password });
            await window.Clerk.setActive({ session: signIn.createdSessionId });
            return { status: signIn.status, name: window.Clerk.user.firstName,
                     session: window.Clerk.session.status };
        }""",
        PASSWORD,
    )
    assert signed_in == {"status": "complete", "name": "Pat", "session": "active"}
    signed_out = run_in_page(
        clerk_page,
        """async () => { await window.Clerk.signOut(() => {});
            return { user: window.Clerk.user, session: window.Clerk.session }; }""",
    )
    assert signed_out == {"user": None, "session": None}


def test_user_update_changes_the_profile_through_patch_me(
    clerk_page: Any, site: Browserside
) -> None:
    """``user.update()`` is ``POST /v1/me?_method=PATCH``; a taken username is Clerk's error."""
    _seed(site, "upd@example.com", password=PASSWORD, first_name="Pat")
    _seed(site, "other.upd@example.com", username="taken_name")
    result = run_in_page(
        clerk_page,
        """async (password) => {
            const signIn = await window.Clerk.client.signIn.create({ identifier: 'upd@example.com', password });
            await window.Clerk.setActive({ session: signIn.createdSessionId });
            const user = await window.Clerk.user.update({ firstName: 'Grace', username: 'grace_h' });
            let refused = null;
            try { await window.Clerk.user.update({ username: 'taken_name' }); }
            catch (e) { refused = e.errors && e.errors[0].code; }
            return { name: user.firstName, username: user.username, sdk: window.Clerk.user.firstName, refused };
        }""",
        PASSWORD,
    )
    assert result == {
        "name": "Grace",
        "username": "grace_h",
        "sdk": "Grace",
        "refused": "form_identifier_exists",
    }
    users = site.admin.get("/__admin/users").json()
    mine = next(u for u in users["data"] if u["username"] == "grace_h")
    assert mine["first_name"] == "Grace"


def test_a_wrong_password_surfaces_the_mocks_error(clerk_page: Any, site: Browserside) -> None:
    _seed(site, "wren@example.com", password=PASSWORD)
    error = run_in_page(
        clerk_page,
        """async () => {
            try { await window.Clerk.client.signIn.create({ identifier: 'wren@example.com', password: 'nope-nope-nope' }); }
            catch (e) { return { code: e.errors[0].code, status: e.status }; }
            return null;
        }""",
    )
    assert error == {"code": "form_password_incorrect", "status": 422}


def test_sign_in_with_an_email_code_from_the_outbox(clerk_page: Any, site: Browserside) -> None:
    _seed(site, "olga@example.com")
    run_in_page(
        clerk_page,
        """async () => {
            const signIn = await window.Clerk.client.signIn.create({ identifier: 'olga@example.com' });
            const factor = signIn.supportedFirstFactors.find(f => f.strategy === 'email_code');
            await signIn.prepareFirstFactor({ strategy: 'email_code', emailAddressId: factor.emailAddressId });
        }""",
    )
    code = _latest_code(site, "olga@example.com")
    result = run_in_page(
        clerk_page,
        """async (code) => {
            const signIn = await window.Clerk.client.signIn.attemptFirstFactor({ strategy: 'email_code', code });
            await window.Clerk.setActive({ session: signIn.createdSessionId });
            return { status: signIn.status, email: window.Clerk.user.primaryEmailAddress.emailAddress };
        }""",
        code,
    )
    assert result == {"status": "complete", "email": "olga@example.com"}


def test_get_token_returns_a_session_jwt_the_jwks_verifies(
    clerk_page: Any, site: Browserside
) -> None:
    import jwt

    _seed(site, "tom@example.com", password=PASSWORD)
    token = run_in_page(
        clerk_page,
        """async (password) => {
            const signIn = await window.Clerk.client.signIn.create({ identifier: 'tom@example.com', password });
            await window.Clerk.setActive({ session: signIn.createdSessionId });
            return await window.Clerk.session.getToken({ skipCache: true });
        }""",
        PASSWORD,
    )
    jwks = jwt.PyJWKSet.from_dict(site.admin.get("/.well-known/jwks.json").json())
    claims = jwt.decode(
        token, jwks.keys[0].key, algorithms=["RS256"], options={"verify_iss": False}
    )
    assert claims["azp"] == site.page_origin
    sid = clerk_page.evaluate("window.Clerk.session.id")
    assert claims["sid"] == sid
