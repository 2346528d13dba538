"""Many routes behind one: find a request's route by its path segments, not one by one.

Starlette's router tries each route's regex in order; with FAPI's ~150 paths a sign-in
attempt was tried against ~45 of them, the largest cost left in a request after the
handler. :class:`IndexedRoutes` holds the routes in their order, indexes them in a trie
of path segments (a ``{param}`` segment matches any non-empty segment, as Starlette's
``str`` convertor does), and asks only the routes the trie allows, in their original
order, through Starlette's own ``matches``. So the answer (the first full match, else
the first partial one for a 405) is the one the linear scan gives; a route the trie
cannot describe (a convertor, a segment mixing text and a parameter) is always asked.

``find`` (the fast path's question: which route serves this method, with what
parameters) asks no regex of a route the trie describes: reaching the route's node
already matched every segment, and a ``str`` parameter is its segment as it stands.
That halved the routing cost of a path with an id in it (``docs/performance.md``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from starlette._utils import get_route_path
from starlette.routing import BaseRoute, Match, NoMatchFound, Route
from starlette.types import Receive, Scope, Send

_PARAM = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*(:str)?\}")
_ROUTE_KEY = "fapi_harness.route"


@dataclass
class _Node:
    static: dict[str, _Node] = field(default_factory=dict)
    param: _Node | None = None
    ends: list[int] = field(default_factory=list)


def _segments(route: BaseRoute) -> list[str] | None:
    """The route's path split on ``/``, or None when the trie cannot describe it."""
    if not isinstance(route, Route):
        return None
    parts = route.path.split("/")
    for part in parts:
        if "{" in part and not _PARAM.fullmatch(part):
            return None
    return parts


class IndexedRoutes(BaseRoute):
    def __init__(self, routes: list[BaseRoute]) -> None:
        self.routes = list(routes)
        # ``find``'s answers for paths without parameters (``/v1/client``, the commonest
        # requests): as many as there are such routes and methods, whatever is asked.
        self._fixed: dict[tuple[str, str], Route] = {}
        self._root = _Node()
        self._always: list[int] = []
        # For each route the trie describes: its parameters' names and segment positions.
        self._params: dict[int, tuple[tuple[str, int], ...]] = {}
        for index, route in enumerate(self.routes):
            parts = _segments(route)
            if parts is None:
                self._always.append(index)
                continue
            node = self._root
            for part in parts:
                if part.startswith("{"):
                    node.param = node.param or _Node()
                    node = node.param
                else:
                    node = node.static.setdefault(part, _Node())
            node.ends.append(index)
            self._params[index] = tuple(
                (part[1:-1].removesuffix(":str"), at)
                for at, part in enumerate(parts)
                if part.startswith("{")
            )

    def _candidates(self, path: str, parts: list[str] | None = None) -> list[int]:
        found: list[int] = list(self._always)
        nodes = [self._root]
        for part in path.split("/") if parts is None else parts:
            following: list[_Node] = []
            for node in nodes:
                child = node.static.get(part)
                if child is not None:
                    following.append(child)
                if node.param is not None and part:
                    following.append(node.param)
            if not following:
                return sorted(found)
            nodes = following
        for node in nodes:
            found.extend(node.ends)
        return sorted(found)

    def _straight(self, parts: list[str]) -> list[int] | None:
        """``_candidates`` for a path that never has a word and a parameter both fit one
        segment (every FAPI path with an id): one node at a time. None when it forks."""
        node = self._root
        for part in parts:
            child = node.static.get(part)
            if child is None:
                if not part or node.param is None:
                    return self._always
                node = node.param
            elif part and node.param is not None:
                return None
            else:
                node = child
        return sorted(self._always + node.ends) if self._always else node.ends

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] != "http":
            return Match.NONE, {}
        partial: tuple[Match, Scope] | None = None
        for index in self._candidates(get_route_path(scope)):
            route = self.routes[index]
            match, child = route.matches(scope)
            if match is Match.FULL:
                return match, {**child, "route": route, _ROUTE_KEY: route}
            if match is Match.PARTIAL and partial is None:
                partial = match, {**child, "route": route, _ROUTE_KEY: route}
        return partial or (Match.NONE, {})

    def find(self, route_path: str, method: str) -> tuple[Route, dict[str, Any]] | None:
        """The route ``matches`` would pick for a full match, and its path parameters,
        without building scopes (a route's regex and convertors are all its ``matches``
        asks); None when no route matches fully (a 404 or 405, which the caller leaves
        to the router) or when a candidate is not a plain route (a mount)."""
        fixed = self._fixed.get((route_path, method))
        if fixed is not None:
            return fixed, {}
        parts = route_path.split("/")
        candidates = self._straight(parts)
        if candidates is None:
            candidates = self._candidates(route_path, parts)
        for index in candidates:
            route = self.routes[index]
            if not isinstance(route, Route):
                return None
            named = self._params.get(index)
            if named is not None:
                # Reached through the trie: a full match, whatever the method.
                if route.methods is not None and method not in route.methods:
                    continue
                if not named and route_path == route.path:
                    self._fixed[(route_path, method)] = route
                params: dict[str, Any] = {}
                for name, at in named:
                    params[name] = parts[at]
                return route, params
            found = route.path_regex.match(route_path)
            if found is None:
                continue
            if route.methods is None or method in route.methods:
                convert = route.param_convertors
                params = {key: convert[key].convert(v) for key, v in found.groupdict().items()}
                if not params and route_path == route.path:
                    self._fixed[(route_path, method)] = route
                return route, params
        return None

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        await scope[_ROUTE_KEY].handle(scope, receive, send)

    def url_path_for(self, name: str, /, **path_params: Any) -> Any:
        for route in self.routes:
            try:
                return route.url_path_for(name, **path_params)
            except NoMatchFound:
                continue
        raise NoMatchFound(name, path_params)
