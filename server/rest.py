"""POST /invoices/distribute-milestone-payments: the REST twin of distributeMilestonePayment."""

from __future__ import annotations

import logging
import re
from typing import Any

from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse

from db.engine import read_connection, write_session
from db.errors import is_unavailable, unavailable_message
from db.queries.projects import milestones_by_ids
from db.statements import session_statements
from domain.errors import DomainError, ErrorCode
from domain.events import recording_events
from domain.idempotency import (
    IdempotentRequest,
    check_key,
    fingerprint,
    remember_response,
    stored_response,
)
from domain.payments.distribution import DistributionInput, distribute_milestone_payment
from resolvers.context import request_id_var
from resolvers.views import MilestoneView
from schema.documents import unstorable_text
from server.auth import CHALLENGE, UNAUTHORIZED_MESSAGE, caller_of
from server.bodies import BadRequest, decode_json_body
from server.graphql_app import log_disconnect
from server.observability import BodyTooLarge, request_info
from server.state import AppState

logger = logging.getLogger("milestone_billing.errors")
STATUS_BY_CODE = {
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.INVALID_STATE: 409,
    ErrorCode.IDEMPOTENCY_KEY_REUSED: 409,
}
# The Idempotency-Key header's records are kept apart from the GraphQL mutation's.
REST_OPERATION = "POST /invoices/distribute-milestone-payments"
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


def _snake(field: list[str] | None) -> list[str] | None:
    return None if field is None else [_CAMEL.sub("_", part).lower() for part in field]


def error_response(status: int, code: str, field: list[str] | None, message: str) -> JSONResponse:
    error = {"code": code, "field": field, "message": message}
    if status >= 500:
        error["request_id"] = request_id_var.get()
    return JSONResponse({"errors": [error]}, status_code=status)


BODY_KEYS = ("invoice_id", "distributions", "proportional")
DISTRIBUTION_KEYS = ("milestone_id", "amount")


def unknown_keys(body: Any) -> list[list[str]]:
    """Return the path of every key the body has that this route does not know (a typo such as
    "proportinal" would otherwise be ignored silently)."""
    if not isinstance(body, dict):
        return []
    unknown = [[key] for key in body if key not in BODY_KEYS]
    distributions = body.get("distributions")
    for index, item in enumerate(distributions if isinstance(distributions, list) else []):
        if isinstance(item, dict):
            unknown += [
                ["distributions", str(index), key] for key in item if key not in DISTRIBUTION_KEYS
            ]
    return unknown


def _parse(body: Any) -> tuple[str, list[DistributionInput] | None, bool]:
    """Return (invoice id, distributions, proportional) from the JSON body, or raise INVALID."""
    if not isinstance(body, dict):
        raise DomainError(ErrorCode.INVALID, None, "The body must be a JSON object.")
    invoice_id = body.get("invoice_id")
    if not isinstance(invoice_id, str) or not invoice_id:
        raise DomainError(ErrorCode.INVALID, "invoiceId", "invoice_id is required.")
    proportional = body.get("proportional", False)
    if not isinstance(proportional, bool):
        raise DomainError(ErrorCode.INVALID, "proportional", "proportional must be a boolean.")
    raw = body.get("distributions")
    if raw is None:
        return invoice_id, None, proportional
    if not isinstance(raw, list):
        raise DomainError(ErrorCode.INVALID, "distributions", "distributions must be a list.")
    distributions = []
    for index, item in enumerate(raw):
        path = ["distributions", str(index)]
        if not isinstance(item, dict) or not isinstance(item.get("milestone_id"), str):
            raise DomainError(
                ErrorCode.INVALID, [*path, "milestoneId"], "milestone_id is required."
            )
        amount = item.get("amount")
        if not isinstance(amount, str | int) or isinstance(amount, bool):
            raise DomainError(
                ErrorCode.INVALID_AMOUNT, [*path, "amount"], 'amount is a string such as "12.50".'
            )
        distributions.append(DistributionInput(item["milestone_id"], amount))
    return invoice_id, distributions, proportional


