"""What the query lane has seen: documents parsed and validated once per text, and request
bodies decoded, checked and costed once per body."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLError,
    OperationDefinitionNode,
    OperationType,
    specified_rules,
)
from strawberry.extensions import ParserCache

from schema import LIMIT_RULES, MAX_TOKENS, PARSER_CACHE_SIZE, build_schema
from schema.cost import MAX_COST, introspection_cost, query_cost
from schema.documents import document_errors, select_operation, unstorable_text
from schema.fast_plan import FastQueryPlan
from server.bodies import BadRequest, decode_json_body

# Distinct query texts remembered; a client sends a handful, and a flood of made-up ones only
# pushes out the oldest (they are validated again on their next use, as on the full path).
CACHE_SIZE = 512
MAX_CACHED_BODY = 8 * 1024
BODY_KEYS = frozenset({"query", "variables", "operationName"})
# Words a body the lane answers never holds (a query whose text or variables hold them only
# takes the full path): mutations, subscriptions and persisted-query extensions.
NOT_FOR_THE_LANE = (b"mutation", b"subscription", b'"extensions"')


class LaneDocument:
    """A valid document: its fragments, and which of its operations the lane may run."""

    __slots__ = ("document", "fragments", "_operations")

    def __init__(self, document: DocumentNode) -> None:
        self.document = document
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self._operations: dict[str | None, OperationDefinitionNode | None] = {}

    def query_operation(self, name: str | None) -> OperationDefinitionNode | None:
        """Return the query `name` selects, None when it selects no query the lane runs."""
        if name in self._operations:
            return self._operations[name]
        operation = select_operation(self.document, name)
        if operation is not None and (
            operation.operation != OperationType.QUERY
            or introspection_cost(build_schema()._schema, operation, self.fragments) > 0
        ):
            operation = None
        self._operations[name] = operation
        return operation


class LaneDocuments:
    """Query texts to their valid documents (None for one that fails to parse or validate)."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self.size = size
        self.plan = FastQueryPlan(build_schema())
        self.rules = (*specified_rules, *LIMIT_RULES)
        self.parse = ParserCache(maxsize=PARSER_CACHE_SIZE).cached_parse_document
        self._known: OrderedDict[str, LaneDocument | None] = OrderedDict()

    def get(self, query: str) -> LaneDocument | None:
        """Return the document of `query`, None when the full path must say what is wrong."""
        if query in self._known:
            self._known.move_to_end(query)
            return self._known[query]
        document = self._load(query)
        self._known[query] = document
        if len(self._known) > self.size:
            self._known.popitem(last=False)
        return document

    def _load(self, query: str) -> LaneDocument | None:
        try:
            # The full path's parser cache, called as it calls it: one document per text, so
            # document_errors (cached per document) validates it once for both paths.
            document = self.parse(query, max_tokens=MAX_TOKENS)
        except GraphQLError:
            return None
        if document_errors(self.plan.graphql_schema, document, self.rules):
            return None
        return LaneDocument(document)


class PreparedRequest:
    """A request body the lane may answer: its query, variables and static cost."""

    __slots__ = ("document", "operation", "variables", "cost", "name")

    def __init__(
        self,
        document: LaneDocument,
        operation: OperationDefinitionNode,
        variables: dict[str, Any],
        cost: int,
    ) -> None:
        self.document = document
        self.operation = operation
        self.variables = variables
        self.cost = cost
        self.name = operation.name.value if operation.name else None


class PreparedBodies:
    """Request bodies (as sent, byte for byte) to what the lane runs for them, or None for a
    body the full path must answer. Only bodies up to MAX_CACHED_BODY are remembered."""

    def __init__(self, documents: LaneDocuments, size: int = CACHE_SIZE) -> None:
        self.documents = documents
        self.size = size
        self._known: OrderedDict[bytes, PreparedRequest | None] = OrderedDict()

    def get(self, body: bytes) -> PreparedRequest | None:
        """Return what to run for `body`, None when the lane leaves it to the full path."""
        if body in self._known:
            self._known.move_to_end(body)
            return self._known[body]
        prepared = self._prepare(body)
        if len(body) <= MAX_CACHED_BODY:
            self._known[body] = prepared
            if len(self._known) > self.size:
                self._known.popitem(last=False)
        return prepared

    def _prepare(self, body: bytes) -> PreparedRequest | None:
        if any(word in body for word in NOT_FOR_THE_LANE):
            return None  # not decoded twice: the full path decodes it anyway
        try:
            payload = decode_json_body(body)
        except BadRequest:
            return None
        if not isinstance(payload, dict) or not payload.keys() <= BODY_KEYS:
            return None
        query, variables = payload.get("query"), payload.get("variables")
        name = payload.get("operationName")
        if not (
            isinstance(query, str)
            and isinstance(variables, dict | None)
            and isinstance(name, str | None)
        ):
            return None
        document = self.documents.get(query)
        operation = document.query_operation(name) if document else None
        if document is None or operation is None or unstorable_text(variables) is not None:
            return None
        schema = self.documents.plan.graphql_schema
        cost = query_cost(schema, operation, document.fragments, variables)
        if cost > MAX_COST:
            return None
        prepared = PreparedRequest(document, operation, variables or {}, cost)
        if name is not None:
            prepared.name = name
        return prepared
