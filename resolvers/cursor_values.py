"""What a cursor may carry: each value checked against what its order column can hold.

A cursor comes back from the client, so it is input like any other: before a value reaches
the database it must be of the JSON type its column's kind was encoded from and within what
the column holds (BIGINT, a valid date, a timestamp that converts to UTC, text PostgreSQL
can store), and the id must look like an id. Anything else is a CursorProblem, which the
decoders turn into INVALID naming `after` or `before`.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from db.tables._columns import ID_LENGTH
from domain.clients.service import MAX_NAME
from domain.validation import UNSTORABLE_TEXT

# Room for the longest value a list orders by (a 200-character name, each character
# escaped as a JSON surrogate pair), base64-encoded; anything longer is not a cursor.
MAX_CURSOR_LENGTH = 4096
BIGINT_LOW, BIGINT_HIGH = -(2**63), 2**63 - 1
_ID = re.compile(rf"[a-z]+_[0-9A-Za-z]{{1,{ID_LENGTH}}}")


class CursorProblem(ValueError):
    """A cursor this server did not make (or made for another list or order)."""


def cursor_text(cursor: str) -> str:
    """Return the text inside a cursor, refusing an oversized or undecodable one."""
    if len(cursor) > MAX_CURSOR_LENGTH:
        raise CursorProblem("longer than any cursor this server makes")
    try:
        return base64.urlsafe_b64decode(cursor.encode()).decode()
    except (ValueError, binascii.Error) as error:  # UnicodeError is a ValueError
        raise CursorProblem("not base64 of UTF-8 text") from error


def cursor_parts(cursor: str) -> tuple[Any, Any, Any]:
    """Return the (order, value, id) JSON array inside a root list's cursor, unchecked."""
    try:
        parts = json.loads(cursor_text(cursor))
    except (ValueError, RecursionError) as error:  # deep nesting: refused, not a crash
        raise CursorProblem("not JSON") from error
    if not isinstance(parts, list) or len(parts) != 3:
        raise CursorProblem("not an [order, value, id] array")
    return parts[0], parts[1], parts[2]


def checked_id(plain: Any) -> str:
    """Return a cursor's row id when it is shaped like this server's ids."""
    if not isinstance(plain, str) or len(plain) > ID_LENGTH or not _ID.fullmatch(plain):
        raise CursorProblem("not an id")
    return plain


def checked_timestamp(plain: Any) -> datetime:
    """Return a cursor's timestamp: ISO text with its zone, and within range once in UTC."""
    if not isinstance(plain, str):
        raise CursorProblem("a timestamp is text")
    parsed = datetime.fromisoformat(plain)
    if parsed.tzinfo is None:
        raise CursorProblem("a cursor's timestamp carries its time zone")
    try:
        parsed.astimezone(UTC)  # what both backends do when binding it
    except OverflowError as error:
        raise CursorProblem("a timestamp beyond year 1..9999 in UTC") from error
    return parsed


def _checked_date(plain: Any) -> date:
    if not isinstance(plain, str):
        raise CursorProblem("a date is text")
    return date.fromisoformat(plain)


def _checked_text(plain: Any) -> str:
    if not isinstance(plain, str) or len(plain) > MAX_NAME or UNSTORABLE_TEXT.search(plain):
        raise CursorProblem("not text a list orders by")
    return plain


def _checked_int(plain: Any) -> int:
    # `type(...) is int`: a bool is an int to Python, and 1.5 or 1e3 are not minor units.
    if type(plain) is not int or not BIGINT_LOW <= plain <= BIGINT_HIGH:
        raise CursorProblem("not a 64-bit integer")
    return plain


CHECKS: dict[str, Callable[[Any], Any]] = {
    "timestamp": checked_timestamp,
    "date": _checked_date,
    "text": _checked_text,
    "int": _checked_int,
}
