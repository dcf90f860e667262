"""The per-request loaders of clients: by id, their nested pages and counts, their balances."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import cached_property
from typing import Any

from db.queries import clients
from resolvers.dataloader import DataLoader
from resolvers.grouping import by_attr, group_by
from resolvers.views import ClientBalanceView, ClientView, PaymentView, ProjectView
from resolvers.views.clients import client_balances

ClientPageKey = tuple[str, str, Any, int]  # client id, projects/invoices/payments, keyset, limit


class ClientLoaders:
    """Mixed into Loaders, whose fetch, _by_id and _invoice_view these use."""

    today: Any
    fetch: Callable[..., Awaitable[Any]]
    _by_id: Callable[..., Any]
    _invoice_view: Callable[[Any], Any]

    @cached_property
    def client(self) -> DataLoader[str, ClientView | None]:
        return self._by_id(clients.clients_by_ids, ClientView.from_row)

    @cached_property
    def client_page(self) -> DataLoader[ClientPageKey, list[Any]]:
        return DataLoader[ClientPageKey, list[Any]](load_fn=self._client_pages)

    @cached_property
    def client_count(self) -> DataLoader[tuple[str, str], int]:
        return DataLoader[tuple[str, str], int](load_fn=self._client_counts)

    @cached_property
    def client_balances(self) -> DataLoader[str, list[ClientBalanceView]]:
        async def load(keys: list[str]) -> list[list[ClientBalanceView]]:
            figures = await self.fetch(
                clients.balances_by_client_ids, client_ids=keys, today=self.today
            )
            found = client_balances(*figures)
            return [found.get(key, []) for key in keys]

        return DataLoader(load_fn=load)

    async def _client_pages(self, keys: list[ClientPageKey]) -> list[list[Any]]:
        pages: dict[ClientPageKey, list[Any]] = {}
        makers = {
            "projects": ProjectView.from_row,
            "invoices": self._invoice_view,
            "payments": PaymentView.from_row,
        }
        for (kind, after, limit), group in group_by(keys, lambda k: k[1:]).items():
            rows = await self.fetch(
                clients.pages_of_clients,
                kind=kind,
                client_ids=[key[0] for key in group],
                after=after,
                limit=limit,
            )
            for client_id, views in by_attr(rows, "owner_id", makers[kind]).items():
                pages[(client_id, kind, after, limit)] = views
        return [pages.get(key, []) for key in keys]

    async def _client_counts(self, keys: list[tuple[str, str]]) -> list[int]:
        counts: dict[tuple[str, str], int] = {}
        for (kind,), group in group_by(keys, lambda k: k[1:]).items():
            found = await self.fetch(
                clients.counts_of_clients, kind=kind, client_ids=[key[0] for key in group]
            )
            counts.update({(client_id, kind): n for client_id, n in found.items()})
        return [counts.get(key, 0) for key in keys]
