"""createProject: a project with its currency, contract value and payment terms."""

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from resolvers import projects as resolve
from schema.errors import UserError, user_errors
from schema.mutations._shared import IDEMPOTENCY_KEY, INPUT, user_errors_field
from schema.scalars import Decimal, Percentage
from schema.types.projects import Project


@strawberry.input(
    description="A new project, its client, currency, contract value and payment terms."
)
class CreateProjectInput:
    name: str = strawberry.field(description="The project's name; not blank.")
    client_name: str | None = strawberry.field(
        default=None,
        description="Without clientId: the account's client of exactly this name, created "
        "when there is none.",
    )
    client_id: strawberry.ID | None = strawberry.field(
        default=None, description="The client (cli_...) the project is billed to."
    )
    currency: str = strawberry.field(description="ISO 4217 code, e.g. USD, EUR, JPY.")
    contract_value: Decimal | None = strawberry.field(
        default=None,
        description="The agreed price of the whole contract, a decimal string in `currency`; "
        "leave out for an open-ended project.",
    )
    payment_terms_days: int = strawberry.field(
        default=14, description="Days from issue to due date."
    )
    retainage_percentage: Percentage | None = strawberry.field(
        default=None,
        description="The percentage withheld from the milestone lines of each issued invoice "
        'until released with releaseRetainage: 0 to 50, at most two decimals ("10", '
        '"7.50"); 0 by default.',
    )
    idempotency_key: str | None = IDEMPOTENCY_KEY


@strawberry.type(description="The created project, or why it was refused.")
class CreateProjectPayload:
    project: Project | None = strawberry.field(
        description="The new project; null when refused (see userErrors)."
    )
    user_errors: list[UserError] = user_errors_field()


async def create_project(
    info: Info[Any, Any], input: Annotated[CreateProjectInput, INPUT]
) -> CreateProjectPayload:
    outcome = await resolve.create_project(
        info,
        name=input.name,
        client_name=input.client_name,
        client_id=input.client_id,
        currency=input.currency,
        contract_value=input.contract_value,
        payment_terms_days=input.payment_terms_days,
        retainage_percentage=input.retainage_percentage,
    )
    return CreateProjectPayload(
        project=outcome.value,  # type: ignore[arg-type]
        user_errors=user_errors(outcome.errors),
    )
