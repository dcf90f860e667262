"""The Mutation root: one field per module under schema/mutations."""

from __future__ import annotations

import strawberry

from resolvers.idempotency import Idempotent
from schema.mutations.add_milestone import add_milestone
from schema.mutations.apply_payment import apply_payment
from schema.mutations.complete_milestone import complete_milestone
from schema.mutations.create_client import create_client
from schema.mutations.create_invoice import create_invoice
from schema.mutations.create_invoice_schedule import create_invoice_schedule
from schema.mutations.create_project import create_project
from schema.mutations.credit_notes import (
    apply_credit_note,
    create_credit_note,
    reverse_credit_application,
    void_credit_note,
)
from schema.mutations.delete_invoice import delete_invoice
from schema.mutations.delete_invoice_schedule import delete_invoice_schedule
from schema.mutations.delete_milestone import delete_milestone
from schema.mutations.distribute_milestone_payment import distribute_milestone_payment
from schema.mutations.issue_void_invoice import issue_invoice, void_invoice
from schema.mutations.pause_resume_invoice_schedule import (
    pause_invoice_schedule,
    resume_invoice_schedule,
)
from schema.mutations.process_due_invoice_schedules import process_due_invoice_schedules
from schema.mutations.record_payments import record_external_payment, record_payment
from schema.mutations.refunds import refund_credit_note, refund_payment
from schema.mutations.release_retainage import release_retainage
from schema.mutations.reverse_allocation import reverse_allocation
from schema.mutations.run_invoice_schedule import run_invoice_schedule
from schema.mutations.update_client import update_client
from schema.mutations.update_invoice import update_invoice
from schema.mutations.update_invoice_schedule import update_invoice_schedule
from schema.mutations.update_milestone import update_milestone
from schema.mutations.update_project import update_project
from schema.mutations.webhook_endpoints import (
    create_webhook_endpoint,
    delete_webhook_endpoint,
    retry_webhook_delivery,
    rotate_webhook_secret,
    update_webhook_endpoint,
)


