"""Read models of projects, milestones and balances."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from domain.money import CURRENCY_EXPONENTS, Money
from domain.projects.rules import MilestoneStatus, milestone_status


@dataclass(slots=True)
class ProjectView:
    id: str
    name: str
    client_name: str
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
    amount: Money
    planned_on: date | None
    completed_at: datetime | None
    amount_invoiced: Money
    amount_paid: Money
    discount: Money
    paid: bool
    status: MilestoneStatus

    @classmethod
    def from_row(cls, row: Any) -> MilestoneView:
        exponent = CURRENCY_EXPONENTS[row.currency]
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
            completed=row.completed_at is not None,
        )
        return cls(
            id=row.id,
            project_id=row.project_id,
            name=row.name,
            trigger=row.trigger,
            position=row.position,
            amount=Money(amount, exponent),
            planned_on=row.planned_on,
            completed_at=row.completed_at,
            amount_invoiced=Money(invoiced, exponent),
            amount_paid=Money(paid, exponent),
            discount=Money(discount, exponent),
            paid=status is MilestoneStatus.PAID,
            status=status,
        )


@dataclass(slots=True)
class BalanceView:
    project_id: str
    currency: str
    contract_value: Money | None
    scheduled_amount: Money
    invoiced_amount: Money
    paid_amount: Money
    discount_amount: Money
    outstanding_amount: Money
    overdue_amount: Money
    unbilled_amount: Money

    @classmethod
    def from_row(cls, row: Any) -> BalanceView:
        exponent = CURRENCY_EXPONENTS[row.currency]

        def money(minor: Any) -> Money:
            return Money(int(minor), exponent)

        return cls(
            project_id=row.id,
            currency=row.currency,
            contract_value=None if row.contract_value is None else money(row.contract_value),
            scheduled_amount=money(row.scheduled),
            invoiced_amount=money(row.invoiced),
            paid_amount=money(row.paid),
            discount_amount=money(row.discount),
            outstanding_amount=money(int(row.invoiced) - int(row.paid)),
            overdue_amount=money(row.overdue),
            unbilled_amount=money(int(row.scheduled) - int(row.billed_milestones)),
        )
