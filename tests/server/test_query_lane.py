"""The query lane (server/query_lane.py) answers plain read-only POSTs byte for byte and header
for header as the full path with graphql-core's own executor does, answers them itself, and
hands every other request to the full path untouched."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import orjson
import pytest
from hypothesis import HealthCheck, given, settings

from bench.shapes import SHAPES
from schema import build_schema
from server import query_lane
from server.app import create_app
from server.settings import Settings
from tests.api.generated_documents import documents
from tests.api.test_fast_path_shapes import PLACEHOLDERS, Recording, demo_ids, with_demo_ids
from tests.conftest import Api

ORIGIN = "https://app.example"


@pytest.fixture
def lane_runs(monkeypatch: pytest.MonkeyPatch) -> type[Recording]:
    """Counts the queries the lane answered itself."""
    monkeypatch.setattr(query_lane, "FastExecutor", Recording)
    Recording.answered = 0
    return Recording


@asynccontextmanager
async def client(api: Api, *, lane: bool) -> AsyncIterator[httpx.AsyncClient]:
    """A client of an app with the lane (and the fast executor) on, or with both off."""
    settings = Settings(fast_queries=lane, cors_origins=(ORIGIN,))  # no stats: times differ
    app = create_app(settings, engine=api.engine, clock=api.clock)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        # The lane knows only keys the full path has found: the first request finds it.
        await http.post("/graphql", json={"query": "{ __typename }"}, headers=auth(api))
        yield http


def auth(api: Api) -> dict[str, str]:
    # One request id for both apps: error answers carry it.
    return {"Authorization": f"Bearer {api.read_key}", "X-Request-ID": "lane-test"}


def seen(response: httpx.Response) -> tuple[int, list[tuple[str, str]], bytes]:
    """What a client sees of an answer: status, headers, body bytes."""
    return response.status_code, response.headers.multi_items(), response.content


async def both(api: Api, lane_runs: type[Recording], **request: Any) -> tuple[Any, Any, bool]:
    """Send one request to both apps; return both answers and whether the lane answered."""
    async with client(api, lane=True) as lane, client(api, lane=False) as plain:
        before = lane_runs.answered
        lane_answer = seen(await lane.request(**request))
        answered = lane_runs.answered > before
        plain_answer = seen(await plain.request(**request))
    return lane_answer, plain_answer, answered


def post(api: Api, body: Any, **headers: str) -> dict[str, Any]:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()  # any int
    return {
        "method": "POST",
        "url": "/graphql",
        "content": content,
        "headers": {**auth(api), "Content-Type": "application/json", **headers},
    }


async def test_every_shape_is_answered_by_the_lane_as_the_full_path_answers(
    demo_api: Api, lane_runs: type[Recording]
) -> None:
    ids = await demo_ids(demo_api)
    for shape in SHAPES:
        body = {"query": shape.query, "variables": shape.variables(ids)}
        lane, plain, answered = await both(demo_api, lane_runs, **post(demo_api, body))
        assert answered, f"{shape.name}: the lane stepped aside"
        assert lane == plain, shape.name
        assert b'"errors"' not in lane[2] and lane[0] == 200, shape.name


@pytest.mark.parametrize(
    ("accept", "origin"),
    [
        (None, None),
        ("application/graphql-response+json", None),
        ("application/graphql-response+json, application/json;q=0.9", None),
        ("application/json;q=0.5, application/graphql-response+json;q=0.4", None),
        (
            "application/graphql-response+json, application/graphql+json, application/json, "
            "text/event-stream, multipart/mixed",
            None,
        ),
        ("*/*", ORIGIN),
        ("application/json", "https://elsewhere.example"),
    ],
)
async def test_media_types_and_cors_headers_match_the_full_path(
    demo_api: Api, lane_runs: type[Recording], accept: str | None, origin: str | None
) -> None:
    headers = {k: v for k, v in {"Accept": accept, "Origin": origin}.items() if v is not None}
    request = post(demo_api, {"query": "{ projects(first: 2) { nodes { id } } }"}, **headers)
    lane, plain, answered = await both(demo_api, lane_runs, **request)
    assert answered
    assert lane == plain


STEP_ASIDE = {
    "mutation": {"query": 'mutation { archiveProject(input: {projectId: "x"}) { __typename } }'},
    "invalid document": {"query": "{ projects { nope } }"},
    "syntax error": {"query": "{ projects("},
    "two operations, no name": {"query": "query A { __typename } query B { __typename }"},
    "unknown operation name": {"query": "query A { __typename }", "operationName": "B"},
    "bad variable": {
        "query": "query($n: Int) { projects(first: $n) { totalCount } }",
        "variables": {"n": "ten"},
    },
    "missing variable": {"query": "query($id: ID!) { project(id: $id) { id } }"},
    "over the cost limit": {
        "query": "{ projects(first: 100) { nodes { invoices(first: 100) { nodes { lines {"
        " id } allocations { id } } } } } }"
    },
    "introspection": {"query": "{ __schema { queryType { name } } }"},
    "persisted query": {
        "query": "{ __typename }",
        "extensions": {"persistedQuery": {"version": 1, "sha256Hash": "0" * 64}},
    },
    "unknown key in the body": {"query": "{ __typename }", "extra": 1},
    "variables not an object": {"query": "{ __typename }", "variables": [1]},
    "NUL in a variable": {
        "query": "query($q: String) { projects(search: $q) { totalCount } }",
        "variables": {"q": "a\u0000b"},
    },
    "a null where none is allowed": {"query": '{ project(id: "prj_unknown") { id } }'},
}


@pytest.mark.parametrize("case", sorted(STEP_ASIDE))
async def test_what_the_lane_does_not_answer_gets_the_full_paths_answer(
    demo_api: Api, lane_runs: type[Recording], case: str
) -> None:
    lane, plain, _ = await both(demo_api, lane_runs, **post(demo_api, STEP_ASIDE[case]))
    assert lane == plain


RAW_BODIES = {
    "duplicate key": b'{"query": "{ __typename }", "query": "{ __typename }"}',
    "not JSON": b"{ __typename }",
    "a JSON list": b'[{"query": "{ __typename }"}]',
    "deep nesting": b'{"query": "{ __typename }", "variables": {"a": '
    + b"[" * 100
    + b"]" * 100
    + b"}}",
}


@pytest.mark.parametrize("case", sorted(RAW_BODIES))
async def test_bodies_the_full_path_refuses_are_refused_alike(
    demo_api: Api, lane_runs: type[Recording], case: str
) -> None:
    lane, plain, answered = await both(demo_api, lane_runs, **post(demo_api, RAW_BODIES[case]))
    assert not answered
    assert lane == plain and lane[0] >= 400


async def test_requests_the_lane_leaves_alone(demo_api: Api, lane_runs: type[Recording]) -> None:
    body = orjson.dumps({"query": "{ projects(first: 1) { totalCount } }"})
    requests = [
        {
            "method": "GET",
            "url": "/graphql",
            "params": {"query": "{ __typename }"},
            "headers": auth(demo_api),
        },
        {
            **post(demo_api, body),
            "headers": {"Content-Type": "application/json", "X-Request-ID": "t"},
        },
        {
            **post(demo_api, body),
            "headers": {
                "Authorization": "Bearer mbk_wrong",
                "X-Request-ID": "lane-test",
                "Content-Type": "application/json",
            },
        },
        post(demo_api, body, **{"Content-Type": "text/plain"}),
        post(demo_api, body, **{"Content-Type": "APPLICATION/JSON"}),
        post(demo_api, body, Accept="text/html"),
        {**post(demo_api, body), "url": "/graphql?query=x"},
    ]
    for request in requests:
        lane, plain, answered = await both(demo_api, lane_runs, **request)
        assert not answered, request
        assert lane == plain, request


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=documents(build_schema()._schema, ids=list(PLACEHOLDERS)))
async def test_generated_documents_get_the_same_answer_from_the_lane(
    demo_api: Api, lane_runs: type[Recording], data: tuple[str, dict[str, Any]]
) -> None:
    query, variables = with_demo_ids(data, await demo_ids(demo_api))
    body = {"query": query, "variables": variables}
    lane, plain, answered = await both(demo_api, lane_runs, **post(demo_api, body))
    assert lane == plain, query
    assert answered or b'"errors"' in plain[2], query


@pytest.mark.parametrize(
    "first", [3_000_000_000, 2**64, int("9" * 1000)], ids=["3e9", "2**64", "1000 digits"]
)
async def test_a_page_size_no_int_holds_is_the_variables_error_on_both_paths(
    demo_api: Api, lane_runs: type[Recording], first: int
) -> None:
    """Found from outside: the cost was priced from the raw variable (QUERY_TOO_COSTLY, or an
    INTERNAL error when the figure could not be encoded) before the variable was coerced."""
    body = {
        "query": "query($f: Int) { projects(first: $f) { nodes { id } } }",
        "variables": {"f": first},
    }
    lane, plain, answered = await both(demo_api, lane_runs, **post(demo_api, body))
    assert lane == plain and not answered
    error = orjson.loads(lane[2])["errors"][0]
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED", error
    assert "$f" in error["message"] and "32-bit" in error["message"]
