"""A Redis store, so several workers or hosts share one consistent state.

Each entity is one key (``<ns>:<table>:<id>``, pydantic JSON) and each table keeps an
index of its ids for scans (``<ns>:_ids:<table>``, a sorted set scored by when each
row's key expires, so the ids of expired rows are pruned instead of piling up).

A unit of work is optimistic: every key it reads is ``WATCH`` ed, its writes go out in
one ``MULTI``/``EXEC``, and if another worker changed a watched key in between, the
whole unit runs again on fresh data. So a code can be used once across
workers: the second attempt re-reads the verification, finds it verified, and fails.

Entities that Clerk abandons (sign-ins, sign-ups, sessions, outbox messages, idle
clients) get a TTL, so a long-running shared mock does not grow without bound. A row
that only goes with another (``retention.depends_on``: a client's token row) follows
that row's TTL, through a set of its dependants kept beside it (``<ns>:_deps:...``),
and goes when it is deleted.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import redis
from redis.client import Pipeline

from mock_server.clock import Clock
from mock_server.domain.models import TABLES, Entity
from mock_server.errors import CommittedFapiError
from mock_server.store.base import Tx
from mock_server.store.retention import DEPENDED_ON, depends_on, expires_at

E = TypeVar("E", bound=Entity)
T = TypeVar("T")

_DELETED = object()
MAX_RETRIES = 64
# An index score for rows kept for good.
_FOREVER = "+inf"

# Sent whole (EVAL, not EVALSHA): Redis caches the compiled script by its hash, and a
# registered script would cost every unit a SCRIPT EXISTS round trip before its MULTI.

# A dependant row takes its target's TTL (or goes, if the target is gone), and joins the
# target's set of dependants. KEYS: dependant, target, the target's dependants set.
_FOLLOW = """
local ttl = redis.call('PTTL', KEYS[2])
redis.call('SADD', KEYS[3], KEYS[1])
if ttl == -2 then
  redis.call('PEXPIRE', KEYS[1], 1000)
elseif ttl == -1 then
  redis.call('PERSIST', KEYS[1])
  redis.call('PERSIST', KEYS[3])
else
  redis.call('PEXPIRE', KEYS[1], ttl)
  redis.call('PEXPIRE', KEYS[3], ttl)
end
"""
# A target was written with a TTL (ARGV[1] ms; 0: none) or deleted (ARGV[1] = -1): its
# dependants follow. KEYS: the target's dependants set.
_LEAD = """
local ttl = tonumber(ARGV[1])
for _, key in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if ttl < 0 then redis.call('DEL', key)
  elseif ttl == 0 then redis.call('PERSIST', key)
  else redis.call('PEXPIRE', key, ttl) end
