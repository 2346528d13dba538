"""Operations read requests and write answers without Starlette's objects; what they read
and write must be what those objects would have given."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.requests import ClientDisconnect, Request

from mock_server.wire.incoming import Answer, Incoming, read_body
from mock_server.wire.json import JSONResponse, json_answer

NAMES = [b"origin", b"cookie", b"authorization", b"content-type", b"x-other", b"Origin"]
VALUES = st.binary(max_size=12).map(lambda raw: raw.replace(b"\r", b"").replace(b"\n", b""))
HEADERS = st.lists(st.tuples(st.sampled_from(NAMES), VALUES), max_size=6)


def _scope(headers: list[tuple[bytes, bytes]], client: Any = ("10.0.0.1", 5000)) -> Any:
    return {
        "type": "http",
        "method": "POST",
        "path": "/v1/client",
        "query_string": b"",
        "headers": headers,
        "client": client,
    }


@settings(max_examples=300, deadline=None)
@given(HEADERS, st.sampled_from([("10.0.0.1", 5000), None]))
def test_headers_cookies_and_address_read_as_starlette_reads_them(
    headers: list[tuple[bytes, bytes]], client: Any
) -> None:
    scope = _scope(headers, client)
    mine, theirs = Incoming(scope), Request(scope)
    for name in NAMES:
        assert mine.header(name.lower()) == theirs.headers.get(name.decode())
    assert mine.cookies() == theirs.cookies
    assert mine.client_ip == (theirs.client.host if theirs.client else "unknown")


CHUNKS = st.lists(st.binary(max_size=20), min_size=1, max_size=5)


@settings(max_examples=200, deadline=None)
@given(CHUNKS)
def test_a_body_in_any_number_of_messages_reads_as_starlettes_body(chunks: list[bytes]) -> None:
    def receiver() -> Any:
        messages = [
            {"type": "http.request", "body": chunk, "more_body": at < len(chunks) - 1}
            for at, chunk in enumerate(chunks)
        ]

        async def receive() -> Any:
            return messages.pop(0)

        return receive

    theirs = asyncio.run(Request(_scope([]), receiver()).body())
    assert asyncio.run(read_body(receiver())) == theirs == b"".join(chunks)


def test_a_client_gone_before_its_body_is_read_is_starlettes_disconnect() -> None:
    async def receive() -> Any:
        return {"type": "http.disconnect"}

    with pytest.raises(ClientDisconnect):
        asyncio.run(read_body(receive))


HEADER_MAPS = st.dictionaries(
    st.sampled_from(["Retry-After", "content-type", "Content-Length", "X-Thing", "Location"]),
    st.text(alphabet="abc0123 /", max_size=8),
    max_size=3,
)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from([100, 200, 201, 204, 302, 304, 400, 422, 429, 500]),
    HEADER_MAPS,
    st.sampled_from([{"errors": []}, {"response": None, "client": None}, [1, "é"]]),
)
def test_a_json_answer_is_what_starlettes_json_response_sends(
    status: int, headers: dict[str, str], content: Any
) -> None:
    """Headers in order, with Starlette's rules for content length and type."""
    answer = json_answer(content, status, headers)
    response = JSONResponse(content, status_code=status, headers=headers)
    assert answer == (status, response.raw_headers, response.body)
    assert orjson.loads(answer.body) == content


def test_an_answer_becomes_a_response_that_sends_it_unchanged() -> None:
    answer = Answer(201, [(b"x-one", b"1"), (b"content-length", b"2")], b"{}")
    assert Answer.of(answer.response()) == answer
