"""Request bodies: strict JSON with bounded nesting and numbers, and the JSON error answers.

Both /graphql and the REST route read their bodies here, so a body that is not UTF-8, not
JSON, nested past a sane depth or carrying a number of thousands of digits is one clear 400
with a code, never an exception that reaches the client as a plain-text 500.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import JSONResponse

from resolvers.context import request_id_var

MAX_JSON_DEPTH = 64
MAX_NUMBER_DIGITS = 1000


class BadRequest(Exception):
    """A body the server cannot read; `message` says why, for the client."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _bounded_int(text: str) -> int:
    if len(text) > MAX_NUMBER_DIGITS:
        raise BadRequest(f"A number in the body has more than {MAX_NUMBER_DIGITS} digits.")
    return int(text)


def _no_constant(name: str) -> Any:
    raise BadRequest(f"{name} is not JSON: send numbers as finite values or strings.")


def decode_json_body(raw: bytes) -> Any:
    """Return the JSON value of `raw`, or raise BadRequest saying what is wrong with it."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BadRequest(f"The body is not JSON: not UTF-8 at byte {error.start}.") from None
    try:
        value = json.loads(text, parse_int=_bounded_int, parse_constant=_no_constant)
    except json.JSONDecodeError as error:
        raise BadRequest(f"The body is not valid JSON: {error.msg} at {error.pos}.") from None
    except RecursionError:
        raise BadRequest(_too_deep()) from None
    if json_depth(value) > MAX_JSON_DEPTH:
        raise BadRequest(_too_deep())
    return value


def _too_deep() -> str:
    return f"The body is nested more than {MAX_JSON_DEPTH} levels deep."


def json_depth(value: Any) -> int:
    """Return how deeply arrays and objects nest in `value` (without recursion)."""
    deepest = 0
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            deepest = max(deepest, depth + 1)
            stack.extend((child, depth + 1) for child in item)
    return deepest


def graphql_error_response(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    """Return a GraphQL-shaped error answer carrying a code and the request id."""
    extensions = {"code": code, "requestId": request_id_var.get()}
    return JSONResponse(
        {"errors": [{"message": message, "extensions": extensions}]},
        status_code=status,
        headers=headers,
    )
