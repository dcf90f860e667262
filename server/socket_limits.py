"""Bounds on what WebSockets may hold: open subscriptions per account and per process, and
a socket that stops reading.

Every open operation holds a task and, on each of its account's commits, a read of the new
events; unbounded, one key's 10,000 unread subscriptions took 230 MB and made the next
mutation wait 25 s. Past a bound a subscribe is refused with an `error` message carrying
`LIMIT_EXCEEDED`; the counts are this process's (each server process bounds itself).

A socket whose client stops reading: a send that cannot leave within
SUBSCRIPTION_SEND_TIMEOUT seconds drops the whole socket (its subscriptions end and are no
longer counted), so its backlog is at most one pending message per subscription plus the
transport's buffer, and it holds nobody else up.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from typing import Any

from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import SubscribeMessage

from resolvers.context import RequestContext

PER_SOCKET = 100  # one socket's open operations (Strawberry's default, now with a code)
DROP_SCOPE_KEY = "milestone_billing.drop_socket"
logger = logging.getLogger("milestone_billing.subscriptions")


class OpenSubscriptions:
    """How many operations are open on this process's sockets, per account and in all."""

    def __init__(self, *, per_account: int, per_process: int) -> None:
        self.per_account, self.per_process = per_account, per_process
        self.by_account: Counter[str] = Counter()

    def claim(self, account_id: str) -> str | None:
        """Count one more for the account and return None, or the reason it may not open."""
        if self.by_account[account_id] >= self.per_account:
            return (
                f"Subscription limit reached: an account may hold {self.per_account} open "
                "subscriptions; complete one before starting another."
            )
        if self.by_account.total() >= self.per_process:
            return "Subscription limit reached: the server holds all it can; try again later."
        self.by_account[account_id] += 1
        return None

    def release(self, account_id: str) -> None:
        """Count one fewer for the account."""
        self.by_account[account_id] -= 1
        if self.by_account[account_id] <= 0:
            del self.by_account[account_id]


def limit_error(id_: str, message: str) -> Any:
    """Return the graphql-transport-ws `error` message refusing operation `id_`."""
    payload = [{"message": message, "extensions": {"code": "LIMIT_EXCEEDED"}}]
    return {"id": id_, "type": "error", "payload": payload}


class LimitedTransportWS(BaseGraphQLTransportWSHandler[RequestContext, None]):
    """Strawberry's graphql-transport-ws handler, with the bounds above on subscribe."""

    counted: dict[int, str]  # the operations this socket holds a slot for, by id()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.counted = {}

    @property
    def open_subscriptions(self) -> OpenSubscriptions:
        counts: OpenSubscriptions = getattr(self.view, "open_subscriptions")  # noqa: B009
        return counts

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        if not self.connection_acknowledged or message["id"] in self.operations:
            await super().handle_subscribe(message)  # closes the socket, as the protocol says
            return
        account_id = self.context.caller.account_id
        if len(self.operations) >= PER_SOCKET:
            refusal: str | None = f"Subscription limit reached: {PER_SOCKET} per socket."
        else:
            refusal = self.open_subscriptions.claim(account_id)
        if refusal is not None:
            await self.send_message(limit_error(message["id"], refusal))
            return
        try:
            await super().handle_subscribe(message)
        finally:
            operation = self.operations.get(message["id"])
            if operation is not None and operation.task is not None:
                self.counted[id(operation)] = account_id
                operation.task.add_done_callback(lambda _task: self._release(operation))
            else:  # a malformed subscribe: the socket was closed, nothing runs
                self.open_subscriptions.release(account_id)

    async def cleanup_operation(self, operation_id: str) -> None:
        # A `complete` frees the slot at once, not when the cancelled task gets to finish.
        operation = self.operations.get(operation_id)
        await super().cleanup_operation(operation_id)
        if operation is not None:
            self._release(operation)

    def _release(self, operation: Any) -> None:
        account_id = self.counted.pop(id(operation), None)
        if account_id is not None:
            self.open_subscriptions.release(account_id)


async def send_or_drop(scope: Any, send: Any, *, seconds: float) -> None:
    """Await `send()`; past `seconds` drop the socket (its client is not reading)."""
    try:
        async with asyncio.timeout(seconds):
            await send()
    except TimeoutError:
        drop = scope.get(DROP_SCOPE_KEY)
        if drop is not None:
            drop()
        raise asyncio.CancelledError from None


async def run_droppable(scope: Any, run: Any) -> None:
    """Run the socket's handler `run()`; a send past its timeout ends it quietly."""
    task = asyncio.current_task()
    dropped = cancelled = False

    def drop() -> None:
        nonlocal dropped, cancelled
        if not dropped:
            dropped = True
            logger.warning("dropped a WebSocket whose client stopped reading")
            if task is not None and asyncio.current_task() is not task:
                cancelled = True
                task.cancel()

    scope[DROP_SCOPE_KEY] = drop
    try:
        await run()
    except asyncio.CancelledError:
        if not dropped:
            raise
        if cancelled and task is not None:
            task.uncancel()
