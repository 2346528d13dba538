"""A Redis store, so several workers or hosts share one consistent state.

Each entity is one key (``<ns>:<table>:<id>``, pydantic JSON) and each table keeps an
index of its ids for scans (``<ns>:_ids:<table>``, a sorted set scored by when each
row's key expires, so the ids of expired rows are pruned instead of piling up).

A unit of work is optimistic, and checked by value: it reads rows with plain ``GET`` s,
remembering the JSON it saw, and commits with one script (:data:`_COMMIT`) that first
compares every row it read (and every index it scanned) with what is there now, and
writes only if nothing changed. Otherwise the whole unit runs again on fresh data. So a
code can be used once across workers: the second attempt re-reads the verification,
finds it verified, and fails. Comparing values rather than ``WATCH`` ing keys gives the
same guarantee (the unit's decisions depend on the values it read, nothing else) at a
fraction of the commands: ``WATCH``, ``MULTI`` and one command per write each cost the
worker a redis-py command to pack and a reply to parse (``docs/performance.md``). A unit
that changes nothing sends no commit: it has no decision to protect, and the rows a
request about a client reads come in one atomic read (:meth:`RedisTx.prefetch`).

Entities that Clerk abandons (sign-ins, sign-ups, sessions, outbox messages, idle
clients) get a TTL, so a long-running shared mock does not grow without bound. A row
that only goes with another (``retention.depends_on``: a client's token row) follows
that row's TTL, through a set of its dependants kept beside it (``<ns>:_deps:...``),
and goes when it is deleted.

One Redis server (or a primary), not Redis Cluster: a unit's keys span hash slots.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable, Iterator
from string import Template
from typing import Any, TypeVar

import redis
from redis.connection import AbstractConnection

from mock_server.clock import Clock
from mock_server.domain import codec
from mock_server.domain.models import (
    TABLES,
    Client,
    Entity,
    Pointer,
    Session,
    SignIn,
    SignUp,
    User,
)
from mock_server.errors import CommittedFapiError
from mock_server.store.base import Tx
from mock_server.store.retention import DEPENDED_ON, depends_on, expires_at

E = TypeVar("E", bound=Entity)
T = TypeVar("T")

_DELETED = object()
MAX_RETRIES = 64
# A unit whose connection drops while it reads runs again, this many times at most.
_READ_RETRIES = 2
# An index score for rows kept for good.
_FOREVER = "+inf"
# Fields per write record in the commit script's ARGV.
_WRITE_FIELDS = 8
# Rows per unit when a whole state is loaded.
_LOAD_BATCH = 1000

# The commit of a unit of work, all or nothing.
#
# KEYS: the rows the unit read, then the indexes it scanned.
# ARGV: how many of each; the JSON each row was read as ('' if absent) and the ids each
# index held (ZRANGE order, space-separated); the mock clock's now (ms); how many writes,
# and per write: op (S set, D delete), key, JSON, TTL ms (0: none), index, id, index
# score, and the row's own dependants set ('' if nothing can depend on its table); then,
# three at a time to the end, the dependant rows written: key, target key, target's
# dependants set.
#
# Returns 0, having changed nothing, if any row or index is not as the unit saw it.
# Otherwise the writes go in, then each dependant takes its target's TTL (or goes in 1 s
# if the target is gone) and joins the target's dependants set, then the dependants of
# every target written take its new TTL (or go, with it, if it was deleted).
_COMMIT = """
local nread, nscan = tonumber(ARGV[1]), tonumber(ARGV[2])
local a = 3
for i = 1, nread do
  if (redis.call('GET', KEYS[i]) or '') ~= ARGV[a] then return 0 end
  a = a + 1
end
for i = nread + 1, nread + nscan do
  if table.concat(redis.call('ZRANGE', KEYS[i], 0, -1), ' ') ~= ARGV[a] then return 0 end
  a = a + 1
