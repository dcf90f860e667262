"""Automatic persisted queries as Apollo Client's PersistedQueryLink speaks them.

A request carries `extensions.persistedQuery = {version: 1, sha256Hash}` (on GET in the URL,
so a CDN can cache it). With the query too, the hash is checked and the pair stored; without
it, the stored query is used, or the answer is `PersistedQueryNotFound` and the link retries
with the query. The store is the database, so every server process shares it.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from db.queries.persisted import persisted_query, register_query

SHA256_HEX = re.compile(r"[0-9a-f]{64}")


class PersistedQueryRefusal(Exception):
    """A persisted-query request that cannot run: answered with one GraphQL error."""

    def __init__(self, message: str, code: str, status: int) -> None:
        super().__init__(message)
        self.message, self.code, self.status = message, code, status


async def resolve_query(
    engine: AsyncEngine, *, query: str | None, extensions: dict[str, Any] | None
) -> str | None:
    """Return the query to run: the one sent, or the one stored under the sent hash."""
    persisted = (extensions or {}).get("persistedQuery")
    if persisted is None:
        return query
    if not isinstance(persisted, dict) or persisted.get("version") != 1:
        raise PersistedQueryRefusal(
            "Unsupported persistedQuery version; only version 1 is.", "BAD_REQUEST", 400
        )
    sha256 = persisted.get("sha256Hash")
    if not isinstance(sha256, str) or not SHA256_HEX.fullmatch(sha256):
        raise PersistedQueryRefusal(
            "persistedQuery.sha256Hash must be 64 lower-case hex digits.", "BAD_REQUEST", 400
        )
    if query is None:
        stored = await persisted_query(engine, sha256=sha256)
        if stored is None:
            # Apollo's link looks for this message (and code) and sends the query again.
            raise PersistedQueryRefusal("PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND", 200)
        return stored
    if hashlib.sha256(query.encode()).hexdigest() != sha256:
        raise PersistedQueryRefusal("provided sha does not match query", "BAD_REQUEST", 400)
    await register_query(engine, sha256=sha256, query=query, now=datetime.now(UTC))
    return query
