"""What the app does when it starts serving."""

from __future__ import annotations

import asyncio
import gc
from pathlib import Path

import httpx
import pytest

from db.migrate import upgrade_to_head
from db.revision import DatabaseNotMigrated
from server.app import MIGRATIONS_CHECKED_VARIABLE, create_app
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


async def test_start_up_run_with_the_collector_off_turns_it_on_once_frozen(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/startup.db"
    await asyncio.to_thread(upgrade_to_head, url)
    gc.disable()  # as `milestone-billing serve` runs its start-up
    try:
        app = create_app(Settings(database_url=url))
        async with app.router.lifespan_context(app):
            assert gc.isenabled()
            assert gc.get_freeze_count() > 10_000
    finally:
        gc.enable()
        gc.unfreeze()


async def test_an_app_not_started_by_serve_checks_its_own_database_migrations(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    migrated = f"sqlite+aiosqlite:///{tmp_path}/migrated.db"
    await asyncio.to_thread(upgrade_to_head, migrated)
    monkeypatch.setenv(MIGRATIONS_CHECKED_VARIABLE, migrated)  # serve checked another database
    app = create_app(Settings(database_url=f"sqlite+aiosqlite:///{tmp_path}/never.db"))
    with pytest.raises(DatabaseNotMigrated, match="milestone-billing migrate"):
        async with app.router.lifespan_context(app):
            pass
