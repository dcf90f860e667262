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


@strawberry.type
class Mutation:
    create_project = strawberry.mutation(resolver=create_project, extensions=[Idempotent()])
    add_milestone = strawberry.mutation(resolver=add_milestone, extensions=[Idempotent()])
    complete_milestone = strawberry.mutation(
        resolver=complete_milestone,
        extensions=[Idempotent()],
        description="Record completion once; runs the milestone's pending schedule item.",
    )
    create_invoice_schedule = strawberry.mutation(
        resolver=create_invoice_schedule, extensions=[Idempotent()]
    )
    update_invoice_schedule = strawberry.mutation(
        resolver=update_invoice_schedule, extensions=[Idempotent()]
    )
    pause_invoice_schedule = strawberry.mutation(
        resolver=pause_invoice_schedule, extensions=[Idempotent()]
    )
    resume_invoice_schedule = strawberry.mutation(
        resolver=resume_invoice_schedule, extensions=[Idempotent()]
    )
    delete_invoice_schedule = strawberry.mutation(
        resolver=delete_invoice_schedule, extensions=[Idempotent()]
    )
    run_invoice_schedule = strawberry.mutation(
        resolver=run_invoice_schedule, extensions=[Idempotent()]
    )
    process_due_invoice_schedules = strawberry.mutation(
        resolver=process_due_invoice_schedules, extensions=[Idempotent()]
    )
    create_invoice = strawberry.mutation(resolver=create_invoice, extensions=[Idempotent()])
    issue_invoice = strawberry.mutation(resolver=issue_invoice, extensions=[Idempotent()])
    void_invoice = strawberry.mutation(resolver=void_invoice, extensions=[Idempotent()])
    record_external_payment = strawberry.mutation(
        resolver=record_external_payment, extensions=[Idempotent()]
    )
    record_payment = strawberry.mutation(resolver=record_payment, extensions=[Idempotent()])
    reverse_allocation = strawberry.mutation(resolver=reverse_allocation, extensions=[Idempotent()])
    distribute_milestone_payment = strawberry.mutation(
        resolver=distribute_milestone_payment, extensions=[Idempotent()]
    )
    create_webhook_endpoint = strawberry.mutation(
        resolver=create_webhook_endpoint,
        extensions=[Idempotent()],
        description="A URL that receives the account's events; the answer shows its secret once.",
    )
    update_webhook_endpoint = strawberry.mutation(
        resolver=update_webhook_endpoint, extensions=[Idempotent()]
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
