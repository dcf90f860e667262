"""Subscriptions over graphql-transport-ws at /graphql, authorised by connection_init.

The socket opens without a caller; `connection_init`'s payload must carry
`{"Authorization": "Bearer <key>"}`, or the connection is closed (4403). Every subscription
then runs as that key's account, so it only ever sees that account's events.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from strawberry.exceptions import ConnectionRejectionError

from db.engine import read_connection
from domain.accounts.service import authenticate
from domain.context import Caller, Role
from resolvers.context import RequestContext
from resolvers.loaders import Loaders
from server.state import AppState

NOBODY = Caller(account_id="", role=Role.READ)


@dataclass
class SocketContext(RequestContext):
    connection_params: Any = None


def socket_context(state: AppState, request_id: str) -> SocketContext:
    """Return the context of a socket that has not said who it is yet."""
    context = SocketContext.create(caller=NOBODY, engine=state.engine, request_id=request_id)
    assert isinstance(context, SocketContext)
    return context


async def authorise(state: AppState, context: SocketContext) -> None:
    """Make the socket's caller the owner of the key in connection_init, or refuse it."""
    params = context.connection_params if isinstance(context.connection_params, dict) else {}
    header = next((v for k, v in params.items() if k.lower() == "authorization"), "")
    scheme, _, key = str(header).partition(" ")
    caller = None
    if scheme.lower() == "bearer" and key.strip():
        async with read_connection(state.engine) as db:
            caller = await authenticate(connection=db, api_key=key.strip(), clock=state.clock)
    if caller is None:
        raise ConnectionRejectionError({"message": "Send Authorization: Bearer <key>."})
    context.caller = caller
    context.loaders = Loaders(engine=state.engine, caller=caller)
