"""The query lane: a read-only query answered straight from the ASGI call.

Most requests a client sends are the same few queries, POSTed as JSON with a known key. For
those, the work of Starlette's routing and middleware and of Strawberry's HTTP view and
extension hooks was several times the work of answering (`{ __typename }` took 1.3 ms, almost
none of it GraphQL). The lane answers such a request itself: the key from the key cache, the
document parsed and validated once per distinct text (server/lane_documents.py), the cost
limit checked, the variables coerced, the level-batched executor run, the answer written.

Anything else, or anything unusual on the way, steps aside to the full path with the body
replayed, before a byte is sent: a mutation, a GET, an unknown key, an error of any kind, a
document not yet valid, an Accept or Content-Type the lane does not speak, persisted-query
extensions. The full path then answers exactly as it always did. The lane's answers are the
full path's, byte for byte and header for header (tests/server/test_query_lane.py proves it
on the shape suite and on documents generated from the schema).

It sits inside RequestObservation (request id, log line, metrics), so its answers are logged
and counted like every other.
"""

from __future__ import annotations

import time
from typing import Any

import orjson
from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from db.stats import start_counting
from domain.accounts.service import hash_api_key
from resolvers.context import RequestContext, request_id_var
from schema.cost import MAX_COST
from schema.fast_executor import FastExecutor
from schema.fast_values import coerce_variables
from server.lane_documents import LaneDocuments, PreparedBodies
from server.media_types import GRAPHQL_RESPONSE, JSON, response_media_type
from server.observability import request_info
from server.state import AppState

# Bodies up to this size are read by the lane; a larger one goes the full path unread.
MAX_LANE_BODY = 64 * 1024
JSON_CONTENT_TYPES = frozenset({b"application/json", b"application/json; charset=utf-8"})
# Accept values the lane answers; any other goes the full path (negotiation, 406 and the like).
# urql's default Accept names event streams and multipart too, which a query is never sent as.
LANE_ACCEPTS = frozenset(
    {
        JSON,
        GRAPHQL_RESPONSE,
        "application/graphql+json",
        "*/*",
        "application/*",
        "text/event-stream",
        "multipart/mixed",
    }
)


class StepAside(Exception):
    """This request is left to the full path."""


class QueryLane:
    """ASGI middleware: answer plain read-only GraphQL POSTs, hand everything else on."""

    def __init__(self, app: ASGIApp, *, state: AppState, cors: CORSMiddleware) -> None:
        self.app = app
        self.state = state
        self.cors = cors
        self.documents = LaneDocuments()
        self.prepared = PreparedBodies(self.documents)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["path"] != "/graphql"
            or scope["method"] != "POST"
            or scope.get("query_string")
            or not self.state.settings.fast_queries
        ):
            await self.app(scope, receive, send)
            return
        read: list[Message] = []
        try:
            answer = await self._answer(scope, receive, read)
        except StepAside:
            answer = None
        if answer is None:
            await self.app(scope, _replaying(read, receive), send)
            return
        start, body, cross_origin = answer
        if cross_origin:
            await self.cors.send(start, send, Headers(scope=scope))
        else:
            await send(start)
        await send({"type": "http.response.body", "body": body})

    async def _answer(
        self, scope: Scope, receive: Receive, read: list[Message]
    ) -> tuple[Message, bytes, bool] | None:
        """Return the response start and body and whether the request came with an Origin
        (CORS then decorates the answer), or None (or StepAside) for the full path."""
        request = _LaneRequest(scope["headers"])
        caller = self.state.known_keys.get(hash_api_key(request.token))
        if caller is None:
            return None
        body = await _read_body(receive, read, request.content_length)
        prepared = self.prepared.get(body)
        if prepared is None:
            return None
        info = request_info(scope)
        info["operation"] = prepared.name
        info["operation_type"] = "query"
        info["account_id"] = caller.account_id
        context = RequestContext.create(
            caller=caller,
            engine=self.state.engine,
            request_id=request_id_var.get(),
            statements=start_counting(),
        )
        started = time.perf_counter()
        plan = self.documents.plan
        try:
            coerced = coerce_variables(plan, prepared.operation, prepared.variables)
            executor = FastExecutor(
                plan, context, prepared.operation, prepared.document.fragments, coerced
            )
            data = await executor.run()
        except Exception:  # noqa: BLE001 - a read-only query can always run again
            return None
        extensions: dict[str, Any] = {"cost": {"requested": prepared.cost, "limit": MAX_COST}}
        if self.state.settings.expose_query_stats and context.statements is not None:
            extensions["stats"] = {
                "sqlStatements": context.statements.count,
                "durationMs": round((time.perf_counter() - started) * 1000, 3),
            }
        try:
            encoded = orjson.dumps({"data": data, "extensions": extensions})
        except (orjson.JSONEncodeError, TypeError):
            return None
        return _start(encoded, request), encoded, request.origin


class _LaneRequest:
    """The headers the lane reads, in one pass; StepAside for any it does not handle."""

    __slots__ = ("token", "content_length", "media_type", "origin")

    def __init__(self, headers: list[tuple[bytes, bytes]]) -> None:
        token = content_type = length = None
        self.media_type = JSON
        self.origin = False
        for name, value in headers:
            if name == b"authorization":
                scheme, _, rest = value.partition(b" ")
                if scheme.lower() != b"bearer" or not rest.strip():
                    raise StepAside
                token = rest.strip().decode("latin-1")
            elif name == b"content-type":
                content_type = value  # as the full path reads it: case and all
            elif name == b"content-length":
                length = value
            elif name == b"accept":
                self.media_type = _media_type(value.decode("latin-1"))
            elif name == b"origin":
                self.origin = True
            elif name in (b"transfer-encoding", b"expect"):
                raise StepAside
        if token is None or content_type not in JSON_CONTENT_TYPES:
            raise StepAside
        if length is None or not length.isdigit() or int(length) > MAX_LANE_BODY:
            raise StepAside
        self.token = token
        self.content_length = int(length)


def _media_type(accept: str) -> str:
    """Return the answer's media type (server.media_types decides) for an Accept header
    naming only types the lane answers, else StepAside."""
    for part in accept.split(","):
        if part.partition(";")[0].strip().lower() not in LANE_ACCEPTS:
            raise StepAside
    return response_media_type(accept)


async def _read_body(receive: Receive, read: list[Message], length: int) -> bytes:
    """Return the request body, keeping every message read for a replay."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        read.append(message)
        if message["type"] != "http.request":
            raise StepAside  # a disconnect: the full path notes it
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > length:
            raise StepAside
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replaying(read: list[Message], receive: Receive) -> Receive:
    """Return a receive that gives the messages the lane read, then the client's own."""
    pending = list(read)

    async def replay() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replay


def _start(body: bytes, request: _LaneRequest) -> Message:
    # Without Origin, Vary as the CORS middleware leaves it; with one, cors.send adds it.
    vary = b"Authorization, Accept" if request.origin else b"Authorization, Accept, Origin"
    return {
        "type": "http.response.start",
        "status": 200,
        "headers": [
            (b"content-length", str(len(body)).encode()),
            (b"content-type", request.media_type.encode()),
            (b"cache-control", b"no-store"),
            (b"vary", vary),
        ],
    }