end
if ttl < 0 then redis.call('DEL', KEYS[1])
elseif ttl == 0 then redis.call('PERSIST', KEYS[1])
else redis.call('PEXPIRE', KEYS[1], ttl) end
"""


class ContentionError(RuntimeError):
    """A unit of work lost the optimistic race too many times in a row."""


def index_key(namespace: str, table: str) -> str:
    return f"{namespace}:_ids:{table}"


class RedisTx:
    def __init__(self, pipe: Pipeline, ns: str) -> None:
        self._pipe = pipe
        self._ns = ns
        self._staged: dict[tuple[str, str], Any] = {}
        self._watched: set[str] = set()
        # The JSON each entity was read as. An entity that comes out the same is not
        # written back: a read-only request then writes nothing, so concurrent reads of
        # one client on several workers no longer invalidate each other's WATCH and
        # retry. (Its TTL stays the one set when it last changed.)
        self._read: dict[tuple[str, str], str] = {}

    def _key(self, table: str, id_: str) -> str:
        return f"{self._ns}:{table}:{id_}"

    def _deps(self, table: str, id_: str) -> str:
        """The set of the keys of the rows that go with this one."""
        return f"{self._ns}:_deps:{table}:{id_}"

    def _watch(self, key: str) -> None:
        if key not in self._watched:
            self._pipe.watch(key)  # type: ignore[no-untyped-call]
            self._watched.add(key)

    def _watch_get(self, key: str) -> bytes | None:
        """``WATCH key`` then ``GET key``, in one round trip once the unit has its
        connection: a signed-in request reads four or five rows, and each round trip
        costs the worker ~200 us of CPU in system calls (``docs/performance.md``)."""
        conn = self._pipe.connection
        if conn is None or key in self._watched:
            self._watch(key)
            value = self._pipe.get(key)
            return value.encode() if isinstance(value, str) else value
        self._watched.add(key)
        try:
            packed = conn.pack_commands([("WATCH", key), ("GET", key)])  # type: ignore[no-untyped-call]
            conn.send_packed_command(packed)  # type: ignore[no-untyped-call]
            conn.read_response()
            found = conn.read_response()
        except (redis.ConnectionError, redis.TimeoutError) as exc:
            # As redis-py does for a command sent while watching: the watch is lost,
            # so the unit runs again (``transact`` retries on WatchError).
            conn.disconnect()  # type: ignore[no-untyped-call]
            raise redis.WatchError("connection lost while watching") from exc
        return found.encode() if isinstance(found, str) else found

    def get(self, kind: type[E], id_: str) -> E | None:
        table_key = (kind.table, id_)
        if table_key in self._staged:
            staged = self._staged[table_key]
            return None if staged is _DELETED else staged
        key = self._key(kind.table, id_)
        raw = self._watch_get(key)
        if raw is None:
            return None
        entity = kind.model_validate_json(raw)
        self._staged[table_key] = entity
        self._read[table_key] = raw.decode() if isinstance(raw, bytes) else str(raw)
        return entity

    def put(self, entity: Entity) -> None:
        self._staged[(entity.table, entity.id)] = entity

    def delete(self, kind: type[Entity], id_: str) -> None:
        self._staged[(kind.table, id_)] = _DELETED

    def scan(self, kind: type[E]) -> Iterator[E]:
        index = index_key(self._ns, kind.table)
        self._watch(index)
        members = self._pipe.zrange(index, 0, -1)
        ids: list[str] = sorted(m.decode() if isinstance(m, bytes) else str(m) for m in members)
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

    def queue_writes(self, pipe: Pipeline, now_ms: int) -> None:
        """Every changed row, then each dependant's TTL from its target, then each
        target's dependants from its new TTL: the scripts read what the writes set."""
        follow: list[tuple[str, tuple[str, str]]] = []
        lead: list[tuple[str, str, int]] = []
        pruned: set[str] = set()
        for (table, id_), value in self._staged.items():
            key = self._key(table, id_)
            index = index_key(self._ns, table)
            if value is _DELETED:
                pipe.delete(key)
                pipe.zrem(index, id_)
                if table in DEPENDED_ON:
                    lead.append((table, id_, -1))
                continue
            text = value.model_dump_json()
            if text == self._read.get((table, id_)):
                continue
            pipe.set(key, text)
            deadline = expires_at(value)
            ttl = 0
            if deadline is not None:
                # Relative to the mock's clock, which may run ahead of (or behind) Redis's.
                ttl = max(deadline - now_ms, 1000)
                pipe.pexpire(key, ttl)
            # Scored by when the key goes, on the mock's clock; ids scored before now
            # are pruned, once per table a unit writes, so the index holds live rows.
            pipe.zadd(index, {id_: _FOREVER if deadline is None else now_ms + ttl})
            if index not in pruned:
                pipe.zremrangebyscore(index, "-inf", f"({now_ms}")
                pruned.add(index)
            if table in DEPENDED_ON:
                lead.append((table, id_, ttl))
            target = depends_on(value)
            if target is not None:
                follow.append((key, target))
        for key, (table, id_) in follow:
            pipe.eval(_FOLLOW, 3, key, self._key(table, id_), self._deps(table, id_))
        for table, id_, ttl in lead:
            pipe.eval(_LEAD, 1, self._deps(table, id_), ttl)


