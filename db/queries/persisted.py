"""Automatic persisted queries: look a document up by its hash, or register it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from db.engine import read_connection
from db.tables import PersistedQuery

Q = PersistedQuery.__table__.c  # type: ignore[attr-defined]


async def persisted_query(engine: AsyncEngine, *, sha256: str) -> str | None:
    """Return the document registered under this hash, if any process registered it."""
    async with read_connection(engine) as connection:
        found = await connection.execute(select(Q.query).where(Q.sha256 == sha256))
        return found.scalar_one_or_none()


async def register_query(engine: AsyncEngine, *, sha256: str, query: str, now: datetime) -> None:
    """Store a document under its (checked) hash; a second registration changes nothing."""
    try:
        async with engine.begin() as connection:
            if await connection.scalar(select(Q.sha256).where(Q.sha256 == sha256)) is None:
                await connection.execute(
                    PersistedQuery.__table__.insert().values(  # type: ignore[attr-defined]
                        sha256=sha256, query=query, created_at=now
                    )
                )
    except IntegrityError:
        pass  # another process registered the same document at the same moment
