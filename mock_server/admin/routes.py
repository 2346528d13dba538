"""``/__admin``: what a test (or a developer) needs that Clerk's API does not offer.

- ``GET /__admin/outbox[?to=&channel=&purpose=]``, ``GET /__admin/outbox/latest?to=``,
  ``DELETE /__admin/outbox``: every email and SMS the mock "sent", with its code or link.
- ``POST /__admin/users`` (JSON: email_addresses, phone_numbers, username, password,
  first_name, last_name; second factors: totp_secret, backup_codes,
  second_factor_phone_numbers; web3_wallets),
  ``GET /__admin/users``, ``GET|DELETE /__admin/users/{id}``.
- ``POST /__admin/tickets`` (JSON: user_id for a sign-in token, or email_address for
  an invitation).
- ``GET /__admin/clock``, ``POST /__admin/clock`` (JSON: advance_seconds, or set (epoch
  ms) with optional freeze).
- ``GET /__admin/state`` (export), ``PUT /__admin/state`` (import), ``POST /__admin/reset``.
- ``GET /__admin/journal[?limit=]``: recent requests, newest last.

Errors use Clerk's envelope like the rest of the mock.
"""

from __future__ import annotations

from typing import Any

import orjson
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from mock_server.domain import identifiers as ids
from mock_server.domain import mfa, passwords, tickets, users, wallets
from mock_server.domain.models import OutboxMessage, Session, SignIn, User
from mock_server.errors import FapiError, error_item, not_found
from mock_server.store.base import Tx
from mock_server.wire import serialize
from mock_server.wire.json import JSONResponse


class SeedUser(BaseModel):
    """A user created directly, identifications already verified."""

    model_config = ConfigDict(extra="forbid")
    email_addresses: list[str] = Field(default_factory=list)
    phone_numbers: list[str] = Field(default_factory=list)
    username: str | None = None
    password: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    public_metadata: dict[str, Any] = Field(default_factory=dict)
    unsafe_metadata: dict[str, Any] = Field(default_factory=dict)
    web3_wallets: list[str] = Field(default_factory=list)
    # Second factors, already enrolled: a base32 TOTP secret, plain backup codes (stored
    # hashed), and phone numbers reserved for second-factor codes.
    totp_secret: str | None = None
    backup_codes: list[str] = Field(default_factory=list)
    second_factor_phone_numbers: list[str] = Field(default_factory=list)


class ClockChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    advance_seconds: float | None = None
    set: int | None = None
    freeze: bool = False


class TicketRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    user_id: str | None = None
    email_address: str | None = None
    ttl_seconds: int = Field(default=30 * 24 * 3600, ge=1)


def _state(request: Request) -> Any:
    return request.app.state.mock


async def _json_body(request: Request) -> Any:
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise FapiError.of("request_body_invalid", detail="The body is not valid JSON.") from exc


def _model(model: type[BaseModel], data: Any) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        items = [
            error_item(
                "form_param_format_invalid",
                param=".".join(str(p) for p in err["loc"]) or "body",
            )
            for err in exc.errors()
        ]
        raise FapiError(422, items) from exc


def _message(m: OutboxMessage) -> dict[str, Any]:
    return m.model_dump(mode="json")


def _messages(request: Request) -> list[OutboxMessage]:
    state = _state(request)
    q = request.query_params
    to = q.get("to")

    def read(tx: Tx) -> list[OutboxMessage]:
        out = list(tx.scan(OutboxMessage))
        if to:
            wanted = to.strip().lower() if "@" in to else ids.normalize_phone(to)
            out = [m for m in out if m.to == wanted]
        for key in ("channel", "purpose"):
            if q.get(key):
                out = [m for m in out if getattr(m, key) == q.get(key)]
        return sorted(out, key=lambda m: (m.sent_at, m.id))

    return state.store.transact(read)  # type: ignore[no-any-return]


async def outbox(request: Request) -> Response:
    found = _messages(request)
    return JSONResponse({"data": [_message(m) for m in found], "total_count": len(found)})


async def outbox_latest(request: Request) -> Response:
    found = _messages(request)
    if not found:
        raise not_found("message", request.query_params.get("to") or "(any)")
    return JSONResponse(_message(found[-1]))


