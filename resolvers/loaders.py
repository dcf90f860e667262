"""Per-request DataLoaders: each batches every key asked for in one tick into one statement."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from strawberry.dataloader import DataLoader

from db.engine import read_connection
from db.queries import balances, projects
from domain.context import Caller
from resolvers.views import BalanceView, MilestoneView, ProjectView

V = TypeVar("V")


class Loaders:
    """The loaders of one request, all scoped to the caller's account."""

    def __init__(self, *, engine: AsyncEngine, caller: Caller) -> None:
        self.engine = engine
        self.caller = caller
        self.project = DataLoader[str, ProjectView | None](load_fn=self._projects)
        self.milestone = DataLoader[str, MilestoneView | None](load_fn=self._milestones)
        self.milestones_by_project = DataLoader[str, list[MilestoneView]](
            load_fn=self._milestones_by_project
        )
        self.balance = DataLoader[str, BalanceView | None](load_fn=self._balances)

    async def _fetch(self, query: Callable[[AsyncConnection], Awaitable[list[Any]]]) -> list[Any]:
        async with read_connection(self.engine) as connection:
            return await query(connection)

    async def _projects(self, ids: list[str]) -> list[ProjectView | None]:
        rows = await self._fetch(
            lambda c: projects.projects_by_ids(c, account_id=self.caller.account_id, ids=ids)
        )
        return by_key(ids, [ProjectView.from_row(row) for row in rows])

    async def _milestones(self, ids: list[str]) -> list[MilestoneView | None]:
        rows = await self._fetch(
            lambda c: projects.milestones_by_ids(c, account_id=self.caller.account_id, ids=ids)
        )
        return by_key(ids, [MilestoneView.from_row(row) for row in rows])

    async def _milestones_by_project(self, project_ids: list[str]) -> list[list[MilestoneView]]:
        rows = await self._fetch(
            lambda c: projects.milestones_by_project_ids(
                c, account_id=self.caller.account_id, project_ids=project_ids
            )
        )
        return grouped(project_ids, [MilestoneView.from_row(row) for row in rows], "project_id")

    async def _balances(self, project_ids: list[str]) -> list[BalanceView | None]:
        rows = await self._fetch(
            lambda c: balances.balances_by_project_ids(
                c,
                account_id=self.caller.account_id,
                project_ids=project_ids,
                today=self.caller.clock.today(),
            )
        )
        found = {row.id: BalanceView.from_row(row) for row in rows}
        return [found.get(id_) for id_ in project_ids]


def by_key(keys: Sequence[str], items: Sequence[V], attribute: str = "id") -> list[V | None]:
    """Return `items` reordered to match `keys`, None where a key has no item."""
    found = {getattr(item, attribute): item for item in items}
    return [found.get(key) for key in keys]


def grouped(keys: Sequence[str], items: Sequence[V], attribute: str) -> list[list[V]]:
    """Return, for each key, the items whose `attribute` equals it, in their original order."""
    groups: dict[str, list[V]] = defaultdict(list)
    for item in items:
        groups[getattr(item, attribute)].append(item)
    return [groups.get(key, []) for key in keys]
