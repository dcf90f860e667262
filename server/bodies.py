"""Request bodies: strict JSON with bounded nesting and numbers, and the JSON error answers.

Both /graphql and the REST route read their bodies here, so a body that is not UTF-8, not
JSON, not a JSON object, with a key twice, nested past a sane depth, carrying a number of
thousands of digits, a list of more than MAX_LIST_ITEMS or more than MAX_JSON_NODES values
in all is one clear 400 with a code, never an exception that reaches the client as a
plain-text 500. All of it is checked in one linear pass before any GraphQL coercion, which
costs milliseconds per thousand values and must never start on 12,000 of them.

A decimal number that a double cannot hold exactly (1e-400, 1.0000000000000001) is read as
an InexactFloat: whoever stores it (payment attrs) refuses it, naming the key, rather than
keeping a silently rounded value.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import JSONResponse

from domain.validation import float_of_text
from resolvers.context import request_id_var

MAX_JSON_DEPTH = 64
MAX_NUMBER_DIGITS = 1000
# No list the API takes holds more than 100 items (invoice lines, allocations) and no input
# more than about 500 values: twice and four times that. GraphQL coerces a variable at about
# half a millisecond an item, so 12,000 items held the event loop for seconds before being
# refused; past these bounds a body is refused before any coercion starts.
MAX_LIST_ITEMS = 200
MAX_JSON_NODES = 2_000


class BadRequest(Exception):
    """A body the server cannot read; `message` says why, for the client."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class _CountingHooks:
    """json.loads hooks that read numbers strictly, refuse duplicate keys, and count the
    objects and numbers built: the Python work of parsing, stopped at MAX_JSON_NODES."""

    def __init__(self) -> None:
        self.values = 0

    def _count(self) -> None:
        self.values += 1
        if self.values > MAX_JSON_NODES:
            raise BadRequest(f"The body holds more than {MAX_JSON_NODES} JSON values.")

    def integer(self, text: str) -> int:
        self._count()
        if len(text) > MAX_NUMBER_DIGITS:
            raise BadRequest(f"A number in the body has more than {MAX_NUMBER_DIGITS} digits.")
        return int(text)

    def decimal(self, text: str) -> float:
        self._count()
        return float_of_text(text)

    def object(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        """A key given twice is refused: another reader of the same body (a gateway, a
        firewall) may take the first where Python's json takes the last."""
        self._count()
        value: dict[str, Any] = {}
        for key, item in pairs:
            if key in value:
                raise BadRequest(f"The body has the key {key!r} twice in one object.")
            value[key] = item
        return value


def _no_constant(name: str) -> Any:
    raise BadRequest(f"{name} is not JSON: send numbers as finite values or strings.")


def decode_json_body(raw: bytes) -> dict[str, Any]:
    """Return the JSON object of `raw`, or raise BadRequest saying what is wrong with it."""
    value = decode_json(raw)
    if not isinstance(value, dict):
        raise BadRequest(f"The body must be a JSON object, not {type(value).__name__}.")
    return value


def decode_json(raw: bytes) -> Any:
    """Return the JSON value of `raw` (any kind), or raise BadRequest as above."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BadRequest(f"The body is not JSON: not UTF-8 at byte {error.start}.") from None
    try:
        hooks = _CountingHooks()
        value = json.loads(
            text,
            parse_int=hooks.integer,
            parse_float=hooks.decimal,
            parse_constant=_no_constant,
            object_pairs_hook=hooks.object,
        )
    except json.JSONDecodeError as error:
        raise BadRequest(f"The body is not valid JSON: {error.msg} at {error.pos}.") from None
    except RecursionError:
        raise BadRequest(_too_deep()) from None
    check_json_size(value)
    return value


def _too_deep() -> str:
    return f"The body is nested more than {MAX_JSON_DEPTH} levels deep."


def check_json_size(value: Any) -> None:
    """Raise BadRequest when `value` nests too deep, has too long a list or too many values
    (one pass, without recursion, stopping at the first bound crossed)."""
    nodes = 0
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        nodes += 1
        if nodes > MAX_JSON_NODES:
            raise BadRequest(f"The body holds more than {MAX_JSON_NODES} JSON values.")
        if isinstance(item, dict):
            item = list(item.values())
        elif isinstance(item, list) and len(item) > MAX_LIST_ITEMS:
            raise BadRequest(
                f"A list in the body has {len(item)} items; at most {MAX_LIST_ITEMS} are read."
            )
        if isinstance(item, list):
            if depth + 1 > MAX_JSON_DEPTH:
                raise BadRequest(_too_deep())
            stack.extend((child, depth + 1) for child in item)


def graphql_error_response(
    status: int,
    code: str,
    message: str,
    headers: dict[str, str] | None = None,
    *,
    media_type: str = "application/json",
) -> JSONResponse:
    """Return a GraphQL-shaped error answer carrying a code and the request id."""
    extensions = {"code": code, "requestId": request_id_var.get()}
    return JSONResponse(
        {"errors": [{"message": message, "extensions": extensions}]},
        status_code=status,
        headers=headers,
        media_type=media_type,
    )


CODE_BY_STATUS = {
    400: "BAD_REQUEST",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    415: "UNSUPPORTED_MEDIA_TYPE",
}


def http_error_response(status: int, message: str, headers: dict[str, str] | None) -> JSONResponse:
    """Return the JSON answer of an HTTP-level refusal (an unknown path, a method a route does
    not take: `Allow` kept), coded by its status."""
    code = CODE_BY_STATUS.get(status, "BAD_REQUEST" if status < 500 else "INTERNAL")
    return graphql_error_response(status, code, message, headers)
