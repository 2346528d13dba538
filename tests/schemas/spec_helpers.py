"""Helpers for the tests that need an OpenAPI spec: Clerk's real one, or a tiny one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from schemas import official_spec


def real_spec() -> official_spec.OfficialSpec:
    """Clerk's spec, or a skip that names every path looked at."""
    try:
        return official_spec.load()
    except official_spec.SpecNotFound as exc:
        pytest.skip(f"Clerk's official FAPI spec is absent: {exc}")


def write_spec(
    directory: Path,
    components: dict[str, Any],
    paths: dict[str, Any] | None = None,
    responses: dict[str, Any] | None = None,
) -> official_spec.OfficialSpec:
    """A minimal OpenAPI 3.0 document written as YAML and loaded like the real one."""
    document = {
        "openapi": "3.0.3",
        "info": {"title": "tiny", "version": "test"},
        "paths": paths or {},
        "components": {"schemas": components, "responses": responses or {}},
    }
    path = directory / "spec.yml"
    path.write_text(yaml.safe_dump(document), "utf-8")
    return official_spec.load(path)
