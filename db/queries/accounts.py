"""The one read every request makes: which account and role an API key belongs to."""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, bindparam, select
from sqlalchemy.ext.asyncio import AsyncConnection

from db.queries.rows import PreparedSelect, select_rows
from db.tables.accounts import ApiKey

_KEY = ApiKey.__table__.c  # type: ignore[attr-defined]
_KEY_BY_HASH = PreparedSelect(
    select(_KEY.account_id, _KEY.role).where(_KEY.key_hash == bindparam("key_hash", type_=String))
)


async def api_key_by_hash(connection: AsyncConnection, *, key_hash: str) -> Any | None:
    """Return (account_id, role) of the key with this hash, or None."""
    rows = await select_rows(connection, _KEY_BY_HASH, {"key_hash": key_hash})
    return rows[0] if rows else None
