"""Read models of projects, milestones and balances."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from domain.money import CURRENCY_EXPONENTS, Money
from domain.projects.rules import MilestoneStatus, milestone_status
from resolvers.views.lazy import FromRow, MoneyOf, OptionalMoneyOf


@dataclass(slots=True)
class ProjectView:
    id: str
    name: str
    client_name: str
    client_id: str
    currency: str
    contract_value: Money | None
    payment_terms_days: int
    created_at: datetime

    @classmethod
    def from_row(cls, row: Any) -> ProjectView:
        exponent = CURRENCY_EXPONENTS[row.currency]
        return cls(
            id=row.id,
            name=row.name,
            client_name=row.client_name,
            client_id=row.client_id,
            currency=row.currency,
            contract_value=None
            if row.contract_value is None
            else Money(row.contract_value, exponent),
            payment_terms_days=row.payment_terms_days,
            created_at=row.created_at,
        )


@dataclass(slots=True)
class MilestoneView:
    id: str
    project_id: str
    name: str
    trigger: str | None
    position: int
    exponent: int
    amount_minor: int
    invoiced_minor: int
    paid_minor: int
    discount_minor: int
    paid: bool
    status: MilestoneStatus
    row: Any

    amount = MoneyOf("amount_minor")
    amount_invoiced = MoneyOf("invoiced_minor")
    amount_paid = MoneyOf("paid_minor")
    discount = MoneyOf("discount_minor")

    # Dates are read from the row when asked for: balance screens rarely show them.
    planned_on = FromRow()
    completed_at = FromRow()

    @classmethod
    def from_row(cls, row: Any, currency: str | None = None) -> MilestoneView:
        """Return the view of a milestone row; `currency` is the project's, when not in the row."""
        amount, invoiced, paid, discount = (
            int(row.amount),
            int(row.amount_invoiced),
            int(row.amount_paid),
            int(row.discount),
        )
        status = milestone_status(
            amount=amount,
            invoiced=invoiced,
            paid=paid,
            discount=discount,
            completed=bool(row.completed),
        )
        return cls(
            row.id,
            row.project_id,
            row.name,
            row.trigger,
            row.position,
            CURRENCY_EXPONENTS[currency or row.currency],
            amount,
            invoiced,
            paid,
            discount,
            status is MilestoneStatus.PAID,
            status,
            row,
        )


@dataclass(slots=True)
class BalanceView:
    """A project's money figures; those of balance parts the query did not ask for are None."""

    project_id: str
    currency: str
    exponent: int
    contract_minor: int | None
    scheduled_minor: int | None
    invoiced_minor: int | None
    paid_minor: int | None
    discount_minor: int | None
    overdue_minor: int | None
    billed_milestones_minor: int | None
    credited_minor: int | None = None
    credited_milestones_minor: int | None = None

    contract_value = OptionalMoneyOf("contract_minor")
    scheduled_amount = MoneyOf("scheduled_minor")
    invoiced_amount = MoneyOf("invoiced_minor")
    paid_amount = MoneyOf("paid_minor")
    discount_amount = MoneyOf("discount_minor")
    overdue_amount = MoneyOf("overdue_minor")
    credited_amount = MoneyOf("credited_minor")

    @property
    def outstanding_amount(self) -> Money:
        owed = _loaded(self.invoiced_minor) - _loaded(self.paid_minor)
        return Money(owed - _loaded(self.credited_minor), self.exponent)

    @property
    def unbilled_amount(self) -> Money:
        scheduled, billed = _loaded(self.scheduled_minor), _loaded(self.billed_milestones_minor)
        # Milestone credit lines un-bill what they credit: it can be invoiced again.
        return Money(scheduled - billed + _loaded(self.credited_milestones_minor), self.exponent)

    @property
    def over_contract_amount(self) -> Money | None:
        if self.contract_minor is None:
            return None
        return Money(max(_loaded(self.scheduled_minor) - self.contract_minor, 0), self.exponent)

    @classmethod
    def from_row(cls, row: Any) -> BalanceView:
        return cls(
            row.id,
            row.currency,
            CURRENCY_EXPONENTS[row.currency],
            _figure(row.contract_value),
            _figure(row.scheduled),
            _figure(row.invoiced),
            _figure(row.paid),
            _figure(row.discount),
            _figure(row.overdue),
            _figure(row.billed_milestones),
            _figure(row.credited),
            _figure(row.credited_milestones),
        )


def _figure(value: Any) -> int | None:
    return None if value is None else int(value)


def _loaded(minor: int | None) -> int:
    if minor is None:
        raise LookupError("a balance figure the query did not ask for was read")
    return minor
