"""The frame every mutation runs in: write permission, one transaction, userErrors."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from graphql import GraphQLError
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import Info

from db.engine import write_session
from db.errors import is_transaction_conflict
from db.statements import Statements, session_statements, write_in_one_trip
from domain.context import Caller
from domain.errors import DomainError, every_error
from domain.events.outbox import collecting_events, write_events
from domain.idempotency import (
    IdempotentRequest,
    check_key,
    remember_response,
    stored_response,
)
from resolvers import live
from resolvers.context import context_of
from resolvers.idempotency import decode_result, encode_result
from resolvers.loaders import Loaders

T = TypeVar("T")
V = TypeVar("V")


@dataclass
class Outcome(Generic[T]):
    """What a mutation produced: its value, or the userErrors that refused it."""

    value: T | None = None
    errors: list[DomainError] = field(default_factory=list)


async def read_back(
    outcome: Outcome[Any], read: Callable[[str], Awaitable[V | None]]
) -> Outcome[V]:
    """Return the outcome with the object it wrote replaced by `read` of its id (the fresh
    read model), or its userErrors."""
    if outcome.value is None:
        return Outcome(errors=outcome.errors)
    return Outcome(value=await read(outcome.value.id))


READ_ONLY_MESSAGE = "This API key is read-only; mutations need a key with the write role."


def require_write(caller: Caller) -> None:
    """Refuse a read-only key with a top-level FORBIDDEN error."""
    if not caller.can_write:
        raise GraphQLError(READ_ONLY_MESSAGE, extensions={"code": "FORBIDDEN"})


async def run_write(
    info: Info[Any, Any], action: Callable[[AsyncSession, Caller], Awaitable[T]]
) -> Outcome[T]:
    """Return the outcome of `action` run with an ORM session in one write transaction."""
    context = context_of(info)

    async def attempt(request: IdempotentRequest | None) -> T | Replayed:
        async with write_session(context.engine) as session:
            db = await session_statements(session)
            return await _idempotent(
                db, context.caller, request, lambda: action(session, context.caller)
            )

    return await _run(info, attempt)


async def run_statements(
    info: Info[Any, Any], action: Callable[[Statements, Caller], Coroutine[Any, Any, T]]
) -> Outcome[T]:
    """Return the outcome of `action`, which writes with prepared statements only.

    The whole transaction makes one trip to SQLite (db/statements.py); on PostgreSQL it runs
    like any other.
    """
    context = context_of(info)

    async def attempt(request: IdempotentRequest | None) -> T | Replayed:
        return await write_in_one_trip(
            context.engine,
            lambda db: _idempotent(db, context.caller, request, lambda: action(db, context.caller)),
        )

    return await _run(info, attempt)


@dataclass
class Replayed:
    """The stored result of an earlier request with the same idempotency key."""

    value: Any


async def _idempotent(
    db: Statements,
    caller: Caller,
    request: IdempotentRequest | None,
    action: Callable[[], Awaitable[T]],
) -> T | Replayed:
    """Return the action's result, stored under the request's key; or the stored one.

    The events the action recorded are written last, just before the commit; a replay
    records none.
    """
    if request is not None:
        check_key(request.key)
        stored = await stored_response(db=db, caller=caller, request=request)
        if stored is not None:
            return Replayed(decode_result(stored))
    with collecting_events() as pending:
        value = await action()
        if request is not None:
            response = encode_result(value)
            await remember_response(db=db, caller=caller, request=request, response=response)
        await write_events(db=db, caller=caller, pending=pending)
    return value


async def _run(
    info: Info[Any, Any],
    attempt: Callable[[IdempotentRequest | None], Awaitable[T | Replayed]],
) -> Outcome[T]:
    context = context_of(info)
    require_write(context.caller)
    request = context.idempotency
    for try_number in (1, 2):
        try:
            value = await attempt(request)
            break
        except DomainError as error:
            return Outcome(errors=every_error(error))
        except IntegrityError:
            # Another request with the same key committed first: replay its response.
            if request is None or try_number == 2:
                raise
        except DBAPIError as error:
            # A deadlock or serialization failure rolled everything back: run it once more.
            # A second one reaches the client as TRANSACTION_CONFLICT (schema/extensions.py).
            if not is_transaction_conflict(error) or try_number == 2:
                raise
    if isinstance(value, Replayed):
        return Outcome(value=value.value)
    live.wake(context.caller.account_id)  # committed: this process's subscribers read on
    # What this request read before the write is stale now.
    context.loaders = Loaders(engine=context.engine, caller=context.caller)
    return Outcome(value=value)
