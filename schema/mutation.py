"""The Mutation root: one field per module under schema/mutations."""

from __future__ import annotations

import strawberry

from schema.mutations.add_milestone import add_milestone
from schema.mutations.complete_milestone import complete_milestone
from schema.mutations.create_project import create_project


@strawberry.type
class Mutation:
    create_project = strawberry.mutation(resolver=create_project)
    add_milestone = strawberry.mutation(resolver=add_milestone)
    complete_milestone = strawberry.mutation(resolver=complete_milestone)
