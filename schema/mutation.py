"""The Mutation root: one field per module under schema/mutations."""

from __future__ import annotations

import strawberry

from resolvers.idempotency import Idempotent
from schema.mutations.add_milestone import add_milestone
from schema.mutations.complete_milestone import complete_milestone
from schema.mutations.create_invoice import create_invoice
from schema.mutations.create_invoice_schedule import create_invoice_schedule
from schema.mutations.create_project import create_project
from schema.mutations.delete_invoice_schedule import delete_invoice_schedule
from schema.mutations.distribute_milestone_payment import distribute_milestone_payment
from schema.mutations.issue_void_invoice import issue_invoice, void_invoice
from schema.mutations.pause_resume_invoice_schedule import (
    pause_invoice_schedule,
    resume_invoice_schedule,
)
from schema.mutations.process_due_invoice_schedules import process_due_invoice_schedules
from schema.mutations.record_payments import record_external_payment, record_payment
from schema.mutations.reverse_allocation import reverse_allocation
from schema.mutations.run_invoice_schedule import run_invoice_schedule
from schema.mutations.update_invoice_schedule import update_invoice_schedule
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
