"""Parts of a request taken out one at a time, to count what each costs.

``instructions.py --without PART`` counts the flows as they are and with ``PART``
replaced by a stand-in that does next to nothing, side by side. The answers are then
wrong (that is the point): what is read is the difference in instructions. Round seven
did this with a scratch driver; the figures behind ``docs/performance.md``'s claims about
where a request's cost goes should be re-runnable, so the stand-ins live here.

Each stand-in replaces module attributes the mock looks up when it runs (never a name
bound at import), so it must be applied before the app is built; :func:`applied` undoes
it afterwards (the tests use that).
"""

from __future__ import annotations

import contextlib
import types
from collections.abc import Callable, Iterator
from typing import Any
from unittest import mock


def _wire_forms() -> list[Any]:
    """Ids and statuses only: what the driver reads to go on."""
    from mock_server.wire import serialize

    def user(rt: Any, u: Any) -> dict[str, Any]:
        # The driver reads the seeded users' email ids from the admin API's answer.
        emails = [{"id": e.id, "email_address": e.email_address} for e in u.email_addresses]
        return {"object": "user", "id": u.id, "email_addresses": emails}

    def sign_in(rt: Any, tx: Any, si: Any) -> dict[str, Any]:
        return {"object": "sign_in_attempt", "id": si.id, "status": si.status}

    def session(rt: Any, tx: Any, s: Any, built: Any = None) -> dict[str, Any]:
        return {"object": "session", "id": s.id, "status": s.status}

    def client(rt: Any, tx: Any, c: Any, built: Any = None) -> dict[str, Any] | None:
        return None if c is None else {"object": "client", "id": c.id}

    stand_ins = {"user": user, "sign_in": sign_in, "session": session, "client": client}
    return [mock.patch.object(serialize, name, fn) for name, fn in stand_ins.items()]


def _first_factors() -> list[Any]:
    from mock_server.domain import factors, reverification, sign_in

    real = factors.first_factors
    kept: dict[tuple[int, str, str | None, str | None], list[dict[str, Any]]] = {}

    def first_factors(
        config: Any, user: Any, identifier: str | None = None, *, only: str | None = None
    ) -> list[dict[str, Any]]:
        key = (id(config), user.id, identifier, only)
        found = kept.get(key)
        if found is None:
            found = kept[key] = real(config, user, identifier, only=only)
        return found

    return [
        mock.patch.object(module, "first_factors", first_factors)
        for module in (factors, sign_in, reverification)
    ]


def _undo() -> list[Any]:
    from mock_server.domain import codec
    from mock_server.store import memory

    no_images = types.SimpleNamespace(to_json=lambda entity: b"", from_json=codec.from_json)
    return [mock.patch.object(memory, "codec", no_images)]


def _journal() -> list[Any]:
    from mock_server.app import MockState

    def record(self: MockState, scope: Any, status: int) -> None:
        """Nothing recorded (a ``MagicMock`` would cost more than the real one)."""

    return [mock.patch.object(MockState, "record", record)]


def _retention() -> list[Any]:
    from mock_server.store import memory
    from mock_server.store.expiry_queue import Row

    def row(entity: Any) -> Row:
        return Row(entity, None, None)

    return [mock.patch.object(memory, "_row", row)]


# Each part: what it is, and the patches that take it out.
PARTS: dict[str, tuple[str, Callable[[], list[Any]]]] = {
    "wire-forms": ("the answers' client, sign-in, session and user forms", _wire_forms),
    "first-factors": ("working out a user's first factors (kept once made)", _first_factors),
    "undo": ("the undo image of each row a unit reads to change", _undo),
    "journal": ("the request journal entry", _journal),
    "retention": ("each filed row's retention deadline and dependency", _retention),
}


@contextlib.contextmanager
def applied(parts: list[str]) -> Iterator[None]:
    """The mock with ``parts`` (names from :data:`PARTS`) replaced, until the block ends."""
    unknown = sorted(set(parts) - set(PARTS))
    if unknown:
        raise ValueError(f"no such part: {', '.join(unknown)} (known: {', '.join(PARTS)})")
    with contextlib.ExitStack() as stack:
        for part in parts:
            for patch in PARTS[part][1]():
                stack.enter_context(patch)
        yield
