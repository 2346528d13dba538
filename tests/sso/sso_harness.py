"""A browser for the SSO flows: in process, redirects followed by hand.

``Browser`` is a cookie-keeping httpx client (Starlette's TestClient) that follows the
mock's redirects (the FAPI and the ``/__idp`` providers live on ``mock.test``) until one
leaves for the app, like a real browser on the sso-callback round trip. Auto-posting
SAML forms are posted the way the page's script would post them.
"""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from fixtures.sso import AutoPostForm
from fixtures.sso import auto_post_form as parse_form

BASE = "http://mock.test"
APP = "http://app.test"
CALLBACK = f"{APP}/sso-callback"
DONE = f"{APP}/after-sign-in"


Form = AutoPostForm


def auto_post_form(html: str) -> Form:
    form = parse_form(html)
    assert form is not None, html[:500]
    return form


class Browser:
    def __init__(self, client: TestClient) -> None:
        self.http = client

    def post(self, path: str, **data: Any) -> Any:
        return self.http.post(path, data={k: v for k, v in data.items() if v is not None})

    def get(self, path: str, **params: Any) -> Any:
        return self.http.get(path, params=params)

    def follow(self, url: str, *, max_hops: int = 10) -> Any:
        """GET ``url`` and follow redirects while they stay on the mock."""
        response = self.http.get(url)
        for _ in range(max_hops):
            location = response.headers.get("location")
            if response.status_code not in (302, 303, 307) or location is None:
                return response
            if not location.startswith(BASE):
                return response
            response = self.http.get(location)
        raise AssertionError("too many redirects")

    def submit(self, form: Form) -> Any:
        return self.http.post(form.action, data=form.fields)

    def client(self) -> dict[str, Any]:
        body = self.http.get("/v1/client").json()
        return body["response"]  # type: ignore[no-any-return]


def location(response: Any) -> str:
    assert response.status_code == 303, (response.status_code, response.text[:400])
    return str(response.headers["location"])
