"""Where our wire schemas differ from Clerk's official spec, and whether we meant it.

Each of our documents (and each envelope, each verification kind) is declared to follow
one spec component. :func:`diff` compares every pair, property by property, descending
into nested objects the spec writes inline: property names on either side only,
required sets, the values an enum admits (``null`` included), the JSON types, and
whether the object is closed. It also validates every valid example against the mapped
component. Every difference is a :class:`Difference`; the allow-list
(``schemas/drift-allowlist.toml``) names the ones we keep on purpose, each with a reason,
so ``fapi-harness schemas diff`` fails only on drift nobody has explained.
"""

from __future__ import annotations

import builtins
import json
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jsonschema.exceptions import best_match, relevance

from schemas.flatten import Flat, Node, enum_values, flatten, json_types, non_null_branches
from schemas.official_spec import SPEC_URI, OfficialSpec
from schemas.registry import documents, registry, uri

if TYPE_CHECKING:
    from fixtures.examples import Example

ALLOWLIST = Path(__file__).with_name("drift-allowlist.toml")

#: Our name -> the spec component it follows. ``verification/<kind>`` and
#: ``envelopes/<x>`` are derived by name (:func:`mapping`) unless listed here.
DECLARED: dict[str, str] = {
    "sign_in": "Client.SignIn-2",
    "sign_up": "Client.SignUp",
    "session": "Client.Session-2",
    "session/session_base": "Client.SessionBase-2",
    "session_reverification": "Client.SessionReverification",
    "client": "Client.Client-2",
    "user": "Client.User",
    "email_address": "Client.EmailAddress",
    "phone_number": "Client.PhoneNumber",
    "web3_wallet": "Client.Web3Wallet",
    "passkey": "Client.Passkey",
    "saml_account": "Client.SAMLAccount",
    "external_account": "ExternalAccountWithVerification",
    "token": "Token",
    "totp": "TOTP",
    "backup_codes": "BackupCodes",
    "environment": "Client.Environment",
    "errors": "ClerkErrors",
    "errors/error": "ClerkError",
    "factor": "Stubs.SignInFactor",
    "deleted_object": "Client.DeletedObject",
    "jwks": "JWKS",
    "envelopes/delete_session": "Client.DeleteSession",
    "envelopes/touch_session": "Client.TouchWrappedSession",
    "verification/sign_up_additional_fields": "Stubs.SignUpVerification.AdditionalFields",
}
#: Documents of ours that are not objects FAPI sends, so follow no component.
NOT_WIRE_OBJECTS = frozenset({"common"})

KINDS = (
    "unmapped",
    "missing-component",
    "property-ours-only",
    "property-spec-only",
    "required-ours-only",
    "required-spec-only",
    "enum",
    "type",
    "closedness",
    "example-invalid-in-spec",
)


@dataclass(frozen=True)
class Difference:
    """One way a schema of ours differs from its spec component."""

    schema: str
    component: str
    kind: str
    #: Dotted property path (``user_data.first_name``, ``linked_to[].type``); for an
    #: example, the example's id; empty for the schema as a whole.
    property: str
    #: JSON pointer to the place in the instance (``/user_data/first_name``).
    pointer: str
    ours: Any = None
    theirs: Any = None

    @builtins.property
    def key(self) -> tuple[str, str, str]:
        return (self.schema, self.kind, self.property)


@dataclass(frozen=True)
class AllowEntry:
    schema: str
    kind: str
    property: str
    reason: str

    @builtins.property
    def key(self) -> tuple[str, str, str]:
        return (self.schema, self.kind, self.property)


@dataclass
class Report:
    differences: list[Difference]
    allowed: list[tuple[Difference, AllowEntry]] = field(default_factory=list)
    unexplained: list[Difference] = field(default_factory=list)
    stale: list[AllowEntry] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.unexplained and not self.stale


# -- the mapping ------------------------------------------------------------------


