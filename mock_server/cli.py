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


if __name__ == "__main__":  # pragma: no cover
    main()
