"""Apollo Client's own PersistedQueryLink (npm, in node) against a live `serve`, over POST and
over GET (useGETForHashedQueries), on SQLite and PostgreSQL; and what a cache may keep."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.npm_tools import NPM_DIR, node_modules, run_node
from tests.server.live import Live

SCRIPT = NPM_DIR / "apollo_persisted.mjs"


@pytest.fixture(scope="module")
def npm() -> Path:
    return node_modules()


def apollo_run(live: Live, mode: str) -> dict[str, Any]:
    result = run_node(
        SCRIPT,
        env={"GRAPHQL_URL": f"{live.base_url}/graphql", "API_KEY": live.key, "MODE": mode},
    )
    assert result.returncode == 0, result.stderr
    run: dict[str, Any] = json.loads(result.stdout)
    return run


@pytest.mark.parametrize("mode", ["post", "get"])
def test_apollo_registers_once_then_sends_only_the_hash(
    live_on_each_backend: Live, npm: Path, mode: str
) -> None:
    run = apollo_run(live_on_each_backend, mode)
    projects = {"__typename": "ProjectConnection", "totalCount": 0}
    assert run["results"] == [{"projects": projects}] * 2
    method = "GET" if mode == "get" else "POST"
    steps = [(r["method"], r["hashOnly"], r["status"], r["errors"]) for r in run["requests"]]
    assert steps == [
        (method, True, 200, ["PersistedQueryNotFound"]),  # the hash alone: unknown
        ("POST", False, 200, None),  # the link retries with the query: stored
        (method, True, 200, None),  # a fresh client: the hash alone is enough
    ]
    hit = run["requests"][-1]
    assert hit["contentType"].startswith("application/json")  # Apollo 3 accepts */*
    if mode == "get":
        assert hit["cacheControl"] == "private, max-age=30"
    else:
        assert hit["cacheControl"] == "no-store"
    misses = [r for r in run["requests"] if r["errors"]]
    assert all(r["cacheControl"] == "no-store" for r in misses)


def test_get_never_runs_a_mutation_even_by_its_hash(live_on_each_backend: Live) -> None:
    live = live_on_each_backend
    mutation = 'mutation AddClient { createClient(input: {name: "By GET"}) { client { id } } }'
    sha = hashlib.sha256(mutation.encode()).hexdigest()
    extensions = {"persistedQuery": {"version": 1, "sha256Hash": sha}}
    headers = {"Authorization": f"Bearer {live.key}"}
    with httpx.Client(base_url=live.base_url, headers=headers, timeout=30) as client:
        # Registered by a POST (which runs it once) ...
        posted = client.post("/graphql", json={"query": mutation, "extensions": extensions})
        assert posted.json()["data"]["createClient"]["client"]["id"].startswith("cli_")
        assert posted.headers["cache-control"] == "no-store"
        # ... its hash on a GET is refused and writes nothing.
        got = client.get("/graphql", params={"extensions": json.dumps(extensions)})
        assert got.status_code == 405, got.text
        assert got.headers["allow"] == "POST"
        assert got.json()["errors"]
        assert got.headers["cache-control"] == "no-store"
        count = client.post(
            "/graphql",
            json={"query": '{ clients(filter: {search: "By GET"}) { totalCount } }'},
        )
        assert count.json()["data"]["clients"]["totalCount"] == 1


def test_a_hash_that_does_not_match_its_query_is_an_error_and_stores_nothing(
    live_on_each_backend: Live,
) -> None:
    live = live_on_each_backend
    query = "{ clients(first: 1) { totalCount } }"
    wrong = {"persistedQuery": {"version": 1, "sha256Hash": "ab" * 32}}
    headers = {"Authorization": f"Bearer {live.key}"}
    with httpx.Client(base_url=live.base_url, headers=headers, timeout=30) as client:
        refused = client.post("/graphql", json={"query": query, "extensions": wrong})
        assert refused.status_code == 400
        assert refused.json()["errors"][0]["message"] == "provided sha does not match query"
        again = client.get("/graphql", params={"extensions": json.dumps(wrong)})
        assert again.json()["errors"][0]["message"] == "PersistedQueryNotFound"
