"""Every element of the schema says what it means: introspected from the running schema, each
type, field, argument, enum value and input field has a description that is more than its name."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from graphql import get_introspection_query, graphql_sync

from schema import build_schema

BUILT_IN = {"String", "Int", "Float", "Boolean", "ID"}


def introspected_types() -> list[dict[str, Any]]:
    """The schema's own types as introspection shows them to a client."""
    schema = build_schema()._schema
    result = graphql_sync(schema, get_introspection_query(descriptions=True))
    assert result.errors is None, result.errors
    assert result.data is not None
    types: list[dict[str, Any]] = result.data["__schema"]["types"]
    return [t for t in types if not t["name"].startswith("__") and t["name"] not in BUILT_IN]


def described_elements() -> Iterator[tuple[str, str, str | None]]:
    """Yield (where, name, description) for every documentable element."""
    for type_ in introspected_types():
        name = type_["name"]
        yield name, name, type_["description"]
        for field in type_["fields"] or ():
            yield f"{name}.{field['name']}", field["name"], field["description"]
            for arg in field["args"]:
                where = f"{name}.{field['name']}({arg['name']})"
                yield where, arg["name"], arg["description"]
        for input_field in type_["inputFields"] or ():
            where = f"{name}.{input_field['name']}"
            yield where, input_field["name"], input_field["description"]
        for value in type_["enumValues"] or ():
            yield f"{name}.{value['name']}", value["name"], value["description"]


def words(text: str) -> list[str]:
    """The lower-case words of a camelCase, snake_case or prose text."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", text)
    return re.findall(r"[a-z0-9]+", spaced.lower())


def test_every_type_field_argument_enum_value_and_input_field_is_described() -> None:
    elements = list(described_elements())
    assert len(elements) > 500, "the walk found too few elements: is the schema empty?"
    missing = [where for where, _, description in elements if not (description or "").strip()]
    assert missing == [], "add a description (what it means, its unit) to: " + ", ".join(missing)


def test_no_description_merely_repeats_its_name() -> None:
    echoes = [
        where
        for where, name, description in elements_with_text()
        if words(description) == words(name) or len(words(description)) < 2
    ]
    assert echoes == [], "say what these mean rather than repeating the name: " + ", ".join(echoes)


def elements_with_text() -> Iterator[tuple[str, str, str]]:
    for where, name, description in described_elements():
        if description:
            yield where, name, description


def test_ids_name_their_prefix_and_amount_fields_are_decimal_strings() -> None:
    """Each Node type's id says its prefix; money is the Decimal scalar, never a Float."""
    schema = build_schema()._schema
    node_types = [t for t in schema.type_map.values() if getattr(t, "interfaces", None)]
    for type_ in node_types:
        if any(i.name == "Node" for i in type_.interfaces):
            description = type_.fields["id"].description or ""
            assert re.search(r"`[a-z]+_", description), f"{type_.name}.id names no prefix"
    floats = [
        f"{type_.name}.{name}"
        for type_ in schema.type_map.values()
        if not type_.name.startswith("__")
        for name, field in (getattr(type_, "fields", None) or {}).items()
        if "Float" in str(field.type)
    ]
    assert floats == [], f"amounts are Decimal strings, not Float: {floats}"
