"""The lean floor serves the password flow with answers the schemas accept: a floor that
answered less than the mock does would flatter the comparison in ``load.py --lean``."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from types import ModuleType
from typing import Any

import orjson

import schemas


def test_the_floor_answers_the_password_flow_in_the_wire_shapes(
    bench: Callable[[str], ModuleType],
) -> None:
    drive = bench("in_process")
    app = bench("lean_flow_app").app

    async def flow() -> list[tuple[int, Any]]:
        answers = []
        status, headers, body = await drive.call(
            app,
            drive.scope("POST", "/v1/client/sign_ins", b"_is_native=1", drive.FORM),
            b"identifier=bench%40example.com",
        )
        answers.append((status, orjson.loads(body)))
        auth = [*drive.FORM, (b"authorization", headers[b"authorization"])]
        attempt = f"/v1/client/sign_ins/{answers[0][1]['response']['id']}/attempt_first_factor"
        for method, path, form in (
            ("POST", attempt, b"strategy=password&password=" + drive.PASSWORD.encode()),
            ("GET", "/v1/client", b""),
        ):
            status, _, body = await drive.call(
                app, drive.scope(method, path, b"_is_native=1", auth), form
            )
            answers.append((status, orjson.loads(body)))
        return answers

    created, attempted, fetched = asyncio.run(flow())
    assert [created[0], attempted[0], fetched[0]] == [200, 200, 200]
    assert attempted[1]["response"]["status"] == "complete"
    for envelope in (created[1], attempted[1]):
        assert schemas.violations("sign_in", envelope["response"]) == []
        assert schemas.violations("client", envelope["client"]) == []
    assert schemas.violations("client", fetched[1]["response"]) == []
    assert fetched[1]["response"]["sessions"][0]["user"]["email_addresses"]