def _squash(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _is_container(doc: Mapping[str, Any]) -> bool:
    """A document that only holds ``$defs`` (``envelopes.json``) describes no object itself."""
    return not any(k in doc for k in ("type", "properties", "$ref", "allOf", "oneOf", "anyOf"))


def _is_verification_kind(definition: Mapping[str, Any]) -> bool:
    """A verification kind names its ``object`` itself; unions and compositions of kinds
    (``sign_in_first_factor``, ``sign_up_phone_number``) do not, and are compared where
    they are used."""
    return "const" in definition.get("properties", {}).get("object", {})


def mapping(spec: OfficialSpec) -> dict[str, str | None]:
    """Every name of ours that should follow a component, and which (``None``: none found)."""
    components = set(spec.component_names())
    stubs = {
        _squash(c.removeprefix("Stubs.Verification.")): c
        for c in components
        if c.startswith("Stubs.Verification.")
    }
    wrapped = {
        _squash(c.removeprefix("Client.ClientWrapped")): c
        for c in components
        if c.startswith("Client.ClientWrapped")
    }
    out: dict[str, str | None] = {}
    for stem, doc in documents().items():
        if stem not in NOT_WIRE_OBJECTS and not _is_container(doc):
            out[stem] = DECLARED.get(stem)
        for definition, body in doc.get("$defs", {}).items():
            name = f"{stem}/{definition}"
            if name in DECLARED:
                out[name] = DECLARED[name]
            elif stem == "verification" and _is_verification_kind(body):
                out[name] = stubs.get(_squash(definition))
            elif stem == "envelopes":
                out[name] = wrapped.get(_squash(definition))
    if "verification" in out and out["verification"] is None:
        del out["verification"]  # the union of the verification kinds, each mapped on its own
    return out


# -- comparing one pair -----------------------------------------------------------


def our_node(name: str) -> Node:
    return Node({"$ref": uri(name)}, registry().resolver())


def spec_node(spec: OfficialSpec, component: str) -> Node:
    ref = f"{SPEC_URI}#/components/schemas/{component}"
    return Node({"$ref": ref}, spec.registry.resolver())


def _component_refs(node: Node, depth: int = 0) -> list[str] | None:
    """The components a spec property points at, seeing through null branches and
    ``allOf [X]``; ``None`` unless every branch is a reference to a component."""
    schema = node.schema
    if not isinstance(schema, Mapping) or depth > 6:
        return None
    ref = schema.get("$ref")
    if isinstance(ref, str) and "#/components/schemas/" in ref:
        return [ref.rsplit("/", 1)[1]]
    branches = non_null_branches(node)
    if not branches and schema.get("allOf"):
        branches = [node.child(sub) for sub in schema["allOf"]]
    found: list[str] = []
    for branch in branches:
        refs = _component_refs(branch, depth + 1)
        if refs is None:
            return None
        found.extend(refs)
    return found or None


@dataclass(frozen=True)
class _Place:
    """The schemas that apply at one place: always (``strict``), or in some branch."""

    strict: list[Node]
    branch: list[Node] = field(default_factory=list)

    @property
    def nodes(self) -> list[Node]:
        return self.strict + self.branch


def _admitted(
    place: _Place, measure: Callable[[Node], frozenset[str] | None]
) -> frozenset[str] | None:
    """What a place admits: the intersection of what always applies, else the union of
    what the branches admit (``None``: unconstrained)."""
    strict = [m for m in (measure(n) for n in place.strict) if m is not None]
    if strict:
        out = strict[0]
        for more in strict[1:]:
            out &= more
        return out
    branch = [measure(n) for n in place.branch]
    if not branch or any(b is None for b in branch):
        return None
    return frozenset().union(*(b for b in branch if b is not None))


def _shown(values: frozenset[str] | None) -> Any:
    return None if values is None else sorted((json.loads(v) for v in values), key=json.dumps)


@dataclass
class _Pair:
    schema: str
    component: str
    mapped: frozenset[str]
    out: list[Difference]

    def add(self, kind: str, prop: str, ours: Any = None, theirs: Any = None) -> None:
        pointer = "/" + prop.replace("[]", "/*").replace(".", "/") if prop else ""
        self.out.append(Difference(self.schema, self.component, kind, prop, pointer, ours, theirs))

    def compare(self, ours: _Place, theirs: _Place, prefix: str, depth: int) -> None:
        mine, spec = _merge(ours), _merge(theirs)
        if mine.closed != spec.closed:
            self.add("closedness", prefix.rstrip("."), _closed(mine.closed), _closed(spec.closed))
        for name in sorted(set(mine.properties) - set(spec.properties)):
            self.add("property-ours-only", prefix + name)
        for name in sorted(set(spec.properties) - set(mine.properties)):
            self.add("property-spec-only", prefix + name)
        for name in sorted((mine.required - spec.required) & set(spec.properties)):
            self.add("required-ours-only", prefix + name)
        for name in sorted((spec.required - mine.required) & set(mine.properties)):
            self.add("required-spec-only", prefix + name)
        for name in sorted(set(mine.properties) & set(spec.properties)):
            self.property(_at(mine, name), _at(spec, name), prefix + name, depth)
        if mine.items and spec.items:
            self.property(_Place(mine.items), _Place(spec.items), prefix.rstrip(".") + "[]", depth)

    def property(self, ours: _Place, theirs: _Place, prop: str, depth: int) -> None:
        mine_values, spec_values = _admitted(ours, enum_values), _admitted(theirs, enum_values)
        if mine_values != spec_values:
            self.add("enum", prop, _shown(mine_values), _shown(spec_values))
        mine_types, spec_types = _admitted(ours, json_types), _admitted(theirs, json_types)
        if mine_types is not None and spec_types is not None and mine_types != spec_types:
            self.add("type", prop, sorted(mine_types), sorted(spec_types))
        refs = [_component_refs(n) for n in theirs.nodes]
        if depth >= 8 or any(r and set(r) <= self.mapped for r in refs):
            return  # those components are compared under their own names
        mine, spec = _merge(ours), _merge(theirs)
        if mine.properties and spec.properties:
            self.compare(ours, theirs, prop + ".", depth + 1)
        elif mine.items and spec.items:
            self.property(_Place(mine.items), _Place(spec.items), prop + "[]", depth + 1)


def _at(flat: Flat, name: str) -> _Place:
    return _Place(flat.unconditional.get(name, []), flat.branch_nodes(name))


def _closed(closed: bool) -> str:
    return "closed" if closed else "open"


def _merge(place: _Place) -> Flat:
    """Every schema an instance meets at a place, flattened into one shape.

    What always applies adds up (required sets unite, one closed schema closes); when
    only branches apply, a property is required if every branch requires it and the
    object is closed if every branch is.
    """
    out = Flat()
    for node in place.strict:
        flat = flatten(node)
        for name, subs in flat.properties.items():
            out.properties.setdefault(name, []).extend(subs)
        for name, subs in flat.unconditional.items():
            out.unconditional.setdefault(name, []).extend(subs)
        out.required |= flat.required
        out.conditional_required |= flat.conditional_required
        out.closed = out.closed or flat.closed
        out.items.extend(flat.items)
    branches = [flatten(node) for node in place.branch]
    for flat in branches:
        for name, subs in flat.properties.items():
            out.properties.setdefault(name, []).extend(subs)
        out.conditional_required |= flat.required | flat.conditional_required
        out.items.extend(flat.items)
    if branches and not place.strict:
        out.required = set.intersection(*(b.required for b in branches))
        out.closed = all(b.closed for b in branches)
    out.conditional_required -= out.required
    return out


def compare_nodes(
    ours: Node, theirs: Node, schema: str, component: str, mapped: Iterable[str] = ()
) -> list[Difference]:
    """The differences between two schemas, reported under ``schema`` and ``component``.

    Properties that refer to a component in ``mapped`` are not descended into: that
    component is compared under its own name.
    """
    pair = _Pair(schema, component, frozenset(mapped) - {component}, [])
    pair.compare(_Place([ours]), _Place([theirs]), "", 0)
    return pair.out


def compare(
    spec: OfficialSpec, name: str, component: str, mapped: Iterable[str] = ()
) -> list[Difference]:
    """The differences between our ``name`` and the spec's ``component``."""
    return compare_nodes(our_node(name), spec_node(spec, component), name, component, mapped)


# -- examples ---------------------------------------------------------------------


def example_differences(
    spec: OfficialSpec,
    names: Mapping[str, str | None],
    examples: Iterable[Example] | None = None,
) -> list[Difference]:
    """Valid examples (default: all of ours) that the mapped spec component rejects."""
    if examples is None:
        from fixtures.examples import valid_examples

        examples = valid_examples()
    out: list[Difference] = []
    for example in examples:
        component = names.get(example.schema)
        if component is None or component not in spec.component_names():
            continue
        errors = list(spec.component_validator(component).iter_errors(example.instance))
        if not errors:
            continue
        first = best_match(errors, key=relevance)
        assert first is not None
        while first.context:
            nested = best_match(first.context, key=relevance)
            assert nested is not None
            first = nested
        pointer = "/" + "/".join(str(p) for p in first.absolute_path)
        out.append(
            Difference(
                example.schema,
                component,
                "example-invalid-in-spec",
                example.id,
                pointer,
                ours="valid",
                theirs=first.message[:200],
            )
        )
    return out


# -- the whole check --------------------------------------------------------------


def diff(spec: OfficialSpec, names: Mapping[str, str | None] | None = None) -> list[Difference]:
    """Every difference between our schemas and ``spec`` (pairs: :func:`mapping`)."""
    if names is None:
        names = mapping(spec)
    mapped = {c for c in names.values() if c is not None}
    known = set(spec.component_names())
    out: list[Difference] = []
    for name, component in sorted(names.items()):
        if component is None:
            out.append(Difference(name, "", "unmapped", "", ""))
        elif component not in known:
            out.append(Difference(name, component, "missing-component", "", ""))
        else:
            out.extend(compare(spec, name, component, mapped))
    out.extend(example_differences(spec, names))
    return out


def load_allowlist(path: Path = ALLOWLIST) -> list[AllowEntry]:
    """The allow-list entries; each must name schema, kind, property and a reason."""
    if not path.is_file():
        return []
    data = tomllib.loads(path.read_text("utf-8"))
    entries: list[AllowEntry] = []
    for i, raw in enumerate(data.get("allow", [])):
        missing = [k for k in ("schema", "kind", "reason") if not str(raw.get(k, "")).strip()]
        if missing:
            raise ValueError(f"{path.name}: allow entry #{i + 1} lacks {', '.join(missing)}")
        if raw["kind"] not in KINDS:
            raise ValueError(f"{path.name}: allow entry #{i + 1}: unknown kind {raw['kind']!r}")
        entries.append(
            AllowEntry(raw["schema"], raw["kind"], raw.get("property", ""), raw["reason"])
        )
    return entries


def check(spec: OfficialSpec, allowlist: list[AllowEntry]) -> Report:
    """:func:`diff` sorted by :func:`triage`."""
    return triage(diff(spec), allowlist)


def triage(differences: list[Difference], allowlist: list[AllowEntry]) -> Report:
    """Sort differences into allowed and unexplained; list the allow entries unused."""
    by_key = {entry.key: entry for entry in allowlist}
    report = Report(differences)
    used: set[tuple[str, str, str]] = set()
    for difference in differences:
        entry = by_key.get(difference.key)
        if entry is None:
            report.unexplained.append(difference)
        else:
            report.allowed.append((difference, entry))
            used.add(entry.key)
    report.stale = [e for e in allowlist if e.key not in used]
    return report


def as_json(report: Report) -> dict[str, Any]:
    return {
        "ok": report.ok,
        "unexplained": [asdict(d) for d in report.unexplained],
        "allowed": [{**asdict(d), "reason": e.reason} for d, e in report.allowed],
        "stale": [asdict(e) for e in report.stale],
    }


def as_table(rows: list[Difference]) -> str:
    """A plain aligned table, one difference a line."""
    header = ("schema", "component", "kind", "property", "ours", "theirs")
    cells = [header] + [
        (d.schema, d.component, d.kind, d.property, _cell(d.ours), _cell(d.theirs)) for d in rows
    ]
    widths = [min(max(len(r[i]) for r in cells), 48) for i in range(len(header) - 1)]
    lines = []
    for row in cells:
        head = "  ".join(c.ljust(w)[: max(w, len(c))] for c, w in zip(row, widths, strict=False))
        lines.append(f"{head}  {row[-1]}".rstrip())
    return "\n".join(lines)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value)
