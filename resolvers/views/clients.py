"""Read models of clients and their balance per currency."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from domain.money import CURRENCY_EXPONENTS, Money


@dataclass(slots=True)
class ClientView:
    id: str
    name: str
    email: str | None
    created_at: datetime

    @classmethod
    def from_row(cls, row: Any) -> ClientView:
        return cls(row.id, row.name, row.email, row.created_at)


@dataclass(slots=True)
class ClientBalanceView:
    """A client's figures in one currency, every figure exact in minor units."""

    currency: str
    invoiced: int = 0
    paid: int = 0
    discount: int = 0
    overdue: int = 0
    credited: int = 0
    received: int = 0
    unapplied: int = 0
    refunded: int = 0
    unapplied_notes: int = 0
    refunded_notes: int = 0

    def _money(self, minor: int) -> Money:
        return Money(minor, CURRENCY_EXPONENTS[self.currency])

    @property
    def invoiced_amount(self) -> Money:
        return self._money(self.invoiced)

    @property
    def paid_amount(self) -> Money:
        return self._money(self.paid)

    @property
    def discount_amount(self) -> Money:
        return self._money(self.discount)

    @property
    def credited_amount(self) -> Money:
        return self._money(self.credited)

    @property
    def outstanding_amount(self) -> Money:
        return self._money(self.invoiced - self.paid - self.credited)

    @property
    def overdue_amount(self) -> Money:
        return self._money(self.overdue)

    @property
    def received_amount(self) -> Money:
        return self._money(self.received)

    @property
    def applied_amount(self) -> Money:
        return self._money(self.received - self.unapplied - self.refunded)

    @property
    def unapplied_payment_amount(self) -> Money:
        return self._money(self.unapplied)

    @property
    def refunded_payment_amount(self) -> Money:
        return self._money(self.refunded)

    @property
    def unapplied_credit_note_amount(self) -> Money:
        return self._money(self.unapplied_notes)

    @property
    def refunded_credit_note_amount(self) -> Money:
        return self._money(self.refunded_notes)

    @property
    def unapplied_credit_amount(self) -> Money:
        return self._money(self.unapplied + self.unapplied_notes)

    @property
    def refunded_amount(self) -> Money:
        return self._money(self.refunded + self.refunded_notes)


def client_balances(
    invoice_rows: list[Any], payment_rows: list[Any], note_rows: list[Any]
) -> dict[str, list[Any]]:
    """Return each client's balances, one per currency, ordered by currency."""
    found: dict[tuple[str, str], ClientBalanceView] = {}

    def entry(row: Any) -> ClientBalanceView:
        key = (row.client_id, row.currency)
        if key not in found:
            found[key] = ClientBalanceView(row.currency)
        return found[key]

    for row in invoice_rows:
        view = entry(row)
        view.invoiced, view.paid = int(row.invoiced), int(row.paid)
        view.credited = int(row.credited)
        view.discount, view.overdue = int(row.discount), int(row.overdue)
    for row in payment_rows:
        view = entry(row)
        view.received, view.unapplied = int(row.received), int(row.unapplied)
        view.refunded = int(row.refunded)
    for row in note_rows:
        view = entry(row)
        view.unapplied_notes, view.refunded_notes = int(row.unapplied), int(row.refunded)
    grouped: dict[str, list[Any]] = {}
    for (client_id, _), view in sorted(found.items()):
        grouped.setdefault(client_id, []).append(view)
    return grouped
