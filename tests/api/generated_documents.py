"""Hypothesis strategies for query documents generated from the schema itself.

Every field of every type can be picked, with aliases, arguments (literal or variable),
`__typename`, inline fragments on the type, on `Node` and on other types, named fragments and
@skip/@include, so the fast path meets shapes nobody wrote by hand.
"""

from __future__ import annotations

import re
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLObjectType,
    GraphQLSchema,
    get_named_type,
    is_leaf_type,
)
from hypothesis import strategies as st

MAX_DEPTH = 4


class DocumentBuilder:
    """Draws one document; `variables` holds what its declared variables are given."""

    def __init__(self, schema: GraphQLSchema, draw: Any, ids: list[str]) -> None:
        self.schema = schema
        self.draw = draw
        self.ids = ids
        self.fragments: list[str] = []
        self.variables: dict[str, tuple[str, Any]] = {}

    def document(self) -> tuple[str, dict[str, Any]]:
        query_type = self.schema.query_type
        assert query_type is not None
        body = self.selection(query_type, 0)
        text = " ".join([body, *self.fragments])
        # Only the variables still in the text: a field drawn too deep was left out.
        used = {name: v for name, v in self.variables.items() if re.search(rf"\${name}\b", text)}
        self.variables = used
        declared = ", ".join(f"${name}: {kind}" for name, (kind, _) in used.items())
        head = f"query Generated({declared})" if declared else "query Generated"
        text = "\n".join([f"{head} {body}", *self.fragments])
        return text, {name: value for name, (_, value) in self.variables.items()}

    def selection(self, graphql_type: Any, depth: int) -> str:
        parts: list[str] = []
        keys: set[str] = set()
        if isinstance(graphql_type, GraphQLObjectType):
            fields = sorted(graphql_type.fields)
            chosen = self.draw(st.lists(st.sampled_from(fields), min_size=1, max_size=4))
            for name in chosen:
                parts.append(self.field(graphql_type, name, depth, keys))
            if self.draw(st.booleans()):
                parts.append(self.directives("__typename"))
            if depth and self.draw(st.integers(0, 3)) == 0:
                parts.append(self.fragment_on(graphql_type, graphql_type, depth))
            is_node = "Node" in {i.name for i in graphql_type.interfaces}
            if depth and is_node and self.draw(st.booleans()):
                parts.append("... on Node { id __typename }")
        else:  # an interface: Node
            parts.append(self.directives("__typename"))
            parts.append("id")
            possible = sorted(t.name for t in self.schema.get_possible_types(graphql_type))
            for name in self.draw(st.lists(st.sampled_from(possible), max_size=3, unique=True)):
                object_type = self.schema.get_type(name)
                parts.append(self.fragment_on(graphql_type, object_type, depth))
        return "{ " + (" ".join(part for part in parts if part) or "__typename") + " }"

    def fragment_on(self, parent: Any, object_type: Any, depth: int) -> str:
        inner = self.selection(object_type, depth + 1) if depth < MAX_DEPTH else "{ __typename }"
        if self.draw(st.booleans()):
            return self.directives(f"... on {object_type.name}") + " " + inner
        name = f"F{len(self.fragments)}"
        self.fragments.append(f"fragment {name} on {object_type.name} {inner}")
        return self.directives(f"...{name}")

    def field(self, parent: GraphQLObjectType, name: str, depth: int, keys: set[str]) -> str:
        field = parent.fields[name]
        key = name
        alias = ""
        if key in keys or self.draw(st.integers(0, 4)) == 0:
            key = f"{name}{len(keys)}"
            alias = f"{key}: "
        keys.add(key)
        arguments = [self.argument(arg_name, arg) for arg_name, arg in sorted(field.args.items())]
        given = [a for a in arguments if a]
        text = self.directives(alias + name + (f"({', '.join(given)})" if given else ""))
        named = get_named_type(field.type)
        if not is_leaf_type(named):
            if depth >= MAX_DEPTH:
                return ""  # too deep: leave the field out
            text += " " + self.selection(named, depth + 1)
        return text

    def argument(self, name: str, argument: Any) -> str:
        required = "!" in str(argument.type)
        if not required and self.draw(st.integers(0, 2)) == 0:
            return ""
        named = get_named_type(argument.type)
        if name == "id":
            value = self.draw(st.sampled_from([*self.ids, "prj_unknown", "inv_nothing", "zz"]))
            if self.draw(st.booleans()):
                return f"{name}: {self.variable('ID!', value)}"
            return f'{name}: "{value}"'
        if name == "first":
            value = self.draw(st.sampled_from([0, 1, 2, 5, 101]))
            return (
                f"{name}: {self.variable('Int', value)}"
                if self.draw(st.booleans())
                else (f"{name}: {value}")
            )
        if isinstance(named, GraphQLEnumType):
            value = self.draw(st.sampled_from(sorted(named.values)))
            if self.draw(st.booleans()):
                return f"{name}: {self.variable(named.name, value)}"
            return f"{name}: {value}"
        if name == "after":
            return f'{name}: "{self.draw(st.sampled_from(["bm9wZQ==", "x"]))}"'
        return ""

    def variable(self, kind: str, value: Any) -> str:
        name = f"v{len(self.variables)}"
        self.variables[name] = (kind, value)
        return f"${name}"

    def directives(self, text: str) -> str:
        choice = self.draw(st.integers(0, 5))
        if choice == 0:
            return f"{text} @include(if: {self.variable('Boolean!', self.draw(st.booleans()))})"
        if choice == 1:
            return f"{text} @skip(if: {str(self.draw(st.booleans())).lower()})"
        return text


@st.composite
def documents(draw: Any, schema: GraphQLSchema, ids: list[str]) -> tuple[str, dict[str, Any]]:
    """A query document over `schema` and the variables it declares."""
    return DocumentBuilder(schema, draw, ids).document()
