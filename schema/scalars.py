"""The Decimal scalar: money out as an exact string, money in passed to the domain untouched.

Output values are `domain.money.Money`, formatted with exactly the currency's decimals.
Input is not converted here: the domain parses it against the currency and answers a bad
amount with a userError naming the field, which a scalar error could not do.
"""

from __future__ import annotations

from typing import Any, NewType

import strawberry
from graphql import FloatValueNode, IntValueNode, StringValueNode, ValueNode

Decimal = NewType("Decimal", str)


def _parse_literal(node: ValueNode, _variables: Any = None) -> Any:
    if isinstance(node, FloatValueNode):
        return float(node.value)  # refused by the domain, like a JSON float in variables
    if isinstance(node, StringValueNode):
        return node.value
    if isinstance(node, IntValueNode):
        return int(node.value)
    return node  # anything else reaches the domain and is refused there with its field


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
