"""The indexed router picks exactly the route Starlette's linear scan picks."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.routing import BaseRoute, Match, Route

from mock_server.app import _fapi_operations, _fapi_routes, build_app
from mock_server.route_index import IndexedRoutes


def _linear(routes: list[BaseRoute], scope: dict[str, Any]) -> tuple[Match, BaseRoute | None]:
    partial: BaseRoute | None = None
    for route in routes:
        match, _ = route.matches(scope)
        if match is Match.FULL:
            return match, route
        if match is Match.PARTIAL and partial is None:
            partial = route
    return (Match.PARTIAL, partial) if partial else (Match.NONE, None)


def _indexed(index: IndexedRoutes, scope: dict[str, Any]) -> tuple[Match, BaseRoute | None]:
    match, child = index.matches(scope)
    return match, child.get("route")


def _found(index: IndexedRoutes, scope: dict[str, Any]) -> tuple[Match, BaseRoute | None]:
    """What the fast path's ``find`` says, in the linear scan's terms (a full match or
    not); its parameters must be the ones Starlette's own ``matches`` extracts."""
    found = index.find(scope["path"], scope["method"])
    if found is None:
        return Match.NONE, None
    route, params = found
    match, child = route.matches(scope)
    assert match is Match.FULL
    assert child["path_params"] == params
    return Match.FULL, route


def _full_only(answer: tuple[Match, BaseRoute | None]) -> tuple[Match, BaseRoute | None]:
    return answer if answer[0] is Match.FULL else (Match.NONE, None)


def _scope(method: str, path: str) -> dict[str, Any]:
    return {"type": "http", "method": method, "path": path, "root_path": ""}


INDEX = _fapi_routes(_fapi_operations(build_app().state.mock))
ROUTES = INDEX.routes
PATHS = [r.path for r in ROUTES if isinstance(r, Route)]
WORDS = sorted({part for p in PATHS for part in p.split("/")} | {"sia_x", "", "x.y", "%20"})


def test_every_operation_path_resolves_as_the_linear_scan_does() -> None:
    for template in PATHS:
        path = "/".join("id_1" if part.startswith("{") else part for part in template.split("/"))
        for method in ("GET", "POST", "DELETE", "PUT", "PATCH"):
            for candidate in (path, path + "/", path + "/extra", path.upper()):
                scope = _scope(method, candidate)
                linear = _linear(ROUTES, scope)
                assert _indexed(INDEX, scope) == linear, (method, candidate)
                assert _found(INDEX, scope) == _full_only(linear), (method, candidate)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=7),
    st.sampled_from(["GET", "POST", "DELETE", "HEAD"]),
)
def test_any_path_made_of_route_words_resolves_as_the_linear_scan_does(
    parts: list[str], method: str
) -> None:
    scope = _scope(method, "/" + "/".join(parts))
    linear = _linear(ROUTES, scope)
    assert _indexed(INDEX, scope) == linear
    assert _found(INDEX, scope) == _full_only(linear)


def test_a_route_the_trie_cannot_describe_is_always_asked() -> None:
    async def endpoint(request: Any) -> Any:
        raise AssertionError

    routes: list[BaseRoute] = [
        Route("/files/{rest:path}", endpoint),
        Route("/v1/{name}.xml", endpoint),
        Route("/v1/{id}", endpoint),
    ]
    index = IndexedRoutes(routes)
    for path in ("/files/a/b", "/v1/x.xml", "/v1/x", "/nope"):
        scope = _scope("GET", path)
        assert _indexed(index, scope) == _linear(routes, scope), path
        assert _found(index, scope) == _full_only(_linear(routes, scope)), path


def test_fapi_paths_stay_under_v1_so_they_may_be_asked_first() -> None:
    """build_app asks the FAPI routes before /__admin, /__idp and the proxy mount."""
    assert all(path.startswith("/v1/") for path in PATHS)


def test_remembered_answers_are_only_those_of_fixed_paths_so_they_stay_bounded() -> None:
    """``find`` keeps the answers for paths without parameters; whatever else is asked
    (a fuzzer's paths, every sign-in's own path) leaves nothing behind."""
    index = _fapi_routes(_fapi_operations(build_app().state.mock))
    fixed = {
        (route.path, method)
        for route in index.routes
        if isinstance(route, Route) and "{" not in route.path
        for method in route.methods or ()
    }
    for template in PATHS:
        parts = template.split("/")
        path = "/".join(f"id_{n}" if p.startswith("{") else p for n, p in enumerate(parts))
        for method in ("GET", "POST", "HEAD"):
            for candidate in (template, path, path + "/x", template + "/"):
                first = index.find(candidate, method)
                assert index.find(candidate, method) == first, (method, candidate)
    assert index._fixed
    assert set(index._fixed) <= fixed
    assert index.find("/v1/client", "GET") == (index._fixed[("/v1/client", "GET")], {})
