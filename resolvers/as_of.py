"""Balances as of a past day and the aging report (DESIGN.md §7.5): batched per day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from graphql import GraphQLError
from strawberry.types import Info

from db.engine import read_connection
from db.queries import aging
from domain.money import CURRENCY_EXPONENTS, Money
from resolvers.context import context_of
from resolvers.views import BalanceView


def checked_day(as_of_day: date, today: date) -> date:
    """Return the day asked for; a day after today has no figures yet."""
    if as_of_day > today:
        raise GraphQLError(
            f"`asOf` cannot be after today ({today.isoformat()}): figures exist up to today.",
            extensions={"code": "INVALID", "field": ["asOf"]},
        )
    return as_of_day


async def project_balance(info: Info[Any, Any], project_id: str, day: date) -> BalanceView | None:
    """Return the project's balance as it stood at the end of `day`."""
    loaders = context_of(info).loaders
    return await loaders.project_balance_as_of.load((project_id, checked_day(day, loaders.today)))


async def client_balance(info: Info[Any, Any], client_id: str, day: date) -> list[Any]:
    """Return the client's balances (one per currency) as they stood at the end of `day`."""
    loaders = context_of(info).loaders
    return await loaders.client_balance_as_of.load((client_id, checked_day(day, loaders.today)))


@dataclass(slots=True)
class AgingRowView:
    """What one client (None: every client) owed in one currency, by days past due."""

    client_id: str | None
    currency: str
    current: Money
    days1_to30: Money
    days31_to60: Money
    days61_to90: Money
    over90: Money
    total: Money

    @classmethod
    def of(cls, client_id: str | None, currency: str, figures: dict[str, int]) -> AgingRowView:
        exponent = CURRENCY_EXPONENTS[currency]
        return cls(client_id, currency, *(Money(figures[name], exponent) for name in FIGURES))


@dataclass(slots=True)
class AgingReportView:
    as_of: date
    rows: list[AgingRowView]
    total: list[AgingRowView]


FIGURES = (*aging.AGING_BUCKETS, "total")


async def aging_report(
    info: Info[Any, Any], *, day: date | None, client_id: str | None, project_id: str | None
) -> AgingReportView:
    """Return the outstanding amounts at the end of `day` (today by default) by days past due,
    one row per client and currency and one total row per currency."""
    context = context_of(info)
    asked = checked_day(day or context.loaders.today, context.loaders.today)
    async with read_connection(context.engine) as connection:
        found = await aging.aging_rows(
            connection,
            account_id=context.caller.account_id,
            day=asked,
            client_id=client_id,
            project_id=project_id,
        )
    found_rows = [
        (row.client_id, row.currency, {name: int(getattr(row, name)) for name in FIGURES})
        for row in found
    ]
    totals: dict[str, dict[str, int]] = {}
    for _, currency, figures in found_rows:
        sums = totals.setdefault(currency, dict.fromkeys(FIGURES, 0))
        for name in FIGURES:
            sums[name] += figures[name]
    rows = [AgingRowView.of(*row) for row in found_rows]
    total = [AgingRowView.of(None, currency, sums) for currency, sums in sorted(totals.items())]
    return AgingReportView(asked, rows, total)
