"""updateClient: rename a client (its projects' clientName follows) or change its email."""

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from resolvers import clients as resolve
from schema.errors import UserError, user_errors
from schema.mutations._shared import IDEMPOTENCY_KEY, INPUT
from schema.types.clients import Client


@strawberry.input(description="The fields to change; those left out stay as they are.")
class UpdateClientInput:
    client_id: strawberry.ID = strawberry.field(description="The client to change.")
    name: str | None = strawberry.field(default=None, description="A new, unused name.")
    email: str | None = strawberry.field(
        default=None, description="A new email; an empty string removes it."
    )
    idempotency_key: str | None = IDEMPOTENCY_KEY


@strawberry.type(description="The updated client, or why it was refused.")
class UpdateClientPayload:
    client: Client | None = strawberry.field(description="Null when refused.")
    user_errors: list[UserError] = strawberry.field(description="Empty on success.")


async def update_client(
    info: Info[Any, Any], input: Annotated[UpdateClientInput, INPUT]
) -> UpdateClientPayload:
    clear = input.email is not None and not input.email.strip()
    outcome = await resolve.update_client(
        info,
        client_id=input.client_id,
        name=input.name,
        email=None if clear else input.email,
        clear=clear,
    )
    return UpdateClientPayload(
        client=outcome.value,  # type: ignore[arg-type]
        user_errors=user_errors(outcome.errors),
    )
