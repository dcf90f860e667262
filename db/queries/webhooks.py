"""Statements of webhook deliveries: fan-out in the event's transaction, and the worker's."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, delete, insert, select, true, update

from db.queries.projects import ACCOUNT
from db.queries.rows import PreparedSelect, PreparedWrite
from db.tables import Event, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from db.tables.columns import EVT, WHA, WHD, WHE

ENDPOINTS: Any = WebhookEndpoint.__table__  # type: ignore[attr-defined]
EVENTS: Any = Event.__table__  # type: ignore[attr-defined]
DELIVERIES: Any = WebhookDelivery.__table__  # type: ignore[attr-defined]

ENABLED_ENDPOINTS = PreparedSelect(
    select(WHE.id, WHE.event_types).where(WHE.account_id == ACCOUNT, WHE.enabled == true())
)
INSERT_DELIVERY = PreparedWrite(insert(WebhookDelivery), columns=WHD.keys())
INSERT_ATTEMPT = PreparedWrite(insert(WebhookAttempt), columns=WHA.keys())

DUE = (
    select(WHD.account_id, WHD.id)
    .join(ENDPOINTS, (WHE.account_id == WHD.account_id) & (WHE.id == WHD.endpoint_id))
    .where(
        WHD.status == "PENDING",
        WHD.next_attempt_at <= bindparam("now", type_=WHD.next_attempt_at.type),
        WHE.enabled == true(),
    )
    .order_by(WHD.next_attempt_at, WHD.id)
    .limit(bindparam("limit"))
    # Several workers on PostgreSQL: each takes rows no other worker holds.
    .with_for_update(of=DELIVERIES, skip_locked=True)
)
CLAIMED = (
    select(
        WHD.account_id,
        WHD.id,
        WHD.attempts,
        WHD.endpoint_id,
        WHE.url,
        WHE.secret,
        EVT.id.label("event_id"),
        EVT.type,
        EVT.occurred_at,
        EVT.data,
    )
    .join(ENDPOINTS, (WHE.account_id == WHD.account_id) & (WHE.id == WHD.endpoint_id))
    .join(EVENTS, (EVT.account_id == WHD.account_id) & (EVT.id == WHD.event_id))
)
FORGET_ATTEMPTS = delete(WebhookAttempt).where(
    WHA.delivery_id.in_(
        select(WHD.id).where(WHD.account_id == ACCOUNT, WHD.endpoint_id == bindparam("endpoint"))
    ),
    WHA.account_id == ACCOUNT,
)
FORGET_DELIVERIES = delete(WebhookDelivery).where(
    WHD.account_id == ACCOUNT, WHD.endpoint_id == bindparam("endpoint")
)
SET_OUTCOME = update(WebhookDelivery).where(
    WHD.account_id == bindparam("key_account"),
    WHD.id == bindparam("key_id"),
    WHD.attempts == bindparam("key_attempt"),
    WHD.status == "PENDING",
)
