"""A bridge to Clerk's official FAPI OpenAPI document, for checking against it.

The harness never ships Clerk's spec: it is read at run time from ``$FAPI_SPEC`` or from
``<repo root>/../shared/reference/clerk-fapi/fapi-2026-05-12.yml``. It is parsed once
per path (the YAML is half a megabyte; the C loader makes that ~0.15 s instead of ~2 s),
converted to draft 2020-12 once (:mod:`schemas.openapi30`), and every validator is
compiled once and cached, so a mock test can check every response it sees against the
operation's documented body without paying for it per call.

>>> spec = load()                                      # doctest: +SKIP
>>> spec.response_validator("post", spec.match_path("/v1/client/sign_ins"), 200)  # doctest: +SKIP
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import jsonschema
import jsonschema_rs
import referencing
import yaml
from jsonschema.protocols import Validator
from referencing.jsonschema import DRAFT202012

from schemas.openapi30 import convert

SPEC_FILE = "fapi-2026-05-12.yml"
#: Where the converted spec lives in the registry; refs are ``SPEC_URI#/components/schemas/X``.
SPEC_URI = "https://fapi-harness.dev/official/clerk-fapi.json"
_REPO_ROOT = Path(__file__).resolve().parents[1]
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


class SpecNotFound(FileNotFoundError):
    """Clerk's spec is not on this machine; ``tried`` lists every path looked at."""

    def __init__(self, tried: list[Path]) -> None:
        self.tried = tried
        listed = ", ".join(str(p) for p in tried)
        super().__init__(f"Clerk's FAPI spec not found (set FAPI_SPEC); tried: {listed}")


def _checkout_roots() -> list[Path]:
    """This checkout's root and, for a ``git worktree``, the main checkout's root too."""
    roots = [_REPO_ROOT]
    dot_git = _REPO_ROOT / ".git"
    if dot_git.is_file():  # a worktree: "gitdir: <main>/.git/worktrees/<name>"
        text = dot_git.read_text("utf-8").strip()
        if text.startswith("gitdir:"):
            gitdir = Path(text.removeprefix("gitdir:").strip())
            if gitdir.parent.name == "worktrees":
                roots.append(gitdir.parent.parent.parent)
    return roots


def candidate_paths() -> list[Path]:
    """``$FAPI_SPEC`` when set, then the shared reference copy next to the repository."""
    paths = []
    if env := os.environ.get("FAPI_SPEC"):
        paths.append(Path(env))
    for root in _checkout_roots():
        paths.append(root.parent / "shared" / "reference" / "clerk-fapi" / SPEC_FILE)
    return paths


def locate() -> Path | None:
    """The first candidate that exists, or ``None``."""
    return next((p for p in candidate_paths() if p.is_file()), None)


def load(path: str | Path | None = None) -> OfficialSpec:
    """The spec at ``path`` (default: :func:`locate`), parsed once; raises :class:`SpecNotFound`."""
    if path is None:
        found = locate()
        if found is None:
            raise SpecNotFound(candidate_paths())
        path = found
    resolved = Path(path).resolve()
    if not resolved.is_file():
        raise SpecNotFound([Path(path)])
    return _load(resolved)


@cache
def _load(path: Path) -> OfficialSpec:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    started = time.perf_counter()
    with path.open("rb") as handle:
        raw = yaml.load(handle, Loader=loader)
    return OfficialSpec(path=path, raw=raw, load_seconds=time.perf_counter() - started)


@dataclass(frozen=True)
class _Template:
    template: str
    pattern: re.Pattern[str]
    #: Literal segments sort before parameters, so ``/sessions/active`` beats ``/sessions/{id}``.
    rank: tuple[int, ...]


def _compile_template(template: str) -> _Template:
    parts = template.strip("/").split("/")
    regex = "".join(
        "/[^/]+" if p.startswith("{") and p.endswith("}") else "/" + re.escape(p) for p in parts
    )
    rank = tuple(1 if p.startswith("{") else 0 for p in parts)
    return _Template(template, re.compile(f"^{regex}/?$"), rank)


