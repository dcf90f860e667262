"""The outside tester's issue 17 (round 17b) cases: what /graphql refuses before GraphQL runs
(subscriptions over HTTP, mutations by GET), in the media type the client negotiated, and a
persisted-query store that tells one account nothing about another's documents."""

from __future__ import annotations

import hashlib
import json
import logging
import uuid

import httpx
import pytest

from tests.conftest import Api

GRJ = "application/graphql-response+json"
SUBSCRIPTIONS = (
    "subscription { events { type } }",
    'subscription { projectUpdated(projectId: "prj_x") { id } }',
)
COUNT = "query($s: String) { clients(filter: {search: $s}) { totalCount } }"


def sha(document: str) -> str:
    return hashlib.sha256(document.encode()).hexdigest()


def persisted(document: str) -> dict[str, object]:
    return {"persistedQuery": {"version": 1, "sha256Hash": sha(document)}}


def headers(api: Api, accept: str | None = None, key: str | None = None) -> dict[str, str]:
    sent = {"Authorization": f"Bearer {key or api.write_key}"}
    return {**sent, "Accept": accept} if accept else sent


async def get(api: Api, params: dict[str, object], **kwargs: str | None) -> httpx.Response:
    encoded = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
    return await api.client.get("/graphql", params=encoded, headers=headers(api, **kwargs))


async def post(api: Api, body: dict[str, object], **kwargs: str | None) -> httpx.Response:
    return await api.client.post("/graphql", json=body, headers=headers(api, **kwargs))


async def clients_named(api: Api, name: str) -> int:
    return int((await api.gql(COUNT, {"s": name}))["clients"]["totalCount"])


def only_error(response: httpx.Response) -> dict[str, object]:
    body = response.json()
    assert "data" not in body, body
    [error] = body["errors"]
    return dict(error)


async def test_a_subscription_over_http_is_a_request_error_naming_the_websocket(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    named = "subscription Live { events { type } } query Q { __typename }"
    with caplog.at_level(logging.INFO):
        for document in SUBSCRIPTIONS:
            # Registered by a POST that is refused, then sent by its hash alone.
            sent = [
                await post(api, {"query": document}),
                await get(api, {"query": document}),
                await post(api, {"query": document, "extensions": persisted(document)}),
                await get(api, {"extensions": persisted(document)}),
                await post(api, {"extensions": persisted(document)}, accept=GRJ),
            ]
            sent.append(await post(api, {"query": named, "operationName": "Live"}))
            sent.append(await get(api, {"query": named, "operationName": "Live"}))
            for response in sent:
                assert response.status_code == 400, response.text
                error = only_error(response)
                assert error["extensions"]["code"] == "BAD_REQUEST"  # type: ignore[index]
                assert "graphql-transport-ws" in str(error["message"])
                assert "/graphql" in str(error["message"])
                assert response.headers["cache-control"] == "no-store"
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    # The query of the same document still runs when it is the one selected.
    chosen = await post(api, {"query": named, "operationName": "Q"})
    assert chosen.json()["data"] == {"__typename": "Query"}


@pytest.mark.parametrize("accept", [None, "application/json", GRJ])
async def test_a_mutation_by_get_is_405_allowing_post_and_writes_nothing(
    api: Api, accept: str | None
) -> None:
    name = f"by-get-{uuid.uuid4().hex}"
    mutation = f'mutation Add {{ createClient(input: {{name: "{name}"}}) {{ client {{ id }} }} }}'
    both = mutation + " query Q { __typename }"
    registered = await post(api, {"query": COUNT, "extensions": persisted(COUNT)})
    assert registered.status_code == 200
    stored = await post(api, {"query": both, "operationName": "Q", "extensions": persisted(both)})
    assert stored.json()["data"] == {"__typename": "Query"}
    for params in (
        {"query": mutation},
        {"query": both, "operationName": "Add"},
        {"extensions": persisted(both), "operationName": "Add"},
    ):
        response = await get(api, params, accept=accept)
        assert response.status_code == 405, response.text
        assert response.headers["allow"] == "POST"
        assert only_error(response)["extensions"]["code"] == "METHOD_NOT_ALLOWED"  # type: ignore[index]
        assert response.headers["content-type"].startswith(
            GRJ if accept == GRJ else "application/json"
        )
    assert await clients_named(api, name) == 0


REFUSED_BEFORE_GRAPHQL = [
    ("GET", {"extensions": persisted("{ unknown1 }")}, 400),  # persisted query not found
    ("POST", {"extensions": persisted("{ unknown2 }")}, 400),
    ("GET", {"query": "mutation { __typename }"}, 405),
    ("POST", {"variables": {}}, 400),  # no query
    ("POST", {"query": "{ __typename }", "operationName": "X"}, 400),  # unknown operation
    ("POST", {"query": "{ __typename }", "extensions": persisted("{ other }")}, 400),  # hash
    ("POST", b'{"query": ', 400),  # not JSON
]


@pytest.mark.parametrize(("method", "sent", "status"), REFUSED_BEFORE_GRAPHQL)
async def test_refusals_before_graphql_runs_follow_the_negotiated_media_type(
    api: Api, method: str, sent: dict[str, object] | bytes, status: int
) -> None:
    for accept, media in [
        (GRJ, GRJ),
        (f"{GRJ}, application/json;q=0.9", GRJ),
        ("application/json", "application/json"),
        ("*/*", "application/json"),
    ]:
        if isinstance(sent, bytes):
            sent_headers = {**headers(api, accept), "Content-Type": "application/json"}
            response = await api.client.post("/graphql", content=sent, headers=sent_headers)
        elif method == "GET":
            response = await get(api, sent, accept=accept)
        else:
            response = await post(api, sent, accept=accept)
        assert response.headers["content-type"].startswith(media), (accept, response.headers)
        error = only_error(response)
        assert error["extensions"]["code"]  # type: ignore[index]
        assert response.headers["cache-control"] == "no-store"
        # Under graphql-response+json a request error is 4xx, without data; under JSON a
        # persisted-query miss stays 200 (Apollo Client 3's link sends Accept */*).
        miss = error["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"  # type: ignore[index]
        expected = 200 if miss and media != GRJ else status
        assert response.status_code == expected, (accept, response.text)


async def test_a_hash_registered_by_one_account_is_not_found_for_another(
    api: Api, other_api: Api
) -> None:
    secret = f"Secret Customer {uuid.uuid4()}"
    document = f'{{ clients(filter: {{search: "{secret}"}}) {{ totalCount }} }}'
    first = await post(api, {"query": document, "extensions": persisted(document)})
    assert first.json()["data"] == {"clients": {"totalCount": 0}}
    hit = await post(api, {"extensions": persisted(document)})  # stored for its own account
    assert hit.json()["data"] == {"clients": {"totalCount": 0}}
    for response in (
        await post(other_api, {"extensions": persisted(document)}, key=other_api.write_key),
        await get(other_api, {"extensions": persisted(document)}, key=other_api.read_key),
    ):
        error = only_error(response)
        assert error["message"] == "PersistedQueryNotFound"
        assert error["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"  # type: ignore[index]


async def test_a_get_answer_may_be_kept_by_the_clients_own_cache_only(api: Api) -> None:
    response = await get(api, {"query": "{ __typename }"})
    assert response.headers["cache-control"] == "private, max-age=30"
    assert {"Authorization", "Accept"} <= set(response.headers["vary"].split(", "))
    miss = await get(api, {"extensions": persisted(uuid.uuid4().hex)})
    assert miss.headers["cache-control"] == "no-store"
