"""Bearer API keys: who is calling, or a 401."""

from __future__ import annotations

from starlette.requests import HTTPConnection
from starlette.responses import JSONResponse

from db.engine import read_connection
from domain.accounts.service import authenticate
from domain.context import Caller
from server.state import AppState


def bearer_token(connection: HTTPConnection) -> str | None:
    """Return the key from `Authorization: Bearer <key>`, or None."""
    scheme, _, token = connection.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


async def caller_of(connection: HTTPConnection, state: AppState) -> Caller | None:
    """Return the caller whose key the request carries, or None for no key or a bad key."""
    api_key = bearer_token(connection)
    if api_key is None:
        return None
    async with read_connection(state.engine) as db:
        return await authenticate(connection=db, api_key=api_key, clock=state.clock)


UNAUTHORIZED_MESSAGE = "Missing or invalid API key: send `Authorization: Bearer <key>`."
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="milestone-billing"'}


def unauthorized() -> JSONResponse:
    """Return the GraphQL-shaped 401 (the REST route has its own error shape)."""
    return JSONResponse(
        {"errors": [{"message": UNAUTHORIZED_MESSAGE, "extensions": {"code": "UNAUTHENTICATED"}}]},
        status_code=401,
        headers=CHALLENGE,
    )
