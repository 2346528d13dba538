"""Load the wire schema documents into one ``referencing`` registry.

Every document under ``schemas/wire/`` is a draft 2020-12 schema with its own ``$id``
(``BASE_URI + <stem>.json``). Documents refer to each other by relative ``$ref``, so the
registry is the only place that knows where they live: validators never touch the disk
or the network.

A *name* is a document stem (``"sign_in"``) or a stem and one of its ``$defs``
(``"verification/otp"``, ``"envelopes/sign_in"``), so a test can validate one factor or
one envelope without a wrapper schema.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from functools import cache
from importlib import resources
from typing import Any

import referencing
from referencing.jsonschema import DRAFT202012

from schemas.errors import UnknownSchemaError

BASE_URI = "https://fapi-harness.dev/schemas/wire/"

Schema = Mapping[str, Any]


def _wire_files() -> Iterator[tuple[str, Any]]:
    root = resources.files("schemas") / "wire"
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".json"):
            yield entry.name.removesuffix(".json"), json.loads(entry.read_text("utf-8"))


@cache
def documents() -> dict[str, dict[str, Any]]:
    """Every wire document by stem, checked to carry the ``$id`` its file name implies."""
    docs: dict[str, dict[str, Any]] = {}
    for stem, doc in _wire_files():
        expected = BASE_URI + stem + ".json"
        if doc.get("$id") != expected:
            raise ValueError(f"schemas/wire/{stem}.json must have $id {expected!r}")
        docs[stem] = doc
    return docs


@cache
def registry() -> referencing.Registry[Any]:
    """The registry holding every wire document, crawled once."""
    resources_ = [(doc["$id"], DRAFT202012.create_resource(doc)) for doc in documents().values()]
    return referencing.Registry().with_resources(resources_).crawl()


def uri(name: str) -> str:
    """The absolute URI of a name: the document, or a fragment into its ``$defs``."""
    stem, _, definition = name.partition("/")
    docs = documents()
    if stem not in docs or (definition and definition not in docs[stem].get("$defs", {})):
        raise UnknownSchemaError(name, names(defs=True))
    base = BASE_URI + stem + ".json"
    return f"{base}#/$defs/{definition}" if definition else base


def names(*, defs: bool = False) -> list[str]:
    """Document stems, and with ``defs=True`` every ``stem/definition`` too."""
    out: list[str] = []
    for stem, doc in documents().items():
        out.append(stem)
        if defs:
            out.extend(f"{stem}/{d}" for d in doc.get("$defs", {}))
    return out


def schema_for(name: str) -> dict[str, Any]:
    """A self-contained schema for ``name``: a ``$ref`` resolved through the registry."""
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$ref": uri(name)}
