"""Automatic persisted queries as Apollo Client's PersistedQueryLink speaks them.

A request carries `extensions.persistedQuery = {version: 1, sha256Hash}` (on GET in the URL,
so a CDN can cache it). With the query too, the hash is checked and the pair stored; without
it, the stored query is used, or the answer is `PersistedQueryNotFound` and the link retries
with the query. The store is the database, so every server process shares it; each account
has its own (a hash registered by one is not found for another), keeping only documents that
parse, and at most db.queries.persisted.STORE_LIMIT of them.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from typing import Any

from graphql import GraphQLSyntaxError, parse
from sqlalchemy.ext.asyncio import AsyncEngine

from db.queries.persisted import persisted_query, register_query
from schema import MAX_TOKENS
from server.refusals import RequestRefusal

SHA256_HEX = re.compile(r"[0-9a-f]{64}")


async def resolve_query(
    engine: AsyncEngine,
    *,
    account_id: str,
    query: str | None,
    extensions: dict[str, Any] | None,
) -> str | None:
    """Return the query to run: the one sent, or the one the account stored under the hash."""
    persisted = (extensions or {}).get("persistedQuery")
    if persisted is None:
        return query
    if not isinstance(persisted, dict) or persisted.get("version") != 1:
        raise RequestRefusal(
            "Unsupported persistedQuery version; only version 1 is.", "BAD_REQUEST", 400
        )
    sha256 = persisted.get("sha256Hash")
    if not isinstance(sha256, str) or not SHA256_HEX.fullmatch(sha256):
        raise RequestRefusal(
            "persistedQuery.sha256Hash must be 64 lower-case hex digits.", "BAD_REQUEST", 400
        )
    if query is None:
        stored = await persisted_query(engine, account_id=account_id, sha256=sha256)
        if stored is None:
            # Apollo's link looks for this message (and code) and sends the query again.
            raise RequestRefusal("PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND", 200)
        return stored
    if hashlib.sha256(query.encode()).hexdigest() != sha256:
        raise RequestRefusal("provided sha does not match query", "BAD_REQUEST", 400)
    if parses(query):  # a broken document gets its syntax error, and is not kept
        await register_query(
            engine, account_id=account_id, sha256=sha256, query=query, now=datetime.now(UTC)
        )
    return query


def parses(query: str) -> bool:
    """Whether the document is syntactically GraphQL (within the schema's token limit)."""
    try:
        parse(query, max_tokens=MAX_TOKENS, no_location=True)
    except GraphQLSyntaxError:
        return False
    return True
