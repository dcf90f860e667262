"""GraphQL over HTTP's media types: application/graphql-response+json when the client
prefers it to application/json (the spec's Accept negotiation), and which results are
request errors (answered 4xx, without `data`, under that media type).

`response_media_type` is the one choice every answer of /graphql follows: results, and the
refusals decided before GraphQL runs (server/refusals.py)."""

from __future__ import annotations

from typing import Any

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"
MEDIA_MARK = "x-milestone-billing-graphql-response"  # set on the sub-response, never sent


def _weights(accept: str) -> dict[str, float]:
    weights: dict[str, float] = {}
    for part in accept.split(","):
        media, *parameters = (piece.strip() for piece in part.split(";"))
        quality = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        weights[media.lower()] = max(weights.get(media.lower(), 0.0), quality)
    return weights


def prefers_graphql_response(accept: str) -> bool:
    """Whether the Accept header ranks application/graphql-response+json above
    application/json (ties go to the new type, as the spec recommends)."""
    weights = _weights(accept)
    new = weights.get(GRAPHQL_RESPONSE, 0.0)
    return new > 0 and new >= weights.get(JSON, 0.0)


def response_media_type(accept: str) -> str:
    """Return the media type of an answer to a request with this Accept header."""
    return GRAPHQL_RESPONSE if prefers_graphql_response(accept) else JSON


def is_request_error(result: Any) -> bool:
    """Whether the operation never executed: no data and only errors without a path."""
    errors = result.errors or []
    return result.data is None and bool(errors) and all(not e.path for e in errors)
