"""The loaders of balances as of a past day, batched per day (mixed into Loaders)."""

from __future__ import annotations

from datetime import date
from functools import cached_property
from typing import Any

from db.queries import as_of
from resolvers.dataloader import DataLoader
from resolvers.views import BalanceView, ClientBalanceView
from resolvers.views.clients import client_balances


class AsOfLoaders:
    """Mixed into Loaders (which has fetch): balances as of a day, batched by day."""

    fetch: Any

    @cached_property
    def project_balance_as_of(self) -> DataLoader[tuple[str, date], BalanceView | None]:
        async def load(keys: list[tuple[str, date]]) -> list[BalanceView | None]:
            found: dict[tuple[str, date], BalanceView] = {}
            for day in {day for _, day in keys}:
                ids = [project_id for project_id, asked in keys if asked == day]
                rows = await self.fetch(as_of.project_balances_as_of, project_ids=ids, day=day)
                found.update({(row.id, day): BalanceView.from_row(row) for row in rows})
            return [found.get(key) for key in keys]

        return DataLoader(load_fn=load)

    @cached_property
    def client_balance_as_of(self) -> DataLoader[tuple[str, date], list[ClientBalanceView]]:
        async def load(keys: list[tuple[str, date]]) -> list[list[ClientBalanceView]]:
            found: dict[tuple[str, date], list[ClientBalanceView]] = {}
            for day in {day for _, day in keys}:
                ids = [client_id for client_id, asked in keys if asked == day]
                figures = await self.fetch(as_of.client_figures_as_of, client_ids=ids, day=day)
                found.update(
                    {(key, day): views for key, views in client_balances(*figures).items()}
                )
            return [found.get(key, []) for key in keys]

        return DataLoader(load_fn=load)
