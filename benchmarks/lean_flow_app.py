"""A lower bound for the password flow in Python on the mock's server stack.

Not the mock: one raw ASGI function over three dicts, serving the password flow
(``wrk/password_flow.lua``) with answers of the mock's shape and size, and nothing a
real FAPI server needs besides (no journal, CORS, rate limits, undo, retention, or
checks of what a request may touch). ``lean_floor.py`` runs it beside the mock and the
ceiling: the share of the ceiling this reaches bounds what any rewrite of the mock's
request path in Python on uvicorn could reach.
"""

from __future__ import annotations

import hmac
import secrets
import time
from typing import Any
from urllib.parse import parse_qsl

import orjson

_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
_PASSWORD = "bench-password-123"
_SALT = secrets.token_bytes(16)


def _id(prefix: str) -> str:
    return prefix + "_" + "".join(_ALPHABET[b % 62] for b in secrets.token_bytes(27))


def _digest(password: str) -> bytes:
    return hmac.digest(_SALT, password.encode(), "sha256")


_EMAIL_ID = _id("idn")
_USER: dict[str, Any] = {
    "id": _id("user"),
    "email": "bench@example.com",
    "password": _digest(_PASSWORD),
    "created_at": int(time.time() * 1000),
    "last_sign_in_at": None,
}
_CLIENTS: dict[str, dict[str, Any]] = {}  # token -> client
_SIGN_INS: dict[str, dict[str, Any]] = {}
_SESSIONS: dict[str, dict[str, Any]] = {}


def _verification(status: str, at: int) -> dict[str, Any]:
    return {
        "object": "verification_otp",
        "status": status,
        "strategy": "email_code",
        "attempts": 1,
        "expire_at": at,
    }


def _email(u: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": _EMAIL_ID,
        "object": "email_address",
        "email_address": u["email"],
        "reserved": False,
        "verification": _verification("verified", u["created_at"]),
        "linked_to": [],
        "created_at": u["created_at"],
        "updated_at": u["created_at"],
    }


def _user(u: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": u["id"],
        "object": "user",
        "username": None,
        "first_name": None,
        "last_name": None,
        "has_image": False,
        "primary_email_address_id": _EMAIL_ID,
        "primary_phone_number_id": None,
        "primary_web3_wallet_id": None,
        "password_enabled": True,
        "two_factor_enabled": False,
        "totp_enabled": False,
        "backup_code_enabled": False,
        "email_addresses": [_email(u)],
        "phone_numbers": [],
        "web3_wallets": [],
        "passkeys": [],
        "external_accounts": [],
        "saml_accounts": [],
        "enterprise_accounts": [],
        "password_last_updated_at": u["created_at"],
        "public_metadata": {},
        "unsafe_metadata": {},
        "external_id": None,
        "last_sign_in_at": u["last_sign_in_at"],
        "banned": False,
        "locked": False,
        "lockout_expires_in_seconds": None,
        "verification_attempts_remaining": None,
        "created_at": u["created_at"],
        "updated_at": u["created_at"],
        "delete_self_enabled": True,
        "create_organization_enabled": False,
        "last_active_at": u["last_sign_in_at"],
        "mfa_enabled_at": None,
        "mfa_disabled_at": None,
        "legal_accepted_at": None,
    }


def _factors(u: dict[str, Any]) -> list[dict[str, Any]]:
    masked = u["email"][0] + "***@" + u["email"].split("@")[1]
    out: list[dict[str, Any]] = [{"strategy": "password"}]
    for strategy in ("email_code", "email_link", "reset_password_email_code"):
        shown = u["email"] if strategy != "reset_password_email_code" else masked
        out.append(
            {
                "strategy": strategy,
                "email_address_id": _EMAIL_ID,
                "safe_identifier": shown,
                "primary": True,
            }
        )
    return out


def _sign_in(si: dict[str, Any]) -> dict[str, Any]:
    return {
        "object": "sign_in_attempt",
        "id": si["id"],
        "status": si["status"],
        "supported_identifiers": ["email_address", "phone_number", "username"],
        "supported_first_factors": _factors(_USER),
        "supported_second_factors": [] if si["status"] == "complete" else None,
        "first_factor_verification": (
            {
                "object": "verification_password",
                "status": "verified",
                "strategy": "password",
                "attempts": 1,
                "expire_at": None,
            }
            if si["status"] == "complete"
            else None
        ),
        "second_factor_verification": None,
        "identifier": si["identifier"],
        "user_data": {"first_name": None, "last_name": None, "has_image": False},
        "created_session_id": si["session_id"],
        "abandon_at": si["abandon_at"],
    }


