"""API keys are checked without a database trip on most requests, and a deleted key stops
working within KEY_CACHE_SECONDS (issue 14)."""

from __future__ import annotations

from sqlalchemy import delete

from db.tables import ApiKey
from domain.accounts.service import hash_api_key
from server.known_keys import KEY_CACHE_SECONDS
from tests.conftest import Api

TYPENAME = "{ __typename }"


class FakeMonotonic:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def known_keys(api: Api):  # type: ignore[no-untyped-def]
    transport = api.client._transport
    return transport.app.state.milestone_billing.known_keys  # type: ignore[attr-defined]


async def revoke(api: Api, key: str) -> None:
    async with api.engine.begin() as db:
        await db.execute(delete(ApiKey).where(ApiKey.key_hash == hash_api_key(key)))  # type: ignore[arg-type]


async def test_a_deleted_key_works_at_most_until_the_cache_lets_go(api: Api) -> None:
    clock = FakeMonotonic()
    known_keys(api).now = clock
    assert (await api.post(TYPENAME, key="read")).status_code == 200
    await revoke(api, api.read_key)

    clock.now += KEY_CACHE_SECONDS - 0.5
    assert (await api.post(TYPENAME, key="read")).status_code == 200  # still trusted
    clock.now += 1.0
    refused = await api.post(TYPENAME, key="read")
    assert refused.status_code == 401
    clock.now += 100
    assert (await api.post(TYPENAME, key="read")).status_code == 401  # and stays refused
    assert (await api.post(TYPENAME, key="write")).status_code == 200  # other keys unaffected


async def test_an_unknown_key_is_never_remembered(api: Api) -> None:
    for _ in range(3):
        assert (await api.post(TYPENAME, key="mbk_made_up")).status_code == 401
    assert known_keys(api).get(hash_api_key("mbk_made_up")) is None


async def test_the_key_lookup_is_not_one_of_the_requests_statements(api: Api) -> None:
    first = (await api.post(TYPENAME)).json()["extensions"]["stats"]["sqlStatements"]
    again = (await api.post(TYPENAME)).json()["extensions"]["stats"]["sqlStatements"]
    assert first == again == 0
