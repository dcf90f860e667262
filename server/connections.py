"""uvicorn's HTTP protocol with a deadline for receiving each request, and a connection cap.

uvicorn never times out a request that is still arriving: `timeout_keep_alive` covers only
the idle time between requests, and any byte received cancels it. So a client that sends
half its headers, or drips its body, holds a connection (and a file descriptor) for ever,
and 1,100 of them starved every normal request. ASGI middleware cannot help: the app is
called only once the headers are complete.

Here each request must arrive whole (headers and body) within REQUEST_READ_TIMEOUT seconds
of the connection opening or of the previous response: otherwise the client gets 408 when
nothing of it reached the app yet, and the connection is closed. A process holds at most
MAX_CONNECTIONS connections; one more is answered 503 and closed at once, before it can
tie up anything. A request whose headers run past MAX_HEADER_BYTES is answered 431 and
closed: httptools buffers headers without any limit (an 8 MB header was read whole).
"""

from __future__ import annotations

import asyncio
from functools import cache
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

from server.settings import Settings


def _json_answer(status: str, code: str, message: str, *extra: str) -> bytes:
    """Return a whole HTTP/1.1 response that closes the connection, written before any app."""
    body = f'{{"errors": [{{"message": "{message}", "extensions": {{"code": "{code}"}}}}]}}'
    head = [
        f"HTTP/1.1 {status}",
        "content-type: application/json",
        "connection: close",
        *extra,
        f"content-length: {len(body)}",
    ]
    return ("\r\n".join(head) + "\r\n\r\n" + body).encode()


# Far above any real client's headers (a key, cookies, tracing: a few KB), far below what
# costs the parser noticeable time.
MAX_HEADER_BYTES = 64 * 1024
HEADERS_TOO_LARGE = _json_answer(
    "431 Request Header Fields Too Large",
    "HEADERS_TOO_LARGE",
    f"The request headers are over {MAX_HEADER_BYTES} bytes.",
)
TIMED_OUT = _json_answer(
    "408 Request Timeout", "REQUEST_TIMEOUT", "The request did not arrive in time."
)
TOO_MANY = _json_answer(
    "503 Service Unavailable",
    "SERVICE_UNAVAILABLE",
    "The server has too many connections.",
    "retry-after: 1",
)


@cache
def limits() -> tuple[float, int]:
    """Return (request read timeout, connection cap), read once from the environment."""
    settings = Settings.from_env()
    return settings.request_read_timeout, settings.max_connections


class RequestDeadline:
    """Mixed into a uvicorn HTTP protocol: the deadline and the cap described above."""

    _deadline: asyncio.TimerHandle | None = None
    _header_bytes = 0  # of the request whose headers are arriving
    # Provided by the uvicorn protocol this is mixed into.
    connections: set[Any]
    cycle: Any
    loop: asyncio.AbstractEventLoop
    transport: asyncio.Transport

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)  # type: ignore[misc]
        timeout, cap = limits()
        if len(self.connections) > cap:
            self.transport.write(TOO_MANY)
            self.transport.close()
            return
        self._arm(timeout)

    def data_received(self, data: bytes) -> None:
        waiting_for_headers = not self._request_in_flight()
        if waiting_for_headers and self._header_bytes + len(data) > MAX_HEADER_BYTES:
            # Only what precedes the blank line ending the headers counts.
            end = data.find(b"\r\n\r\n")
            if end < 0 or self._header_bytes + end > MAX_HEADER_BYTES:
                self._refuse_headers()
                return
        super().data_received(data)  # type: ignore[misc]
        if self._request_in_flight():
            self._header_bytes = 0
        elif waiting_for_headers:
            self._header_bytes += len(data)
        if self._deadline is not None and self._request_received():
            self._disarm()

    def _refuse_headers(self) -> None:
        self._disarm()
        if not self.transport.is_closing():
            self.transport.write(HEADERS_TOO_LARGE)
            self.transport.close()

    def on_response_complete(self) -> None:
        super().on_response_complete()  # type: ignore[misc]
        if not self.transport.is_closing() and not self._request_in_flight():
            self._arm(limits()[0])

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)  # type: ignore[misc]

    def handle_websocket_upgrade(self, *event: Any) -> None:
        # The connection is the websocket protocol's from here (a subscription lives long):
        # a deadline left armed would write a 408 into its frames and close it.
        self._disarm()
        super().handle_websocket_upgrade(*event)  # type: ignore[misc]

    def _request_in_flight(self) -> bool:
        return self.cycle is not None and not self.cycle.response_complete

    def _request_received(self) -> bool:
        return self._request_in_flight() and not self.cycle.more_body

    def _arm(self, timeout: float) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(timeout, self._timed_out)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _timed_out(self) -> None:
        self._deadline = None
        if self.transport.is_closing():
            return
        if not self._request_in_flight():
            self.transport.write(TIMED_OUT)
        # A request whose body stalls: the app reads a disconnect, and no answer is owed.
        self.transport.close()


class GuardedH11Protocol(RequestDeadline, H11Protocol):
    pass


try:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
except ImportError:  # pragma: no cover - httptools is part of uvicorn[standard]
    GuardedHTTPProtocol: type[asyncio.Protocol] = GuardedH11Protocol
else:

    class GuardedHttpToolsProtocol(RequestDeadline, HttpToolsProtocol):
        pass

    GuardedHTTPProtocol = GuardedHttpToolsProtocol


def uvicorn_options() -> dict[str, Any]:
    """Return the uvicorn.run arguments that protect the server from slow clients."""
    return {"http": GuardedHTTPProtocol, "timeout_keep_alive": 5}
