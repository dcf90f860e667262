"""The floor behind a bare Starlette route, served by uvicorn like the real server.

Run by the bench as a subprocess: `python -m bench.floor_server` with BENCH_DATABASE_URL,
BENCH_ACCOUNT_ID and BENCH_PORT set. POST /s1 and /s2 answer `{"data": ...}`.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bench.floor import Floor, open_floor


def create_floor_app(database_url: str, account_id: str) -> Starlette:
    floors: list[Floor] = []

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        floors.append(await open_floor(database_url, account_id))
        yield
        await floors[0].close()

    def wrap(data: bytes) -> Response:
        return Response(b'{"data":' + data + b"}", media_type="application/json")

    async def s1(_request: Request) -> Response:
        return wrap(await floors[0].s1())

    async def s2(_request: Request) -> Response:
        return wrap(await floors[0].s2())

    async def healthz(_request: Request) -> Response:
        return Response(b'{"status":"ok"}', media_type="application/json")

    return Starlette(
        routes=[
            Route("/s1", s1, methods=["POST"]),
            Route("/s2", s2, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
        ],
        lifespan=lifespan,
    )


def main() -> None:
    import uvicorn

    app = create_floor_app(os.environ["BENCH_DATABASE_URL"], os.environ["BENCH_ACCOUNT_ID"])
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=int(os.environ["BENCH_PORT"]),
        log_level="warning",
        access_log=False,
    )


if __name__ == "__main__":
    main()
