"""Per-request JSON log lines and Prometheus metrics, and the request body limit."""

from __future__ import annotations

import hmac
import logging
import re
import time
import uuid
from contextvars import ContextVar
from functools import lru_cache
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from resolvers.context import request_id_var

MAX_BODY_BYTES = 1024 * 1024
REQUEST_INFO_KEY = "milestone_billing.request_info"
MAX_OPERATION_LABELS = 200
OTHER_OPERATION = "other"
# A client that went away before its request was read: logged and counted as nginx's 499, not
# as a failure of ours (500).
CLIENT_CLOSED = "client_closed"
CLIENT_CLOSED_REQUEST = 499
OPERATION_TYPES = frozenset({"query", "mutation", "subscription"})
_SAFE_NAME = re.compile(r"[^A-Za-z0-9_]")
# Letters, digits and the punctuation of UUIDs, ULIDs and base64 ids; nothing a log or a
# header could be forged with.
_REQUEST_ID = re.compile(rb"[A-Za-z0-9._:+/=-]{1,128}")
# version-trace_id-parent_id-flags, then fields a later version may add.
_TRACEPARENT = re.compile(rb"([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?")
ZERO_TRACE_ID = b"0" * 32
ZERO_PARENT_ID = b"0" * 16

trace_id_var: ContextVar[str | None] = ContextVar("trace_id", default=None)

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


class OperationLabels:
    """The operation label: the first `limit` distinct names keep theirs, later ones are `other`.

    A client names its operations as it likes; unbounded, every new name is a new time series
    for as long as the process lives (3,000 names made /metrics 8 MB and a scrape 900 ms).
    """

    def __init__(self, limit: int = MAX_OPERATION_LABELS) -> None:
        self.limit = limit
        self.known: set[str] = set()

    def __call__(self, name: Any) -> str:
        label = _label(name, "-")
        if label in self.known:
            return label
        if len(self.known) >= self.limit:
            return OTHER_OPERATION
        self.known.add(label)
        return label


def incoming_request_id(headers: list[tuple[bytes, bytes]]) -> str | None:
    """Return the client's X-Request-ID when it is 1-128 sane characters, else None."""
    for name, value in headers:
        if name == b"x-request-id":
            return value.decode("latin-1") if _REQUEST_ID.fullmatch(value) else None
    return None


def trace_id_of(headers: list[tuple[bytes, bytes]]) -> str | None:
    """Return the trace id of a valid W3C `traceparent` header, else None."""
    for name, value in headers:
        if name == b"traceparent":
            # W3C: lower-case hex only, version ff and all-zero trace or parent ids invalid.
            match = _TRACEPARENT.fullmatch(value.strip())
            if match is None or match[1] == b"ff" or match[2] == ZERO_TRACE_ID:
                return None
            if match[3] == ZERO_PARENT_ID:
                return None
            if match[1] == b"00" and match[5]:
                return None  # version 00 has exactly four fields
            return match[2].decode()
    return None


PROCESS_OPERATION_LABELS = OperationLabels()


class RequestObservation:
    """The outermost layer: a request id, the trace id, one JSON log line, and the metrics.

    One pure ASGI layer, not one per concern: each layer costs a coroutine and a wrapped
    `send` on every request.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        # The metrics registry is the process's, so is the budget of names: apps built later in
        # the same process (tests, a reload) share the labels already handed out.
        self.operation_label = PROCESS_OPERATION_LABELS

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        headers = scope["headers"]
        request_id = incoming_request_id(headers) or uuid.uuid4().hex
        trace_id = trace_id_of(headers)
        id_token, trace_token = request_id_var.set(request_id), trace_id_var.set(trace_id)
        info = request_info(scope)
        status = 500
        id_header = (b"x-request-id", request_id.encode())

        async def send_observed(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", []).append(id_header)
            await send(message)

        try:
            await self.app(scope, receive, send_observed)
        finally:
            if info.get(CLIENT_CLOSED) and status == 500:  # no answer was started
                status = CLIENT_CLOSED_REQUEST
            self._report(scope, info, status, time.perf_counter() - started)
            request_id_var.reset(id_token)
            trace_id_var.reset(trace_token)

    def _report(self, scope: Scope, info: dict[str, Any], status: int, seconds: float) -> None:
        if scope.get("path") == "/metrics":
            return
        operation = self.operation_label(info.get("operation"))
        # Outside GraphQL, label by the route's template, never the raw path: a client could
        # otherwise mint a new time series with every made-up URL.
        route = scope.get("route")
        route_label = getattr(route, "path", "unmatched").strip("/") or "root"
        operation_type = info.get("operation_type")
        operation_type = operation_type if operation_type in OPERATION_TYPES else route_label
        requests, latency = _series(operation, operation_type, status)
        requests.inc()
        latency.observe(seconds)
        if status >= 400:
            ERRORS.labels(operation, operation_type, f"http_{status}").inc()
        for kind in info.get("error_kinds", ()):
            ERRORS.labels(operation, operation_type, kind).inc()
        if not logger.isEnabledFor(logging.INFO):
            return
        logger.info(
            "request",
            extra={
                "fields": {
                    "request_id": request_id_var.get(),
                    "trace_id": trace_id_var.get(),
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


@lru_cache(maxsize=4096)
def _series(operation: str, operation_type: str, status: int) -> tuple[Any, Any]:
    """Return the request counter's and the latency histogram's series for these labels
    (prometheus_client's labels() takes a lock and checks the labels on every call). The
    labels are bounded already: operation names by their budget, the rest by their kinds."""
    return (
        REQUESTS.labels(operation, operation_type, str(status)),
        LATENCY.labels(operation, operation_type),
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


def metrics_endpoint(token: str | None) -> Any:
    """Return the /metrics route: open, or for `Authorization: Bearer <METRICS_TOKEN>` only."""
    expected = f"Bearer {token}".encode() if token else None

    async def metrics(request: Request) -> Response:
        if expected is not None:
            given = request.headers.get("authorization", "").encode()
            if not hmac.compare_digest(given, expected):
                error = {"message": METRICS_UNAUTHORIZED, "extensions": {"code": "UNAUTHENTICATED"}}
                return JSONResponse(
                    {"errors": [error]},
                    status_code=401,
                    headers={"WWW-Authenticate": 'Bearer realm="metrics"'},
                )
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return metrics


METRICS_UNAUTHORIZED = "/metrics needs `Authorization: Bearer <METRICS_TOKEN>`."
