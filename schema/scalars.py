"""The Decimal scalar: money out as an exact string, money in passed to the domain untouched.

Output values are `domain.money.Money`, formatted with exactly the currency's decimals.
Input is not converted here: the domain parses it against the currency and answers a bad
amount with a userError naming the field, which a scalar error could not do.
"""

import datetime
import re
from typing import Any, NewType

import strawberry
from graphql import (
    FloatValueNode,
    GraphQLError,
    IntValueNode,
    ListValueNode,
    ObjectValueNode,
    StringValueNode,
    ValueNode,
    print_ast,
    value_from_ast_untyped,
)
from strawberry.scalars import JSON
from strawberry.schema.types.base_scalars import DateTimeDefinition
from strawberry.schema.types.scalar import DEFAULT_SCALAR_REGISTRY

from domain.validation import float_of_text

Decimal = NewType("Decimal", str)
MAX_LITERAL_DIGITS = 100


def _parse_literal(node: ValueNode, _variables: Any = None) -> Any:
    if isinstance(node, FloatValueNode):
        return float_of_text(node.value)  # refused by the domain, like a JSON float
    if isinstance(node, StringValueNode):
        return node.value
    if isinstance(node, IntValueNode):
        # Thousands of digits would make int() raise: the domain refuses the text as too large.
        return int(node.value) if len(node.value) <= MAX_LITERAL_DIGITS else node.value
    # Anything else (true, a list, an object, an enum value) reaches the domain as the plain
    # value it stands for, and is refused there with its field, like the same JSON value.
    return value_from_ast_untyped(node, _variables)


DECIMAL_SCALAR = strawberry.scalar(
    name="Decimal",
    description=(
        "An exact amount of money as a string with exactly the currency's decimals "
        '("16500.00", "5400" for JPY). Input may be a string or an integer; more decimals '
        "than the currency allows, exponents, NaN and Infinity are refused."
    ),
    serialize=str,  # Money.__str__ formats with the currency's decimals
    parse_value=lambda value: value,
    parse_literal=_parse_literal,
)

SCALAR_MAP: dict[object, Any] = {Decimal: DECIMAL_SCALAR}

Percentage = NewType("Percentage", str)

PERCENTAGE_SCALAR = strawberry.scalar(
    name="Percentage",
    description='An exact percentage as a string ("25", "33.33"); input may also be an integer.',
    serialize=str,  # Money.__str__ formats with the currency's decimals
    parse_value=lambda value: value,
    parse_literal=_parse_literal,
)

SCALAR_MAP[Percentage] = PERCENTAGE_SCALAR


def _json_literal(node: ValueNode, variables: Any = None) -> Any:
    """An inline JSON literal, its decimals read like the body's (server.bodies): a number
    no double holds exactly arrives as an InexactFloat, refused where it would be stored."""
    if isinstance(node, FloatValueNode):
        return float_of_text(node.value)
    if isinstance(node, ListValueNode):
        return [_json_literal(item, variables) for item in node.values]
    if isinstance(node, ObjectValueNode):
        return {field.name.value: _json_literal(field.value, variables) for field in node.fields}
    return value_from_ast_untyped(node, variables)


_JSON = DEFAULT_SCALAR_REGISTRY[JSON]
SCALAR_MAP[JSON] = strawberry.scalar(
    name=_JSON.name,
    description=_JSON.description,
    specified_by_url=_JSON.specified_by_url,
    serialize=lambda value: value,
    parse_value=lambda value: value,
    parse_literal=_json_literal,
)

EARLIEST_DATE = datetime.date(1900, 1, 1)
LATEST_DATE = datetime.date(2200, 12, 31)
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_date(value: Any) -> datetime.date:
    """Return the calendar date `YYYY-MM-DD` between 1900 and 2200, or raise INVALID.

    Python's fromisoformat also reads `20260101` and `2026-W01-1`, and any year from 1:
    a date outside a billing system's plausible range is a typo, not a plan.
    """
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise _invalid_date(f"A date is written YYYY-MM-DD, such as 2026-03-01, not {value!r}.")
    try:
        parsed = datetime.date.fromisoformat(value)
    except ValueError:
        raise _invalid_date(f"{value} is not a day of the calendar.") from None
    if not EARLIEST_DATE <= parsed <= LATEST_DATE:
        raise _invalid_date(f"A date must be between {EARLIEST_DATE} and {LATEST_DATE}.")
    return parsed


def _invalid_date(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": "INVALID"})


def _parse_date_literal(node: ValueNode, _variables: Any = None) -> datetime.date:
    return parse_date(node.value if isinstance(node, StringValueNode) else print_ast(node))


SCALAR_MAP[datetime.date] = strawberry.scalar(
    name="Date",
    description=(
        "A calendar date, `YYYY-MM-DD` (ISO 8601's extended form only), between "
        f"{EARLIEST_DATE} and {LATEST_DATE}."
    ),
    serialize=datetime.date.isoformat,
    parse_value=parse_date,
    parse_literal=_parse_date_literal,
)

# Strawberry's own DateTime (its serializer and parser), described for API users.
_DATETIME = DateTimeDefinition
SCALAR_MAP[datetime.datetime] = strawberry.scalar(
    name="DateTime",
    description="An instant: ISO 8601 date and time with its UTC offset "
    "(`2026-03-02T10:00:00+00:00`); the server writes UTC.",
    serialize=_DATETIME.serialize or str,
    parse_value=_DATETIME.parse_value,
    parse_literal=_DATETIME.parse_literal,
)
