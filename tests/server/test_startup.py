"""What the app does when it starts serving."""

from __future__ import annotations

import asyncio
import gc
from pathlib import Path

import httpx

from db.migrate import upgrade_to_head
from server.app import create_app
from server.settings import Settings


async def test_start_up_leaves_its_objects_out_of_garbage_collection(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/startup.db"
    await asyncio.to_thread(upgrade_to_head, url)
    app = create_app(Settings(database_url=url))
    gc.unfreeze()
    try:
        async with app.router.lifespan_context(app):
            assert gc.get_freeze_count() > 10_000
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
                assert (await client.get("/healthz")).json() == {"status": "ok"}
    finally:
        gc.unfreeze()
