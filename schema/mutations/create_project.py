"""createProject: a project with its currency, contract value and payment terms."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from resolvers import projects as resolve
from schema.errors import UserError, user_errors
from schema.mutations._shared import IDEMPOTENCY_KEY
from schema.scalars import Decimal
from schema.types.projects import Project


@strawberry.input
class CreateProjectInput:
    name: str
    client_name: str | None = strawberry.field(
        default=None,
        description="Without clientId: the account's client of exactly this name, created "
        "when there is none.",
    )
    client_id: strawberry.ID | None = strawberry.field(
        default=None, description="The client (cli_...) the project is billed to."
    )
    currency: str = strawberry.field(description="ISO 4217 code, e.g. USD, EUR, JPY.")
    contract_value: Decimal | None = None
    payment_terms_days: int = strawberry.field(
        default=14, description="Days from issue to due date."
    )
    idempotency_key: str | None = IDEMPOTENCY_KEY


@strawberry.type
class CreateProjectPayload:
    project: Project | None
    user_errors: list[UserError]


async def create_project(info: Info[Any, Any], input: CreateProjectInput) -> CreateProjectPayload:
    outcome = await resolve.create_project(
        info,
        name=input.name,
        client_name=input.client_name,
        client_id=input.client_id,
        currency=input.currency,
        contract_value=input.contract_value,
        payment_terms_days=input.payment_terms_days,
    )
    return CreateProjectPayload(
        project=outcome.value,  # type: ignore[arg-type]
        user_errors=user_errors(outcome.errors),
    )
