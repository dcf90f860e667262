"""Bearer API keys: who is calling, or a 401."""

from __future__ import annotations

from starlette.requests import HTTPConnection

from db.engine import read_connection
from db.stats import uncounted
from domain.accounts.service import authenticate, hash_api_key
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
    key_hash = hash_api_key(api_key)
    caller = state.known_keys.get(key_hash)
    if caller is not None:
        return caller
    # Not one of the request's statements: a cached key costs none, so counting this one
    # would make a request's statement count depend on what came before it.
    with uncounted():
        async with read_connection(state.engine) as db:
            caller = await authenticate(connection=db, api_key=api_key, clock=state.clock)
    if caller is not None:
        state.known_keys.put(key_hash, caller)
    return caller


UNAUTHORIZED_MESSAGE = "Missing or invalid API key: send `Authorization: Bearer <key>`."
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="milestone-billing"'}
