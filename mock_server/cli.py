"""The ``fapi-harness`` command: one group, a subcommand per job.

Subcommands import their machinery lazily, so ``fapi-harness --help`` stays instant and
``serve`` does not pay for schemathesis.
"""

from __future__ import annotations

from typing import BinaryIO

import click


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="fapi-harness")
def main() -> None:
    """Test harness and mock server for Clerk's Frontend API."""


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind.")
@click.option("--port", default=4010, show_default=True, type=int, help="Port to listen on.")
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Instance configuration (TOML). Defaults describe a development instance.",
)
@click.option(
    "--seed", type=int, default=None, help="Seed ids, codes and tokens so runs are reproducible."
)
@click.option(
    "--state",
    "state_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Load state from FILE at start and save it there on shutdown.",
)
@click.option(
    "--validate-responses",
    is_flag=True,
    help="Check every response body against schemas/ before sending it.",
)
@click.option(
    "--log-level",
    default="info",
    show_default=True,
    type=click.Choice(["critical", "error", "warning", "info", "debug"]),
)
def serve(
    host: str,
    port: int,
    config_path: str | None,
    seed: int | None,
    state_path: str | None,
    validate_responses: bool,
    log_level: str,
) -> None:
    """Start the mock Frontend API."""
    import uvicorn

    from mock_server.app import build_app
    from mock_server.config import ConfigError, load_config

    try:
        config = load_config(config_path)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc
    app = build_app(config, seed=seed, validate_responses=validate_responses, state_file=state_path)
    click.echo(
        f"fapi-harness mock Frontend API on http://{host}:{port} "
        f"(proxy path {config.server.proxy_path}, admin at /__admin)"
    )
    uvicorn.run(
        app, host=host, port=port, log_level=log_level, lifespan="on" if state_path else "auto"
    )


@main.group("schemas")
def schemas_group() -> None:
    """Inspect and use the JSON Schemas."""


@schemas_group.command("list")
@click.option("--defs", is_flag=True, help="Also list every stem/definition name.")
def schemas_list(defs: bool) -> None:
    """Print the schema names that validate() accepts."""
    import schemas

    for name in schemas.names(defs=defs):
        click.echo(name)


@schemas_group.command("validate")
@click.argument("name")
@click.argument("payload", type=click.File("rb"), default="-")
def schemas_validate(name: str, payload: BinaryIO) -> None:
    """Validate a JSON document (a file, or - for stdin) against NAME."""
    import orjson

    import schemas

    try:
        instance = orjson.loads(payload.read())
    except orjson.JSONDecodeError as exc:
        raise click.ClickException(f"not JSON: {exc}") from exc
    try:
        schemas.validate(name, instance)
    except schemas.UnknownSchemaError as exc:
        raise click.ClickException(str(exc.args[0])) from exc
    except schemas.SchemaValidationError as exc:
        for violation in exc.violations:
            click.echo(str(violation), err=True)
        raise SystemExit(1) from exc
    click.echo(f"valid {name}")


@schemas_group.command("sdk")
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False),
    help="Directory to write one <Name>.json per SDK type into.",
)
def schemas_sdk(out_dir: str) -> None:
    """Write the generated camelCase (SDK form) schemas, one file per clerk-js type."""
    from pathlib import Path

    from schemas import sdk

    written = sdk.write(Path(out_dir))
    click.echo(f"wrote {len(written)} SDK schemas to {out_dir}")


if __name__ == "__main__":  # pragma: no cover
    main()
