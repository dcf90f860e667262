"""Clients: creating and renaming them, and finding the client a project belongs to."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.statements import lock_in_session
from db.tables import Client, Project
from db.tables.columns import CL, P
from domain.context import Caller
from domain.errors import DomainError, ErrorCode
from domain.events import record_event
from domain.ids import new_id
from domain.lookup import get_owned
from domain.search import search_form
from domain.validation import clean_text, required_text

MAX_NAME = 200
MAX_EMAIL = 320


async def get_client(
    *, session: AsyncSession, caller: Caller, client_id: str, field: str = "clientId"
) -> Client:
    """Return the caller's client, or raise NOT_FOUND (also for another account's id)."""
    return await get_owned(
        Client, session=session, caller=caller, id_=client_id, field=field, noun="client"
    )


async def _lock_name(session: AsyncSession, caller: Caller, name: str) -> None:
    """Serialize the writers of one client name (SQLite's writer already holds the database)."""
    await lock_in_session(session, f"client:{caller.account_id}:{name}")


async def _named(session: AsyncSession, caller: Caller, name: str) -> Client | None:
    found = await session.scalars(
        select(Client).where(CL.account_id == caller.account_id, CL.name == name)
    )
    return found.first()


async def _check_name_free(
    session: AsyncSession, caller: Caller, name: str, *, field: str, client_id: str | None = None
) -> None:
    await _lock_name(session, caller, name)
    other = await _named(session, caller, name)
    if other is not None and other.id != client_id:
        raise DomainError(
            ErrorCode.INVALID, field, f"Client {other.id} already has this name; names are unique."
        )


def _email(email: str | None) -> str | None:
    value = clean_text(email, field="email", max_length=MAX_EMAIL, required=False)
    if value is not None and ("@" not in value or any(c.isspace() for c in value)):
        raise DomainError(ErrorCode.INVALID, "email", "Must be an email address (name@host).")
    return value


async def create_client(
    *, session: AsyncSession, caller: Caller, name: str, email: str | None = None
) -> Client:
    """Return the new client; its name must be unused in the account."""
    clean_name = required_text(name, field="name", max_length=MAX_NAME)
    clean_email = _email(email)
    await _check_name_free(session, caller, clean_name, field="name")
    client = Client(
        account_id=caller.account_id,
        id=new_id("cli"),
        name=clean_name,
        email=clean_email,
        created_at=caller.clock.now(),
        search_text=search_form(clean_name, clean_email),
    )
    session.add(client)
    await session.flush()
    record_event("client.created", client)
    return client


async def update_client(
    *,
    session: AsyncSession,
    caller: Caller,
    client_id: str,
    name: str | None = None,
    email: str | None = None,
    clear_email: bool = False,
) -> Client:
    """Return the client with the given fields changed; its projects' clientName follows."""
    client = await get_client(session=session, caller=caller, client_id=client_id)
    if name is not None:
        clean_name = required_text(name, field="name", max_length=MAX_NAME)
        if clean_name != client.name:
            await _check_name_free(session, caller, clean_name, field="name", client_id=client.id)
            client.name = clean_name
            await _rename_in_projects(session, caller, client)
    if clear_email:
        client.email = None
    elif email is not None:
        client.email = _email(email)
    client.search_text = search_form(client.name, client.email)
    await session.flush()
    record_event("client.updated", client)
    return client


async def _rename_in_projects(session: AsyncSession, caller: Caller, client: Client) -> None:
    """Keep the client's projects' clientName, and the search text folded from it, in step."""
    projects = await session.execute(
        select(P.id, P.name).where(P.account_id == caller.account_id, P.client_id == client.id)
    )
    for project_id, project_name in projects.all():
        await session.execute(
            update(Project)
            .where(P.account_id == caller.account_id, P.id == project_id)
            .values(client_name=client.name, search_text=search_form(project_name, client.name))
            .execution_options(synchronize_session=False)
        )


async def client_for_project(
    *, session: AsyncSession, caller: Caller, client_id: str | None, client_name: str | None
) -> Client:
    """Return the client a new project belongs to: by id, else the client of exactly that
    name, created when the account has none."""
    if client_id is not None:
        client = await get_client(session=session, caller=caller, client_id=client_id)
        if client_name is not None and client_name.strip() != client.name:
            raise DomainError(
                ErrorCode.CLIENT_MISMATCH,
                "clientName",
                f"Client {client.id} is named {client.name!r}; send clientId or clientName.",
            )
        return client
    if client_name is None:
        raise DomainError(
            ErrorCode.INVALID, "clientId", "Give the project a clientId or clientName."
        )
    name = required_text(client_name, field="clientName", max_length=MAX_NAME)
    await _lock_name(session, caller, name)
    existing = await _named(session, caller, name)
    if existing is not None:
        return existing
    client = Client(
        account_id=caller.account_id,
        id=new_id("cli"),
        name=name,
        created_at=caller.clock.now(),
        search_text=search_form(name),
    )
    session.add(client)
    await session.flush()
    record_event("client.created", client)
    return client
