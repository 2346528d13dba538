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
- ``GET /__admin/sessions``, ``GET /__admin/sign_ins``; ``GET|POST|DELETE /__admin/faults``,
  ``DELETE /__admin/faults/{id}`` (``mock_server.faults``); ``GET /__admin/ui``, the inbox page.

Every operation is declared in :data:`mock_server.admin.table.ADMIN` with the schemas of
``schemas/wire/admin.json`` it answers and takes. Errors use Clerk's envelope like the rest
of the mock.
"""

from __future__ import annotations

from typing import Any

import orjson
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from mock_server.admin.table import ADMIN
from mock_server.domain import codec, mfa, passwords, tickets, users, wallets
from mock_server.domain import identifiers as ids
from mock_server.domain.models import OutboxMessage, Session, SignIn, User
from mock_server.errors import FapiError, error_item, not_found
from mock_server.faults import FaultRule
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


#: The clock's range: epoch 0 to the end of year 9999, as ``admin.json#/$defs/clock_change``
#: says; beyond it timestamps stop being dates anything can format.
LATEST_MS = 253_402_300_799_999
CENTURY_S = 100 * 365 * 86_400


class ClockChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    # Negative is refused by the handler, as a value (not a format) error.
    advance_seconds: float | None = Field(default=None, le=CENTURY_S, allow_inf_nan=False)
    set: int | None = Field(default=None, ge=0, le=LATEST_MS)
    freeze: bool = False


class TicketRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    user_id: str | None = None
    email_address: str | None = None
    # At most a century, as admin.json says: past that, expire_at leaves 64 bits (a 500).
    ttl_seconds: int = Field(default=30 * 24 * 3600, ge=1, le=CENTURY_S)


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
    """Validate strictly, as JSON: ``"freeze": 0`` or ``"error_rate": false`` is refused, the
    way ``schemas/wire/admin.json`` says, instead of being coerced into something else."""
    try:
        return model.model_validate_json(orjson.dumps(data), strict=True)
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
    return codec.to_data(m)


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


@ADMIN.route("GET", "/outbox", response="admin/outbox", query="admin/outbox_query")
async def outbox(request: Request) -> Response:
    """The messages sent, oldest first, filtered by recipient, channel and purpose."""
    found = _messages(request)
    return JSONResponse({"data": [_message(m) for m in found], "total_count": len(found)})


@ADMIN.route("GET", "/outbox/latest", response="admin/outbox_message", query="admin/outbox_query")
async def outbox_latest(request: Request) -> Response:
    """The newest matching message (404 when there is none)."""
    found = _messages(request)
    if not found:
        raise not_found("message", request.query_params.get("to") or "(any)")
    return JSONResponse(_message(found[-1]))


@ADMIN.route("DELETE", "/outbox", response=None, statuses=(204,))
async def clear_outbox(request: Request) -> Response:
    """Forget every message sent."""

    def clear(tx: Tx) -> None:
        for m in list(tx.scan(OutboxMessage)):
            tx.delete(OutboxMessage, m.id)

    _state(request).store.transact(clear)
    return Response(status_code=204)


@ADMIN.route("POST", "/users", response="user", request="admin/seed_user", statuses=(201,))
async def create_user(request: Request) -> Response:
    """Create a user whose identifications are already verified."""
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


@ADMIN.route("GET", "/users", response="admin/users")
async def list_users(request: Request) -> Response:
    """Every user, oldest first."""
    state = _state(request)
    rt = state.runtime

    def read(tx: Tx) -> list[dict[str, Any]]:
        return [serialize.user(rt, u) for u in sorted(tx.scan(User), key=lambda u: u.created_at)]

    data = state.store.transact(read)
    return JSONResponse({"data": data, "total_count": len(data)})


@ADMIN.route("GET", "/users/{user_id}", response="user")
async def get_user(request: Request) -> Response:
    """One user."""
    state = _state(request)
    user_id = request.path_params["user_id"]

    def read(tx: Tx) -> dict[str, Any]:
        user = tx.get(User, user_id)
        if user is None:
            raise not_found("user", user_id)
        return serialize.user(state.runtime, user)

    return JSONResponse(state.store.transact(read))


@ADMIN.route("DELETE", "/users/{user_id}", response="deleted_object")
async def delete_user(request: Request) -> Response:
    """Delete a user; their live sessions are removed."""
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


@ADMIN.route(
    "POST", "/tickets", response="admin/ticket", request="admin/ticket_request", statuses=(201,)
)
async def create_ticket(request: Request) -> Response:
    """Issue a sign-in token (user_id) or an invitation (email_address)."""
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


@ADMIN.route("GET", "/sign_ins", response="admin/sign_ins")
async def list_sign_ins(request: Request) -> Response:
    """Every sign-in of every client."""
    state = _state(request)
    rt = state.runtime

    def read(tx: Tx) -> list[dict[str, Any]]:
        return [serialize.sign_in(rt, tx, si) for si in tx.scan(SignIn)]

    data = state.store.transact(read)
    return JSONResponse({"data": data, "total_count": len(data)})


@ADMIN.route("GET", "/clock", response="admin/clock")
async def get_clock(request: Request) -> Response:
    """The mock's clock: expiry follows it, not the wall clock."""
    return JSONResponse(_state(request).runtime.clock.to_dict())


