"""The idempotency field extension, and how a mutation's result is stored and replayed.

A mutation's domain result is stored as the ids it produced; a replay loads those objects
again, so a retry sees the same objects (in their current state) and the same payload shape.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from enum import Enum
from types import SimpleNamespace
from typing import Any

from strawberry.extensions import FieldExtension
from strawberry.types import Info

from domain.idempotency import IdempotentRequest, fingerprint
from resolvers.context import context_of

ID_MARK = "$id"


def encode_result(value: Any) -> Any:
    """Return the JSON form of a domain result: objects by id, sequences as lists."""
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    # Checked before sequences: a prepared statement's row is a tuple that has an id.
    if hasattr(value, "id"):
        return {ID_MARK: value.id}
    if isinstance(value, list | tuple):
        return [encode_result(item) for item in value]
    raise TypeError(f"Cannot store a {type(value).__name__} as a mutation's result.")


def decode_result(data: Any) -> Any:
    """Return a stand-in for a stored result; resolvers only read `.id` from what they get."""
    if isinstance(data, list):
        return [decode_result(item) for item in data]
    if isinstance(data, dict) and ID_MARK in data:
        return SimpleNamespace(id=data[ID_MARK])
    return data


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            field.name: _plain(getattr(value, field.name))
            for field in dataclasses.fields(value)
            if field.name != "idempotency_key"
        }
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, Enum):
        return value.value
    return value


class Idempotent(FieldExtension):
    """Reads `input.idempotencyKey` and hands the request to the mutation's transaction."""

    async def resolve_async(
        self, next_: Callable[..., Awaitable[Any]], source: Any, info: Info[Any, Any], **kwargs: Any
    ) -> Any:
        payload = kwargs.get("input")
        key = getattr(payload, "idempotency_key", None)
        context = context_of(info)
        if key is None:
            return await next_(source, info, **kwargs)
        context.idempotency = IdempotentRequest(
            key=key,
            operation=info.field_name,
            fingerprint=fingerprint(info.field_name, _plain(payload)),
        )
        try:
            return await next_(source, info, **kwargs)
        finally:
            context.idempotency = None
