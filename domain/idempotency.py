"""Idempotency keys: a retried mutation gets its first response back and writes nothing more."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import bindparam, delete, insert, select

from db.queries.projects import ACCOUNT
from db.queries.rows import PreparedSelect, PreparedWrite
from db.statements import Statements
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


async def stored_response(*, db: Statements, caller: Caller, request: IdempotentRequest) -> Any:
    """Return the stored response for this key, None when the key is new.

    Refuses the key when it was first used for another operation or another input.
    """
    await db.lock_name(f"idempotency:{caller.account_id}:{request.key}")
    found = await db.rows(_RECORD, {"account_id": caller.account_id, "key": request.key})
    record = found[0] if found else None
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
    *, db: Statements, caller: Caller, request: IdempotentRequest, response: Any
) -> None:
    """Store the response in the transaction that wrote it, and prune expired records.

    An expired record of the same key goes with the pruning, so the insert cannot collide.
    """
    now = caller.clock.now()
    record = {
        "account_id": caller.account_id,
        "key": request.key,
        "operation": request.operation,
        "request_hash": request.fingerprint,
        "response": json.dumps(response),
        "created_at": now,
        "expires_at": now + RETENTION,
    }
    await db.execute((_PRUNE, {"account_id": caller.account_id, "now": now}), (_INSERT, record))


_RECORD = PreparedSelect(
    select(R.operation, R.request_hash, R.response, R.expires_at).where(
        R.account_id == ACCOUNT, R.key == bindparam("key")
    )
)
_PRUNE = PreparedWrite(
    delete(IdempotencyRecord).where(
        R.account_id == ACCOUNT,
        R.expires_at <= bindparam("now", type_=R.expires_at.type),
    )
)
_INSERT = PreparedWrite(insert(IdempotencyRecord), columns=R.keys())
