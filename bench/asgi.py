"""Call an ASGI app in-process with one POST, without a client library in between."""

from __future__ import annotations

from typing import Any

from starlette.types import ASGIApp, Message


class InProcessClient:
    """POSTs a fixed body to an ASGI app through its whole middleware stack, like a server."""

    def __init__(self, app: ASGIApp, *, path: str = "/graphql", api_key: str | None = None):
        self.app = app
        self.path = path
        self.headers = [(b"content-type", b"application/json"), (b"host", b"bench")]
        if api_key:
            self.headers.append((b"authorization", f"Bearer {api_key}".encode()))

    async def post(self, body: bytes) -> tuple[int, bytes]:
        scope: dict[str, Any] = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": self.path,
            "raw_path": self.path.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": [*self.headers, (b"content-length", str(len(body)).encode())],
            "client": ("127.0.0.1", 50000),
            "server": ("127.0.0.1", 80),
        }
        sent = False
        status = 0
        chunks: list[bytes] = []

        async def receive() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return {"type": "http.disconnect"}

        async def send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, send)
        return status, b"".join(chunks)
