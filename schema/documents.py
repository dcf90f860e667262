"""Facts about a parsed GraphQL document, worked out once per document and remembered.

Strawberry's ParserCache hands back the same DocumentNode for the same query text, so what
depends on the document alone (its size, NUL characters in its literals, its validation) is
computed on first sight and looked up afterwards.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from graphql import (
    DocumentNode,
    GraphQLError,
    OperationDefinitionNode,
    StringValueNode,
    Visitor,
    visit,
)
from strawberry.schema.schema import validate_document

MAX_SELECTIONS = 300
MAX_FRAGMENTS = 50
CACHE_SIZE = 256
NUL_MESSAGE = "Strings may not contain the NUL character (\\u0000)."

# Keyed by identity: hashing a DocumentNode walks the whole tree on every request. The entry
# holds the document, so its id cannot be reused while the entry lives.
_ERRORS: OrderedDict[tuple[int, int], tuple[DocumentNode, list[GraphQLError]]] = OrderedDict()


def select_operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    """Return the operation `name` picks, or the only one when no name is given."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is None:
        return operations[0] if len(operations) == 1 else None
    return next((o for o in operations if o.name and o.name.value == name), None)


def document_errors(schema: Any, document: DocumentNode, rules: Any) -> list[GraphQLError]:
    """Return why a document is refused (too large, a NUL literal, invalid), or [].

    The size is checked before validation: graphql-core's overlapping-fields check grows
    quadratically with repeated selections and runs on the event loop. The rules are not part
    of the key: they are the same for every request of a schema.
    """
    key = (id(schema), id(document))
    known = _ERRORS.get(key)
    if known is not None:
        _ERRORS.move_to_end(key)
        return known[1]
    errors = _check(schema, document, rules)
    _ERRORS[key] = (document, errors)
    if len(_ERRORS) > CACHE_SIZE:
        _ERRORS.popitem(last=False)
    return errors


def _check(schema: Any, document: DocumentNode, rules: Any) -> list[GraphQLError]:
    facts = _Facts()
    visit(document, facts)
    if facts.selections > MAX_SELECTIONS or facts.fragments > MAX_FRAGMENTS:
        return [
            GraphQLError(
                f"The document has {facts.selections} selections and {facts.fragments} "
                f"fragments; at most {MAX_SELECTIONS} and {MAX_FRAGMENTS} are accepted.",
                extensions={"code": "QUERY_TOO_LARGE"},
            )
        ]
    if facts.has_nul:
        return [GraphQLError(NUL_MESSAGE, extensions={"code": "INVALID"})]
    return list(validate_document(schema, document, rules))


class _Facts(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.selections = 0
        self.fragments = 0
        self.has_nul = False

    def enter_field(self, *_args: Any) -> None:
        self.selections += 1

    def enter_fragment_spread(self, *_args: Any) -> None:
        self.selections += 1

    def enter_inline_fragment(self, *_args: Any) -> None:
        self.selections += 1

    def enter_fragment_definition(self, *_args: Any) -> None:
        self.fragments += 1

    def enter_string_value(self, node: StringValueNode, *_args: Any) -> None:
        self.has_nul = self.has_nul or "\x00" in node.value


def has_nul(value: Any) -> bool:
    """Return whether a NUL character hides anywhere in a JSON value (the variables)."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(has_nul(k) or has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(has_nul(item) for item in value)
    return False
