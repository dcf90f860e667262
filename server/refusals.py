"""Requests /graphql refuses before GraphQL runs, and their answers.

A refusal is a request error: nothing executed, nothing was written, the answer has no
`data`. Its media type is the one negotiated for every answer (server.media_types); under
application/graphql-response+json its status is 4xx, as GraphQL over HTTP requires of an
answer without `data` (a persisted-query miss keeps its 200 only under application/json,
where Apollo's link expects it).
"""

from __future__ import annotations

import logging
from typing import Any

from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from strawberry.exceptions import MissingQueryError
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from db.errors import is_unavailable, unavailable_message
from resolvers.context import request_id_var
from server.bodies import CODE_BY_STATUS, graphql_error_response
from server.media_types import GRAPHQL_RESPONSE, response_media_type

NOT_CACHED = {"Cache-Control": "no-store"}
UNEXPECTED = "Unexpected error."
SUBSCRIPTION_OVER_HTTP = (
    "Subscriptions are not served over HTTP: open a WebSocket to /graphql with the "
    "graphql-transport-ws protocol and send the subscription there."
)
MUTATION_BY_GET = "A mutation cannot be sent by GET (it may be cached or replayed): use POST."
NO_QUERY = "No GraphQL query found in the request."

logger = logging.getLogger("milestone_billing.errors")


class RequestRefusal(Exception):
    """A request that cannot run: answered with one GraphQL error, `code` and `status`."""

    def __init__(
        self, message: str, code: str, status: int, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.message, self.code, self.status = message, code, status
        self.headers = {**NOT_CACHED, **(headers or {})}


def from_http_exception(error: HTTPException) -> RequestRefusal:
    """Return Strawberry's plain-text refusal (bad body, no query, unknown operation, a
    method other than GET and POST) as a refusal with a code."""
    allow = {"Allow": "GET, POST"} if error.status_code == 405 else None
    code = CODE_BY_STATUS.get(error.status_code, "BAD_REQUEST")
    return RequestRefusal(error.reason, code, error.status_code, allow)


def allowed_operation_types(method: str) -> set[OperationType]:
    """Return what an HTTP request may run: queries by GET, queries and mutations by POST;
    subscriptions only over the WebSocket."""
    if method == "GET":
        return {OperationType.QUERY}
    return {OperationType.QUERY, OperationType.MUTATION}


async def execute_over_http(
    schema: Any, *, method: str, request_data: Any, context: Any, root_value: Any
) -> ExecutionResult:
    """Return the result of one operation sent over HTTP, or raise RequestRefusal for one
    that may not run by this method (checked after parsing, before validation)."""
    try:
        result: ExecutionResult = await schema.execute(
            request_data.query,
            root_value=root_value,
            variable_values=request_data.variables,
            context_value=context,
            operation_name=request_data.operation_name,
            allowed_operation_types=allowed_operation_types(method),
            operation_extensions=request_data.extensions,
        )
    except InvalidOperationTypeError as error:
        if error.operation_type is OperationType.MUTATION:  # GraphQL over HTTP: 405
            raise RequestRefusal(
                MUTATION_BY_GET, "METHOD_NOT_ALLOWED", 405, {"Allow": "POST"}
            ) from None
        raise RequestRefusal(SUBSCRIPTION_OVER_HTTP, "BAD_REQUEST", 400) from None
    except CannotGetOperationTypeError as error:
        raise RequestRefusal(error.as_http_error_reason(), "BAD_REQUEST", 400) from None
    except MissingQueryError:
        raise RequestRefusal(NO_QUERY, "BAD_REQUEST", 400) from None
    return result


def refusal_response(request: Request, refusal: RequestRefusal) -> Response:
    """Return the answer to a refused request, in the media type the client negotiated."""
    media_type = response_media_type(request.headers.get("accept", ""))
    status = refusal.status
    if media_type == GRAPHQL_RESPONSE and status < 400:
        status = 400
    return graphql_error_response(
        status, refusal.code, refusal.message, refusal.headers, media_type=media_type
    )


def unexpected_failure(request: Request, error: Exception) -> Response:
    """Return the answer to an exception outside any resolver: 503 when the database cannot
    be reached, else a masked 500; both carry the request id, in the negotiated media type."""
    if is_unavailable(error):
        logger.warning("database unavailable (request %s): %r", request_id_var.get(), error)
        refusal = RequestRefusal(
            unavailable_message(error), "SERVICE_UNAVAILABLE", 503, {"Retry-After": "5"}
        )
        return refusal_response(request, refusal)
    logger.error("unexpected error (request %s)", request_id_var.get(), exc_info=error)
    return refusal_response(request, RequestRefusal(UNEXPECTED, "INTERNAL", 500))