def _session(s: dict[str, Any], now: int) -> dict[str, Any]:
    return {
        "id": s["id"],
        "object": "session",
        "status": "active",
        "expire_at": s["expire_at"],
        "abandon_at": s["expire_at"],
        "last_active_at": s["created_at"],
        "last_active_token": None,
        "actor": None,
        "tasks": [],
        "last_active_organization_id": None,
        "public_user_data": {
            "first_name": None,
            "last_name": None,
            "has_image": False,
            "identifier": _USER["email"],
            "user_id": _USER["id"],
            "username": None,
        },
        "factor_verification_age": [(now - s["created_at"]) // 60_000, -1],
        "created_at": s["created_at"],
        "updated_at": s["created_at"],
        "user": _user(_USER),
    }


def _client(c: dict[str, Any], now: int) -> dict[str, Any]:
    si = _SIGN_INS.get(c["sign_in_id"] or "")
    return {
        "object": "client",
        "id": c["id"],
        "sessions": [_session(_SESSIONS[sid], now) for sid in c["session_ids"]],
        "sign_in": _sign_in(si) if si else None,
        "sign_up": None,
        "last_active_session_id": c["last_active_session_id"],
        "last_authentication_strategy": c["strategy"],
        "cookie_expires_at": None,
        "captcha_bypass": False,
        "created_at": c["created_at"],
        "updated_at": now,
    }


def _error(status: int, code: str) -> tuple[int, dict[str, Any], list[tuple[bytes, bytes]]]:
    body = {"errors": [{"code": code, "message": code, "long_message": code, "meta": {}}]}
    return status, body, []


def _handle(
    method: str, path: str, token: str | None, form: dict[str, str]
) -> tuple[int, dict[str, Any], list[tuple[bytes, bytes]]]:
    now = int(time.time() * 1000)
    if method == "POST" and path == "/v1/client/sign_ins":
        if form.get("identifier") != _USER["email"]:
            return _error(422, "form_identifier_not_found")
        token = secrets.token_urlsafe(32)
        created: dict[str, Any] = {
            "id": _id("client"),
            "sign_in_id": None,
            "session_ids": [],
            "last_active_session_id": None,
            "strategy": None,
            "created_at": now,
        }
        _CLIENTS[token] = created
        new: dict[str, Any] = {
            "id": _id("sia"),
            "status": "needs_first_factor",
            "identifier": form["identifier"],
            "session_id": None,
            "abandon_at": now + 86_400_000,
        }
        _SIGN_INS[new["id"]] = new
        created["sign_in_id"] = new["id"]
        body = {"response": _sign_in(new), "client": _client(created, now)}
        return 200, body, [(b"authorization", token.encode())]
    client = _CLIENTS.get(token or "")
    if client is None:
        return _error(401, "authentication_invalid")
    if method == "GET" and path == "/v1/client":
        return 200, {"response": _client(client, now), "client": None}, []
    parts = path.split("/")
    if method == "POST" and len(parts) == 6 and parts[5] == "attempt_first_factor":
        si = _SIGN_INS.get(parts[4])
        if si is None or client["sign_in_id"] != si["id"]:
            return _error(404, "resource_not_found")
        if not hmac.compare_digest(_digest(form.get("password", "")), _USER["password"]):
            return _error(422, "form_password_incorrect")
        session: dict[str, Any] = {
            "id": _id("sess"),
            "created_at": now,
            "expire_at": now + 7 * 86_400_000,
        }
        _SESSIONS[session["id"]] = session
        client["session_ids"].append(session["id"])
        client["last_active_session_id"] = session["id"]
        client["strategy"] = "password"
        si["status"], si["session_id"] = "complete", session["id"]
        _USER["last_sign_in_at"] = now
        return 200, {"response": _sign_in(si), "client": _client(client, now)}, []
    return _error(404, "resource_not_found")


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    body = b""
    more = True
    while more:
        message = await receive()
        body += message.get("body", b"")
        more = message.get("more_body", False)
    token = None
    for name, value in scope["headers"]:
        if name == b"authorization":
            token = value.decode("latin-1")
    form = dict(parse_qsl(body.decode("latin-1"))) if body else {}
    status, payload, extra = _handle(scope["method"], scope["path"], token, form)
    out = orjson.dumps(payload)
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(out)).encode()),
        *extra,
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": out})
