"""The Starlette application: /graphql, /healthz, and the process lifecycle."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import Message, Receive, Scope, Send

from db.engine import create_engine
from db.errors import is_unavailable
from db.parked_reads import parked_share, parking_reads
from db.revision import ensure_migrated
from domain.clock import Clock, SystemClock
from server import webhook_metrics
from server.bodies import http_error_response
from server.graphiql import GraphiQLPage
from server.graphql_app import GraphQLEndpoint
from server.listener import listening
from server.logs import install_value_redaction
from server.observability import BodyLimitMiddleware, RequestObservation, metrics_endpoint
from server.query_lane import QueryLane
from server.rest import distribute_milestone_payments
from server.settings import Settings
from server.state import AppState
from server.worker import worker_running

logger = logging.getLogger("milestone_billing")
HEALTH_TIMEOUT_SECONDS = 4  # the README promises an answer within 5 s
# Set by `serve` to the database URL it found migrated just before starting uvicorn.
MIGRATIONS_CHECKED_VARIABLE = "MILESTONE_BILLING_MIGRATIONS_CHECKED"
BALANCES_PAGE = Path(__file__).with_name("static") / "examples" / "balances.html"
# What browsers may send cross-origin: the key, JSON, and the headers of tracing and of the
# Apollo and Relay clients.
CORS_REQUEST_HEADERS = [
    "Authorization",
    "Content-Type",
    "X-Request-ID",
    "traceparent",
    "tracestate",
    "apollographql-client-name",
    "apollographql-client-version",
]


async def http_error(_request: Request, error: Exception) -> Response:
    """Starlette's 404 and 405 (with `Allow`), as JSON with a code like every other answer."""
    assert isinstance(error, HTTPException)
    return http_error_response(error.status_code, error.detail, dict(error.headers or {}))


async def _no_app(_scope: Scope, _receive: Receive, _send: Send) -> None:
    """The query lane's CORS only decorates answers; it never calls on."""


class ListedOriginsCORS(CORSMiddleware):
    """Starlette's CORS, except that an origin not in CORS_ORIGINS gets no CORS header at all."""

    def preflight_response(self, request_headers: Headers) -> Response:
        if not self.is_allowed_origin(origin=request_headers["origin"]):
            return http_error_response(400, "This origin may not call the API.", None)
        return super().preflight_response(request_headers)

    async def send(self, message: Message, send: Send, request_headers: Headers) -> None:
        origin = request_headers.get("origin")
        if origin is None or self.is_allowed_origin(origin=origin):
            await super().send(message, send, request_headers)
            return
        if message["type"] == "http.response.start":
            headers = MutableHeaders(scope=message)
            headers["Vary"] = ", ".join([*headers.getlist("Vary"), "Origin"])
        await send(message)


def create_app(
    settings: Settings | None = None,
    *,
    engine: AsyncEngine | None = None,
    clock: Clock | None = None,
    graphiql: GraphiQLPage | None = None,
) -> Starlette:
    """Return the ASGI app; it checks the migrations when it starts."""
    settings = settings or Settings.from_env()
    state = AppState(
        settings=settings,
        engine=engine
        or create_engine(
            settings.database_url,
            pool_size=settings.pool_size,
            statement_timeout=settings.database_timeout,
        ),
        clock=clock or SystemClock(),
    )
    graphiql = graphiql or GraphiQLPage.from_env(settings.host)
    install_value_redaction()

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        if os.environ.get(MIGRATIONS_CHECKED_VARIABLE) != settings.database_url:
            await ensure_migrated(state.engine)
        graphiql.prepare()  # local GraphiQL files or the CDN: decided and logged at start
        # What start-up made (schema, mappers, compiled statements) lives as long as the
        # process: frozen, it is left out of the cyclic collector's full passes, which would
        # otherwise walk all of it and stall a request now and then (S2's p95: 80 -> 30 ms).
        # `serve` ran start-up with the collector off (milestone_billing.main): the few hundred
        # cycles it left are frozen with the rest rather than paying 0.07-0.1 s for a full pass.
        if gc.isenabled():
            gc.collect()
        gc.freeze()
        gc.enable()
        async with (
            parking_reads(state.engine, keep=parked_share(settings.pool_size)),
            listening(state.engine),
            worker_running(state.engine, state.clock)
            if settings.run_worker
            else (contextlib.nullcontext()),
        ):
            yield
        await state.engine.dispose()

    async def select_one() -> None:
        async with state.engine.connect() as db:
            await db.execute(text("SELECT 1"))

    async def healthz(_request: Request) -> JSONResponse:
        check = asyncio.ensure_future(select_one())
        # Not asyncio.timeout: cancelling waits for the connection's cleanup, which against
        # a hung PostgreSQL took 2 s more. The cancelled check cleans up on its own.
        done, _ = await asyncio.wait({check}, timeout=HEALTH_TIMEOUT_SECONDS)
        if not done:
            check.cancel()
            logger.warning(
                "health check: the database did not answer in %ss", HEALTH_TIMEOUT_SECONDS
            )
            return JSONResponse({"status": "unavailable"}, status_code=503)
        error = check.exception()
        if error is not None:
            if is_unavailable(error):
                logger.warning("health check: the database is unavailable: %r", error)
            else:
                logger.error("health check failed", exc_info=error)
            return JSONResponse({"status": "unavailable"}, status_code=503)
        return JSONResponse({"status": "ok"})

    async def balances_page(_request: Request) -> FileResponse:
        return FileResponse(BALANCES_PAGE, media_type="text/html")

    metrics = metrics_endpoint(settings.metrics_token)

    async def metrics_now(request: Request) -> Response:
        try:
            await webhook_metrics.refresh(state.engine, state.clock)
        except Exception:  # the request metrics still answer while the database does not
            logger.warning("webhook metrics unavailable", exc_info=True)
        return await metrics(request)

    graphql = GraphQLEndpoint(state, graphiql)
    cors: dict[str, Any] = {
        "allow_origins": list(settings.cors_origins),
        "allow_methods": ["GET", "POST"],
        "allow_headers": CORS_REQUEST_HEADERS,
        "expose_headers": ["X-Request-ID"],
        "max_age": 600,
    }
    app = Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql.graphql),
            Route("/healthz", healthz, methods=["GET"]),
            Route("/metrics", metrics_now, methods=["GET"]),
            Route("/graphiql-assets/{name}", graphiql.asset, methods=["GET"]),
            Route("/examples/balances", balances_page, methods=["GET"]),
            Route(
                "/invoices/distribute-milestone-payments",
                distribute_milestone_payments,
                methods=["POST"],
            ),
        ],
        # Outermost first. CORS wraps the body limit, so a 413 carries CORS headers and a
        # browser shows the page why; the request id and log wrap everything.
        middleware=[
            Middleware(RequestObservation),
            # Plain read-only queries are answered here; all else goes on (server/query_lane.py).
            Middleware(QueryLane, state=state, cors=ListedOriginsCORS(_no_app, **cors)),
            Middleware(ListedOriginsCORS, **cors),
            Middleware(BodyLimitMiddleware),
        ],
        exception_handlers={HTTPException: http_error},
        lifespan=lifespan,
    )
    app.state.milestone_billing = state
    return app
