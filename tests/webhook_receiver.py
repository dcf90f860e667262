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
    trickle_seconds: float = 0.05
    trickle_bytes: int = 400
    release: threading.Event = field(default_factory=threading.Event)
    trickled_to_the_end: int = 0  # trickled answers that were read whole
    huge_bytes: int = 64 << 20
    huge_bytes_sent: list[int] = field(default_factory=list)  # per huge answer, until cut off

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
            try:
                if answer == "trickle":
                    self._trickle(me)
                elif answer == "huge":
                    self._huge(me)
                else:
                    self.send_response(int(answer))
                    self.send_header("content-length", "0")
                    self.end_headers()
            except OSError:
                pass  # the worker hung up: what these answers are for

        def _trickle(self, me: Receiver) -> None:
            length = me.trickle_bytes
            self._headers(length)
            for sent in range(length):
                if me.release.wait(me.trickle_seconds):
                    self.wfile.write(b"." * (length - sent))
                    break
                self.wfile.write(b".")
                self.wfile.flush()
            me.trickled_to_the_end += 1

        def _huge(self, me: Receiver) -> None:
            self._headers(me.huge_bytes)
            me.huge_bytes_sent.append(0)
            chunk = b"x" * (64 << 10)
            for _ in range(me.huge_bytes // len(chunk)):
                self.wfile.write(chunk)
                me.huge_bytes_sent[-1] += len(chunk)

        def _headers(self, length: int) -> None:
            self.send_response(200)
            self.send_header("content-length", str(length))
            self.end_headers()
            self.wfile.flush()

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
        state["receiver"].release.set()
        server.shutdown()
        server.server_close()