@ADMIN.route("POST", "/clock", response="admin/clock", request="admin/clock_change")
async def change_clock(request: Request) -> Response:
    """Move the clock forward, or set it (and optionally freeze it there)."""
    clk = _state(request).runtime.clock
    change = _model(ClockChange, await _json_body(request))
    if change.set is not None:
        clk.set(change.set, freeze=change.freeze)
    if change.advance_seconds is not None:
        seconds = change.advance_seconds
        if seconds < 0 or clk.now_ms() + seconds * 1000 > LATEST_MS:
            raise FapiError.of("form_param_value_invalid", param="advance_seconds", value=seconds)
        clk.advance(seconds)
    return JSONResponse(clk.to_dict())


@ADMIN.route("GET", "/state", response="admin/state")
async def export_state(request: Request) -> Response:
    """Every table of the store, to save or to load into another mock."""
    return JSONResponse(_state(request).store.export())


@ADMIN.route("PUT", "/state", response=None, request="admin/state", statuses=(204,))
async def import_state(request: Request) -> Response:
    """Replace the whole state with an export; nothing changes unless all of it loads."""
    data = await _json_body(request)
    if not isinstance(data, dict):
        raise FapiError.of("request_body_invalid", detail="The state must be a JSON object.")
    try:
        _state(request).load(data)
    except (ValueError, ValidationError) as exc:
        raise FapiError.of("request_body_invalid", detail=str(exc)[:500]) from exc
    return Response(status_code=204)


@ADMIN.route("POST", "/reset", response=None, statuses=(204,))
async def reset(request: Request) -> Response:
    """Forget everything: store, fault rules added at run time, limits, journal, clock."""
    _state(request).reset()
    return Response(status_code=204)


@ADMIN.route("GET", "/journal", response="admin/journal", query="admin/journal_query")
async def journal(request: Request) -> Response:
    """Recent requests (method, path, status, injected fault), newest last."""
    state = _state(request)
    raw = request.query_params.get("limit", "100")
    if not raw.isascii() or not raw.isdigit():
        raise FapiError.of("form_param_format_invalid", param="limit")
    limit = int(raw)
    entries = list(state.journal)[-limit:] if limit else []
    return JSONResponse({"data": [e._asdict() for e in entries], "total_count": len(entries)})


@ADMIN.route("GET", "/faults", response="admin/faults")
async def list_faults(request: Request) -> Response:
    """The fault rules in force, in the order they are matched."""
    data = [r.to_json() for r in _state(request).faults.rules]
    return JSONResponse({"data": data, "total_count": len(data)})


@ADMIN.route("POST", "/faults", response="admin/fault", request="admin/fault_rule", statuses=(201,))
async def add_fault(request: Request) -> Response:
    """Add a fault rule (after those already in force)."""
    rule = _model(FaultRule, await _json_body(request))
    return JSONResponse(_state(request).faults.add(rule).to_json(), status_code=201)


@ADMIN.route("DELETE", "/faults", response=None, statuses=(204,))
async def clear_faults(request: Request) -> Response:
    """Drop every fault rule, configured ones included, until the next reset."""
    _state(request).faults.rules.clear()
    return Response(status_code=204)


@ADMIN.route("DELETE", "/faults/{fault_id}", response=None, statuses=(204,))
async def delete_fault(request: Request) -> Response:
    """Drop one fault rule."""
    rule_id = request.path_params["fault_id"]
    if not _state(request).faults.remove(rule_id):
        raise not_found("fault", rule_id)
    return Response(status_code=204)


@ADMIN.route("GET", "/sessions", response="admin/sessions")
async def list_sessions(request: Request) -> Response:
    """Every session of every client, oldest first."""
    state = _state(request)
    rt = state.runtime

    def read(tx: Tx) -> list[dict[str, Any]]:
        rows = sorted(tx.scan(Session), key=lambda s: s.created_at)
        return [serialize.session(rt, tx, s) for s in rows]

    data = state.store.transact(read)
    return JSONResponse({"data": data, "total_count": len(data)})


@ADMIN.route("GET", "/ui", response=None, media_type="text/html")
async def inbox_page(request: Request) -> Response:
    """The inbox page: plain HTML and a little JavaScript over this admin API."""
    from importlib import resources

    from starlette.responses import HTMLResponse

    page = (resources.files("mock_server.admin") / "inbox.html").read_text("utf-8")
    return HTMLResponse(page)


def admin_routes() -> list[BaseRoute]:
    return ADMIN.routes()
