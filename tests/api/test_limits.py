"""Limits and refusals: depth, aliases, tokens, cost, body size, bad requests; masked errors
with a request id; the JSON request log.

A query over a limit gets a clear error and runs nothing: the only SQL statement of such a
request is the API key lookup (EXPOSE_QUERY_STATS is on in these tests, so every response
reports `extensions.stats.sqlStatements`), and a mutation over a limit writes nothing.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import func, select

from db.tables import Project
from schema import MAX_ALIASES, MAX_DEPTH, MAX_TOKENS
from schema.cost import MAX_COST
from schema.documents import MAX_FRAGMENTS, MAX_SELECTIONS
from server.logs import JsonFormatter
from server.observability import MAX_BODY_BYTES
from tests.conftest import Api

CREATE_INPUT = '{name: "Limits", clientName: "Acme", currency: "USD"}'


async def project_rows(api: Api) -> int:
    async with api.engine.connect() as connection:
        statement = (
            select(func.count()).select_from(Project).where(Project.account_id == api.account_id)
        )  # type: ignore[arg-type]
        return int((await connection.execute(statement)).scalar_one())


async def auth_only_statements(api: Api) -> int:
    """The statements of a request that runs nothing (the key lookup is not counted)."""
    body = (await api.post("{ __typename }")).json()
    return int(body["extensions"]["stats"]["sqlStatements"])


def chain(fields: int) -> str:
    """Milestone fields nested `fields` deep (the root field counts as depth 0), no lists."""
    inner = "id"
    for name in reversed((["scheduleItem", "milestone"] * 10)[: fields - 2]):
        inner = f"{name} {{ {inner} }}"
    return inner


def deep_query(depth: int) -> str:
    return f'{{ node(id: "mst_nothing") {{ ... on Milestone {{ {chain(depth)} }} }} }}'


def aliased_query(count: int) -> str:
    return (
        "{ " + " ".join(f"a{i}: projects(first: 1) {{ totalCount }}" for i in range(count)) + " }"
    )


def tokens_query(count: int) -> str:
    """A valid document of about `count` tokens but few selections: one long list literal
    (a schedule of many items, 11 tokens each, for a project that does not exist)."""
    n = max(1, (count - 30) // 11)
    items = " ".join('{name: "x", percentage: 1, trigger: "t"}' for _ in range(n))
    return (
        f'mutation {{ createInvoiceSchedule(input: {{projectId: "prj_none", items: [{items}]}})'
        " { userErrors { code } } }"
    )


def selections_query(count: int) -> str:
    """A valid query of `count` selections (and few tokens each): fragments on Query."""
    n = max(1, count // 2)
    spreads = " ".join(f"...F{i}" for i in range(n))
    fragments = " ".join(f"fragment F{i} on Query {{ __typename }}" for i in range(n))
    return f"query {{ {spreads} }} {fragments}"


COSTLY = (
    "{ projects(first: 100) { nodes { invoices(first: 100) { nodes { lines { milestone "
    "{ invoices { lines { description } } } } } } } } }"
)

OVER_LIMIT = {
    "depth": (deep_query(MAX_DEPTH + 2), f"maximum operation depth of {MAX_DEPTH}"),
    "aliases": (aliased_query(MAX_ALIASES + 1), f"Allowed: {MAX_ALIASES}"),
    "tokens": (tokens_query(MAX_TOKENS + 50), f"more than {MAX_TOKENS} tokens"),
    "cost": (COSTLY, f"over the limit of {MAX_COST}"),
}


@pytest.mark.parametrize("limit", sorted(OVER_LIMIT))
async def test_a_query_over_a_limit_gets_a_clear_error_and_runs_nothing(
    api: Api, limit: str
) -> None:
    query, message = OVER_LIMIT[limit]
    baseline = await auth_only_statements(api)
    response = await api.post(query)
    assert response.status_code == 200
    body = response.json()
    assert body.get("data") is None
    [error] = body["errors"]
    assert message in error["message"], error
    assert body["extensions"]["stats"]["sqlStatements"] == baseline  # nothing ran


def over_limit_mutation(limit: str) -> str:
    create = f"createProject(input: {CREATE_INPUT})"
    if limit == "depth":
        inner = "project { milestones { scheduleItem { milestone { scheduleItem { milestone "
        inner += "{ scheduleItem { milestone { scheduleItem { milestone { id } } } } } } } } } }"
        return f"mutation {{ {create} {{ {inner} }} }}"
    if limit == "aliases":
        fields = " ".join(f"a{i}: {create} {{ project {{ id }} }}" for i in range(MAX_ALIASES + 1))
        return f"mutation {{ {fields} }}"
    if limit == "tokens":
        n = MAX_TOKENS // 9 + 10
        spreads = " ".join(f"...F{i}" for i in range(n))
        fragments = " ".join(f"fragment F{i} on Mutation {{ __typename }}" for i in range(n))
        return f"mutation {{ {create} {{ project {{ id }} }} {spreads} }} {fragments}"
    nested = "invoices(first: 100) { nodes { lines { milestone { invoices { lines { milestone "
    nested += "{ invoices { id } } } } } } } }"
    return f"mutation {{ {create} {{ project {{ {nested} }} }} }}"


@pytest.mark.parametrize("limit", sorted(OVER_LIMIT))
async def test_a_mutation_over_a_limit_writes_nothing(api: Api, limit: str) -> None:
    baseline = await auth_only_statements(api)
    response = await api.post(over_limit_mutation(limit))
    assert response.status_code == 200
    body = response.json()
    assert body.get("data") is None, body
    [error] = body["errors"]
    assert OVER_LIMIT[limit][1] in error["message"], error
    assert body["extensions"]["stats"]["sqlStatements"] == baseline
    assert await project_rows(api) == 0


async def test_queries_at_the_limits_run(api: Api) -> None:
    at_depth = await api.post(deep_query(MAX_DEPTH + 1))  # root field is depth 0
    assert at_depth.json() == {
        "data": {"node": None},
        "extensions": at_depth.json()["extensions"],
    }
    at_aliases = await api.gql(aliased_query(MAX_ALIASES))
    assert len(at_aliases) == MAX_ALIASES
    tokens = await api.post(tokens_query(MAX_TOKENS - 50))
    assert tokens.json()["data"] == {
        "createInvoiceSchedule": {"userErrors": [{"code": "NOT_FOUND"}]}
    }, tokens.text
    names = " ".join("name" for _ in range(MAX_SELECTIONS - 2))  # repeats merge into one
    at_selections = await api.post(f"query {{ projects {{ nodes {{ {names} }} }} }}")
    assert "errors" not in at_selections.json(), at_selections.text


async def test_too_many_selections_or_fragments_are_refused_before_validation(api: Api) -> None:
    baseline = await auth_only_statements(api)
    for document in (
        "query { " + " ".join("projects { totalCount }" for _ in range(400)) + " }",
        selections_query(2 * (MAX_FRAGMENTS + 1)),
    ):
        body = (await api.post(document)).json()
        assert body["data"] is None
        [error] = body["errors"]
        assert error["extensions"]["code"] == "QUERY_TOO_LARGE", error
        assert body["extensions"]["stats"]["sqlStatements"] == baseline


NUL_INPUT = CREATE_INPUT.replace("Acme", "Ac\\u0000me")  # a GraphQL escape for NUL


async def test_a_nul_character_is_refused_before_anything_runs(api: Api) -> None:
    baseline = await auth_only_statements(api)
    for document, variables in (
        ('{ project(id: "prj_\\u0000") { id } }', None),
        ("query($id: ID!) { project(id: $id) { id } }", {"id": "prj_\x00"}),
        (f"mutation {{ createProject(input: {NUL_INPUT}) {{ project {{ id }} }} }}", None),
    ):
        body = (await api.post(document, variables)).json()
        [error] = body["errors"]
        assert error["extensions"]["code"] == "INVALID", error
        assert body["extensions"]["stats"]["sqlStatements"] == baseline
    assert await project_rows(api) == 0


async def test_every_response_carries_its_cost(api: Api) -> None:
    body = (await api.post("{ projects(first: 5) { totalCount nodes { id name } } }")).json()
    assert not body.get("errors")
    cost = body["extensions"]["cost"]
    assert cost == {"requested": 1 + 1 + 1 + 5 * 2, "limit": MAX_COST}

    mutation = f"mutation {{ createProject(input: {CREATE_INPUT}) {{ project {{ id }} }} }}"
    written = (await api.post(mutation)).json()
    assert written["extensions"]["cost"]["requested"] == 3
    refused = (await api.post(COSTLY)).json()
    assert refused["extensions"]["cost"]["requested"] > MAX_COST
    assert refused["errors"][0]["extensions"] == {
        "code": "QUERY_TOO_COSTLY",
        "cost": refused["extensions"]["cost"]["requested"],
    }


async def test_first_over_100_is_refused(api: Api) -> None:
    body = (await api.post("{ projects(first: 101) { totalCount } }")).json()
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "INVALID"


# --- the HTTP layer -------------------------------------------------------------------------


def headers_of(api: Api) -> dict[str, str]:
    return {"Authorization": f"Bearer {api.write_key}", "Content-Type": "application/json"}


async def test_a_body_over_1_mib_is_413_and_runs_nothing(api: Api) -> None:
    padding = " " * (MAX_BODY_BYTES + 1 - len('{"query": ""}'))
    mutation = f"mutation {{ createProject(input: {CREATE_INPUT}) {{ project {{ id }} }} }}"
    body = json.dumps({"query": mutation + padding}).encode()
    assert len(body) > MAX_BODY_BYTES
    declared = await api.client.post("/graphql", content=body, headers=headers_of(api))

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: streamed
        for start in range(0, len(body), 64 * 1024):
            yield body[start : start + 64 * 1024]

    streamed = await api.client.post("/graphql", content=chunks(), headers=headers_of(api))
    for response in (declared, streamed):
        assert response.status_code == 413
        assert response.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
        assert response.headers["x-request-id"]
    assert await project_rows(api) == 0

    just_under = json.dumps({"query": mutation + " " * 1000}).encode()
    assert (
        await api.client.post("/graphql", content=just_under, headers=headers_of(api))
    ).status_code == 200


@pytest.mark.parametrize(
    "body",
    [b"{not json", b"", b'{"query": "{ __typename }"', b"\xff\xfe"],
    ids=["malformed", "empty", "truncated", "not-utf8"],
)
async def test_malformed_json_is_400(api: Api, body: bytes) -> None:
    response = await api.client.post("/graphql", content=body, headers=headers_of(api))
    assert response.status_code == 400
    assert "JSON" in response.text
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


@pytest.mark.parametrize(
    "payload",
    [{}, {"variables": {}}, {"query": None}, {"operationName": "X"}],
    ids=["empty-object", "variables-only", "null-query", "operation-name-only"],
)
async def test_a_missing_query_is_400(api: Api, payload: dict[str, Any]) -> None:
    response = await api.client.post("/graphql", json=payload, headers=headers_of(api))
    assert response.status_code == 400
    assert "query" in response.text.lower()
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


# --- masked errors and the request log ------------------------------------------------------


async def _raise_secret(*_args: Any, **_kwargs: Any) -> Any:
    raise RuntimeError("secret detail")


def request_log_lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, Any]]:
    """The request log records as the JSON lines `serve` writes."""
    formatter = JsonFormatter()
    return [
        json.loads(formatter.format(record))
        for record in caplog.records
        if record.name == "milestone_billing.requests"
    ]


async def test_a_masked_error_has_one_request_id_in_body_header_and_log(
    api: Api, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr("domain.projects.service.create_project", _raise_secret)
    caplog.set_level(logging.INFO, logger="milestone_billing")

    response = await api.post(
        f"mutation Create {{ createProject(input: {CREATE_INPUT}) {{ project {{ id }} }} }}"
    )

    assert response.status_code == 200
    request_id = response.headers["x-request-id"]
    [error] = response.json()["errors"]
    assert error["message"] == "Unexpected error."
    assert error["extensions"] == {"code": "INTERNAL", "requestId": request_id}
    assert "secret detail" not in response.text
    assert await project_rows(api) == 0

    logged_errors = [r for r in caplog.records if r.name == "milestone_billing.errors"]
    assert any(request_id in r.getMessage() for r in logged_errors)
    assert "RuntimeError: secret detail" in caplog.text  # in full, for us
    [line] = [line for line in request_log_lines(caplog) if line["request_id"] == request_id]
    assert line["status"] == 200
    assert line["operation"] == "Create"
    assert api.write_key not in caplog.text


async def test_the_request_log_line_has_operation_duration_status_and_account(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="milestone_billing")
    secret_variable = "not-logged-" + api.write_key[-8:]
    ok = await api.post(
        "query ListProjects($after: String) { projects(after: $after) { totalCount } }",
        {"after": None, "unused": secret_variable},
    )
    bad_key = "mbk_" + "s3cret" * 6
    unauthorized = await api.client.post(
        "/graphql",
        json={"query": "{ __typename }"},
        headers={"Authorization": f"Bearer {bad_key}"},
    )
    assert (ok.status_code, unauthorized.status_code) == (200, 401)

    lines = {line["request_id"]: line for line in request_log_lines(caplog)}
    line = lines[ok.headers["x-request-id"]]
    assert line["message"] == "request"
    assert line["operation"] == "ListProjects"
    assert line["operation_type"] == "query"
    assert line["status"] == 200
    assert line["account_id"] == api.account_id
    assert isinstance(line["duration_ms"], int | float) and line["duration_ms"] >= 0
    assert line["method"] == "POST" and line["path"] == "/graphql"

    refused = lines[unauthorized.headers["x-request-id"]]
    assert refused["status"] == 401
    assert refused["account_id"] is None

    everything = "\n".join(json.dumps(line) for line in lines.values()) + caplog.text
    for secret in (api.write_key, api.read_key, bad_key, secret_variable, "Bearer"):
        assert secret not in everything


async def test_refusals_are_not_logged_as_errors(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="milestone_billing")
    for query, _ in OVER_LIMIT.values():
        await api.post(query)
    await api.client.post("/graphql", content=b"{bad", headers=headers_of(api))
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
