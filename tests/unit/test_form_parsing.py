"""Small url-encoded forms are split the way ``parse_qsl`` splits them, which must agree
with Starlette's parser."""

from __future__ import annotations

import asyncio
from urllib.parse import parse_qsl

from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.requests import Request

from mock_server.wire.incoming import Incoming
from mock_server.wire.request import _FORM, _body_items, split_form

PIECES = [b"a", b"b", b"=", b"&", b";", b"+", b"%", b"2", b"0", b"%41", b"\xc3\xa9", b"\xff"]
PIECES += [b"%zz", b" ", b"%e9", b"==", b"%26", b"%3D", b"\x00"]


def _request(body: bytes, content_type: str) -> Request:
    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": body, "more_body": False}

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/",
        "query_string": b"",
        "headers": [(b"content-type", content_type.encode())],
    }
    return Request(scope, receive)


async def _starlette(body: bytes) -> list[tuple[str, str]]:
    form = await _request(body, _FORM).form()
    return [(k, v) for k, v in form.multi_items() if isinstance(v, str)]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=14))
def test_fast_form_parsing_agrees_with_starlette(pieces: list[bytes]) -> None:
    body = b"".join(pieces)
    if not body.strip():
        return
    fast = asyncio.run(_body_items(Incoming(_request(body, _FORM).scope, body)))
    assert fast == asyncio.run(_starlette(body))


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet="ab=&+%2Fe9AzZ;é\x00 ", max_size=30) | st.text(max_size=30))
def test_splitting_a_form_answers_what_parse_qsl_answers(text: str) -> None:
    assert split_form(text) == parse_qsl(text, keep_blank_values=True)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=12), st.integers(min_value=0, max_value=1))
def test_a_query_reads_as_starlettes_query_params_cached_or_not(
    pieces: list[bytes], long: int
) -> None:
    from mock_server.wire.request import _CACHED_QUERY_BYTES, query_of

    # ``long``: padded past the cached size, so both the cached and the direct parse are asked.
    raw = b"".join(pieces) + (b"&pad=" + b"x" * _CACHED_QUERY_BYTES if long else b"")
    scope = {"type": "http", "method": "GET", "path": "/", "query_string": raw, "headers": []}
    request = Request(scope)
    query = query_of(request.scope)
    assert list(query.items) == request.query_params.multi_items()
    assert dict(query.last) == dict(request.query_params)
    assert query_of(dict(scope)) == query


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet="%abcdefABCDEF0123456789zZ+é\x00", max_size=40) | st.text(max_size=20))
def test_the_quick_unquote_answers_what_unquote_answers(text: str) -> None:
    from urllib.parse import unquote

    from mock_server.wire.request import _unquote

    assert _unquote(text) == unquote(text)