@dataclass(eq=False)
class OfficialSpec:
    """One parsed spec, with converted schemas and cached validators."""

    path: Path
    raw: Mapping[str, Any]
    load_seconds: float
    _validators: dict[Any, Validator | None] = field(default_factory=dict, repr=False)
    _fast: dict[Any, Any] = field(default_factory=dict, repr=False)

    @property
    def version(self) -> str:
        return str(self.raw.get("info", {}).get("version", ""))

    @cached_property
    def _components(self) -> dict[str, Any]:
        return dict(self.raw.get("components", {}).get("schemas", {}))

    def component_names(self) -> list[str]:
        return list(self._components)

    def raw_component(self, name: str) -> Mapping[str, Any]:
        """The component exactly as the spec writes it (OpenAPI 3.0)."""
        try:
            return self._components[name]  # type: ignore[no-any-return]
        except KeyError:
            raise KeyError(f"the spec has no component schema {name!r}") from None

    @cached_property
    def converted_components(self) -> dict[str, Any]:
        """Every component schema in draft 2020-12 form (refs stay ``#/components/...``)."""
        return {name: convert(schema) for name, schema in self._components.items()}

    def component(self, name: str) -> Any:
        self.raw_component(name)
        return self.converted_components[name]

    @cached_property
    def registry(self) -> referencing.Registry[Any]:
        """One resource, shaped like the spec, so the spec's own ref pointers resolve."""
        document = {"components": {"schemas": self.converted_components}}
        resource = DRAFT202012.create_resource(document)
        built: referencing.Registry[Any] = referencing.Registry().with_resource(SPEC_URI, resource)
        return built

    def _validator_for(self, schema: Any) -> Validator:
        wrapped = {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}
        return jsonschema.Draft202012Validator(wrapped, registry=self.registry)

    def component_validator(self, name: str) -> Validator:
        """A compiled validator for one component (``"Client.SignIn-2"``), cached."""
        key = ("component", name)
        if key not in self._validators:
            self.raw_component(name)
            ref = f"{SPEC_URI}#/components/schemas/{name}"
            self._validators[key] = self._validator_for({"$ref": ref})
        found = self._validators[key]
        assert found is not None
        return found

    # -- operations ---------------------------------------------------------------

    @cached_property
    def _templates(self) -> list[_Template]:
        compiled = [_compile_template(t) for t in self.raw.get("paths", {})]
        return sorted(compiled, key=lambda t: t.rank)

    def match_path(self, path: str, method: str | None = None) -> str | None:
        """The spec's template for a concrete path (query string ignored), or ``None``.

        With ``method``, only templates documenting that method qualify. Among several
        matches the one with literal segments earliest wins, as a router would pick.
        """
        concrete = path.split("?", 1)[0]
        for candidate in self._templates:
            if not candidate.pattern.match(concrete):
                continue
            if method is None or method.lower() in self.raw["paths"][candidate.template]:
                return candidate.template
        return None

    def operation(self, method: str, template: str) -> Mapping[str, Any] | None:
        item = self.raw.get("paths", {}).get(template)
        if item is None or method.lower() not in _METHODS:
            return None
        found = item.get(method.lower())
        return found if isinstance(found, Mapping) else None

    def _deref_response(self, response: Mapping[str, Any]) -> Mapping[str, Any]:
        ref = response.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/responses/"):
            name = ref.removeprefix("#/components/responses/")
            found: Mapping[str, Any] = self.raw["components"]["responses"][name]
            return found
        return response

    def response_schema(self, method: str, template: str, status: int | str) -> Any | None:
        """The converted JSON body schema for one operation and status, or ``None``.

        The status falls back from ``"404"`` to ``"4XX"`` to ``"default"``. ``None`` when
        the operation is unknown or documents no ``application/json`` body (redirects).
        """
        operation = self.operation(method, template)
        if operation is None:
            return None
        responses = operation.get("responses", {})
        code = str(status)
        for key in (code, code[:1] + "XX", "default"):
            if key in responses:
                response = self._deref_response(responses[key])
                break
        else:
            return None
        media = response.get("content", {}).get("application/json")
        if not media or "schema" not in media:
            return None
        return convert(media["schema"], ref_base=SPEC_URI)

    def response_validator(self, method: str, template: str, status: int | str) -> Validator | None:
        """A cached validator for the documented JSON body, or ``None`` (see above)."""
        key = ("response", method.lower(), template, str(status))
        if key not in self._validators:
            schema = self.response_schema(method, template, status)
            self._validators[key] = None if schema is None else self._validator_for(schema)
        return self._validators[key]

    # -- the same validators compiled by jsonschema_rs, for the hot path ------------

    @cached_property
    def _fast_registry(self) -> Any:
        document = {"components": {"schemas": self.converted_components}}
        return jsonschema_rs.Registry([(SPEC_URI, document)])

    def _fast_for(self, key: Any, schema: Any) -> Any:
        if key not in self._fast:
            wrapped = {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}
            self._fast[key] = jsonschema_rs.validator_for(wrapped, registry=self._fast_registry)
        return self._fast[key]

    def fast_component_validator(self, name: str) -> Any:
        """:meth:`component_validator` compiled by ``jsonschema_rs`` (hundreds of times faster)."""
        self.raw_component(name)
        return self._fast_for(
            ("component", name), {"$ref": f"{SPEC_URI}#/components/schemas/{name}"}
        )

    def fast_response_validator(self, method: str, template: str, status: int | str) -> Any:
        """:meth:`response_validator` compiled by ``jsonschema_rs``, or ``None`` likewise."""
        schema = self.response_schema(method, template, status)
        if schema is None:
            return None
        return self._fast_for(("response", method.lower(), template, str(status)), schema)

    def response_errors(self, method: str, path: str, status: int | str, body: Any) -> list[str]:
        """Why ``body`` is not what the spec documents for this request, one line per error.

        ``path`` is concrete (``/v1/client/sign_ins/sia_1``); an undocumented path or
        method is itself an error. An operation/status without a JSON body gives ``[]``.
        A valid body is recognised by the ``jsonschema_rs`` validator; only an invalid
        one pays for ``jsonschema``'s readable errors.
        """
        template = self.match_path(path, method)
        if template is None:
            return [f"{method.upper()} {path}: no operation in the spec"]
        fast = self.fast_response_validator(method, template, status)
        if fast is None or fast.is_valid(body):
            return []
        validator = self.response_validator(method, template, status)
        assert validator is not None
        found = [
            "/" + "/".join(str(p) for p in error.absolute_path) + f": {error.message}"
            for error in validator.iter_errors(body)
        ]
        return found or [f"/: {next(iter(fast.iter_errors(body)))}"]


def component_validator(name: str) -> Validator:
    """:meth:`OfficialSpec.component_validator` on the default spec."""
    return load().component_validator(name)


def response_validator(method: str, template: str, status: int | str) -> Validator | None:
    """:meth:`OfficialSpec.response_validator` on the default spec."""
    return load().response_validator(method, template, status)


def match_path(path: str, method: str | None = None) -> str | None:
    """:meth:`OfficialSpec.match_path` on the default spec."""
    return load().match_path(path, method)
