"""A code on every GraphQL error, so a client can always branch on `extensions.code`.

Errors that graphql-core or Strawberry raise without one (parse and validation errors, a
variable's coercion) get one from their kind; applied to every result, over HTTP and over
the WebSocket alike (MaskUnexpectedErrors).
"""

from graphql import GraphQLError, GraphQLSyntaxError

SYNTAX_CODES = (
    ("tokens", "QUERY_TOO_LARGE"),
    ("nested too deeply", "QUERY_TOO_DEEP"),
)


def default_code(error: GraphQLError) -> str:
    """Return the code of an error raised without one: the code of the error it wraps (a
    scalar's refusal inside a variable's), else by its kind and when it happened."""
    inherited = getattr(error.original_error, "extensions", None) or {}
    if inherited.get("code"):
        return str(inherited["code"])
    if isinstance(error, GraphQLSyntaxError):
        message = error.message
        return next(
            (code for part, code in SYNTAX_CODES if part in message), "GRAPHQL_PARSE_FAILED"
        )
    return "INVALID" if error.path else "GRAPHQL_VALIDATION_FAILED"


def give_codes(errors: list[GraphQLError]) -> None:
    """Give each error raised without a code its default one (in place)."""
    for error in errors:
        if not (error.extensions or {}).get("code"):
            error.extensions = {**(error.extensions or {}), "code": default_code(error)}
