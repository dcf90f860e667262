"""Automatic persisted queries as Apollo's PersistedQueryLink sends them (its exact wire
requests), shared through the database; and the GraphQL over HTTP response media type."""

from __future__ import annotations

import hashlib
import json

import httpx

from tests.conftest import Api, make_app

QUERY = "query Projects { projects(first: 1) { totalCount } }"
SHA = hashlib.sha256(QUERY.encode()).hexdigest()
APOLLO_ACCEPT = "application/graphql-response+json,application/json;q=0.9"


def extensions(sha: str = SHA) -> dict[str, object]:
    return {"persistedQuery": {"version": 1, "sha256Hash": sha}}


def headers(api: Api, accept: str = "application/json") -> dict[str, str]:
    return {"Authorization": f"Bearer {api.read_key}", "Accept": accept}


async def test_apollo_hash_first_then_query_then_hash_on_get_and_another_process(api: Api) -> None:
    # 1. The link sends the hash alone (GET with useGETForHashedQueries): not known yet.
    params = {
        "operationName": "Projects",
        "variables": "{}",
        "extensions": json.dumps(extensions()),
    }
    miss = await api.client.get("/graphql", params=params, headers=headers(api))
    assert miss.status_code == 200
    error = miss.json()["errors"][0]
    assert error["message"] == "PersistedQueryNotFound"
    assert error["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    # 2. It retries with the query and the hash (POST): answered and stored.
    body = {
        "operationName": "Projects",
        "query": QUERY,
        "variables": {},
        "extensions": extensions(),
    }
    registered = await api.client.post("/graphql", json=body, headers=headers(api))
    assert registered.json()["data"] == {"projects": {"totalCount": 0}}
    # 3. The hash alone now runs the stored query, on GET and POST, in another app instance
    #    on the same database (another process finds it).
    other = make_app(api.engine, api.clock)
    transport = httpx.ASGITransport(app=other)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        hit = await client.get("/graphql", params=params, headers=headers(api))
        assert hit.json()["data"] == {"projects": {"totalCount": 0}}
        hashed_post = {"operationName": "Projects", "variables": {}, "extensions": extensions()}
        posted = await client.post("/graphql", json=hashed_post, headers=headers(api))
        assert posted.json()["data"] == {"projects": {"totalCount": 0}}


async def test_a_hash_that_does_not_match_the_query_is_refused(api: Api) -> None:
    body = {"query": QUERY, "extensions": extensions("0" * 64)}
    response = await api.client.post("/graphql", json=body, headers=headers(api))
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"] == "provided sha does not match query"
    # Nothing was stored under the wrong hash.
    again = await api.client.post(
        "/graphql", json={"extensions": extensions("0" * 64)}, headers=headers(api)
    )
    assert again.json()["errors"][0]["message"] == "PersistedQueryNotFound"
    bad = await api.client.post(
        "/graphql", json={"extensions": {"persistedQuery": {"version": 2}}}, headers=headers(api)
    )
    assert bad.status_code == 400


async def test_graphql_response_media_type_when_preferred(api: Api) -> None:
    ok = await api.client.post(
        "/graphql", json={"query": QUERY}, headers=headers(api, APOLLO_ACCEPT)
    )
    assert ok.status_code == 200
    assert ok.headers["content-type"].startswith("application/graphql-response+json")
    assert "x-milestone-billing" not in " ".join(ok.headers.keys())
    invalid = await api.client.post(
        "/graphql", json={"query": "{ nope }"}, headers=headers(api, APOLLO_ACCEPT)
    )
    assert invalid.status_code == 400
    assert "data" not in invalid.json() and invalid.json()["errors"]
    legacy = await api.client.post("/graphql", json={"query": "{ nope }"}, headers=headers(api))
    assert legacy.status_code == 200
    assert legacy.headers["content-type"].startswith("application/json")
