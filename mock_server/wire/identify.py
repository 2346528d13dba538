"""Which client is calling: the three ways FAPI identifies one.

- Browsers in production: the ``__client`` cookie.
- Development browsers: a token from ``POST /v1/dev_browser`` that clerk-js sends as the
  ``__clerk_db_jwt`` query parameter (Clerk's spec calls it ``__dev_session``; both are
  read), or as a cookie of the same name.
- Native apps: ``_is_native=1`` and the client token in ``Authorization`` (Expo sends it
  bare, Electron with ``Bearer``); a new token goes back in the ``Authorization``
  response header.

The identity says how to find the client and how to hand a new one back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from mock_server.errors import FapiError
from mock_server.wire.incoming import Incoming
from mock_server.wire.request import query_of

CLIENT_COOKIE = "__client"
DEV_BROWSER_PARAMS = ("__clerk_db_jwt", "__dev_session")
DEV_BROWSER_HEADER = "Clerk-Db-Jwt"
_DEV_BROWSER_HEADER = DEV_BROWSER_HEADER.lower().encode("latin-1")

IdentityKind = Literal["cookie", "dev_browser", "native"]


@dataclass(frozen=True)
class Identity:
    kind: IdentityKind
    token: str | None


def _truthy(value: str | None) -> bool:
    return (value or "").lower() in {"1", "true", "yes"}


def identify(request: Incoming) -> Identity:
    query = query_of(request.scope).last
    if _truthy(query.get("_is_native")):
        header = request.header(b"authorization")
        if header is None:
            return Identity("native", None)
        token = header.removeprefix("Bearer ").strip()
        if not token or " " in token:
            raise FapiError.of("authorization_header_format_invalid")
        return Identity("native", token)
    for name in DEV_BROWSER_PARAMS:
        dev_token = query.get(name)
        if dev_token:
            return Identity("dev_browser", dev_token)
    header_token = request.header(_DEV_BROWSER_HEADER)
    if header_token:
        return Identity("dev_browser", header_token)
    return Identity("cookie", request.cookies().get(CLIENT_COOKIE) or None)
