"""Per-request DataLoaders: each batches every key asked for in one tick into one statement."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Sequence
from contextlib import suppress
from functools import cached_property
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncEngine

from db.engine import read_connection
from db.queries import balances, invoices, payments, projects, schedules
from db.queries.prefetched_rows import NO_CONNECTION, PREFETCHED, NotPrefetched
from domain.context import Caller
from resolvers.as_of_loaders import AsOfLoaders
from resolvers.client_loaders import ClientLoaders
from resolvers.credit_loaders import CreditLoaders
from resolvers.dataloader import DataLoader
from resolvers.grouping import by_attr as _by_attr
from resolvers.grouping import group_by as _group_by
from resolvers.views import (
    AllocationView,
    BalanceView,
    DistributionView,
    InvoiceLineView,
    InvoiceProgressView,
    InvoiceView,
    MilestoneView,
    PaymentView,
    ProjectView,
    ScheduleItemView,
    ScheduleView,
)

V = TypeVar("V")
R = TypeVar("R")
K = TypeVar("K", bound=Hashable)

InvoicePageKey = tuple[str, str | None, Any, int]  # project id, status, keyset, limit
BalanceKey = tuple[str, frozenset[str]]  # project id, the balance parts asked for
ProjectKey = tuple[str, str]  # project id, its currency (known to the caller, not read again)


class Loaders(ClientLoaders, CreditLoaders, AsOfLoaders):
    """The loaders of one request, all scoped to the caller's account.

    Each loader is made on first use: a request reads a few of them, and a mutation starts
    afresh after its write.
    """

    def __init__(self, *, engine: AsyncEngine, caller: Caller) -> None:
        self.engine = engine
        self.caller = caller
        self.account_id = caller.account_id
        self.today = caller.clock.today()

    @cached_property
    def project(self) -> DataLoader[str, ProjectView | None]:
        return self._by_id(projects.projects_by_ids, ProjectView.from_row)

    @cached_property
    def milestone(self) -> DataLoader[str, MilestoneView | None]:
        return self._by_id(projects.milestones_by_ids, MilestoneView.from_row)

    @cached_property
    def milestones_by_project(self) -> DataLoader[ProjectKey, list[MilestoneView]]:
        return DataLoader[ProjectKey, list[MilestoneView]](load_fn=self._milestones)

    @cached_property
    def balance(self) -> DataLoader[BalanceKey, BalanceView | None]:
        return DataLoader[BalanceKey, BalanceView | None](load_fn=self._balances)

    @cached_property
    def invoice(self) -> DataLoader[str, InvoiceView | None]:
        return self._by_id(invoices.invoices_by_ids, self._invoice_view)

    @cached_property
    def invoice_line(self) -> DataLoader[str, InvoiceLineView | None]:
        return self._by_id(invoices.lines_by_ids, InvoiceLineView.from_row)

    @cached_property
    def invoice_lines(self) -> DataLoader[str, list[InvoiceLineView]]:
        return self._grouped(
            invoices.lines_by_invoice_ids, "invoice_ids", InvoiceLineView.from_row, "invoice_id"
        )

    @cached_property
    def invoices_by_milestone(self) -> DataLoader[str, list[InvoiceView]]:
        return self._grouped(
            invoices.invoices_by_milestone_ids, "milestone_ids", self._invoice_view, "milestone_id"
        )

    @cached_property
    def invoice_progress(self) -> DataLoader[str, InvoiceProgressView | None]:
        return self._by_id(
            invoices.progress_by_invoice_ids, InvoiceProgressView.from_row, "invoice_ids"
        )

    @cached_property
    def invoice_page(self) -> DataLoader[InvoicePageKey, list[InvoiceView]]:
        return DataLoader[InvoicePageKey, list[InvoiceView]](load_fn=self._invoice_pages)

    @cached_property
    def invoice_count(self) -> DataLoader[tuple[str, str | None], int]:
        return DataLoader[tuple[str, str | None], int](load_fn=self._invoice_counts)

    @cached_property
    def schedule(self) -> DataLoader[str, ScheduleView | None]:
        return self._by_id(schedules.schedules_by_ids, ScheduleView.from_row)

    @cached_property
    def schedules_by_project(self) -> DataLoader[str, list[ScheduleView]]:
        return self._grouped(
            schedules.schedules_by_project_ids, "project_ids", ScheduleView.from_row, "project_id"
        )

    @cached_property
    def schedule_items(self) -> DataLoader[str, list[ScheduleItemView]]:
        return self._grouped(
            schedules.items_by_schedule_ids,
            "schedule_ids",
            ScheduleItemView.from_row,
            "schedule_id",
        )

    @cached_property
    def schedule_item(self) -> DataLoader[str, ScheduleItemView | None]:
        return self._by_id(schedules.items_by_ids, ScheduleItemView.from_row)

    @cached_property
    def schedule_item_by_milestone(self) -> DataLoader[str, ScheduleItemView | None]:
        return self._by_id(
            schedules.items_by_milestone_ids,
            ScheduleItemView.from_row,
            "milestone_ids",
            attribute="milestone_id",
        )

    @cached_property
    def payment(self) -> DataLoader[str, PaymentView | None]:
        return self._by_id(payments.payments_by_ids, PaymentView.from_row)

    @cached_property
    def allocation(self) -> DataLoader[str, AllocationView | None]:
        return self._by_id(payments.allocations_by_ids, AllocationView.from_row)

    @cached_property
    def allocations_by_invoice(self) -> DataLoader[str, list[AllocationView]]:
        return self._grouped(
            payments.allocations_by_invoice_ids,
            "invoice_ids",
            AllocationView.from_row,
            "invoice_id",
        )

    @cached_property
    def allocations_by_payment(self) -> DataLoader[str, list[AllocationView]]:
        return self._grouped(
            payments.allocations_by_payment_ids,
            "payment_ids",
            AllocationView.from_row,
            "payment_id",
        )

    @cached_property
    def distributions_by_invoice(self) -> DataLoader[str, list[DistributionView]]:
        return self._grouped(
            payments.distributions_by_invoice_ids,
            "invoice_ids",
            DistributionView.from_row,
            "invoice_id",
        )

    async def fetch(self, query: Callable[..., Awaitable[R]], **kwargs: Any) -> R:
        """Return the result of one batched query, scoped to the caller's account."""
        if PREFETCHED.get() is not None:
            with suppress(NotPrefetched):
                return await query(NO_CONNECTION, account_id=self.account_id, **kwargs)
        async with read_connection(self.engine) as connection:
            return await query(connection, account_id=self.account_id, **kwargs)

    def _invoice_view(self, row: Any) -> InvoiceView:
        return InvoiceView.from_row(row, today=self.today)

    def _by_id(
        self,
        query: Callable[..., Awaitable[list[Any]]],
        make: Callable[[Any], V],
        keyword: str = "ids",
        attribute: str = "id",
    ) -> DataLoader[str, V | None]:
        async def load(keys: list[str]) -> list[V | None]:
            views = [make(row) for row in await self.fetch(query, **{keyword: keys})]
            return by_key(keys, views, attribute)

        return DataLoader(load_fn=load)

    def _grouped(
        self,
        query: Callable[..., Awaitable[list[Any]]],
        keyword: str,
        make: Callable[[Any], V],
        attribute: str,
    ) -> DataLoader[str, list[V]]:
        async def load(keys: list[str]) -> list[list[V]]:
            groups = _by_attr(await self.fetch(query, **{keyword: keys}), attribute, make)
            return [groups.get(key, []) for key in keys]

        return DataLoader(load_fn=load)

    async def _balances(self, keys: list[BalanceKey]) -> list[BalanceView | None]:
        found: dict[BalanceKey, BalanceView] = {}
        for (parts,), group in _group_by(keys, lambda key: key[1:]).items():
            rows = await self.fetch(
                balances.balances_by_project_ids,
                project_ids=[project_id for project_id, _ in group],
                today=self.today,
                parts=parts,
            )
            found.update(((row.id, parts), BalanceView.from_row(row)) for row in rows)
        return [found.get(key) for key in keys]

    async def _milestones(self, keys: list[ProjectKey]) -> list[list[MilestoneView]]:
        currencies = dict(keys)
        rows = await self.fetch(projects.milestones_by_project_ids, project_ids=list(currencies))
        groups = _by_attr(
            rows, "project_id", lambda row: MilestoneView.from_row(row, currencies[row.project_id])
        )
        return [groups.get(project_id, []) for project_id, _ in keys]

    async def _invoice_pages(self, keys: list[InvoicePageKey]) -> list[list[InvoiceView]]:
        pages: dict[InvoicePageKey, list[InvoiceView]] = {}
        for (status, after, limit), group in _group_by(keys, lambda k: k[1:]).items():
            rows = await self.fetch(
                invoices.invoice_pages,
                project_ids=[key[0] for key in group],
                status=status,
                after=after,
                limit=limit,
            )
            for project_id, views in _by_attr(rows, "project_id", self._invoice_view).items():
                pages[(project_id, status, after, limit)] = views
        return [pages.get(key, []) for key in keys]

    async def _invoice_counts(self, keys: list[tuple[str, str | None]]) -> list[int]:
        counts: dict[tuple[str, str | None], int] = {}
        for (status,), group in _group_by(keys, lambda k: k[1:]).items():
            found = await self.fetch(
                invoices.invoice_counts, project_ids=[key[0] for key in group], status=status
            )
            counts.update({(project_id, status): n for project_id, n in found.items()})
        return [counts.get(key, 0) for key in keys]


def by_key(keys: Sequence[str], items: Sequence[V], attribute: str = "id") -> list[V | None]:
    """Return `items` reordered to match `keys`, None where a key has no item."""
    found = {getattr(item, attribute): item for item in items}
    return [found.get(key) for key in keys]
