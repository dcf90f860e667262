"""Everything one GraphQL request carries: the caller, the engine and its DataLoaders."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine
from strawberry.types import Info

from db.stats import StatementCounter
from domain.context import Caller
from domain.idempotency import IdempotentRequest
from resolvers.loaders import Loaders

request_id_var: ContextVar[str] = ContextVar("request_id", default="-")


@dataclass
class RequestContext:
    caller: Caller
    engine: AsyncEngine
    request_id: str
    loaders: Loaders
    statements: StatementCounter | None = None
    idempotency: IdempotentRequest | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def create(
        cls,
        *,
        caller: Caller,
        engine: AsyncEngine,
        request_id: str,
        statements: StatementCounter | None = None,
    ) -> RequestContext:
        return cls(
            caller=caller,
            engine=engine,
            request_id=request_id,
            loaders=Loaders(engine=engine, caller=caller),
            statements=statements,
        )


def context_of(info: Info[Any, Any]) -> RequestContext:
    """Return the request context of a resolver call."""
    context: RequestContext = info.context
    return context
