"""Hostile bodies and a database that does not answer, on both backends: /graphql and the
REST route answer JSON with a code (and a request id where the server failed), write nothing,
and keep answering normal requests afterwards."""

from __future__ import annotations

import contextlib
import json
import socket
from typing import Any
from urllib.parse import urlparse

import httpx
import pytest

from db.engine import create_engine
from db.tables import Project
from tests.api.billing_helpers import count_rows
from tests.conftest import Api, make_app
from tests.server.live import Live

REST = "/invoices/distribute-milestone-payments"
CREATE = (
    "mutation($input: CreateProjectInput!) { createProject(input: $input) "
    "{ project { id } userErrors { field code } } }"
)
NESTED_1000 = b'{"query": "{ __typename }", "variables": {"v": ' + b"[" * 1000 + b"]" * 1000 + b"}}"

BAD_BODIES = {
    "nested-1000": NESTED_1000,
    "nested-100000": b"[" * 100_000 + b"]" * 100_000,
    "invalid-utf8": b'{"query": "{ project(id: \\"\xff\xfe\\") { id } }"}',
    "malformed": b'{"query": ',
    "empty": b"",
    "missing-query": b'{"variables": {}}',
    "query-not-a-string": b'{"query": 42}',
    "nan": b'{"query": "{ __typename }", "variables": {"v": NaN}}',
    "10000-digit-number": b'{"query": "{ __typename }", "variables": {"v": '
    + b"9" * 10_000
    + b"}}",
    "a-string": b'"x"',
    "a-number": b"5",
    "null": b"null",
    "a-boolean": b"true",
    "a-batch": b'[{"query": "{ __typename }"}]',
    # Python's json keeps the last `query`; a gateway reading the first would see a query
    "duplicate-key": b'{"query": "{ __typename }", "query": '
    b'"mutation { createProject(input: {name: \\"D\\", clientName: \\"C\\", '
    b'currency: \\"USD\\"}) { project { id } } }"}',
    "201-items": b'{"query": "{ __typename }", "variables": {"v": ['
    + b",".join([b"1"] * 201)
    + b"]}}",
    "2201-values": b'{"query": "{ __typename }", "variables": {"v": ['
    + b",".join([b"[1,2,3,4,5,6,7,8,9,10]"] * 200)
    + b"]}}",
}


def write_headers(api: Api) -> dict[str, str]:
    return {"Authorization": f"Bearer {api.write_key}", "Content-Type": "application/json"}


async def send_escaped(api: Api, path: str, payload: dict[str, Any]) -> httpx.Response:
    """POST `payload` as a client's JSON encoder writes it: a lone surrogate as `\\ud800`."""
    return await api.client.post(path, content=json.dumps(payload), headers=write_headers(api))


async def still_answers(api: Api) -> None:
    assert (await api.gql("{ projects { totalCount } }"))["projects"]["totalCount"] >= 0
    assert (await api.client.get("/healthz")).status_code == 200


@pytest.mark.parametrize("name", sorted(BAD_BODIES))
async def test_a_bad_body_is_a_json_400_with_a_code(api: Api, name: str) -> None:
    response = await api.client.post(
        "/graphql", content=BAD_BODIES[name], headers=write_headers(api)
    )
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/json")
    [error] = response.json()["errors"]
    assert error["extensions"] == {
        "code": "BAD_REQUEST",
        "requestId": response.headers["x-request-id"],
    }
    assert error["message"]
    rest = await api.client.post(REST, content=BAD_BODIES[name], headers=write_headers(api))
    if name not in ("missing-query", "query-not-a-string"):  # JSON objects: REST reads them
        assert rest.status_code == 400, rest.text
        assert rest.json()["errors"][0]["code"] == "BAD_REQUEST"
    assert await count_rows(api, Project) == 0
    await still_answers(api)


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("PUT", "/graphql", 405, "METHOD_NOT_ALLOWED"),
        ("DELETE", "/graphql", 405, "METHOD_NOT_ALLOWED"),
        ("PATCH", "/graphql", 405, "METHOD_NOT_ALLOWED"),
        ("GET", REST, 405, "METHOD_NOT_ALLOWED"),
        ("POST", "/healthz", 405, "METHOD_NOT_ALLOWED"),
        ("POST", "/metrics", 405, "METHOD_NOT_ALLOWED"),
        ("GET", "/nowhere", 404, "NOT_FOUND"),
        ("GET", "/graphiql-assets/nothing.js", 404, "NOT_FOUND"),
    ],
)
async def test_every_http_refusal_is_json_with_a_code(
    api: Api, method: str, path: str, status: int, code: str
) -> None:
    response = await api.client.request(method, path, content=b"{}", headers=write_headers(api))
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == code
    if status == 405:
        assert "POST" in response.headers["allow"] or "GET" in response.headers["allow"]


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
async def test_the_rest_route_takes_only_json(api: Api, content_type: str | None) -> None:
    headers = {"Authorization": f"Bearer {api.write_key}"}
    if content_type:
        headers["Content-Type"] = content_type
    response = await api.client.post(REST, content=b'{"invoice_id": "inv_x"}', headers=headers)
    assert response.status_code == 415, response.text
    assert response.json()["errors"][0]["code"] == "UNSUPPORTED_MEDIA_TYPE"
    await still_answers(api)


