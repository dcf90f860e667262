"""The /graphql endpoint: authentication in front of Strawberry's ASGI view."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from contextvars import ContextVar
from typing import Any

import orjson
from cross_web import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.types import Message, Receive, Scope, Send
from starlette.websockets import WebSocketDisconnect
from strawberry.asgi import ASGIWebSocketAdapter, GraphQL
from strawberry.http import GraphQLHTTPResponse
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult

from db.stats import start_counting
from domain.context import Caller
from resolvers.context import RequestContext, request_id_var
from schema import build_schema
from server.auth import CHALLENGE, UNAUTHORIZED_MESSAGE, caller_of
from server.bodies import BadRequest, decode_json_body
from server.graphiql import GraphiQLPage
from server.media_types import GRAPHQL_RESPONSE, MEDIA_MARK, is_request_error, response_media_type
from server.observability import CLIENT_CLOSED, BodyTooLarge, request_info
from server.persisted_queries import resolve_query
from server.refusals import (
    UNEXPECTED,
    RequestRefusal,
    execute_over_http,
    from_http_exception,
    refusal_response,
    unexpected_failure,
)
from server.socket_limits import LimitedTransportWS, OpenSubscriptions, run_droppable, send_or_drop
from server.state import AppState
from server.subscriptions import authorise, socket_context

CALLER_SCOPE_KEY = "milestone_billing.caller"
# A GET query's answer: the client's own cache may reuse it for 30 s (Vary: per key and media
# type); `private`, so no shared cache (CDN, proxy) keeps one account's figures.
CACHEABLE_QUERY = "private, max-age=30"
logger = logging.getLogger("milestone_billing.errors")
# The account of the request being answered: Strawberry's parse_http_body sees only an adapter
# of the request, and the persisted-query store is per account.
account_var: ContextVar[str] = ContextVar("milestone_billing.account")


class TextFrames(ASGIWebSocketAdapter):
    """graphql-transport-ws messages as text frames: browsers' clients (and the protocol)
    expect text, and Strawberry sends encode_json's bytes as binary frames."""

    async def send_json(self, message: Mapping[str, object]) -> None:
        encoded = self.view.encode_json(message)
        text = encoded.decode() if isinstance(encoded, bytes) else encoded
        timeout = getattr(self.view, "state").settings.subscription_send_timeout  # noqa: B009
        try:
            await send_or_drop(self.ws.scope, lambda: self.ws.send_text(text), seconds=timeout)
        except WebSocketDisconnect as exc:
            raise WebSocketDisconnected from exc


