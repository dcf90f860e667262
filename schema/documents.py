"""Facts about a parsed GraphQL document, worked out once per document and remembered.

Strawberry's ParserCache hands back the same DocumentNode for the same query text, so what
depends on the document alone (its size, NUL characters in its literals, its validation) is
computed on first sight and looked up afterwards.
"""

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

from domain.validation import UNSTORABLE_TEXT

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


def unstorable_text(value: Any, path: str = "$") -> str | None:
    """Return where a NUL character or a lone surrogate hides in a JSON value (the
    variables), as a path like `$input.name`, or None. Neither can be stored (PostgreSQL
    refuses both, SQLite's driver cannot encode a surrogate) or sent back as UTF-8."""
    stack = [(path, value)]
    while stack:  # no recursion: the body's nesting is bounded, but not by much
        where, item = stack.pop()
        if isinstance(item, str):
            if UNSTORABLE_TEXT.search(item):
                return where
        elif isinstance(item, dict):
            for key, child in item.items():
                if UNSTORABLE_TEXT.search(str(key)):
                    return where
                stack.append((f"{where}.{key}" if where != "$" else f"${key}", child))
        elif isinstance(item, list | tuple):
            stack.extend((f"{where}[{index}]", child) for index, child in enumerate(item))
    return None
