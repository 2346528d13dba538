"""Run the mock under uvicorn: one process, or several workers sharing a Redis store."""

from __future__ import annotations

import os
from collections.abc import Callable

import uvicorn

from mock_server.app import build_app
from mock_server.config import ConfigError, load_config
from mock_server.store.factory import StoreURLError, open_store


class ServeError(RuntimeError):
    """A serve request that cannot work as asked (bad config, bad store, bad combination)."""


def run(
    *,
    host: str,
    port: int,
    config_path: str | None = None,
    seed: int | None = None,
    state_path: str | None = None,
    validate_responses: bool = False,
    store_url: str = "memory",
    workers: int = 1,
    log_level: str = "info",
    echo: Callable[[str], None] = print,
) -> None:
    try:
        config = load_config(config_path)
        store = open_store(store_url)
    except (ConfigError, StoreURLError) as exc:
        raise ServeError(str(exc)) from exc
    banner = (
        f"fapi-harness mock Frontend API on http://{host}:{port} "
        f"(proxy path {config.server.proxy_path}, admin at /__admin, store {store_url}"
    )
    if workers > 1:
        if store_url.startswith("memory"):
            raise ServeError("--workers > 1 needs a shared store: --store redis://...")
        if state_path:
            raise ServeError("--state needs a single worker; a Redis store persists by itself")
        # Each worker process builds its own app from these (see app.app_from_env).
        os.environ.update(
            FAPI_HARNESS_CONFIG=config_path or "",
            FAPI_HARNESS_STORE=store_url,
            FAPI_HARNESS_SEED="" if seed is None else str(seed),
            FAPI_HARNESS_VALIDATE="1" if validate_responses else "",
        )
        echo(banner + f", {workers} workers)")
        uvicorn.run(
            "mock_server.app:app_from_env",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level=log_level,
            access_log=_prints_access_log(log_level),
        )
        return
    app = build_app(
        config, store, seed=seed, validate_responses=validate_responses, state_file=state_path
    )
    echo(banner + ")")
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level=log_level,
        # uvicorn builds each access-log line (client address, quoted path) before the
        # logger drops it for its level: 2% of a request served for nothing.
        access_log=_prints_access_log(log_level),
        lifespan="on" if state_path else "auto",
    )


def _prints_access_log(log_level: str) -> bool:
    return log_level.lower() in {"trace", "debug", "info"}
