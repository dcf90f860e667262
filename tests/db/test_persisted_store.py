"""The persisted-query store is bounded: past its limit, registering drops the oldest."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from db.queries.persisted import STORE_LIMIT, TABLE, persisted_query, register_query
from tests.conftest import ON_CITUS_TOO

pytestmark = ON_CITUS_TOO  # persisted_query is a reference table there


def sha(document: str) -> str:
    return hashlib.sha256(document.encode()).hexdigest()


async def stored(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return int(await connection.scalar(select(func.count()).select_from(TABLE)) or 0)


async def test_registering_past_the_limit_drops_the_oldest_document(engine: AsyncEngine) -> None:
    assert STORE_LIMIT == 10_000  # the README states it
    before = await stored(engine)
    documents = [f"query Bounded{n}_{before} {{ __typename }}" for n in range(3)]
    times = [datetime(1901, 1, 1, tzinfo=UTC), datetime(2300, 1, 1, tzinfo=UTC)]
    times.append(datetime(2300, 1, 2, tzinfo=UTC))
    limit = before + 2
    for document, when in zip(documents, times, strict=True):
        await register_query(engine, sha256=sha(document), query=document, now=when, limit=limit)
    assert await stored(engine) == limit
    assert await persisted_query(engine, sha256=sha(documents[0])) is None  # the oldest
    assert await persisted_query(engine, sha256=sha(documents[1])) == documents[1]
    assert await persisted_query(engine, sha256=sha(documents[2])) == documents[2]
