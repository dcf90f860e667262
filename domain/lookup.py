"""Finding one of the caller's rows by id: another account's id is simply not found."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from domain.context import Caller
from domain.errors import DomainError, ErrorCode

T = TypeVar("T")


async def get_owned(
    table: type[T],
    *,
    session: AsyncSession,
    caller: Caller,
    id_: str,
    field: str,
    noun: str,
    lock: bool = False,
) -> T:
    """Return the caller's row of `table` with this id (locked if asked), or raise NOT_FOUND."""
    # A locked read refreshes a row loaded earlier in the transaction: it may have changed
    # before the lock was granted.
    row = await session.get(
        table, (caller.account_id, id_), with_for_update=lock, populate_existing=lock
    )
    if row is None:
        raise DomainError(ErrorCode.NOT_FOUND, field, f"No {noun} with this id.")
    return row
