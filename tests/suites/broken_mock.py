"""Run the suites against a deliberately broken mock: ``python broken_mock.py FAULT ARGS``.

Each fault patches one behaviour of the mock in this process before pytest starts, with
the mock's own response validation off, so only the suites stand between the fault and
a green run.
"""

from __future__ import annotations

import sys
from typing import Any

import pytest

from mock_server.domain import sign_in, verification
from mock_server.errors import FapiError
from mock_server.wire import serialize


def wrong_error_code() -> None:
    """A wrong password answers form_code_incorrect instead of form_password_incorrect."""
    original = FapiError.of.__func__  # type: ignore[attr-defined]

    def of(cls: type[FapiError], code: str, **kw: Any) -> FapiError:
        if code == "form_password_incorrect":
            code, kw["param"] = "form_code_incorrect", "code"
        return original(cls, code, **kw)  # type: ignore[no-any-return]

    FapiError.of = classmethod(of)  # type: ignore[assignment,method-assign]


def missing_field() -> None:
    """sign_in objects lose supported_first_factors."""
    original = serialize.sign_in

    def sign_in_without_factors(*args: Any, **kw: Any) -> Any:
        body = original(*args, **kw)
        body.pop("supported_first_factors", None)
        return body

    serialize.sign_in = sign_in_without_factors


def code_accepted_twice() -> None:
    """A verified code may be attempted again, and a complete sign-in re-attempted."""
    original = verification.attempt_code

    def lenient(rt: Any, v: Any, code: str | None) -> None:
        if v.status == "verified":
            return
        original(rt, v, code)

    verification.attempt_code = lenient
    sign_in._require_status = lambda *a, **kw: None  # type: ignore[assignment]


def unbroken_app() -> Any:
    from mock_server.app import build_app
    from mock_server.config import load_config

    return build_app(load_config(profile="test", passwords={"kdf_log_n": 4}), seed=1)


FAULTS = {f.__name__: f for f in (wrong_error_code, missing_field, code_accepted_twice)}

if __name__ == "__main__":
    import suites.target

    suites.target.default_mock_app = unbroken_app  # no self-validation: the suites must catch it
    FAULTS[sys.argv[1]]()
    raise SystemExit(pytest.main(sys.argv[2:]))
