"""Filters and orders of the account-wide lists (`invoices`, `payments`, `projects`,
`creditNotes`; `clients` has its own in schema/types/clients.py)."""

from datetime import date
from enum import Enum

import strawberry

from schema.types.credit_notes import CreditNoteStatus
from schema.types.invoices import InvoiceStatus
from schema.types.payments import PaymentMethod


@strawberry.enum(description="Which way a list runs.")
class OrderDirection(Enum):
    ASC = strawberry.enum_value("ASC", description="Smallest (or earliest) first; empty last.")
    DESC = strawberry.enum_value("DESC", description="Largest (or latest) first; empty first.")


@strawberry.enum(description="What the invoices are ordered by; ties are broken by id.")
class InvoiceOrderField(Enum):
    CREATED_AT = strawberry.enum_value("CREATED_AT", description="When it was created.")
    DUE_ON = strawberry.enum_value("DUE_ON", description="The due date (drafts have none).")
    ISSUED_ON = strawberry.enum_value("ISSUED_ON", description="The issue date (drafts: none).")
    NUMBER = strawberry.enum_value("NUMBER", description="The number (drafts have none).")
    TOTAL = strawberry.enum_value("TOTAL", description="The total, in minor units.")
    BALANCE_DUE = strawberry.enum_value(
        "BALANCE_DUE", description="What is still to be paid (0 for a void invoice)."
    )


@strawberry.enum(description="What the payments are ordered by; ties are broken by id.")
class PaymentOrderField(Enum):
    CREATED_AT = strawberry.enum_value("CREATED_AT", description="When it was recorded.")
    RECEIVED_ON = strawberry.enum_value("RECEIVED_ON", description="When the money came in.")
    AMOUNT = strawberry.enum_value("AMOUNT", description="The amount, in minor units.")


@strawberry.enum(description="What the projects are ordered by; ties are broken by id.")
class ProjectOrderField(Enum):
    CREATED_AT = strawberry.enum_value("CREATED_AT", description="When it was created.")
    NAME = strawberry.enum_value("NAME", description="The name, as stored (binary order).")


@strawberry.enum(description="What the credit notes are ordered by; ties are broken by id.")
class CreditNoteOrderField(Enum):
    CREATED_AT = strawberry.enum_value("CREATED_AT", description="When it was issued.")
    NUMBER = strawberry.enum_value("NUMBER", description="The number (`CN-000001`).")
    AMOUNT = strawberry.enum_value("AMOUNT", description="The amount credited, in minor units.")


DIRECTION = strawberry.field(default=OrderDirection.ASC, description="ASC unless given.")


@strawberry.input(description="The order of `invoices`; the default is CREATED_AT ASC.")
class InvoiceOrder:
    field: InvoiceOrderField = strawberry.field(description="The value to order by.")
    direction: OrderDirection = DIRECTION


@strawberry.input(description="The order of `payments`; the default is CREATED_AT ASC.")
class PaymentOrder:
    field: PaymentOrderField = strawberry.field(description="The value to order by.")
    direction: OrderDirection = DIRECTION


@strawberry.input(description="The order of `projects`; the default is CREATED_AT ASC.")
class ProjectOrder:
    field: ProjectOrderField = strawberry.field(description="The value to order by.")
    direction: OrderDirection = DIRECTION


@strawberry.input(description="The order of `creditNotes`; the default is CREATED_AT ASC.")
class CreditNoteOrder:
    field: CreditNoteOrderField = strawberry.field(description="The value to order by.")
    direction: OrderDirection = DIRECTION


def _of_client(what: str) -> strawberry.ID | None:
    return strawberry.field(default=None, description=f"{what} of this client (`cli_...`).")


def _search(what: str) -> str | None:
    return strawberry.field(
        default=None, description=f"Text that {what} contains, ignoring case and accents."
    )


@strawberry.input(description="Which invoices to list; every condition given must hold.")
class InvoiceFilter:
    status: list[InvoiceStatus] | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Any of these statuses."
    )
    overdue: bool | None = strawberry.field(
        default=None,
        description="true: open or partially paid and past due today; false: every other.",
    )
    project_id: strawberry.ID | None = strawberry.field(
        default=None, description="Invoices of this project."
    )
    client_id: strawberry.ID | None = _of_client("Invoices of the projects")
    due_after: date | None = strawberry.field(default=None, description="Due on or after.")
    due_before: date | None = strawberry.field(default=None, description="Due on or before.")
    issued_after: date | None = strawberry.field(default=None, description="Issued on or after.")
    issued_before: date | None = strawberry.field(default=None, description="Issued on or before.")
    search: str | None = _search("the invoice number")


@strawberry.input(description="Which payments to list; every condition given must hold.")
class PaymentFilter:
    client_id: strawberry.ID | None = _of_client("Payments")
    project_id: strawberry.ID | None = strawberry.field(
        default=None, description="Payments with an allocation to an invoice of this project."
    )
    method: PaymentMethod | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Paid this way."
    )
    received_after: date | None = strawberry.field(
        default=None, description="Received on or after."
    )
    received_before: date | None = strawberry.field(
        default=None, description="Received on or before."
    )
    has_unapplied: bool | None = strawberry.field(
        default=None,
        description="true: some of the money is not applied to an invoice nor refunded "
        "(unappliedAmount > 0); false: all of it is.",
    )
    search: str | None = _search("the payment's reference")


@strawberry.input(description="Which projects to list; every condition given must hold.")
class ProjectFilter:
    client_id: strawberry.ID | None = _of_client("Projects")
    search: str | None = _search("the project's name or client name")


@strawberry.input(description="Which credit notes to list; every condition given must hold.")
class CreditNoteFilter:
    client_id: strawberry.ID | None = _of_client("Credit notes")
    invoice_id: strawberry.ID | None = strawberry.field(
        default=None, description="Credit notes of this invoice."
    )
    status: list[CreditNoteStatus] | None = strawberry.field(
        default=None, description="Any of these statuses."
    )
    search: str | None = _search("the credit note number")
