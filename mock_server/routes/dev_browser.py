"""``POST /v1/dev_browser``: the development-browser token clerk-js keeps per browser.

clerk-js reads the ``id`` of the answer and sends it back as ``__clerk_db_jwt`` on every
request; the mock ties the browser's client to that token instead of a cookie, which
is what makes cross-site development (app on :3000, mock on :4010) work without
third-party cookies.
"""

from __future__ import annotations

from mock_server.routing import FAPI, Reply
from mock_server.store.base import point
from mock_server.wire.context import DEV_BROWSER, Ctx


@FAPI.route("POST", "/v1/dev_browser", response="dev_browser")
def create_dev_browser(ctx: Ctx) -> Reply:
    """Create a development-browser token."""
    token = ctx.rt.rng.token()
    point(ctx.tx, DEV_BROWSER, token, "")
    now = ctx.rt.now()
    return Reply(
        {"object": "dev_browser", "id": token, "created_at": now, "updated_at": now},
        headers={"Clerk-Db-Jwt": token},
    )
