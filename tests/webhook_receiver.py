"""A real HTTP receiver on loopback for webhook tests: answers from a script, records requests."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """Answers each request with the next scripted behaviour: a status code, or "hang"."""

    url: str
    script: list[Any] = field(default_factory=list)
    default: Any = 200
    received: list[Received] = field(default_factory=list)
    hang_seconds: float = 2.0

    def next_answer(self) -> Any:
        return self.script.pop(0) if self.script else self.default


@contextmanager
def receiver() -> Iterator[Receiver]:
    """Start a receiver on 127.0.0.1 on a free port; stop it after the block."""
    state: dict[str, Receiver] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length)
            me = state["receiver"]
            me.received.append(Received({k.lower(): v for k, v in self.headers.items()}, body))
            answer = me.next_answer()
            if answer == "hang":
                time.sleep(me.hang_seconds)
                answer = 200
            self.send_response(int(answer))
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *_args: Any) -> None:
            pass

    class Server(ThreadingHTTPServer):
        request_queue_size = 128  # a worker sends a batch at once

    server = Server(("127.0.0.1", 0), Handler)
    state["receiver"] = Receiver(f"http://127.0.0.1:{server.server_address[1]}/hooks")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state["receiver"]
    finally:
        server.shutdown()
        server.server_close()
