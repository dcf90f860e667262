"""Which migration the code needs and which one a database is at, without importing Alembic.

Serving checks both at start; Alembic's ScriptDirectory imports Alembic and every migration
module (about a third of a second of start-up), so the server reads the same two facts
directly: the revision ids written in db/migrations/versions, and the alembic_version table.
tests/db/test_migrations.py checks both against Alembic's own answers.
"""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

VERSIONS_DIR = Path(__file__).parent / "migrations" / "versions"
_ASSIGNMENT = re.compile(r"^(revision|down_revision)\s*(?::[^=]*)?=\s*(.+)$", re.MULTILINE)


def head_revision() -> str | None:
    """Return the newest revision: the one no other migration names as its down_revision."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for script in VERSIONS_DIR.glob("*.py"):
        for name, value in _ASSIGNMENT.findall(script.read_text(encoding="utf-8")):
            literal = value.strip().strip("\"'")
            if name == "revision":
                revisions.add(literal)
            elif literal != "None":
                parents.add(literal)
    heads = revisions - parents
    if len(heads) > 1:
        raise RuntimeError(f"the migrations have several heads: {sorted(heads)}")
    return next(iter(heads), None)


class DatabaseNotMigrated(RuntimeError):
    pass


async def ensure_migrated(engine: AsyncEngine) -> None:
    """Refuse to serve a database that is not at the newest migration."""
    current, head = await current_revision(engine), head_revision()
    if current != head:
        raise DatabaseNotMigrated(
            f"The database is at migration {current or 'none'}, the code needs {head}. "
            "Run `milestone-billing migrate` (or `make migrate`) first."
        )


async def current_revision(engine: AsyncEngine) -> str | None:
    """Return the revision the database is at, or None when it was never migrated."""
    async with engine.connect() as connection:
        migrated = await connection.run_sync(
            lambda sync: sync.dialect.has_table(sync, "alembic_version")
        )
        if not migrated:
            return None
        versions = list(await connection.scalars(text("SELECT version_num FROM alembic_version")))
    if len(versions) > 1:
        raise RuntimeError(f"the database is at several revisions: {sorted(versions)}")
    return versions[0] if versions else None
