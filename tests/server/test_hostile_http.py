"""Hostile bodies and a database that does not answer, on both backends: /graphql and the
REST route answer JSON with a code (and a request id where the server failed), write nothing,
and keep answering normal requests afterwards."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from db.engine import create_engine
from db.tables import Project
from tests.api.billing_helpers import count_rows
from tests.conftest import Api, make_app

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
        assert rest.json()["errors"][0]["code"] == "INVALID"
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
