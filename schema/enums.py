"""GraphQL enums made from the domain's StrEnums, with a description for every value."""

from collections.abc import Mapping
from enum import StrEnum
from typing import TypeVar

import strawberry

E = TypeVar("E", bound=StrEnum)


def described_enum(
    domain_enum: type[E], *, name: str, description: str, values: Mapping[str, str]
) -> type[E]:
    """Return the domain enum exposed as a GraphQL enum whose values carry `values`' texts.

    A domain value without a text fails at import, so a value added to the domain cannot
    reach the schema undocumented.
    """
    missing = [member.name for member in domain_enum if member.name not in values]
    if missing:
        raise ValueError(f"{name}: no description for {', '.join(missing)}")
    exposed = strawberry.enum(domain_enum, name=name, description=description)
    for value in exposed.__strawberry_definition__.values:  # type: ignore[attr-defined]
        value.description = values[value.name]
    return exposed