@pytest.mark.parametrize(
    ("variables", "field"),
    [
        (
            {"input": {"name": "Lone \ud800", "clientName": "Acme", "currency": "USD"}},
            "$input.name",
        ),
        (
            {"input": {"name": "Web", "clientName": "\udfff", "currency": "USD"}},
            "$input.clientName",
        ),
        (
            {"input": {"name": "Web", "clientName": "Ac\x00me", "currency": "USD"}},
            "$input.clientName",
        ),
    ],
    ids=["high-surrogate", "low-surrogate", "nul"],
)
async def test_unstorable_text_is_invalid_and_writes_nothing(
    api: Api, variables: dict[str, Any], field: str
) -> None:
    response = await send_escaped(api, "/graphql", {"query": CREATE, "variables": variables})
    assert response.status_code == 200
    [error] = response.json()["errors"]
    assert error["extensions"] == {"code": "INVALID", "field": field}
    assert await count_rows(api, Project) == 0
    by_id = await send_escaped(
        api,
        "/graphql",
        {"query": "query($id: ID!) { project(id: $id) { id } }", "variables": {"id": "prj_\ud800"}},
    )
    assert by_id.json()["errors"][0]["extensions"]["code"] == "INVALID"
    rest = await send_escaped(api, REST, {"invoice_id": "inv_\ud800"})
    assert (rest.status_code, rest.json()["errors"][0]["code"]) == (422, "INVALID")
    await still_answers(api)


@pytest.mark.parametrize("amount", ["1" * 10_000, "1" * 4_301 + ".00", "1" * 16])
async def test_an_amount_of_too_many_digits_is_invalid_amount(api: Api, amount: str) -> None:
    variables = {
        "input": {"name": "W", "clientName": "A", "currency": "USD", "contractValue": amount}
    }
    data = await api.gql(CREATE, variables)
    assert data["createProject"]["userErrors"] == [
        {"field": ["contractValue"], "code": "INVALID_AMOUNT"}
    ]
    literal = await api.gql(
        f'mutation {{ createProject(input: {{name: "W", clientName: "A", currency: "USD", '
        f"contractValue: {'7' * 10_000}}}) {{ userErrors {{ field code }} }} }}"
    )
    assert literal["createProject"]["userErrors"] == [
        {"field": ["contractValue"], "code": "INVALID_AMOUNT"}
    ]
    assert await count_rows(api, Project) == 0


def unreachable_url(database_url: str, tmp_path: Any) -> str:
    if database_url.startswith("sqlite"):
        return f"sqlite+aiosqlite:///{tmp_path}"  # a directory: SQLite cannot open it
    return "postgresql+asyncpg://nobody@127.0.0.1:1/nothing"  # nothing listens on port 1


async def test_an_unreachable_database_is_a_json_503_with_a_request_id(
    api: Api, database_url: str, tmp_path: Any
) -> None:
    engine = create_engine(unreachable_url(database_url, tmp_path))
    transport = httpx.ASGITransport(app=make_app(engine, api.clock))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            graphql = await client.post(
                "/graphql",
                json={"query": "{ projects { totalCount } }"},
                headers=write_headers(api),
            )
            rest = await client.post(REST, json={"invoice_id": "inv_x"}, headers=write_headers(api))
            health = await client.get("/healthz")
    finally:
        await engine.dispose()
    assert graphql.status_code == 503
    [error] = graphql.json()["errors"]
    assert error["extensions"] == {
        "code": "SERVICE_UNAVAILABLE",
        "requestId": graphql.headers["x-request-id"],
    }
    assert rest.status_code == 503
    [rest_error] = rest.json()["errors"]
    assert (rest_error["code"], rest_error["request_id"]) == (
        "SERVICE_UNAVAILABLE",
        rest.headers["x-request-id"],
    )
    assert health.status_code == 503
    assert health.json() == {"status": "unavailable"}
    await still_answers(api)  # the same server on a reachable database


async def test_an_unexpected_failure_outside_resolvers_is_a_json_500(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken_context(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("secret detail")

    monkeypatch.setattr("server.graphql_app.BillingGraphQL.get_context", broken_context)
    response = await api.post("{ projects { totalCount } }")
    assert response.status_code == 500
    assert "secret detail" not in response.text
    [error] = response.json()["errors"]
    assert error["extensions"] == {
        "code": "INTERNAL",
        "requestId": response.headers["x-request-id"],
    }


def raw_request(live: Live, head: bytes) -> bytes:
    """Send `head` on a new connection; return the first bytes answered."""
    url = urlparse(live.base_url)
    with socket.create_connection((url.hostname, url.port), timeout=30) as connection:
        # the server may close while we still send: its answer is read below
        with contextlib.suppress(OSError):
            connection.sendall(head)
        return connection.recv(65536)


@pytest.mark.parametrize(
    "head",
    [
        b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 8_000_000 + b"\r\n\r\n",
        b"GET /healthz HTTP/1.1\r\nHost: x\r\n"
        + b"".join(b"X-%d: %s\r\n" % (i, b"a" * 1000) for i in range(100))
        + b"\r\n",
        b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Partial: " + b"a" * 200_000,  # never ends
    ],
    ids=["one-8MB-header", "100-headers-of-1KB", "200KB-unfinished"],
)
def test_request_headers_over_64_kib_are_a_431(live: Live, head: bytes) -> None:
    answer = raw_request(live, head)
    assert answer.startswith(b"HTTP/1.1 431"), answer[:200]
    assert b'"code": "HEADERS_TOO_LARGE"' in answer
    assert httpx.get(f"{live.base_url}/healthz", timeout=30).status_code == 200


def test_headers_under_the_limit_are_read(live: Live) -> None:
    headers = {f"X-{i}": "a" * 1000 for i in range(40)}  # 40 KB
    assert httpx.get(f"{live.base_url}/healthz", headers=headers, timeout=30).status_code == 200
