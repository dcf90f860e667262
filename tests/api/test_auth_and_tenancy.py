"""Who may call /graphql, what each account can see, and how unexpected failures look."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from db.tables import Milestone, Project
from tests.api.test_projects import CREATE_PROJECT, add_milestone, count_rows, create_project
from tests.conftest import Api

PROJECTS = "{ projects { totalCount nodes { id name } } }"

PROJECT_AND_NODE = """
query($id: ID!) {
  project(id: $id) { id }
  node(id: $id) { id }
}"""


async def post_raw(api: Api, headers: dict[str, str]) -> httpx.Response:
    return await api.client.post("/graphql", json={"query": PROJECTS}, headers=headers)


# --- authentication -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer mbk_not-a-key-this-server-made"},
        {"Authorization": "Basic x"},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer    "},
    ],
    ids=["no-header", "bad-key", "basic-scheme", "bearer-without-key", "bearer-blank"],
)
async def test_a_request_without_a_valid_key_gets_401(api: Api, headers: dict[str, str]) -> None:
    await create_project(api)  # there is something to leak, were auth to fail open
    response = await post_raw(api, headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    body = response.json()
    assert "data" not in body or body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_valid_key_under_another_scheme_is_401(api: Api) -> None:
    response = await post_raw(api, {"Authorization": f"Token {api.write_key}"})
    assert response.status_code == 401


async def test_the_bearer_scheme_is_case_insensitive(api: Api) -> None:
    response = await post_raw(api, {"Authorization": f"bearer {api.read_key}"})
    assert response.status_code == 200
    assert response.json()["data"]["projects"]["totalCount"] == 0


async def test_a_read_key_can_query_projects(api: Api) -> None:
    project = await create_project(api, name="Readable")
    data = await api.gql(PROJECTS, key="read")
    assert data["projects"]["totalCount"] == 1
    assert data["projects"]["nodes"] == [{"id": project["id"], "name": "Readable"}]


async def test_a_read_key_cannot_mutate_and_nothing_is_written(api: Api) -> None:
    response = await api.post(
        CREATE_PROJECT,
        {"input": {"name": "Website", "clientName": "Acme", "currency": "USD"}},
        key="read",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert error["path"] == ["createProject"]
    assert "read-only" in error["message"]
    assert await count_rows(api, Project) == 0


async def test_a_read_key_cannot_add_or_complete_milestones(api: Api) -> None:
    project = await create_project(api)
    milestone = await add_milestone(api, project["id"], amount="10")
    add = await api.post(
        'mutation($p: ID!) { addMilestone(input: {projectId: $p, name: "X"}) '
        "{ milestone { id } userErrors { code } } }",
        {"p": project["id"]},
        key="read",
    )
    complete = await api.post(
        "mutation($m: ID!) { completeMilestone(input: {milestoneId: $m}) "
        "{ milestone { id } userErrors { code } } }",
        {"m": milestone["id"]},
        key="read",
    )
    for response in (add, complete):
        assert response.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await count_rows(api, Milestone) == 1
    data = await api.gql(
        "query($id: ID!) { node(id: $id) { ... on Milestone { completedAt } } }",
        {"id": milestone["id"]},
    )
    assert data["node"]["completedAt"] is None


# --- tenancy ------------------------------------------------------------------------------


async def test_another_accounts_project_and_milestone_are_not_found(
    api: Api, other_api: Api
) -> None:
    mine = await create_project(api, name="Mine")
    theirs = await create_project(other_api, name="Theirs")
    their_milestone = await add_milestone(other_api, theirs["id"], amount="100")

    for id_ in (theirs["id"], their_milestone["id"]):
        data = await api.gql(PROJECT_AND_NODE, {"id": id_})
        assert data == {"project": None, "node": None}, id_
    # The owner still sees them: the nulls above are scoping, not a broken lookup.
    data = await other_api.gql(PROJECT_AND_NODE, {"id": theirs["id"]})
    assert data == {"project": {"id": theirs["id"]}, "node": {"id": theirs["id"]}}

    listed = (await api.gql(PROJECTS))["projects"]
    assert listed == {"totalCount": 1, "nodes": [{"id": mine["id"], "name": "Mine"}]}
    other_listed = (await other_api.gql(PROJECTS))["projects"]
    assert other_listed == {"totalCount": 1, "nodes": [{"id": theirs["id"], "name": "Theirs"}]}


async def test_adding_a_milestone_to_another_accounts_project_is_not_found(
    api: Api, other_api: Api
) -> None:
    theirs = await create_project(other_api)
    data = await api.gql(
        "mutation($input: AddMilestoneInput!) { addMilestone(input: $input) "
        "{ milestone { id } userErrors { field code message } } }",
        {"input": {"projectId": theirs["id"], "name": "Sneaky", "amount": "1.00"}},
    )
    payload = data["addMilestone"]
    assert payload["milestone"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (["projectId"], "NOT_FOUND")
    ]
    # Same answer as for an id that never existed: nothing says "forbidden".
    assert "forbidden" not in payload["userErrors"][0]["message"].lower()
    async with api.engine.connect() as connection:
        written = await connection.scalar(
            select(func.count()).select_from(Milestone).where(Milestone.project_id == theirs["id"])
        )
    assert written == 0
    assert await count_rows(api, Milestone) == 0


async def test_completing_another_accounts_milestone_is_not_found(api: Api, other_api: Api) -> None:
    theirs = await create_project(other_api)
    their_milestone = await add_milestone(other_api, theirs["id"], amount="5")
    data = await api.gql(
        "mutation($id: ID!) { completeMilestone(input: {milestoneId: $id}) "
        "{ milestone { id } userErrors { field code } } }",
        {"id": their_milestone["id"]},
    )
    payload = data["completeMilestone"]
    assert payload["milestone"] is None
    assert payload["userErrors"] == [{"field": ["milestoneId"], "code": "NOT_FOUND"}]
    seen = await other_api.gql(
        "query($id: ID!) { node(id: $id) { ... on Milestone { completedAt status } } }",
        {"id": their_milestone["id"]},
    )
    assert seen["node"] == {"completedAt": None, "status": "PLANNED"}


# --- GET and GraphiQL ---------------------------------------------------------------------


async def test_get_runs_a_query_with_a_key(api: Api) -> None:
    await create_project(api, name="Over GET")
    response = await api.client.get(
        "/graphql",
        params={"query": "{ projects { totalCount nodes { name } } }"},
        headers={"Authorization": f"Bearer {api.read_key}"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["data"]["projects"] == {
        "totalCount": 1,
        "nodes": [{"name": "Over GET"}],
    }


async def test_get_without_a_key_is_401(api: Api) -> None:
    response = await api.client.get("/graphql", params={"query": "{ projects { totalCount } }"})
    assert response.status_code == 401


async def test_get_cannot_run_a_mutation(api: Api) -> None:
    mutation = (
        'mutation { createProject(input: {name: "G", clientName: "C", currency: "USD"}) '
        "{ project { id } } }"
    )
    response = await api.client.get(
        "/graphql",
        params={"query": mutation},
        headers={"Authorization": f"Bearer {api.write_key}"},
    )
    assert 400 <= response.status_code < 500
    assert "GET" in response.text
    assert await count_rows(api, Project) == 0


async def test_get_with_accept_html_serves_graphiql_without_a_key(api: Api) -> None:
    response = await api.client.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "graphiql" in response.text.lower()
    assert response.headers.get("x-request-id")


async def test_a_browser_get_with_a_query_still_needs_a_key(api: Api) -> None:
    # A link to /graphql?query=... opened in a browser sends Accept: text/html. It must not
    # run the query without a key (nor crash).
    await create_project(api)
    response = await api.client.get(
        "/graphql",
        params={"query": "{ projects { totalCount } }"},
        headers={"Accept": "text/html"},
    )
    assert response.status_code == 401
    assert "totalCount" not in response.text


# --- request ids --------------------------------------------------------------------------


async def test_every_response_carries_a_request_id(api: Api) -> None:
    responses = [
        await api.post(PROJECTS),
        await api.post(PROJECTS, key=None),
        await api.post(PROJECTS, key="mbk_wrong"),
        await api.post("{ nope }"),
        await api.client.get("/graphql", params={"query": PROJECTS}),
        await api.client.get("/healthz"),
    ]
    ids = [r.headers.get("x-request-id") for r in responses]
    assert all(ids), ids
    assert len(set(ids)) == len(ids), "request ids must be unique per request"


# --- masking of unexpected errors ---------------------------------------------------------


async def _raise_secret(*_args: Any, **_kwargs: Any) -> Any:
    raise RuntimeError("secret detail")


@pytest.mark.parametrize(
    ("target", "query"),
    [
        # The balance query, used by the fast path and the plain path alike.
        (
            "db.queries.balances.balances_by_project_ids",
            "{ projects { nodes { name balance { paidAmount } } } }",
        ),
        # The batched query behind the per-request project DataLoader (resolvers/loaders.py).
        (
            "db.queries.projects.projects_by_ids",
            "query($id: ID!) { project(id: $id) { name } }",
        ),
    ],
    ids=["balance-query", "project-loader"],
)
async def test_an_unexpected_exception_is_masked_and_logged(
    api: Api,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    target: str,
    query: str,
) -> None:
    project = await create_project(api)
    monkeypatch.setattr(target, _raise_secret)
    caplog.set_level(logging.ERROR, logger="milestone_billing.errors")

    response = await api.post(query, {"id": project["id"]} if "$id" in query else None)

    assert response.status_code == 200
    request_id = response.headers["x-request-id"]
    body = response.json()
    assert body["errors"], body
    for error in body["errors"]:
        assert error["message"] == "Unexpected error."
        assert error["extensions"]["requestId"] == request_id
    assert "secret detail" not in response.text
    assert "RuntimeError" not in response.text

    records = [r for r in caplog.records if r.name == "milestone_billing.errors"]
    assert records, "the unexpected error was not logged"
    assert any(request_id in r.getMessage() for r in records)
    assert "RuntimeError: secret detail" in caplog.text  # the full traceback
    assert "Traceback" in caplog.text
