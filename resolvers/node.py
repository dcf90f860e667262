"""node(id:): find any object by its prefixed id, within the caller's account."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from strawberry.types import Info

from domain.ids import prefix_of
from resolvers import clients, credit_notes, invoices, payments, projects, schedules

NodeLoader = Callable[[Info[Any, Any], str], Awaitable[Any]]

LOADERS_BY_PREFIX: dict[str, NodeLoader] = {
    "prj": projects.project,
    "ms": projects.milestone,
    "inv": invoices.invoice,
    "is": schedules.schedule,
    "isi": schedules.schedule_item,
    "pay": payments.payment,
    "item": payments.allocation,
    "cli": clients.client,
    "cn": credit_notes.credit_note,
    "ref": credit_notes.refund,
}


async def node(info: Info[Any, Any], id_: str) -> Any:
    """Return the object with this id, or None when it is unknown or another account's."""
    load = LOADERS_BY_PREFIX.get(prefix_of(id_))
    return None if load is None else await load(info, id_)
