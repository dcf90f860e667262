"""Statements of the event outbox."""

from __future__ import annotations

from sqlalchemy import func, insert, select

from db.queries.projects import ACCOUNT
from db.queries.rows import PreparedSelect, PreparedWrite
from db.tables import Event
from db.tables.columns import EVT

LAST_SEQUENCE = PreparedSelect(
    select(func.max(EVT.sequence).label("last")).where(EVT.account_id == ACCOUNT)
)
INSERT_EVENT = PreparedWrite(insert(Event), columns=EVT.keys())
