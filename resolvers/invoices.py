"""Resolvers for invoices: reads through the loaders, writes through the domain."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from strawberry.types import Info

from domain.invoices import service
from domain.invoices.lines import LineInput
from resolvers.context import context_of
from resolvers.mutations import Outcome, read_back, run_write
from resolvers.pagination import Page, decode_cursor, make_page, page_size
from resolvers.views import InvoiceLineView, InvoiceProgressView, InvoiceView


async def invoice(info: Info[Any, Any], id_: str) -> InvoiceView | None:
    """Return the caller's invoice with this id, or None."""
    return await context_of(info).loaders.invoice.load(id_)


async def line(info: Info[Any, Any], id_: str) -> InvoiceLineView | None:
    """Return the caller's invoice line with this id, or None."""
    return await context_of(info).loaders.invoice_line.load(id_)


async def lines_of(info: Info[Any, Any], invoice_id: str) -> list[InvoiceLineView]:
    return await context_of(info).loaders.invoice_lines.load(invoice_id)


async def progress_of(info: Info[Any, Any], invoice_id: str) -> InvoiceProgressView | None:
    return await context_of(info).loaders.invoice_progress.load(invoice_id)


async def invoices_of_milestone(info: Info[Any, Any], milestone_id: str) -> list[InvoiceView]:
    return await context_of(info).loaders.invoices_by_milestone.load(milestone_id)


async def invoices_page(
    info: Info[Any, Any],
    project_id: str,
    *,
    first: int | None,
    after: str | None,
    status: str | None,
    last: int | None = None,
    before: str | None = None,
) -> Page[InvoiceView]:
    """Return one page of a project's invoices in creation order, batched across projects
    when read forward; a backward page (last/before) is read as the root list reads it."""
    if last is not None or before is not None:
        from resolvers import lists  # the root lists import this module's views

        return await lists.root_page(
            info,
            lists.INVOICES,
            filter=ProjectInvoices(project_id, [status] if status else None),
            order_by=None,
            # `first` has a default here (20): `last` wins over it.
            first=None if last is not None else first,
            after=after,
            last=last,
            before=before,
        )
    loaders = context_of(info).loaders
    size = page_size(first)
    keyset = decode_cursor(after) if after else None
    views = await loaders.invoice_page.load((project_id, status, keyset, size + 1))

    async def count_total() -> int:
        return await loaders.invoice_count.load((project_id, status))

    return make_page(views, size=size, after=after, count_total=count_total)


@dataclass(frozen=True)
class ProjectInvoices:
    """The root invoice list's filter that `Project.invoices` stands for."""

    project_id: str
    status: list[str] | None


async def create_invoice(
    info: Info[Any, Any],
    *,
    project_id: str,
    lines: Sequence[LineInput],
    discount: str | None,
    memo: str | None,
    issue: bool,
) -> Outcome[InvoiceView]:
    """Return the created invoice, or the userErrors that refused it."""
    outcome = await run_write(
        info,
        lambda session, caller: service.create_invoice(
            session=session,
            caller=caller,
            project_id=project_id,
            lines=lines,
            discount=discount,
            memo=memo,
            issue=issue,
        ),
    )
    return await reload(info, outcome)


async def void_invoice(info: Info[Any, Any], *, invoice_id: str) -> Outcome[InvoiceView]:
    outcome = await run_write(
        info,
        lambda session, caller: service.void_invoice(
            session=session, caller=caller, invoice_id=invoice_id
        ),
    )
    return await reload(info, outcome)


async def reload(info: Info[Any, Any], outcome: Outcome[Any]) -> Outcome[InvoiceView]:
    """Return the outcome with its written invoice replaced by the fresh read model."""
    return await read_back(outcome, lambda id_: invoice(info, id_))


async def invoices(info: Info[Any, Any], ids: Sequence[str]) -> list[InvoiceView]:
    """Return the read models of these invoices, in order."""
    loaded = await context_of(info).loaders.invoice.load_many(list(ids))
    return [view for view in loaded if view is not None]
