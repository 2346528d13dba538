"""The JSON response's own header building agrees with Starlette's."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from starlette.responses import Response

from mock_server.wire.json import JSONResponse

_json = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
_status = st.sampled_from([100, 101, 200, 201, 204, 302, 304, 400, 404, 422, 429, 500])
_headers = st.none() | st.dictionaries(
    st.sampled_from(["Authorization", "Set-Cookie", "content-length", "Content-Type", "X-A"]),
    st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=10),
    max_size=3,
)


class _Starlettes(JSONResponse):
    """The same class, headers built by Starlette's ``Response.__init__`` throughout."""

    def __init__(self, content: Any, status_code: int = 200, headers: Any = None) -> None:
        Response.__init__(self, content, status_code, headers)


@given(_json, _status, _headers)
def test_a_json_response_has_the_body_and_headers_starlette_gives_it(
    content: Any, status: int, headers: dict[str, str] | None
) -> None:
    ours = JSONResponse(content, status_code=status, headers=headers)
    theirs = _Starlettes(content, status_code=status, headers=headers)
    assert (ours.status_code, ours.body, ours.raw_headers) == (
        theirs.status_code,
        theirs.body,
        theirs.raw_headers,
    )
    assert ours.background is None
