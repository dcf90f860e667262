"""The frame every mutation runs in: write permission, one transaction, userErrors."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from graphql import GraphQLError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import Info

from db.engine import write_session
from domain.context import Caller
from domain.errors import DomainError
from domain.idempotency import check_key, remember_response, stored_response
from resolvers.context import context_of
from resolvers.idempotency import decode_result, encode_result
from resolvers.loaders import Loaders

T = TypeVar("T")


@dataclass
class Outcome(Generic[T]):
    """What a mutation produced: its value, or the userErrors that refused it."""

    value: T | None = None
    errors: list[DomainError] = field(default_factory=list)


def require_write(caller: Caller) -> None:
    """Refuse a read-only key with a top-level FORBIDDEN error."""
    if not caller.can_write:
        raise GraphQLError(
            "This API key is read-only; mutations need a key with the write role.",
            extensions={"code": "FORBIDDEN"},
        )


async def run_write(
    info: Info[Any, Any], action: Callable[[AsyncSession, Caller], Awaitable[T]]
) -> Outcome[T]:
    """Return the outcome of `action` run in one write transaction, rolled back on error."""
    context = context_of(info)
    require_write(context.caller)
    request = context.idempotency
    for attempt in (1, 2):
        try:
            async with write_session(context.engine) as session:
                if request is None:
                    value = await action(session, context.caller)
                else:
                    check_key(request.key)
                    stored = await stored_response(
                        session=session, caller=context.caller, request=request
                    )
                    if stored is not None:
                        return Outcome(value=decode_result(stored))
                    value = await action(session, context.caller)
                    await remember_response(
                        session=session,
                        caller=context.caller,
                        request=request,
                        response=encode_result(value),
                    )
            break
        except DomainError as error:
            return Outcome(errors=[error])
        except IntegrityError:
            # Another request with the same key committed first: replay its response.
            if request is None or attempt == 2:
                raise
    # What this request read before the write is stale now.
    context.loaders = Loaders(engine=context.engine, caller=context.caller)
    return Outcome(value=value)