class RedisStore:
    def __init__(self, url: str = "redis://127.0.0.1:6379/0", namespace: str = "fapi") -> None:
        self.url = url
        self.namespace = namespace
        self.redis = redis.Redis.from_url(url)
        self.clock: Clock = Clock()

    def bind(self, clock: Clock) -> Clock:
        shared = RedisClock(self.redis, f"{self.namespace}:_clock")
        if not self.redis.exists(f"{self.namespace}:_clock"):
            shared.offset_ms, shared.frozen_at_ms = clock.offset_ms, clock.frozen_at_ms
            shared.publish()
        shared.refresh()
        self.clock = shared
        return shared

    def hits(self) -> RedisHitLog:
        return RedisHitLog(self.redis, f"{self.namespace}:_rate")

    def sweep(self) -> int:
        """Nothing to do: Redis expires keys itself (see ``queue_writes``)."""
        return 0

    def transact(self, fn: Callable[[Tx], T]) -> T:
        for _ in range(MAX_RETRIES):
            with self.redis.pipeline(transaction=True) as pipe:
                tx = RedisTx(pipe, self.namespace)
                committed: CommittedFapiError | None = None
                try:
                    result = fn(tx)
                except CommittedFapiError as exc:
                    committed = exc
                except redis.WatchError:
                    continue  # the connection went while reading: run it again
                try:
                    pipe.multi()
                    tx.queue_writes(pipe, self.clock.now_ms())
                    pipe.execute()
                except redis.WatchError:
                    continue
                if committed is not None:
                    raise committed
                return result
        raise ContentionError(f"unit of work retried {MAX_RETRIES} times without committing")

    def export(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, model in TABLES.items():

            def rows(tx: Tx, kind: type[Entity] = model) -> list[dict[str, Any]]:
                return [e.model_dump(mode="json") for e in tx.scan(kind)]

            out[name] = self.transact(rows)
        return out

    def load(self, data: dict[str, Any]) -> None:
        entities: list[Entity] = []
        for name, rows in data.items():
            if name not in TABLES:
                raise ValueError(f"unknown table {name!r} in state")
            if not isinstance(rows, list):
                raise ValueError(f"table {name!r} must be a list of rows")
            entities.extend(TABLES[name].model_validate(row) for row in rows)
        self.reset()

        def write(tx: Tx) -> None:
            for entity in entities:
                tx.put(entity)

        self.transact(write)

    def reset(self) -> None:
        """Drop every entity (the shared clock is reset by the app, not here)."""
        keys = [
            k
            for k in self.redis.scan_iter(match=f"{self.namespace}:*", count=1000)
            if not k.endswith(b":_clock")
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

    Every worker reads it at the start of each request (``refresh``) and writes through
    on a change (``publish``), so ``POST /__admin/clock`` on one worker moves time for all.
    """

    def __init__(self, client: redis.Redis, key: str) -> None:
        super().__init__()
        self._client = client
        self._key = key

    def refresh(self) -> None:
        state = self._client.hgetall(self._key)
        self.offset_ms = int(state.get(b"offset_ms", b"0"))
        frozen = state.get(b"frozen_at_ms", b"")
        self.frozen_at_ms = int(frozen) if frozen else None

    def publish(self) -> None:
        frozen = "" if self.frozen_at_ms is None else str(self.frozen_at_ms)
        self._client.hset(self._key, mapping={"offset_ms": self.offset_ms, "frozen_at_ms": frozen})


# One sliding window per key, as a sorted set of hit times, checked and extended in one
# step so two workers cannot both take the last place in a window.
_ADMIT = """
local key, now, window, limit = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
if redis.call('ZCARD', key) >= limit then
  return tonumber(redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')[2])
end
redis.call('ZADD', key, now, ARGV[4])
redis.call('PEXPIRE', key, window + tonumber(ARGV[5]))
return false
"""
# Keys outlive their window by a day of real time: the mock clock may be frozen, and a
# frozen window must stay full, as it does in one process.
_RATE_KEY_SLACK_MS = 24 * 3600 * 1000


class RedisHitLog:
    """Rate-limit windows in Redis, shared by every worker on the namespace."""

    def __init__(self, client: redis.Redis, prefix: str) -> None:
        self._client = client
        self._prefix = prefix
        self._admit = client.register_script(_ADMIT)

    def admit(self, key: str, now_ms: int, window_ms: int, limit: int) -> int | None:
        member = f"{now_ms}:{secrets.token_hex(8)}"
        oldest = self._admit(
            keys=[f"{self._prefix}:{key}"],
            args=[now_ms, window_ms, limit, member, _RATE_KEY_SLACK_MS],
        )
        return None if oldest is None else int(oldest)

    def reset(self) -> None:
        keys = list(self._client.scan_iter(match=f"{self._prefix}:*", count=1000))
        for start in range(0, len(keys), 500):
            self._client.delete(*keys[start : start + 500])
