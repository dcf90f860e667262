"""createClient: a customer, with a name unique in the account."""

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from resolvers import clients as resolve
from schema.errors import UserError, user_errors
from schema.mutations._shared import IDEMPOTENCY_KEY, INPUT
from schema.types.clients import Client


@strawberry.input(description="A new client.")
class CreateClientInput:
    name: str = strawberry.field(description="At most 200 characters; unique in the account.")
    email: str | None = strawberry.field(default=None, description="Billing email address.")
    idempotency_key: str | None = IDEMPOTENCY_KEY


@strawberry.type(description="The created client, or why it was refused.")
class CreateClientPayload:
    client: Client | None = strawberry.field(description="Null when refused.")
    user_errors: list[UserError] = strawberry.field(description="Empty on success.")


async def create_client(
    info: Info[Any, Any], input: Annotated[CreateClientInput, INPUT]
) -> CreateClientPayload:
    outcome = await resolve.create_client(info, name=input.name, email=input.email)
    return CreateClientPayload(
        client=outcome.value,  # type: ignore[arg-type]
        user_errors=user_errors(outcome.errors),
    )
