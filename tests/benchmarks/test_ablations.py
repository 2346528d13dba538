"""``instructions.py --without PART`` reads what a part costs from the count without it.

That reading is only as good as the stand-in: the flow must still run to its end (the
driver stops at an answer that is not 2xx), the part must really be gone while it is
applied, and the real one must be back afterwards, or one test's ablation would leak
into the next.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from types import ModuleType
from typing import Any

import orjson
import pytest

from mock_server.app import build_app
from mock_server.config import load_config
from mock_server.domain import factors
from mock_server.store.memory import MemoryStore

PASSWORD = "ablation-password-1"


def _served(bench: Callable[[str], ModuleType]) -> tuple[Any, list[bytes]]:
    """A password sign-in, as the app answers it with whatever is applied: the app and
    the answers' bodies."""
    in_process = bench("in_process")
    app = build_app(load_config(profile="test"), MemoryStore())

    async def flow() -> list[bytes]:
        seed = {"email_addresses": ["a@example.com"], "password": PASSWORD}
        await in_process.admin(app, "/__admin/users", seed)
        form = [(b"content-type", b"application/x-www-form-urlencoded")]
        request = in_process.scope("POST", "/v1/client/sign_ins", b"_is_native=1", form)
        status, headers, created = await in_process.call(
            app, request, b"identifier=a%40example.com"
        )
        assert status == 200, created
        sign_in = orjson.loads(created)["response"]["id"]
        auth = [*form, (b"authorization", headers[b"authorization"])]
        path = f"/v1/client/sign_ins/{sign_in}/attempt_first_factor"
        request = in_process.scope("POST", path, b"_is_native=1", auth)
        status, _, attempted = await in_process.call(
            app, request, f"strategy=password&password={PASSWORD}".encode()
        )
        assert status == 200, attempted
        return [created, attempted]

    return app, asyncio.run(flow())


def _rows(app: Any) -> list[Any]:
    store = app.state.mock.store
    return [row for table in store._tables.values() for row in table.values()]


# What each part's absence looks like from outside; each holds of the real mock's
# answers and state in reverse (``test_..._is_back_afterwards``).
GONE: dict[str, Callable[[Any, list[bytes]], bool]] = {
    "wire-forms": lambda app, bodies: all(b"supported_first_factors" not in b for b in bodies),
    "first-factors": lambda app, bodies: _kept_factors(),
    "undo": lambda app, bodies: _undo_image() == b"",
    "journal": lambda app, bodies: not app.state.mock.journal,
    "retention": lambda app, bodies: all(r.expires_at is None for r in _rows(app)),
}


def _kept_factors() -> bool:
    from mock_server.domain import sign_in

    config = load_config(profile="test")
    user = _a_user()
    return sign_in.first_factors(config, user) is sign_in.first_factors(config, user)


def _a_user() -> Any:
    from mock_server.domain.models import User

    return User(id="user_1", password_hash="x", created_at=0, updated_at=0)


def _undo_image() -> bytes:
    from mock_server.store import memory

    image: bytes = memory.codec.to_json(_a_user())
    return image


def test_every_part_has_a_check_that_it_is_gone(bench: Callable[[str], ModuleType]) -> None:
    assert set(GONE) == set(bench("ablations").PARTS)


@pytest.mark.parametrize("part", sorted(GONE))
def test_a_part_taken_out_is_gone_while_applied(
    part: str, bench: Callable[[str], ModuleType]
) -> None:
    with bench("ablations").applied([part]):
        app, bodies = _served(bench)
        assert GONE[part](app, bodies)


@pytest.mark.parametrize("part", sorted(GONE))
def test_a_part_taken_out_is_back_afterwards(part: str, bench: Callable[[str], ModuleType]) -> None:
    with bench("ablations").applied([part]):
        pass
    app, bodies = _served(bench)
    assert not GONE[part](app, bodies)
    assert factors.first_factors.__module__ == "mock_server.domain.factors"


@pytest.mark.parametrize("flow", ["password", "email-code", "client"])
@pytest.mark.parametrize("part", sorted(GONE))
def test_each_flow_runs_to_its_end_without_each_part(
    flow: str, part: str, bench: Callable[[str], ModuleType]
) -> None:
    asyncio.run(bench("instructions")._drive(flow, 2, [part]))


def test_an_unknown_part_is_refused_by_name(bench: Callable[[str], ModuleType]) -> None:
    with (
        pytest.raises(ValueError, match="no such part: speed"),
        bench("ablations").applied(["speed"]),
    ):
        pass
