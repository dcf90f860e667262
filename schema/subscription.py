"""The Subscription root: live updates over graphql-transport-ws at /graphql (DESIGN §7.4)."""

from collections.abc import AsyncGenerator
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from resolvers import live
from resolvers import projects as resolve_projects
from resolvers.context import context_of
from resolvers.loaders import Loaders
from schema.types.events import Event
from schema.types.projects import Project


@strawberry.type(
    description="Live updates over graphql-transport-ws at /graphql: authorised by the API key "
    "in connection_init, limited like queries, and scoped to the key's account."
)
class Subscription:
    @strawberry.subscription(description="The account's events as they are committed.")
    async def events(
        self,
        info: Info[Any, Any],
        types: Annotated[
            list[str] | None, strawberry.argument(description="Only these event types.")
        ] = None,
        object_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="Only events about this object.")
        ] = None,
    ) -> AsyncGenerator[Event, None]:
        async for event in live.follow_events(info, types=types, object_id=object_id):
            yield event  # type: ignore[misc]

    @strawberry.subscription(
        description="The project, with the fields asked for, after each committed change to it."
    )
    async def project_updated(
        self,
        info: Info[Any, Any],
        project_id: Annotated[
            strawberry.ID, strawberry.argument(description="The project to follow, `prj_...`.")
        ],
    ) -> AsyncGenerator[Project, None]:
        context = context_of(info)
        async for event in live.follow_events(info):
            if project_id not in await live.projects_touched(info, event):
                continue
            # Fresh loaders: what an earlier update read is stale now.
            context.loaders = Loaders(engine=context.engine, caller=context.caller)
            project = await resolve_projects.project(info, project_id)
            if project is not None:
                yield project  # type: ignore[misc]
