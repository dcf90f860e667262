"""The fast path answers the bench's shape suite and generated documents byte for byte as the
plain graphql-core path does, and answers them itself (no second run on the plain path)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings

from bench.shapes import SHAPES, Ids
from schema import build_schema, fastpath
from schema.fast_executor import FastExecutor
from server import query_lane
from tests.api.generated_documents import documents
from tests.conftest import Api, make_app


class Recording(FastExecutor):
    """The executor, counting the queries it answered itself."""

    answered = 0

    async def run(self) -> dict[str, Any]:
        data = await super().run()
        Recording.answered += 1
        return data


@asynccontextmanager
async def client(api: Api, *, fast: bool) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=make_app(api.engine, api.clock, fast_queries=fast))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


async def answer(
    http: httpx.AsyncClient, api: Api, query: str, variables: dict[str, Any]
) -> tuple[int, str, int]:
    """Return (HTTP status, the body without extensions as sent, SQL statements run)."""
    response = await http.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {api.read_key}"},
    )
    body = response.json()
    statements = body.pop("extensions", {}).get("stats", {}).get("sqlStatements", 0)
    return response.status_code, json.dumps(body), statements


async def demo_ids(api: Api) -> Ids:
    data = await api.gql(
        """{ projects(first: 3) { nodes { id invoices(status: PAID, first: 1) { nodes {
        id allocations { payment { id } } } } } } }""",
        key="read",
    )
    projects = [p for p in data["projects"]["nodes"] if p["invoices"]["nodes"]]
    invoice = projects[0]["invoices"]["nodes"][0]
    return Ids(
        account=api.account_id,
        project=projects[0]["id"],
        other_project=data["projects"]["nodes"][-1]["id"],
        invoice=invoice["id"],
        payment=invoice["allocations"][0]["payment"]["id"],
    )


@pytest.fixture
def recording(monkeypatch: pytest.MonkeyPatch) -> type[Recording]:
    monkeypatch.setattr(fastpath, "FastExecutor", Recording)
    monkeypatch.setattr(query_lane, "FastExecutor", Recording)  # the lane runs it too
    Recording.answered = 0
    return Recording


async def test_every_shape_is_answered_by_the_fast_path_as_the_plain_path_answers(
    demo_api: Api, recording: type[Recording]
) -> None:
    ids = await demo_ids(demo_api)
    async with client(demo_api, fast=True) as fast, client(demo_api, fast=False) as plain:
        for shape in SHAPES:
            variables = shape.variables(ids)
            answered_before = recording.answered
            fast_status, fast_body, fast_statements = await answer(
                fast, demo_api, shape.query, variables
            )
            assert recording.answered == answered_before + 1, f"{shape.name}: stepped aside"
            plain_status, plain_body, plain_statements = await answer(
                plain, demo_api, shape.query, variables
            )
            assert (fast_status, fast_body) == (plain_status, plain_body), shape.name
            assert '"errors"' not in fast_body and "null" not in fast_body[:20], shape.name
            # Nothing runs twice: no more statements than graphql-core's own execution. Two
            # aliased root lookups are two levels for the fast path (their balances are read by
            # one statement each), one batch for the plain path's DataLoader.
            extra = 1 if shape.name == "two projects, aliases" else 0
            assert fast_statements <= plain_statements + extra, shape.name


async def test_node_answers_each_kind_of_object_on_the_fast_path(
    demo_api: Api, recording: type[Recording]
) -> None:
    ids = await demo_ids(demo_api)
    query = """{ a: node(id: "%s") { __typename id ... on Project { name } }
      b: node(id: "%s") { ...on Invoice { number } ... on Node { id } }
      c: node(id: "%s") { __typename ... on Payment { method } }
      d: node(id: "pay_unknown") { id } }"""
    query = query % (ids.project, ids.invoice, ids.payment)
    recording.answered = 0
    async with client(demo_api, fast=True) as fast, client(demo_api, fast=False) as plain:
        fast_answer = await answer(fast, demo_api, query, {})
        assert recording.answered == 1
        assert fast_answer[:2] == (await answer(plain, demo_api, query, {}))[:2]
    data = json.loads(fast_answer[1])["data"]
    assert data["a"]["__typename"] == "Project" and data["b"]["id"] == ids.invoice
    assert data["c"]["method"] and data["d"] is None


# Ids drawn into generated documents, replaced by the demo data's own before sending.
PLACEHOLDERS = {"project-id": "project", "invoice-id": "invoice", "payment-id": "payment"}


def with_demo_ids(document: tuple[str, dict[str, Any]], ids: Ids) -> tuple[str, dict[str, Any]]:
    """Return a generated document and its variables with the placeholders made real ids."""
    query, variables = document
    for placeholder, attribute in PLACEHOLDERS.items():
        query = query.replace(placeholder, getattr(ids, attribute))
        variables = {
            k: getattr(ids, attribute) if v == placeholder else v for k, v in variables.items()
        }
    return query, variables


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=documents(build_schema()._schema, ids=list(PLACEHOLDERS)))
async def test_generated_documents_get_the_same_bytes_on_both_paths(
    demo_api: Api, recording: type[Recording], data: tuple[str, dict[str, Any]]
) -> None:
    query, variables = with_demo_ids(data, await demo_ids(demo_api))
    async with client(demo_api, fast=True) as fast, client(demo_api, fast=False) as plain:
        answered_before = recording.answered
        fast_answer = await answer(fast, demo_api, query, variables)
        answered = recording.answered > answered_before
        plain_answer = await answer(plain, demo_api, query, variables)
    assert fast_answer[:2] == plain_answer[:2], query
    # The fast path steps aside only for what ends in an error (a null where none is allowed,
    # an invalid document or variable, a value over a limit).
    assert answered or '"errors"' in plain_answer[1], query