@strawberry.type(
    description="What can be changed. Every mutation takes an `input` with an optional "
    "idempotencyKey and returns a payload with `userErrors`: a refused input writes nothing."
)
class Mutation:
    create_project = strawberry.mutation(
        resolver=create_project,
        extensions=[Idempotent()],
        description="Create a project for a client, in one currency, with its contract value and "
        "payment terms.",
    )
    add_milestone = strawberry.mutation(
        resolver=add_milestone,
        extensions=[Idempotent()],
        description="Add a milestone (a billing point) to the end of a project's milestones.",
    )
    complete_milestone = strawberry.mutation(
        resolver=complete_milestone,
        extensions=[Idempotent()],
        description="Record completion once; runs the milestone's pending schedule item.",
    )
    create_invoice_schedule = strawberry.mutation(
        resolver=create_invoice_schedule,
        extensions=[Idempotent()],
        description="Create a project's billing plan: items that each issue an invoice for a "
        "milestone, on a date or on its completion.",
    )
    update_invoice_schedule = strawberry.mutation(
        resolver=update_invoice_schedule,
        extensions=[Idempotent()],
        description="Replace a billing plan's pending items, or change its total, notes or "
        "grouping; processed items stay as they are.",
    )
    pause_invoice_schedule = strawberry.mutation(
        resolver=pause_invoice_schedule,
        extensions=[Idempotent()],
        description="Hold a billing plan: no item runs until it is resumed.",
    )
    resume_invoice_schedule = strawberry.mutation(
        resolver=resume_invoice_schedule,
        extensions=[Idempotent()],
        description="Let a paused billing plan's items run again.",
    )
    delete_invoice_schedule = strawberry.mutation(
        resolver=delete_invoice_schedule,
        extensions=[Idempotent()],
        description="Delete a billing plan none of whose items has run.",
    )
    run_invoice_schedule = strawberry.mutation(
        resolver=run_invoice_schedule,
        extensions=[Idempotent()],
        description="Run one pending item of a plan now (the one named, else the next), "
        "whatever its date: it issues its invoice.",
    )
    process_due_invoice_schedules = strawberry.mutation(
        resolver=process_due_invoice_schedules,
        extensions=[Idempotent()],
        description="Run every pending item of your account's plans whose run date has come (what "
        "the daily job does).",
    )
    create_invoice = strawberry.mutation(
        resolver=create_invoice,
        extensions=[Idempotent()],
        description="Create a draft invoice for a project from milestone lines and free lines.",
    )
    issue_invoice = strawberry.mutation(
        resolver=issue_invoice,
        extensions=[Idempotent()],
        description="Issue a draft: it gets its number, issue date and due date, and counts as "
        "owed.",
    )
    void_invoice = strawberry.mutation(
        resolver=void_invoice,
        extensions=[Idempotent()],
        description="Cancel an issued invoice with no payment or credit applied (reverse "
        "them first): it owes nothing from then on.",
    )
    record_external_payment = strawberry.mutation(
        resolver=record_external_payment,
        extensions=[Idempotent()],
        description="Record money received by hand (cash, check, wire, ACH, other) and apply it to "
        "invoices.",
    )
    record_payment = strawberry.mutation(
        resolver=record_payment,
        extensions=[Idempotent()],
        description="Record a processor's payment with its transactionId and apply it to invoices.",
    )
    reverse_allocation = strawberry.mutation(
        resolver=reverse_allocation,
        extensions=[Idempotent()],
        description="Undo one allocation of a payment: the invoice owes that amount again, the "
        "payment has it unapplied.",
    )
    distribute_milestone_payment = strawberry.mutation(
        resolver=distribute_milestone_payment,
        extensions=[Idempotent()],
        description="Say how a paid invoice's money splits over its milestone lines; the rest of "
        "each line is that milestone's discount.",
    )
    create_webhook_endpoint = strawberry.mutation(
        resolver=create_webhook_endpoint,
        extensions=[Idempotent()],
        description="A URL that receives the account's events; the answer shows its secret once.",
    )
    update_webhook_endpoint = strawberry.mutation(
        resolver=update_webhook_endpoint,
        extensions=[Idempotent()],
        description="Change an endpoint's URL, event types or description, or turn it back on.",
    )
    delete_webhook_endpoint = strawberry.mutation(
        resolver=delete_webhook_endpoint,
        extensions=[Idempotent()],
        description="Deletes the endpoint with its deliveries.",
    )
    rotate_webhook_secret = strawberry.mutation(
        resolver=rotate_webhook_secret,
        extensions=[Idempotent()],
        description="A new signing secret, shown once; deliveries from now on use it.",
    )
    retry_webhook_delivery = strawberry.mutation(
        resolver=retry_webhook_delivery,
        extensions=[Idempotent()],
        description="Makes the delivery due now (a FAILED one gets one more attempt).",
    )
    apply_payment = strawberry.mutation(
        resolver=apply_payment,
        extensions=[Idempotent()],
        description="Apply a payment's unapplied money to invoices of its client.",
    )
    create_client = strawberry.mutation(
        resolver=create_client, extensions=[Idempotent()], description="Add a client."
    )
    update_client = strawberry.mutation(
        resolver=update_client,
        extensions=[Idempotent()],
        description="Rename a client or change its email.",
    )
    update_project = strawberry.mutation(
        resolver=update_project,
        extensions=[Idempotent()],
        description="Change a project's name, client, payment terms or contract value.",
    )
    update_milestone = strawberry.mutation(
        resolver=update_milestone,
        extensions=[Idempotent()],
        description="Change a milestone's name, trigger, planned date or (unscheduled) amount.",
    )
    delete_milestone = strawberry.mutation(
        resolver=delete_milestone,
        extensions=[Idempotent()],
        description="Delete a milestone no invoice and no billing plan refers to.",
    )
    update_invoice = strawberry.mutation(
        resolver=update_invoice,
        extensions=[Idempotent()],
        description="Change a draft's lines, discount or memo.",
    )
    delete_invoice = strawberry.mutation(
        resolver=delete_invoice,
        extensions=[Idempotent()],
        description="Delete a draft invoice (it never had a number).",
    )
    create_credit_note = strawberry.mutation(
        resolver=create_credit_note,
        extensions=[Idempotent()],
        description="Credit what an issued invoice billed too much (CN-000001, gapless).",
    )
    apply_credit_note = strawberry.mutation(
        resolver=apply_credit_note,
        extensions=[Idempotent()],
        description="Apply a credit note's unapplied credit to invoices of its client.",
    )
    reverse_credit_application = strawberry.mutation(
        resolver=reverse_credit_application,
        extensions=[Idempotent()],
        description="Reverse credit applied with applyCreditNote: the invoice owes it again and "
        "it is the note's unapplied credit, to apply elsewhere or refund.",
    )
    void_credit_note = strawberry.mutation(
        resolver=void_credit_note,
        extensions=[Idempotent()],
        description="Void a credit note none of whose credit was applied elsewhere or refunded.",
    )
    refund_payment = strawberry.mutation(
        resolver=refund_payment,
        extensions=[Idempotent()],
        description="Pay back unapplied money of a payment.",
    )
    refund_credit_note = strawberry.mutation(
        resolver=refund_credit_note,
        extensions=[Idempotent()],
        description="Pay back unapplied credit of a credit note.",
    )
    release_retainage = strawberry.mutation(
        resolver=release_retainage,
        extensions=[Idempotent()],
        description="Bill retainage held (all, or the named milestones') on an issued "
        "RETAINAGE_RELEASE invoice; once paid, its money goes to those milestones in "
        "proportion to what each held.",
    )
