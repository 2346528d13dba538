"""The one exception a failed validation raises.

A test that fails on a payload should say *where* and *why* in one line, not dump the
whole instance and a tree of ``oneOf`` branches. So the error keeps the JSON path of the
offending value, the value itself, the keyword that rejected it and a human reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson


def _short(value: Any, limit: int = 120) -> str:
    text = orjson.dumps(value, default=repr).decode()
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class SchemaViolation:
    """One reason an instance does not match: where, what, and which keyword said no."""

    path: str
    value: Any
    keyword: str
    reason: str
    schema_path: str = ""

    def __str__(self) -> str:
        return f"{self.path}: {self.reason} (keyword {self.keyword!r}, value {_short(self.value)})"


@dataclass
class SchemaValidationError(ValueError):
    """Raised by :func:`schemas.validate`; ``violations[0]`` is the most relevant one."""

    schema: str
    violations: list[SchemaViolation] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(str(self))

    @property
    def best(self) -> SchemaViolation:
        return self.violations[0]

    @property
    def path(self) -> str:
        return self.best.path

    @property
    def keyword(self) -> str:
        return self.best.keyword

    @property
    def value(self) -> Any:
        return self.best.value

    @property
    def reason(self) -> str:
        return self.best.reason

    def __str__(self) -> str:
        if not self.violations:
            return f"instance is not a valid {self.schema}"
        more = len(self.violations) - 1
        tail = f" (+{more} more)" if more else ""
        return f"not a valid {self.schema}: {self.best}{tail}"


class UnknownSchemaError(KeyError):
    """Raised for a schema name that is not in the registry; lists the close matches."""

    def __init__(self, name: str, known: list[str]) -> None:
        import difflib

        close = difflib.get_close_matches(name, known, n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        super().__init__(f"no schema named {name!r}{hint}")
        self.name = name
