"""Accounts (tenants) and their API keys."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from db.queries.accounts import api_key_by_hash
from db.tables import Account, AccountCounter, ApiKey
from domain.clock import Clock
from domain.context import Caller, Role
from domain.ids import new_id
from domain.validation import required_text

API_KEY_PREFIX = "mbk_"
NUMBER_SERIES = ("invoice", "invoice_schedule", "credit_note")


def hash_api_key(api_key: str) -> str:
    """Return the SHA-256 hex digest under which a key is stored (keys are 256-bit random)."""
    return hashlib.sha256(api_key.encode()).hexdigest()


async def create_account(*, session: AsyncSession, name: str, clock: Clock) -> Account:
    """Return a new account with its number counters in place."""
    account = Account(
        id=new_id("acct"),
        name=required_text(name, field="name", max_length=200),
        created_at=clock.now(),
    )
    session.add(account)
    await session.flush()
    session.add_all(
        AccountCounter(account_id=account.id, series=series) for series in NUMBER_SERIES
    )
    return account


async def create_api_key(
    *, session: AsyncSession, account_id: str, role: Role, clock: Clock
) -> str:
    """Return a new plaintext API key for the account; only its hash is stored."""
    api_key = API_KEY_PREFIX + secrets.token_urlsafe(32)
    session.add(
        ApiKey(
            account_id=account_id,
            id=new_id("key"),
            key_hash=hash_api_key(api_key),
            role=role.value,
            created_at=clock.now(),
        )
    )
    await session.flush()
    return api_key


async def authenticate(*, connection: AsyncConnection, api_key: str, clock: Clock) -> Caller | None:
    """Return the caller a key belongs to, or None when the key is unknown."""
    row = await api_key_by_hash(connection, key_hash=hash_api_key(api_key))
    if row is None:
        return None
    return Caller(account_id=row.account_id, role=Role(row.role), clock=clock)
