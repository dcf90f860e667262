"""The persisted-query store is per account and bounded: past its limit, registering drops
that account's oldest document, and never another account's."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from db.queries.persisted import STORE_LIMIT, TABLE, persisted_query, register_query
from domain.clock import FixedClock
from tests.conftest import ON_CITUS_TOO, START, new_account

pytestmark = ON_CITUS_TOO  # persisted_query is distributed by account_id there

EARLY, LATE = datetime(1901, 1, 1, tzinfo=UTC), datetime(2300, 1, 1, tzinfo=UTC)


def sha(document: str) -> str:
    return hashlib.sha256(document.encode()).hexdigest()


async def stored(engine: AsyncEngine, account_id: str) -> int:
    async with engine.connect() as connection:
        count = select(func.count()).where(TABLE.c.account_id == account_id)
        return int(await connection.scalar(count) or 0)


async def test_registering_past_the_limit_drops_the_accounts_oldest_document(
    engine: AsyncEngine,
) -> None:
    assert STORE_LIMIT == 10_000  # the README states it (per account)
    account, _, _ = await new_account(engine, FixedClock(START))
    other, _, _ = await new_account(engine, FixedClock(START), "Other Studio")
    # The other account's document is the oldest of all: a full store of `account` keeps it.
    kept = "query TheOthers { __typename }"
    await register_query(engine, account_id=other, sha256=sha(kept), query=kept, now=EARLY)
    documents = [f"query Bounded{n} {{ __typename }}" for n in range(3)]
    times = [EARLY, LATE, LATE.replace(day=2)]
    for document, when in zip(documents, times, strict=True):
        await register_query(
            engine, account_id=account, sha256=sha(document), query=document, now=when, limit=2
        )
    assert await stored(engine, account) == 2
    assert await persisted_query(engine, account_id=account, sha256=sha(documents[0])) is None
    for document in documents[1:]:
        found = await persisted_query(engine, account_id=account, sha256=sha(document))
        assert found == document
    assert await persisted_query(engine, account_id=other, sha256=sha(kept)) == kept


async def test_a_document_registered_by_one_account_is_not_found_for_another(
    engine: AsyncEngine,
) -> None:
    account, _, _ = await new_account(engine, FixedClock(START))
    other, _, _ = await new_account(engine, FixedClock(START), "Other Studio")
    document = '{ clients(filter: {search: "Secret Customer"}) { totalCount } }'
    await register_query(engine, account_id=account, sha256=sha(document), query=document, now=LATE)
    assert await persisted_query(engine, account_id=other, sha256=sha(document)) is None
    # The other account may register the same text: each keeps its own copy.
    await register_query(engine, account_id=other, sha256=sha(document), query=document, now=LATE)
    assert await persisted_query(engine, account_id=other, sha256=sha(document)) == document
    assert await stored(engine, account) == 1