async def clear_outbox(request: Request) -> Response:
    def clear(tx: Tx) -> None:
        for m in list(tx.scan(OutboxMessage)):
            tx.delete(OutboxMessage, m.id)

    _state(request).store.transact(clear)
    return Response(status_code=204)


async def create_user(request: Request) -> Response:
    state = _state(request)
    seed = _model(SeedUser, await _json_body(request))
    rt = state.runtime
    problems = []
    for email in seed.email_addresses:
        if not ids.is_email(email):
            problems.append(error_item("form_param_format_invalid", param="email_addresses"))
    for phone in [*seed.phone_numbers, *seed.second_factor_phone_numbers]:
        if not ids.is_phone(phone):
            problems.append(error_item("form_param_format_invalid", param="phone_numbers"))
    if not (seed.email_addresses or seed.phone_numbers or seed.username or seed.web3_wallets):
        problems.append(error_item("form_param_missing", param="email_addresses"))
    if problems:
        raise FapiError(422, problems)
    password_hash = (
        passwords.hash_password(seed.password, rt.config.passwords.kdf_log_n)
        if seed.password
        else None
    )

    def create(tx: Tx) -> dict[str, Any]:
        user = users.create_user(
            rt,
            tx,
            emails=[(e, users.admin_verified()) for e in seed.email_addresses],
            phones=[
                (p, users.admin_verified())
                for p in [*seed.phone_numbers, *seed.second_factor_phone_numbers]
            ],
            username=seed.username,
            password_hash=password_hash,
            first_name=seed.first_name,
            last_name=seed.last_name,
            unsafe_metadata=seed.unsafe_metadata,
            public_metadata=seed.public_metadata,
        )
        mfa.seed(
            rt,
            user,
            totp_secret=seed.totp_secret,
            backup_codes=seed.backup_codes,
            second_factor_phones=seed.second_factor_phone_numbers,
        )
        for address in seed.web3_wallets:
            wallets.add_verified(rt, tx, user, address)
        return serialize.user(rt, user)

    return JSONResponse(state.store.transact(create), status_code=201)


async def list_users(request: Request) -> Response:
    state = _state(request)
    rt = state.runtime

    def read(tx: Tx) -> list[dict[str, Any]]:
        return [serialize.user(rt, u) for u in sorted(tx.scan(User), key=lambda u: u.created_at)]

    data = state.store.transact(read)
    return JSONResponse({"data": data, "total_count": len(data)})


async def get_user(request: Request) -> Response:
    state = _state(request)
    user_id = request.path_params["user_id"]

    def read(tx: Tx) -> dict[str, Any]:
        user = tx.get(User, user_id)
        if user is None:
            raise not_found("user", user_id)
        return serialize.user(state.runtime, user)

    return JSONResponse(state.store.transact(read))


async def delete_user(request: Request) -> Response:
    state = _state(request)
    user_id = request.path_params["user_id"]

    def delete(tx: Tx) -> dict[str, Any]:
        user = tx.get(User, user_id)
        if user is None:
            raise not_found("user", user_id)
        users.unindex_user(tx, user)
        for s in list(tx.scan(Session)):
            if s.user_id == user_id and s.status in ("active", "pending"):
                s.status = "removed"
                tx.put(s)
        tx.delete(User, user_id)
        return {"object": "user", "id": user_id, "deleted": True}

    return JSONResponse(state.store.transact(delete))


async def create_ticket(request: Request) -> Response:
    state = _state(request)
    body = _model(TicketRequest, await _json_body(request))
    rt = state.runtime

    def issue(tx: Tx) -> dict[str, Any]:
        if body.user_id:
            if tx.get(User, body.user_id) is None:
                raise not_found("user", body.user_id)
            ticket = tickets.issue(
                rt, tx, kind="sign_in", user_id=body.user_id, ttl_seconds=body.ttl_seconds
            )
        elif body.email_address:
            ticket = tickets.issue(
                rt,
                tx,
                kind="invitation",
                email_address=body.email_address,
                ttl_seconds=body.ttl_seconds,
            )
        else:
            raise FapiError.of("form_param_missing", param="user_id")
        return {
            "object": "ticket",
            "ticket": ticket.id,
            "kind": ticket.kind,
            "expire_at": ticket.expire_at,
        }

    return JSONResponse(state.store.transact(issue), status_code=201)


