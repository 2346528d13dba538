"""The ``fapi-harness`` command: one group, a subcommand per job.

Subcommands import their machinery lazily, so ``fapi-harness --help`` stays instant and
``serve`` does not pay for schemathesis.
"""

from __future__ import annotations

from pathlib import Path
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
    "--store",
    "store_url",
    default="memory",
    show_default=True,
    help="Where state lives: 'memory', or redis://host:port/db to share it between workers.",
)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Worker processes (more than one needs --store redis://...).",
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
    store_url: str,
    workers: int,
    log_level: str,
) -> None:
    """Start the mock Frontend API."""
    from mock_server.serve import ServeError, run

    try:
        run(
            host=host,
            port=port,
            config_path=config_path,
            seed=seed,
            state_path=state_path,
            validate_responses=validate_responses,
            store_url=store_url,
            workers=workers,
            log_level=log_level,
            echo=click.echo,
        )
    except ServeError as exc:
        raise click.ClickException(str(exc)) from exc


@main.command("proxy")
@click.option(
    "--upstream", required=True, help="The real Frontend API, e.g. https://x.clerk.accounts.dev"
)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=4020, show_default=True, type=int)
@click.option(
    "--record",
    "record_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Record every exchange (secrets redacted) to FILE.",
)
@click.option(
    "--format",
    "record_format",
    type=click.Choice(["ndjson", "har"]),
    default="ndjson",
    show_default=True,
)
def proxy(upstream: str, host: str, port: int, record_path: str | None, record_format: str) -> None:
    """Forward to a real FAPI, validating every answer against schemas/."""
    import logging
    from pathlib import Path

    import uvicorn

    from mock_server.proxy.app import build_proxy_app
    from mock_server.proxy.recording import Recorder

    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    recorder = (
        Recorder(Path(record_path), record_format)  # type: ignore[arg-type]
        if record_path
        else None
    )
    app = build_proxy_app(upstream, recorder=recorder)
    click.echo(
        f"validating proxy on http://{host}:{port} -> {upstream} (report at /__proxy/report)"
    )
    uvicorn.run(app, host=host, port=port, log_level="warning")


@main.command("seed")
@click.option("--target", required=True, help="Base URL of a running mock.")
@click.option("--recording", required=True, type=click.Path(exists=True, dir_okay=False))
def seed(target: str, recording: str) -> None:
    """Create the users a recording shows in a running mock (through /__admin/users)."""
    import httpx

    from mock_server.proxy.recording import load
    from mock_server.proxy.replay import seed_payloads

    created = 0
    with httpx.Client(base_url=target.rstrip("/")) as client:
        for payload in seed_payloads(load(recording)):
            response = client.post("/__admin/users", json=payload)
            if response.status_code == 201:
                created += 1
            else:
                click.echo(f"skipped {payload}: {response.text}", err=True)
    click.echo(f"seeded {created} users")


@main.command("openapi")
@click.option(
    "--out",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write the document to FILE instead of standard output.",
)
def openapi(out: str | None) -> None:
    """Print the mock's OpenAPI 3.1 document, generated from schemas/."""
    from pathlib import Path

    import orjson

    from mock_server.openapi import document

    text = orjson.dumps(document(), option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS)
    if out:
        Path(out).write_bytes(text + b"\n")
        click.echo(f"wrote {out}")
    else:
        click.echo(text.decode())


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


@schemas_group.command("diff")
@click.option(
    "--spec",
    "spec_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Clerk's FAPI OpenAPI file (default: $FAPI_SPEC, then ../shared/reference/).",
)
@click.option(
    "--allowlist",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The allow-list of deliberate differences (default: schemas/drift-allowlist.toml).",
)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@click.option("--all", "show_all", is_flag=True, help="Also list the allowed differences.")
def schemas_diff(spec_path: Path | None, allowlist: Path | None, fmt: str, show_all: bool) -> None:
    """Compare the schemas with Clerk's official spec; exit 1 on unexplained drift.

    A difference is explained when an allow-list entry (schema, kind, property) names it
    with a reason. Entries that match nothing any more are stale and fail the check too.
    """
    import orjson

    from schemas import drift, official_spec

    try:
        spec = official_spec.load(spec_path)
    except official_spec.SpecNotFound as exc:
        raise click.ClickException(str(exc)) from exc
    report = drift.check(spec, drift.load_allowlist(allowlist or drift.ALLOWLIST))
    if fmt == "json":
        click.echo(orjson.dumps(drift.as_json(report), option=orjson.OPT_INDENT_2).decode())
    else:
        if show_all and report.allowed:
            click.echo(f"allowed ({len(report.allowed)}):")
            click.echo(drift.as_table([d for d, _ in report.allowed]) + "\n")
        if report.unexplained:
            click.echo(f"unexplained differences ({len(report.unexplained)}):")
            click.echo(drift.as_table(report.unexplained))
        for entry in report.stale:
            click.echo(
                f"stale allow-list entry: {entry.schema} {entry.kind} {entry.property!r}"
                " matches no difference any more"
            )
        click.echo(
            f"{len(report.differences)} differences: {len(report.allowed)} allowed, "
            f"{len(report.unexplained)} unexplained, {len(report.stale)} stale allow entries "
            f"(spec {spec.path})"
        )
    if not report.ok:
        raise SystemExit(1)


if __name__ == "__main__":  # pragma: no cover
    main()
