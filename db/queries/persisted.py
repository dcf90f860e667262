"""Automatic persisted queries: look a document up by its account and hash, or register it.

Each account has its own store, bounded at STORE_LIMIT documents; registering one more drops
that account's oldest. A dropped document costs its client one retry (PersistedQueryNotFound,
then the query again); one account's registrations never evict another's.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from db.engine import read_connection
from db.tables import PersistedQuery

TABLE = PersistedQuery.__table__  # type: ignore[attr-defined]
Q = TABLE.c
STORE_LIMIT = 10_000  # documents per account; each is at most a request body


async def persisted_query(engine: AsyncEngine, *, account_id: str, sha256: str) -> str | None:
    """Return the document this account registered under this hash, if any process did."""
    async with read_connection(engine) as connection:
        found = await connection.execute(
            select(Q.query).where(Q.account_id == account_id, Q.sha256 == sha256)
        )
        return found.scalar_one_or_none()


async def register_query(
    engine: AsyncEngine,
    *,
    account_id: str,
    sha256: str,
    query: str,
    now: datetime,
    limit: int = STORE_LIMIT,
) -> None:
    """Store a document under its (checked) hash for this account, dropping the account's
    oldest beyond `limit`; a second registration changes nothing."""
    mine = Q.account_id == account_id
    try:
        async with engine.begin() as connection:
            if await connection.scalar(select(Q.sha256).where(mine, Q.sha256 == sha256)) is None:
                stored = await connection.scalar(select(func.count()).where(mine)) or 0
                if stored >= limit:
                    oldest = (
                        select(Q.sha256)
                        .where(mine)
                        .order_by(Q.created_at, Q.sha256)
                        .limit(stored - limit + 1)
                        .scalar_subquery()
                    )
                    await connection.execute(delete(TABLE).where(mine, Q.sha256.in_(oldest)))
                await connection.execute(
                    TABLE.insert().values(
                        account_id=account_id, sha256=sha256, query=query, created_at=now
                    )
                )
    except IntegrityError:
        pass  # another process registered the same document at the same moment