class BillingGraphQL(GraphQL[RequestContext, None]):
    websocket_adapter_class = TextFrames
    graphql_transport_ws_handler_class = LimitedTransportWS

    def __init__(self, state: AppState, ide: GraphiQLPage | None = None) -> None:
        super().__init__(
            build_schema(),
            graphql_ide="graphiql",
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            max_subscriptions_per_connection=None,  # LimitedTransportWS bounds them
        )
        self.state = state
        self.open_subscriptions = OpenSubscriptions(
            per_account=state.settings.subscriptions_per_account,
            per_process=state.settings.subscriptions_per_process,
        )
        self.ide = ide or GraphiQLPage(host=state.settings.host)

    def should_render_graphql_ide(self, request: Any) -> bool:
        """Strawberry's rule, except that a persisted query's GET (the hash alone, no
        `query`, Accept */*) is an operation, not a browser asking for GraphiQL."""
        return super().should_render_graphql_ide(request) and not request.query_params.get(
            "extensions"
        )

    async def render_graphql_ide(self, request: Request) -> Response:
        """GraphiQL from this server's own checked files, or Strawberry's CDN page."""
        return self.ide.response(request)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Strawberry's view, with its plain-text refusals (bad body, no query) and ours as
        GraphQL errors with a code, in the negotiated media type, never cached."""
        if scope["type"] == "websocket":  # subscriptions (server/subscriptions.py)
            handle = super().__call__
            await run_droppable(scope, lambda: handle(scope, receive, send))
            return
        request = Request(scope, receive)
        account_var.set(scope[CALLER_SCOPE_KEY].account_id)
        try:
            response = await self.run(request)
        except HTTPException as error:
            response = refusal_response(request, from_http_exception(error))
        except RequestRefusal as refusal:
            response = refusal_response(request, refusal)
        await response(scope, receive, send)

    async def parse_http_body(self, request: Any) -> Any:
        """Strawberry's parsing, then the query of an automatic persisted query filled in."""
        data = await super().parse_http_body(request)
        if isinstance(data, list):
            return data
        data.query = await resolve_query(
            self.state.engine,
            account_id=account_var.get(),
            query=data.query,
            extensions=data.extensions,
        )
        return data

    async def execute_single(  # noqa: PLR0917 (Strawberry's signature)
        self,
        request: Any,
        request_adapter: Any,
        sub_response: Any,
        context: Any,
        root_value: Any,
        request_data: Any,
    ) -> ExecutionResult:
        """Strawberry's execution, refusing a subscription (any method) and a mutation by GET
        before anything runs (server.refusals)."""
        return await execute_over_http(
            self.schema,
            method=request_adapter.method,
            request_data=request_data,
            context=context,
            root_value=root_value,
        )

    async def get_sub_response(self, request: Any) -> Response:
        sub_response = await super().get_sub_response(request)
        if response_media_type(request.headers.get("accept", "")) == GRAPHQL_RESPONSE:
            sub_response.headers[MEDIA_MARK] = "1"
        # A GET runs only queries (server.refusals), so its answer may be cached per API key;
        # a POST's never. create_response withdraws it from an error.
        sub_response.headers["Cache-Control"] = (
            CACHEABLE_QUERY if request.method == "GET" else "no-store"
        )
        sub_response.headers["Vary"] = "Authorization, Accept"
        return sub_response

    def create_response(self, response_data: Any, sub_response: Any) -> Response:
        """JSON, as application/graphql-response+json when the client prefers it (GraphQL
        over HTTP): then a request that never executed answers 400 without `data`."""
        response = super().create_response(response_data, sub_response)
        if isinstance(response_data, dict) and response_data.get("errors"):
            response.headers["Cache-Control"] = "no-store"
        if sub_response.headers.get(MEDIA_MARK):
            del response.headers[MEDIA_MARK]
            response.headers["content-type"] = GRAPHQL_RESPONSE
            if isinstance(response_data, dict) and "data" not in response_data:
                response.status_code = 400
        return response

    def parse_json(self, data: str | bytes) -> Any:
        """Strict JSON: UTF-8, bounded nesting and number lengths (see server.bodies)."""
        try:
            return decode_json_body(data.encode() if isinstance(data, str) else data)
        except BadRequest as error:
            raise HTTPException(400, error.message) from None

    def encode_json(self, data: object) -> bytes:
        """Encode responses with orjson: several times faster than json for 50 KB answers.

        A value orjson cannot encode exactly (an integer past 64 bits, a lone surrogate) is a
        bug to log, and the client gets a masked error with the request id, not a bare 500:
        the operation may already have committed.
        """
        try:
            return orjson.dumps(data)
        except (orjson.JSONEncodeError, TypeError):
            request_id = request_id_var.get()
            logger.exception("cannot encode the response (request %s)", request_id)
            masked = {
                "message": UNEXPECTED,
                "extensions": {"code": "INTERNAL", "requestId": request_id},
            }
            return orjson.dumps({"data": None, "errors": [masked]})

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        """Strawberry's result (every error has a code: schema/error_codes.py)."""
        processed = await super().process_result(request, result)
        negotiated = response_media_type(request.headers.get("accept", ""))
        if negotiated == GRAPHQL_RESPONSE and is_request_error(result):
            # A request error (parse, validation, limits) has no `data` entry at all.
            processed.pop("data", None)
        return processed

    async def on_ws_connect(self, context: Any) -> None:
        await authorise(self.state, context)

    async def get_context(self, request: Request, response: Any) -> RequestContext:  # type: ignore[override]
        if request.scope["type"] == "websocket":
            return socket_context(self.state, request_id_var.get())
        caller: Caller = request.scope[CALLER_SCOPE_KEY]
        context = RequestContext.create(
            caller=caller,
            engine=self.state.engine,
            request_id=request_id_var.get(),
            statements=request.scope.get("milestone_billing.statements"),
        )
        context.extra["started"] = request.scope.get("milestone_billing.started")
        context.extra["expose_stats"] = self.state.settings.expose_query_stats
        context.extra["fast_queries"] = self.state.settings.fast_queries
        context.extra["request_info"] = request_info(request.scope)
        return context


def wants_graphiql(request: Request) -> bool:
    return request.method == "GET" and "text/html" in request.headers.get("accept", "")


class GraphQLEndpoint:
    """ASGI app for /graphql: GraphiQL for browsers, a 401 without a valid key."""

    def __init__(self, state: AppState, ide: GraphiQLPage | None = None) -> None:
        self.state = state
        self.graphql = BillingGraphQL(state, ide)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        operation = "query" in request.query_params or "extensions" in request.query_params
        if wants_graphiql(request) and not operation:
            page = await self.graphql.render_graphql_ide(request)
            await page(scope, receive, send)
            return
        scope["milestone_billing.started"] = time.perf_counter()
        scope["milestone_billing.statements"] = start_counting()
        started = False

        async def send_tracking(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self._answer(request, scope, receive, send_tracking)
        except ClientDisconnect:
            log_disconnect()
            request_info(scope)[CLIENT_CLOSED] = True
        except Exception as error:  # every answer is JSON with a code, even a failure's
            if started or isinstance(error, BodyTooLarge):  # the 413 is answered outside
                raise
            await unexpected_failure(request, error)(scope, receive, send)

    async def _answer(self, request: Request, scope: Scope, receive: Receive, send: Send) -> None:
        caller = await caller_of(request, self.state)
        if caller is None:
            refusal = RequestRefusal(UNAUTHORIZED_MESSAGE, "UNAUTHENTICATED", 401, CHALLENGE)
            await refusal_response(request, refusal)(scope, receive, send)
            return
        scope[CALLER_SCOPE_KEY] = caller
        request_info(scope)["account_id"] = caller.account_id
        await self.graphql(scope, receive, send)


def log_disconnect() -> None:
    """Note a client that went away before its request was read: nobody is owed an answer,
    and it is no failure of ours (no 500, no traceback)."""
    logger.info(
        "client disconnected before its request was read (request %s)", request_id_var.get()
    )
