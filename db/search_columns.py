"""Filling a table's `search_text` column for rows written before it existed (migrations)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from domain.search import search_form


def backfill_search_text(connection: Any, table: str, sources: tuple[str, ...]) -> None:
    """Fold the existing rows' texts in Python (SQLite has no unaccent) into search_text."""
    rows = connection.execute(
        sa.text(f"SELECT account_id, id, {', '.join(sources)} FROM {table}")  # noqa: S608
    ).all()
    update = sa.text(
        f"UPDATE {table} SET search_text = :text WHERE account_id = :account AND id = :id"  # noqa: S608
    )
    for row in rows:
        connection.execute(update, {"text": search_form(*row[2:]), "account": row[0], "id": row[1]})
