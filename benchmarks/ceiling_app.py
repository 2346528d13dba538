"""The ceiling: a bare Starlette JSON endpoint on the same server stack as the mock."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route


async def hello(request: Request) -> Response:
    return JSONResponse({"response": None, "client": None})


app = Starlette(routes=[Route("/ceiling", hello, methods=["GET", "POST"])])
