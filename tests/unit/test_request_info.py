"""RequestInfo works its parts out lazily; they must equal what Starlette says."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.requests import Request

from mock_server.wire.context import RequestInfo
from mock_server.wire.incoming import Incoming


def _starlette_base_url(request: Request) -> str:
    base_url = str(request.base_url).rstrip("/")
    mount: str = request.scope.get("root_path", "")
    return base_url + mount if mount and not base_url.endswith(mount) else base_url


@pytest.mark.parametrize(
    "host", [None, b"127.0.0.1:4010", b"example.test", b"[::1]:8080", b"bad host"]
)
@pytest.mark.parametrize("server", [("127.0.0.1", 4010), ["::1", 80], None])
@pytest.mark.parametrize("root_path", ["", "/__clerk"])
@pytest.mark.parametrize("scheme", ["http", "https"])
def test_base_url_is_starlettes(
    host: bytes | None, server: tuple[str, int] | list[Any] | None, root_path: str, scheme: str
) -> None:
    scope: dict[str, Any] = {
        "type": "http",
        "method": "GET",
        "scheme": scheme,
        "server": server,
        "path": root_path + "/v1/client",
        "root_path": root_path,
        "query_string": b"a=1&b=2",
        "headers": [(b"host", host)] if host is not None else [],
        "path_params": {"id": "x"},
    }
    request = Request(scope)
    info = RequestInfo(Incoming(scope, b"", scope["path_params"]))
    assert info.base_url == _starlette_base_url(request)
    assert info.path == request.url.path
    assert info.query == {"a": "1", "b": "2"}
    assert info.path_params == {"id": "x"}
