"""updateProject: name, client name, payment terms and contract value; never the currency."""

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from resolvers import editing as resolve
from schema.errors import UserError, user_errors
from schema.mutations._shared import IDEMPOTENCY_KEY, INPUT
from schema.scalars import Decimal, Percentage
from schema.types.projects import Project


@strawberry.input(description="The fields to change; a field not sent stays as it is.")
class UpdateProjectInput:
    project_id: strawberry.ID = strawberry.field(description="The project to change.")
    name: str | None = strawberry.field(default=strawberry.UNSET, description="1..200 characters.")
    client_name: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="Who is billed, 1..200 characters: the project moves to the account's "
        "client of exactly this name (created when there is none, as in createProject). "
        "Refused (INVALID_STATE) once an invoice of the project was issued; rename the "
        "client itself with updateClient.",
    )
    payment_terms_days: int | None = strawberry.field(
        default=strawberry.UNSET,
        description="Days from issue to due date, 0..365; applies to invoices issued from now.",
    )
    contract_value: Decimal | None = strawberry.field(
        default=strawberry.UNSET,
        description="In the project's currency (a decimal string with its minor digits); "
        "null removes it. Not below the total of any of its billing plans.",
    )
    retainage_percentage: Percentage | None = strawberry.field(
        default=strawberry.UNSET,
        description="The percentage withheld from the milestone lines of each issued invoice "
        'until released with releaseRetainage: 0 to 50, at most two decimals ("10", '
        '"7.50"). Only while the project has no issued invoice (INVALID_STATE after).',
    )
    idempotency_key: str | None = IDEMPOTENCY_KEY


@strawberry.type(description="The changed project, or why nothing changed.")
class UpdateProjectPayload:
    project: Project | None = strawberry.field(description="The project as it is now.")
    user_errors: list[UserError] = strawberry.field(description="Empty when it was changed.")


async def update_project(
    info: Info[Any, Any], input: Annotated[UpdateProjectInput, INPUT]
) -> UpdateProjectPayload:
    outcome = await resolve.update_project(info, project_id=input.project_id, fields=input)
    return UpdateProjectPayload(
        project=outcome.value,  # type: ignore[arg-type]
        user_errors=user_errors(outcome.errors),
    )