def _milestone_json(view: MilestoneView) -> dict[str, Any]:
    return {
        "id": view.id,
        "name": view.name,
        "amount": str(view.amount),
        "amount_paid": str(view.amount_paid),
        "discount": str(view.discount),
        "paid": view.paid,
        "status": view.status.value,
    }


async def distribute_milestone_payments(request: Request) -> JSONResponse:
    """The route: its answer, or a JSON 503 / 500 carrying the request id when it failed."""
    try:
        return await _distribute(request)
    except ClientDisconnect:
        log_disconnect()
        return error_response(400, "BAD_REQUEST", None, "The client disconnected.")
    except Exception as error:
        if isinstance(error, BodyTooLarge):  # answered 413 by BodyLimitMiddleware
            raise
        if is_unavailable(error):
            logger.warning("database unavailable (request %s): %r", request_id_var.get(), error)
            response = error_response(503, "SERVICE_UNAVAILABLE", None, unavailable_message(error))
            response.headers["Retry-After"] = "5"
            return response
        logger.error("unexpected error (request %s)", request_id_var.get(), exc_info=error)
        return error_response(500, "INTERNAL", None, "Unexpected error.")


async def _distribute(request: Request) -> JSONResponse:
    state: AppState = request.app.state.milestone_billing
    caller = await caller_of(request, state)
    if caller is None:
        response = error_response(401, "UNAUTHENTICATED", None, UNAUTHORIZED_MESSAGE)
        response.headers.update(CHALLENGE)
        return response
    request_info(request.scope).update(account_id=caller.account_id, operation="distribute")
    if not caller.can_write:
        return error_response(403, "FORBIDDEN", None, "This API key is read-only.")
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "application/json":
        message = "Send the body as JSON with Content-Type: application/json."
        return error_response(415, "UNSUPPORTED_MEDIA_TYPE", None, message)
    try:
        body = decode_json_body(await request.body())
    except BadRequest as error:
        return error_response(400, "BAD_REQUEST", None, error.message)
    unstorable = unstorable_text(body)
    if unstorable is not None:
        message = "Text must be valid Unicode without NUL or lone surrogates."
        return error_response(422, "INVALID", [unstorable.lstrip("$")], message)
    unknown = unknown_keys(body)
    if unknown:
        return JSONResponse(
            {
                "errors": [
                    {"code": "INVALID", "field": path, "message": f"Unknown key {path[-1]!r}."}
                    for path in unknown
                ]
            },
            status_code=400,
        )
    key = request.headers.get("idempotency-key")
    try:
        invoice_id, distributions, proportional = _parse(body)
        async with (
            write_session(state.engine) as session,
            recording_events(session, caller),
        ):
            db = await session_statements(session)
            idempotent = None
            if key is not None:
                idempotent = IdempotentRequest(
                    key=check_key(key),
                    operation=REST_OPERATION,
                    fingerprint=fingerprint(REST_OPERATION, body),
                )
            stored = idempotent and await stored_response(db=db, caller=caller, request=idempotent)
            if stored:
                milestone_ids = stored["milestone_ids"]
            else:
                _invoice, milestone_ids = await distribute_milestone_payment(
                    db=db,
                    caller=caller,
                    invoice_id=invoice_id,
                    distributions=distributions,
                    proportional=proportional,
                )
                if idempotent:
                    await remember_response(
                        db=db,
                        caller=caller,
                        request=idempotent,
                        response={"milestone_ids": milestone_ids},
                    )
    except DomainError as error:
        return error_response(
            STATUS_BY_CODE.get(error.code, 422),
            error.code.value,
            _snake(error.field),
            error.message,
        )
    async with read_connection(state.engine) as connection:
        rows = await milestones_by_ids(connection, account_id=caller.account_id, ids=milestone_ids)
    views = {row.id: MilestoneView.from_row(row) for row in rows}
    return JSONResponse(
        {
            "invoice_id": invoice_id,
            "milestones": [_milestone_json(views[id_]) for id_ in milestone_ids if id_ in views],
        }
    )