async def list_sign_ins(request: Request) -> Response:
    state = _state(request)
    rt = state.runtime

    def read(tx: Tx) -> list[dict[str, Any]]:
        return [serialize.sign_in(rt, tx, si) for si in tx.scan(SignIn)]

    data = state.store.transact(read)
    return JSONResponse({"data": data, "total_count": len(data)})


async def clock(request: Request) -> Response:
    state = _state(request)
    clk = state.runtime.clock
    if request.method == "POST":
        change = _model(ClockChange, await _json_body(request))
        if change.set is not None:
            clk.set(change.set, freeze=change.freeze)
        if change.advance_seconds is not None:
            if change.advance_seconds < 0:
                raise FapiError.of(
                    "form_param_value_invalid",
                    param="advance_seconds",
                    value=change.advance_seconds,
                )
            clk.advance(change.advance_seconds)
    return JSONResponse(clk.to_dict())


async def state_export(request: Request) -> Response:
    state = _state(request)
    if request.method == "PUT":
        data = await _json_body(request)
        if not isinstance(data, dict):
            raise FapiError.of("request_body_invalid", detail="The state must be a JSON object.")
        try:
            state.store.load(data)
        except (ValueError, ValidationError) as exc:
            raise FapiError.of("request_body_invalid", detail=str(exc)[:500]) from exc
        return Response(status_code=204)
    return JSONResponse(state.store.export())


async def reset(request: Request) -> Response:
    _state(request).reset()
    return Response(status_code=204)


async def journal(request: Request) -> Response:
    state = _state(request)
    try:
        limit = int(request.query_params.get("limit", "100"))
    except ValueError as exc:
        raise FapiError.of("form_param_format_invalid", param="limit") from exc
    entries = list(state.journal)[-max(limit, 0) :] if limit else []
    return JSONResponse({"data": [e.__dict__ for e in entries], "total_count": len(entries)})


async def faults(request: Request) -> Response:
    from mock_server.faults import FaultRule

    injector = _state(request).faults
    if request.method == "POST":
        rule = _model(FaultRule, await _json_body(request))
        return JSONResponse(injector.add(rule).to_json(), status_code=201)
    if request.method == "DELETE":
        injector.rules.clear()
        return Response(status_code=204)
    data = [r.to_json() for r in injector.rules]
    return JSONResponse({"data": data, "total_count": len(data)})


async def delete_fault(request: Request) -> Response:
    rule_id = request.path_params["fault_id"]
    if not _state(request).faults.remove(rule_id):
        raise not_found("fault", rule_id)
    return Response(status_code=204)


async def list_sessions(request: Request) -> Response:
    state = _state(request)
    rt = state.runtime

    def read(tx: Tx) -> list[dict[str, Any]]:
        rows = sorted(tx.scan(Session), key=lambda s: s.created_at)
        return [serialize.session(rt, tx, s) for s in rows]

    data = state.store.transact(read)
    return JSONResponse({"data": data, "total_count": len(data)})


async def inbox_page(request: Request) -> Response:
    """The inbox page: plain HTML and a little JavaScript over this admin API."""
    from importlib import resources

    from starlette.responses import HTMLResponse

    page = (resources.files("mock_server.admin") / "inbox.html").read_text("utf-8")
    return HTMLResponse(page)


def admin_routes() -> list[BaseRoute]:
    return [
        Route("/ui", inbox_page, methods=["GET"]),
        Route("/sessions", list_sessions, methods=["GET"]),
        Route("/faults", faults, methods=["GET", "POST", "DELETE"]),
        Route("/faults/{fault_id}", delete_fault, methods=["DELETE"]),
        Route("/outbox", outbox, methods=["GET"]),
        Route("/outbox", clear_outbox, methods=["DELETE"]),
        Route("/outbox/latest", outbox_latest, methods=["GET"]),
        Route("/users", create_user, methods=["POST"]),
        Route("/users", list_users, methods=["GET"]),
        Route("/users/{user_id}", get_user, methods=["GET"]),
        Route("/users/{user_id}", delete_user, methods=["DELETE"]),
        Route("/tickets", create_ticket, methods=["POST"]),
        Route("/sign_ins", list_sign_ins, methods=["GET"]),
        Route("/clock", clock, methods=["GET", "POST"]),
        Route("/state", state_export, methods=["GET", "PUT"]),
        Route("/reset", reset, methods=["POST"]),
        Route("/journal", journal, methods=["GET"]),
    ]