end
local now, nwrite = ARGV[a], tonumber(ARGV[a + 1])
a = a + 2
local pruned, lead = {}, {}
for _ = 1, nwrite do
  local op, key, text, ttl, index, id, score, deps = unpack(ARGV, a, a + 7)
  a = a + 8
  if op == 'D' then
    redis.call('DEL', key)
    redis.call('ZREM', index, id)
    if deps ~= '' then lead[#lead + 1] = {deps, -1} end
  else
    if ttl == '0' then
      redis.call('SET', key, text)
    else
      redis.call('SET', key, text, 'PX', ttl)
    end
    redis.call('ZADD', index, score, id)
    if not pruned[index] then
      redis.call('ZREMRANGEBYSCORE', index, '-inf', '(' .. now)
      pruned[index] = true
    end
    if deps ~= '' then lead[#lead + 1] = {deps, tonumber(ttl)} end
  end
end
while a <= #ARGV do
  local key, target, deps = ARGV[a], ARGV[a + 1], ARGV[a + 2]
  a = a + 3
  local ttl = redis.call('PTTL', target)
  redis.call('SADD', deps, key)
  if ttl == -2 then
    redis.call('PEXPIRE', key, 1000)
  elseif ttl == -1 then
    redis.call('PERSIST', key)
    redis.call('PERSIST', deps)
  else
    redis.call('PEXPIRE', key, ttl)
    redis.call('PEXPIRE', deps, ttl)
  end
end
for _, entry in ipairs(lead) do
  local deps, ttl = entry[1], entry[2]
  for _, key in ipairs(redis.call('SMEMBERS', deps)) do
    if ttl < 0 then redis.call('DEL', key)
    elseif ttl == 0 then redis.call('PERSIST', key)
    else redis.call('PEXPIRE', key, ttl) end
  end
  if ttl < 0 then redis.call('DEL', deps)
  elseif ttl == 0 then redis.call('PERSIST', deps)
  else redis.call('PEXPIRE', deps, ttl) end
end
return 1
"""


# The rows a request about a client reads, in one round trip instead of one per row: from
# a client's token row (``prefetch``), the client, then its sessions, sign-in and sign-up,
# then the users of those. It only reads; what the unit then uses of it is checked at
# commit like any other read. (A pointer to anything but a client leads nowhere here: its
# target is looked up as a client, found absent, and that is all.)
#
# KEYS[1]: the row to start from (a pointer, or a client). ARGV[1]: the namespace.
# Returns key, JSON ('' if absent), key, JSON, ... for every row it looked at.
_GRAPH = Template("""
local ns, out = ARGV[1], {}
local function fetch(key)
  local found = redis.call('GET', key)
  out[#out + 1] = key
  out[#out + 1] = found or ''
  if not found then return nil end
  return cjson.decode(found)
end
local function row(kind, id)
  if type(id) == 'string' and id ~= '' then return fetch(ns .. ':' .. kind .. ':' .. id) end
  return nil
end
local client
local pointers = ns .. ':$pointers:'
if KEYS[1]:sub(1, #pointers) == pointers then
  local pointer = fetch(KEYS[1])
  if pointer then client = row('$clients', pointer.target) end
else
  client = fetch(KEYS[1])
end
if not client then return out end
local users = {}
for _, session_id in ipairs(client.session_ids or {}) do
  local session = row('$sessions', session_id)
  if session and type(session.user_id) == 'string' then users[session.user_id] = true end
end
local sign_in = row('$sign_ins', client.sign_in_id)
if sign_in and type(sign_in.user_id) == 'string' then users[sign_in.user_id] = true end
row('$sign_ups', client.sign_up_id)
for user_id in pairs(users) do row('$users', user_id) end
return out
""").substitute(
    pointers=Pointer.table,
    clients=Client.table,
    sessions=Session.table,
    sign_ins=SignIn.table,
    sign_ups=SignUp.table,
    users=User.table,
)


class ContentionError(RuntimeError):
    """A unit of work lost the optimistic race too many times in a row."""


def index_key(namespace: str, table: str) -> str:
    return f"{namespace}:_ids:{table}"


def _call(conn: AbstractConnection, *args: Any) -> Any:
    """One command on a connection the unit holds: redis-py's client would take one from
    the pool and give it back around every command, which costs more than the command."""
    conn.send_command(*args)  # type: ignore[no-untyped-call]
    return conn.read_response()


def _call_all(conn: AbstractConnection, *commands: tuple[Any, ...]) -> list[Any]:
    """Several commands in one round trip; their replies in order, an error reply in its
    place rather than raised (the replies after it are read either way, so the
    connection stays in step)."""
    conn.send_packed_command(conn.pack_commands(commands))  # type: ignore[no-untyped-call]
    replies: list[Any] = []
    for _ in commands:
        try:
            replies.append(conn.read_response())
        except redis.ResponseError as exc:
            replies.append(exc)
    return replies


class _Script:
    """A Lua script run by its hash (``EVALSHA``): one round trip. Only when Redis has
    not seen it yet (first use, a restart, ``SCRIPT FLUSH``) does it go whole, in a
    second. (redis-py's ``Script`` does the same through the client's pool.)"""

    def __init__(self, source: str) -> None:
        self.source = source
        self.sha = hashlib.sha1(source.encode()).hexdigest()

    def run(self, send: Callable[..., Any], keys: list[str], args: list[Any]) -> Any:
        """``send``: how the caller sends one command and reads its reply."""
        try:
            return send("EVALSHA", self.sha, len(keys), *keys, *args)
        except redis.exceptions.NoScriptError:
            return send("EVAL", self.source, len(keys), *keys, *args)


_COMMIT_SCRIPT = _Script(_COMMIT)
_GRAPH_SCRIPT = _Script(_GRAPH)


class RedisTx:
    def __init__(self, conn: AbstractConnection, ns: str, clock: RedisClock | None = None) -> None:
        self._conn = conn
        self._ns = ns
        self._clock = clock
        self._staged: dict[tuple[str, str], Any] = {}
        # The JSON each row was read as (b"" if it was absent): the commit checks that
        # it is still so. An entity that comes out the same is not written back, so a
        # read-only request writes nothing, and concurrent reads of one client on
        # several workers do not make each other run again. (Its TTL stays the one set
        # when it last changed.)
        self._read: dict[tuple[str, str], bytes] = {}
        # The ids each scanned index held, as the commit script joins them.
        self._scanned: dict[str, bytes] = {}
        # Rows fetched ahead (``prefetch``), by key, until the unit reads them (None: absent).
        self._fetched: dict[str, bytes | None] = {}

    def _key(self, table: str, id_: str) -> str:
        return f"{self._ns}:{table}:{id_}"

    def _deps(self, table: str, id_: str) -> str:
        """The set of the keys of the rows that go with this one."""
        return f"{self._ns}:_deps:{table}:{id_}"

    def get(self, kind: type[E], id_: str) -> E | None:
        table_key = (kind.table, id_)
        if table_key in self._staged:
            staged = self._staged[table_key]
            return None if staged is _DELETED else staged
        seen = self._read.get(table_key)
        if seen is not None:  # read before, and absent then
            return None
        raw = self._read_row(self._key(kind.table, id_))
        self._read[table_key] = raw or b""
        if raw is None:
            return None
        entity = codec.from_json(kind, raw)
        self._staged[table_key] = entity
        return entity

    def view(self, kind: type[E], id_: str) -> E | None:
        """As ``get``: the commit writes back whatever changed, viewed or not."""
        return self.get(kind, id_)

    def _send(self, *command: Any) -> Any:
        """One command and its reply: the one way a unit talks to Redis. While the shared
        clock is due to be read (``RedisClock.refresh``), its ``HGETALL`` goes ahead of
        the command in the same round trip."""
        clock = self._clock
        if clock is None or not clock.stale:
            return _call(self._conn, *command)
        state, reply = _call_all(self._conn, ("HGETALL", clock.key), command)
        if isinstance(state, Exception):
            raise state
        clock.adopt(state)
        if isinstance(reply, Exception):
            raise reply
        return reply

    def _read_row(self, key: str) -> bytes | None:
        if key in self._fetched:
            return self._fetched.pop(key)
        found: bytes | None = self._send("GET", key)
        return found

    def prefetch(self, kind: type[Entity], id_: str) -> None:
        """Fetch the row and the client graph behind it (:data:`_GRAPH`) in one round
        trip (with the shared clock, if it is due), for the reads that follow."""
        table_key = (kind.table, id_)
        if table_key in self._staged or table_key in self._read:
            return
        found = _GRAPH_SCRIPT.run(self._send, [self._key(kind.table, id_)], [self._ns])
        for at in range(0, len(found), 2):
            fetched_key = found[at].decode()
            if fetched_key not in self._fetched:
                self._fetched[fetched_key] = found[at + 1] or None

    def put(self, entity: Entity) -> None:
        self._staged[(entity.table, entity.id)] = entity

    def delete(self, kind: type[Entity], id_: str) -> None:
        self._staged[(kind.table, id_)] = _DELETED

    def scan(self, kind: type[E]) -> Iterator[E]:
        index = index_key(self._ns, kind.table)
        members: list[bytes] = self._send("ZRANGE", index, 0, -1)
        self._scanned.setdefault(index, b" ".join(members))
        ids = sorted(m.decode() for m in members)
        seen: set[str] = set()
        for (table, id_), staged in list(self._staged.items()):
            if table == kind.table:
                seen.add(id_)
                if staged is not _DELETED:
                    yield staged
        for id_ in ids:
            if id_ in seen:
                continue
            found = self.get(kind, id_)
            if found is not None:
                yield found

    def commit(self, clock: Clock) -> bool:
        """Check what the unit read and write what it changed, in one script; False if
        another unit changed something this one read first (nothing is written then).

        A unit that changed nothing sends nothing, and does not ask the time: its answer
        was built from rows each as last committed, and the rows a request about a client
        reads came in one atomic read (``prefetch``). Checking them would cost the
        commonest request, a signed-in ``GET /v1/client``, a second round trip.
        """
        changed: list[tuple[str, str, Any, bytes | None]] = []
        for (table, id_), value in self._staged.items():
            if value is _DELETED:
                changed.append((table, id_, value, None))
                continue
            image = codec.to_json(value)
            if image != self._read.get((table, id_)):
                changed.append((table, id_, value, image))
        if not changed:
            return True
        now_ms = clock.now_ms()
        writes: list[Any] = []
        follows: list[str] = []
        for table, id_, value, text in changed:
            key = self._key(table, id_)
            index = index_key(self._ns, table)
            lead = self._deps(table, id_) if table in DEPENDED_ON else ""
            if text is None:
                writes += ("D", key, "", 0, index, id_, 0, lead)
                continue
            deadline = expires_at(value)
            # Relative to the mock's clock, which may run ahead of (or behind) Redis's.
            ttl = 0 if deadline is None else max(deadline - now_ms, 1000)
            # Scored by when the key goes, on the mock's clock; ids scored before now are
            # pruned, once per table a unit writes, so the index holds live rows.
            score = _FOREVER if deadline is None else now_ms + ttl
            writes += ("S", key, text, ttl, index, id_, score, lead)
            target = depends_on(value)
            if target is not None:
                follows += (key, self._key(*target), self._deps(*target))
        keys = [self._key(table, id_) for table, id_ in self._read] + list(self._scanned)
        args = [
            len(self._read),
            len(self._scanned),
            *self._read.values(),
            *self._scanned.values(),
            now_ms,
            len(writes) // _WRITE_FIELDS,
            *writes,
            *follows,
        ]
        return bool(_COMMIT_SCRIPT.run(self._send, keys, args))


class RedisStore:
    def __init__(self, url: str = "redis://127.0.0.1:6379/0", namespace: str = "fapi") -> None:
        self.url = url
        self.namespace = namespace
        self.redis = redis.Redis.from_url(url)
        self.clock: Clock = Clock()
        # The shared clock's hash (``RedisClock``); ``reset`` leaves it to the app.
        self.clock_key = f"{namespace}:_clock"

    def bind(self, clock: Clock) -> Clock:
        shared = RedisClock(self.redis, self.clock_key)
        if not self.redis.exists(self.clock_key):
            shared.offset_ms, shared.frozen_at_ms = clock.offset_ms, clock.frozen_at_ms
            shared.publish()
        shared.pull()
        self.clock = shared
        return shared

    def hits(self) -> RedisHitLog:
        return RedisHitLog(self.redis, f"{self.namespace}:_rate", self.clock_key)

    def sweep(self) -> int:
        """Nothing to do: Redis expires keys itself (see ``queue_writes``)."""
        return 0

    def transact(self, fn: Callable[[Tx], T]) -> T:
        pool = self.redis.connection_pool
        lost = 0
        for _ in range(MAX_RETRIES):
            conn = pool.get_connection()
            try:
                clock = self.clock if isinstance(self.clock, RedisClock) else None
                tx = RedisTx(conn, self.namespace, clock)
                committed: CommittedFapiError | None = None
                try:
                    result = fn(tx)
                except CommittedFapiError as exc:
                    committed = exc
                except (redis.ConnectionError, redis.TimeoutError):
                    # Lost while reading: nothing was written, so the unit can run again.
                    conn.disconnect()  # type: ignore[no-untyped-call]
                    lost += 1
                    if lost > _READ_RETRIES:
                        raise
                    continue
                try:
                    done = tx.commit(self.clock)
                except (redis.ConnectionError, redis.TimeoutError):
                    # The commit may or may not have gone in: running the unit again
                    # could do twice what it did once, so the request fails instead.
                    conn.disconnect()  # type: ignore[no-untyped-call]
                    raise
                if not done:
                    continue
            finally:
                pool.release(conn)
            if committed is not None:
                raise committed
            return result
        raise ContentionError(f"unit of work retried {MAX_RETRIES} times without committing")

    def export(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, model in TABLES.items():

            def rows(tx: Tx, kind: type[Entity] = model) -> list[dict[str, Any]]:
                return [codec.to_data(e) for e in tx.scan(kind)]

            out[name] = self.transact(rows)
        return out

    def load(self, data: dict[str, Any]) -> None:
        entities: list[Entity] = []
        for name, rows in data.items():
            if name not in TABLES:
                raise ValueError(f"unknown table {name!r} in state")
            if not isinstance(rows, list):
                raise ValueError(f"table {name!r} must be a list of rows")
            entities.extend(codec.from_data(TABLES[name], row) for row in rows)
        self.reset()

        # In batches: one commit script's arguments hold every row it writes.
        for start in range(0, len(entities), _LOAD_BATCH):

            def write(tx: Tx, batch: list[Entity] = entities[start : start + _LOAD_BATCH]) -> None:
                for entity in batch:
                    tx.put(entity)

            self.transact(write)

    def reset(self) -> None:
        """Drop every entity (the shared clock is reset by the app, not here)."""
        keys = [
            k
            for k in self.redis.scan_iter(match=f"{self.namespace}:*", count=1000)
            if k != self.clock_key.encode()
        ]
        for start in range(0, len(keys), 500):
            self.redis.delete(*keys[start : start + 500])

    def count(self, kind: type[Entity]) -> int:
        index = index_key(self.namespace, kind.table)
        with self.redis.pipeline(transaction=True) as pipe:
            pipe.zremrangebyscore(index, "-inf", f"({self.clock.now_ms()}")
            pipe.zcard(index)
            return int(pipe.execute()[1])


class RedisClock(Clock):
    """The mock's clock with its offset (or frozen instant) kept in Redis.

    Every worker picks it up anew for each request (``refresh``) and writes through on a
    change (``publish``), so ``POST /__admin/clock`` on one worker moves time for all.
    ``refresh`` only marks the copy stale: the hash is read with the request's first row
    (``RedisTx._send`` sends both in one round trip) or the rate limiter's window (its
    script reads it), or on its own if something asks the time before either. A request
    on Redis makes one to four round trips; this would be one more.
    """

    def __init__(self, client: redis.Redis, key: str) -> None:
        super().__init__()
        self._client = client
        self.key = key
        self.stale = True

    def refresh(self) -> None:
        self.stale = True

    def pull(self) -> None:
        """Read the shared state now (one round trip)."""
        self.adopt(self._client.hgetall(self.key))

    def adopt(self, state: dict[Any, Any] | list[Any]) -> None:
        """Take the shared state from an ``HGETALL`` reply (a dict, or RESP2's flat list)."""
        if isinstance(state, list):
            state = dict(zip(state[::2], state[1::2], strict=True))
        self.offset_ms = int(state.get(b"offset_ms", b"0"))
        frozen = state.get(b"frozen_at_ms", b"")
        self.frozen_at_ms = int(frozen) if frozen else None
        self.stale = False

    def now_ms(self) -> int:
        if self.stale:
            self.pull()
        return super().now_ms()

    def advance(self, seconds: float) -> int:
        self.pull()  # the base class adds to the fields as they stand
        return super().advance(seconds)

    def publish(self) -> None:
        frozen = "" if self.frozen_at_ms is None else str(self.frozen_at_ms)
        self._client.hset(self.key, mapping={"offset_ms": self.offset_ms, "frozen_at_ms": frozen})


# One sliding window per key, as a sorted set of hit times, checked and extended in one
# step so two workers cannot both take the last place in a window.
#
# KEYS: the window, the shared clock's hash. ARGV: window ms, limit, now ms, the worker's
# wall time ms, a unique member suffix, the key's slack ms. A now of -1 means the
# worker's copy of the clock is stale: the script takes the time from the clock's hash
# (as ``RedisClock`` would) and sends the hash's fields back, which saves the request
# the round trip of reading the clock first.
#
# Returns {oldest hit in a full window, or nil; now; offset_ms; frozen_at_ms} (the last
# two nil unless the clock was read here).
_ADMIT = """
local key, window, limit = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2])
local now, offset, frozen = tonumber(ARGV[3]), false, false
if now < 0 then
  local state = redis.call('HMGET', KEYS[2], 'offset_ms', 'frozen_at_ms')
  offset, frozen = state[1] or '0', state[2] or ''
  if frozen ~= '' then now = tonumber(frozen) else now = tonumber(ARGV[4]) + tonumber(offset) end
end
local at = string.format('%d', now)
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local oldest = false
if redis.call('ZCARD', key) >= limit then
  oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')[2]
else
  redis.call('ZADD', key, at, at .. ':' .. ARGV[5])
  redis.call('PEXPIRE', key, window + tonumber(ARGV[6]))
end
return {oldest, at, offset, frozen}
"""
# Keys outlive their window by a day of real time: the mock clock may be frozen, and a
# frozen window must stay full, as it does in one process.
_RATE_KEY_SLACK_MS = 24 * 3600 * 1000


class RedisHitLog:
    """Rate-limit windows in Redis, shared by every worker on the namespace."""

    def __init__(self, client: redis.Redis, prefix: str, clock_key: str) -> None:
        self._client = client
        self._prefix = prefix
        self._clock_key = clock_key
        self._admit = client.register_script(_ADMIT)

    def admit(self, key: str, clock: Clock, window_ms: int, limit: int) -> tuple[int, int | None]:
        # The worker's copy of a shared clock, if it must be read anew: the script does.
        stale = clock if isinstance(clock, RedisClock) and clock.stale else None
        oldest, at, offset, frozen = self._admit(
            keys=[f"{self._prefix}:{key}", self._clock_key],
            args=[
                window_ms,
                limit,
                -1 if stale is not None else clock.now_ms(),
                int(time.time() * 1000),
                secrets.token_hex(8),
                _RATE_KEY_SLACK_MS,
            ],
        )
        if stale is not None:
            stale.adopt({b"offset_ms": offset, b"frozen_at_ms": frozen})
        return int(at), None if oldest is None else int(float(oldest))

    def reset(self) -> None:
        keys = list(self._client.scan_iter(match=f"{self._prefix}:*", count=1000))
        for start in range(0, len(keys), 500):
            self._client.delete(*keys[start : start + 500])
