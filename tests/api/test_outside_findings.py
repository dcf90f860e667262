"""Cases an outside tester found: each answered with a code, the same on both paths."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import Api, make_app

# An error in one list field (a bad cursor, a future asOf) beside other fields that wait on
# the same loaded value: graphql-core cancels the rest of the list, and that used to cancel
# the shared value for everyone (a CancelledError, a bare 500 without a request id).
SHARED_LOAD_BESIDE_AN_ERROR = (
    "{ clients(orderBy: NAME) { edges { node { projects { totalCount }"
    ' invoices(after: "garbage") { totalCount } } } nodes { projects { totalCount } } } }'
)
FUTURE_AS_OF_BESIDE_A_SHARED_LOAD = (
    '{ projects { edges { node { balance(asOf: "2099-12-31") { paidAmount } client { name } } }'
    " nodes { client { name } } } }"
)


async def post_plain(api: Api, query: str) -> httpx.Response:
    """The request answered by graphql-core's executor alone (FAST_QUERIES=0)."""
    app = make_app(api.engine, api.clock, fast_queries=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        return await client.post(
            "/graphql",
            json={"query": query},
            headers={"Authorization": f"Bearer {api.write_key}"},
        )


@pytest.mark.parametrize("fast", [True, False], ids=["fast", "plain"])
@pytest.mark.parametrize(
    "query",
    [SHARED_LOAD_BESIDE_AN_ERROR, FUTURE_AS_OF_BESIDE_A_SHARED_LOAD],
    ids=["cursor", "asof"],
)
async def test_an_error_beside_a_shared_load_is_answered_with_its_code(
    demo_api: Api, fast: bool, query: str
) -> None:
    for _ in range(5):  # the cancellation depended on the order the loads completed in
        response = await demo_api.post(query) if fast else await post_plain(demo_api, query)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["data"] is None
        assert body["errors"][0]["extensions"]["code"] == "INVALID", body["errors"][0]


async def test_a_time_without_an_offset_is_invalid_input_naming_the_argument(api: Api) -> None:
    response = await api.post(
        '{ events(first: 1, occurredAfter: "2026-03-01T00:00:00") { totalCount } }'
    )
    assert response.status_code == 200
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "INVALID"
    assert error["extensions"]["field"] == ["occurredAfter"]
    answered = await api.gql(
        '{ events(first: 1, occurredAfter: "2026-03-01T00:00:00Z") { totalCount } }'
    )
    assert answered["events"]["totalCount"] >= 0
