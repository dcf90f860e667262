"""Small input checks shared by the use cases; each raises DomainError naming the field."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from domain.errors import DomainError, ErrorCode

# What PostgreSQL cannot store and UTF-8 cannot carry: NUL and lone surrogates.
UNSTORABLE_TEXT = re.compile("[\x00\ud800-\udfff]")


def clean_text(
    value: str | None, *, field: str | list[str], max_length: int, required: bool = True
) -> str | None:
    """Return `value` stripped, or None when optional and blank; reject empty or too long."""
    text = (value or "").strip()
    if not text:
        if required:
            raise DomainError(ErrorCode.INVALID, field, "Must not be empty.")
        return None
    if len(text) > max_length:
        raise DomainError(ErrorCode.INVALID, field, f"Must be at most {max_length} characters.")
    return text


def required_text(value: str | None, *, field: str | list[str], max_length: int) -> str:
    """Return `value` stripped; reject it when empty or longer than `max_length`."""
    text = clean_text(value, field=field, max_length=max_length)
    assert text is not None
    return text


def int_in_range(value: int, *, field: str | list[str], low: int, high: int) -> int:
    """Return `value` when low <= value <= high."""
    if not low <= value <= high:
        raise DomainError(ErrorCode.INVALID, field, f"Must be between {low} and {high}.")
    return value


# The largest integer every JSON client reads exactly: JavaScript numbers are doubles.
MAX_SAFE_INTEGER = 2**53 - 1


def exact_json_problem(value: Any, path: str) -> str | None:
    """Return why `value` cannot be stored and returned exactly as JSON (naming where, such
    as `attrs.amount`), or None when it can."""
    stack = [(path, value)]
    while stack:
        where, item = stack.pop()
        if item is None or isinstance(item, bool):
            continue
        if isinstance(item, int):
            if abs(item) > MAX_SAFE_INTEGER:
                return f"{where}: integers are at most 2^53-1 (send larger ones as strings)"
        elif isinstance(item, float):
            if not math.isfinite(item):
                return f"{where}: numbers must be finite"
        elif isinstance(item, str):
            if UNSTORABLE_TEXT.search(item):
                return f"{where}: text must be valid Unicode without NUL"
        elif isinstance(item, Mapping):
            for key, child in item.items():
                if not isinstance(key, str) or UNSTORABLE_TEXT.search(key):
                    return f"{where}: keys must be valid Unicode text without NUL"
                stack.append((f"{where}.{key}", child))
        elif isinstance(item, list | tuple):
            stack.extend((f"{where}[{i}]", child) for i, child in enumerate(item))
        else:
            return f"{where}: {type(item).__name__} is not a JSON value"
    return None


def exact_json(value: Any, *, field: str | list[str]) -> Any:
    """Return `value` when it round-trips exactly through JSON; else raise INVALID."""
    problem = exact_json_problem(value, field if isinstance(field, str) else ".".join(field))
    if problem is not None:
        raise DomainError(ErrorCode.INVALID, field, f"{problem}.")
    return value


class _Unset:
    """An input field that was not sent: left as it is (null, by contrast, clears it)."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()
