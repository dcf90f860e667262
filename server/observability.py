"""Per-request JSON log lines and Prometheus metrics, and the request body limit."""

from __future__ import annotations

import logging
import re
import time
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from resolvers.context import request_id_var

MAX_BODY_BYTES = 1024 * 1024
REQUEST_INFO_KEY = "milestone_billing.request_info"
_SAFE_NAME = re.compile(r"[^A-Za-z0-9_]")

logger = logging.getLogger("milestone_billing.requests")

REQUESTS = Counter(
    "milestone_billing_requests_total",
    "HTTP requests, by GraphQL operation name and type, and status.",
    ["operation", "operation_type", "status"],
)
LATENCY = Histogram(
    "milestone_billing_request_duration_seconds",
    "Request latency, by GraphQL operation name and type.",
    ["operation", "operation_type"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
ERRORS = Counter(
    "milestone_billing_errors_total",
    "Responses with errors: HTTP 4xx/5xx, GraphQL errors, or unexpected exceptions.",
    ["operation", "operation_type", "kind"],
)


def request_info(scope: Scope) -> dict[str, Any]:
    """Return the mutable facts about this request that the log line and metrics report."""
    info: dict[str, Any] = scope.setdefault(REQUEST_INFO_KEY, {})
    return info


def _label(value: Any, default: str) -> str:
    return _SAFE_NAME.sub("_", str(value))[:64] if value else default


class RequestLogMiddleware:
    """One JSON log line per request (operation, duration, status, account), and metrics."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        info = request_info(scope)
        status = 500

        async def send_recording(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_recording)
        finally:
            self._report(scope, info, status, time.perf_counter() - started)

    @staticmethod
    def _report(scope: Scope, info: dict[str, Any], status: int, seconds: float) -> None:
        if scope.get("path") == "/metrics":
            return
        operation = _label(info.get("operation"), "-")
        # Outside GraphQL, label by the route's template, never the raw path: a client could
        # otherwise mint a new time series with every made-up URL.
        route = scope.get("route")
        route_label = getattr(route, "path", "unmatched").strip("/") or "root"
        operation_type = _label(info.get("operation_type"), route_label)
        REQUESTS.labels(operation, operation_type, str(status)).inc()
        LATENCY.labels(operation, operation_type).observe(seconds)
        if status >= 400:
            ERRORS.labels(operation, operation_type, f"http_{status}").inc()
        for kind in info.get("error_kinds", ()):
            ERRORS.labels(operation, operation_type, kind).inc()
        logger.info(
            "request",
            extra={
                "fields": {
                    "request_id": request_id_var.get(),
                    "method": scope.get("method"),
                    "path": scope.get("path"),
                    "status": status,
                    "duration_ms": round(seconds * 1000, 2),
                    "operation": info.get("operation"),
                    "operation_type": info.get("operation_type"),
                    "account_id": info.get("account_id"),
                }
            },
        )


class BodyLimitMiddleware:
    """Answer 413 to a request body over 1 MiB, declared or streamed."""

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._too_large(scope, receive, send)
            return
        received = 0
        response_started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            response_started = response_started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            if not response_started:
                await self._too_large(scope, receive, send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = JSONResponse(
            {
                "errors": [
                    {
                        "message": f"The request body is over {self.max_bytes} bytes.",
                        "extensions": {"code": "PAYLOAD_TOO_LARGE"},
                    }
                ]
            },
            status_code=413,
        )
        await response(scope, receive, send)


class BodyTooLarge(Exception):
    pass


async def metrics(_request: Request) -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
