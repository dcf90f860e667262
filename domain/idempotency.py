"""Idempotency keys: a retried mutation gets its first response back and writes nothing more."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from db.engine import lock_name
from db.tables import IdempotencyRecord
from db.tables.columns import R
from domain.context import Caller
from domain.errors import DomainError, ErrorCode

MAX_KEY_LENGTH = 255
RETENTION = timedelta(hours=24)


@dataclass(frozen=True)
class IdempotentRequest:
    key: str
    operation: str
    fingerprint: str


def fingerprint(operation: str, payload: Any) -> str:
    """Return a hash of the operation and its input (canonical JSON, key excluded)."""
    text = json.dumps([operation, payload], sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def check_key(key: str) -> str:
    """Return the key, refusing an empty one or one over 255 characters."""
    if not key.strip() or len(key) > MAX_KEY_LENGTH:
        raise DomainError(
            ErrorCode.INVALID,
            "idempotencyKey",
            f"An idempotency key has 1 to {MAX_KEY_LENGTH} characters.",
        )
    return key


async def stored_response(
    *, session: AsyncSession, caller: Caller, request: IdempotentRequest
) -> Any | None:
    """Return the stored response for this key, None when the key is new.

    Refuses the key when it was first used for another operation or another input.
    """
    await lock_name(session, f"idempotency:{caller.account_id}:{request.key}")
    record = await session.get(IdempotencyRecord, (caller.account_id, request.key))
    if record is None or record.expires_at <= caller.clock.now():
        return None
    if record.operation != request.operation or record.request_hash != request.fingerprint:
        raise DomainError(
            ErrorCode.IDEMPOTENCY_KEY_REUSED,
            "idempotencyKey",
            "This idempotency key was already used with a different input.",
        )
    return json.loads(record.response)


async def remember_response(
    *, session: AsyncSession, caller: Caller, request: IdempotentRequest, response: Any
) -> None:
    """Store the response in the transaction that wrote it, and prune expired records."""
    now = caller.clock.now()
    await session.execute(
        delete(IdempotencyRecord).where(R.account_id == caller.account_id, R.expires_at <= now)
    )
    await session.merge(
        IdempotencyRecord(
            account_id=caller.account_id,
            key=request.key,
            operation=request.operation,
            request_hash=request.fingerprint,
            response=json.dumps(response),
            created_at=now,
            expires_at=now + RETENTION,
        )
    )
    await session.flush()
