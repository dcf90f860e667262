"""The Mutation root: one field per module under schema/mutations."""

from typing import Any

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


def idempotent_mutation(resolver: Any, description: str) -> Any:
    """Return the mutation field of `resolver`, replayed from its idempotencyKey."""
    return strawberry.mutation(
        resolver=resolver, extensions=[Idempotent()], description=description
    )


@strawberry.type(
    description="What can be changed. Every mutation takes an `input` with an optional "
    "idempotencyKey and returns a payload with `userErrors`: a refused input writes nothing."
)
class Mutation:
    create_project = idempotent_mutation(
        create_project,
        "Create a project for a client, in one currency, with its contract value and "
        "payment terms.",
    )
    add_milestone = idempotent_mutation(
        add_milestone,
        "Add a milestone (a billing point) to the end of a project's milestones.",
    )
    complete_milestone = idempotent_mutation(
        complete_milestone,
        "Record completion once; runs the milestone's pending schedule item.",
    )
    create_invoice_schedule = idempotent_mutation(
        create_invoice_schedule,
        "Create a project's billing plan: items that each issue an invoice for a "
        "milestone, on a date or on its completion.",
    )
    update_invoice_schedule = idempotent_mutation(
        update_invoice_schedule,
        "Replace a billing plan's pending items, or change its total, notes or "
        "grouping; processed items stay as they are.",
    )
    pause_invoice_schedule = idempotent_mutation(
        pause_invoice_schedule,
        "Hold a billing plan: no item runs until it is resumed.",
    )
    resume_invoice_schedule = idempotent_mutation(
        resume_invoice_schedule,
        "Let a paused billing plan's items run again.",
    )
    delete_invoice_schedule = idempotent_mutation(
        delete_invoice_schedule,
        "Delete a billing plan none of whose items has run.",
    )
    run_invoice_schedule = idempotent_mutation(
        run_invoice_schedule,
        "Run one pending item of a plan now (the one named, else the next), "
        "whatever its date: it issues its invoice.",
    )
    process_due_invoice_schedules = idempotent_mutation(
        process_due_invoice_schedules,
        "Run every pending item of your account's plans whose run date has come (what "
        "the daily job does).",
    )
    create_invoice = idempotent_mutation(
        create_invoice,
        "Create a draft invoice for a project from milestone lines and free lines.",
    )
    issue_invoice = idempotent_mutation(
        issue_invoice,
        "Issue a draft: it gets its number, issue date and due date, and counts as owed.",
    )
    void_invoice = idempotent_mutation(
        void_invoice,
        "Cancel an issued invoice with no payment or credit applied (reverse "
        "them first): it owes nothing from then on.",
    )
    record_external_payment = idempotent_mutation(
        record_external_payment,
        "Record money received by hand (cash, check, wire, ACH, other) and apply it to invoices.",
    )
    record_payment = idempotent_mutation(
        record_payment,
        "Record a processor's payment with its transactionId and apply it to invoices.",
    )
    reverse_allocation = idempotent_mutation(
        reverse_allocation,
        "Undo one allocation of a payment: the invoice owes that amount again, the "
        "payment has it unapplied.",
    )
    distribute_milestone_payment = idempotent_mutation(
        distribute_milestone_payment,
        "Say how a paid invoice's money splits over its milestone lines; the rest of "
        "each line is that milestone's discount.",
    )
    create_webhook_endpoint = idempotent_mutation(
        create_webhook_endpoint,
        "A URL that receives the account's events; the answer shows its secret once.",
    )
    update_webhook_endpoint = idempotent_mutation(
        update_webhook_endpoint,
        "Change an endpoint's URL, event types or description, or turn it back on.",
    )
    delete_webhook_endpoint = idempotent_mutation(
        delete_webhook_endpoint,
        "Deletes the endpoint with its deliveries.",
    )
    rotate_webhook_secret = idempotent_mutation(
        rotate_webhook_secret,
        "A new signing secret, shown once; deliveries from now on use it.",
    )
    retry_webhook_delivery = idempotent_mutation(
        retry_webhook_delivery,
        "Makes the delivery due now (a FAILED one gets one more attempt).",
    )
    apply_payment = idempotent_mutation(
        apply_payment,
        "Apply a payment's unapplied money to invoices of its client.",
    )
    create_client = idempotent_mutation(create_client, "Add a client.")
    update_client = idempotent_mutation(
        update_client,
        "Rename a client or change its email.",
    )
    update_project = idempotent_mutation(
        update_project,
        "Change a project's name, client, payment terms or contract value.",
    )
    update_milestone = idempotent_mutation(
        update_milestone,
        "Change a milestone's name, trigger, planned date or (unscheduled) amount.",
    )
    delete_milestone = idempotent_mutation(
        delete_milestone,
        "Delete a milestone no invoice and no billing plan refers to.",
    )
    update_invoice = idempotent_mutation(
        update_invoice,
        "Change a draft's lines, discount or memo.",
    )
    delete_invoice = idempotent_mutation(
        delete_invoice,
        "Delete a draft invoice (it never had a number).",
    )
    create_credit_note = idempotent_mutation(
        create_credit_note,
        "Credit what an issued invoice billed too much (CN-000001, gapless).",
    )
    apply_credit_note = idempotent_mutation(
        apply_credit_note,
        "Apply a credit note's unapplied credit to invoices of its client.",
    )
    reverse_credit_application = idempotent_mutation(
        reverse_credit_application,
        "Reverse credit applied with applyCreditNote: the invoice owes it again and "
        "it is the note's unapplied credit, to apply elsewhere or refund.",
    )
    void_credit_note = idempotent_mutation(
        void_credit_note,
        "Void a credit note none of whose credit was applied elsewhere or refunded.",
    )
    refund_payment = idempotent_mutation(
        refund_payment,
        "Pay back unapplied money of a payment.",
    )
    refund_credit_note = idempotent_mutation(
        refund_credit_note,
        "Pay back unapplied credit of a credit note.",
    )
    release_retainage = idempotent_mutation(
        release_retainage,
        "Bill retainage held (all, or the named milestones') on an issued "
        "RETAINAGE_RELEASE invoice; once paid, its money goes to those milestones in "
        "proportion to what each held.",
    )
