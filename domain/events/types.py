"""Event types (DESIGN.md §7.4: `<object>.<what happened>`) and the ones each mutation writes."""

EVENT_TYPES = (
    "project.created",
    "client.created",
    "client.updated",
    "project.updated",
    "milestone.added",
    "milestone.completed",
    "milestone.updated",
    "milestone.deleted",
    "invoice_schedule.created",
    "invoice_schedule.updated",
    "invoice_schedule.paused",
    "invoice_schedule.resumed",
    "invoice_schedule.deleted",
    "invoice.created",
    "invoice.updated",
    "invoice.deleted",
    "invoice.issued",
    "invoice.paid",
    "invoice.voided",
    "invoice.overdue",
    "invoice.distributed",
    "payment.recorded",
    "payment.applied",
    "payment.refunded",
    "allocation.reversed",
    "credit_note.issued",
    "credit_note.applied",
    "credit_note.refunded",
    "credit_note.voided",
    "credit_application.reversed",
    "retainage.released",
)

INVOICE_ISSUED = ("invoice.created", "invoice.issued")

# The events each mutation of the schema may write, in the order it writes them (a type it
# writes only in some cases too). tests/api/test_events.py walks the schema's Mutation type:
# a mutation missing here fails it, so one added later must say (and write) its events.
MUTATION_EVENTS: dict[str, tuple[str, ...]] = {
    "createClient": ("client.created",),
    "updateClient": ("client.updated",),
    "createProject": ("client.created", "project.created"),
    "updateProject": ("project.updated",),
    "addMilestone": ("milestone.added",),
    "updateMilestone": ("milestone.updated",),
    "deleteMilestone": ("milestone.deleted",),
    "completeMilestone": ("milestone.completed", *INVOICE_ISSUED),
    "createInvoiceSchedule": ("invoice_schedule.created",),
    "updateInvoiceSchedule": ("invoice_schedule.updated",),
    "pauseInvoiceSchedule": ("invoice_schedule.paused",),
    "resumeInvoiceSchedule": ("invoice_schedule.resumed",),
    "deleteInvoiceSchedule": ("invoice_schedule.deleted",),
    "runInvoiceSchedule": INVOICE_ISSUED,
    "processDueInvoiceSchedules": INVOICE_ISSUED,
    "createInvoice": INVOICE_ISSUED,
    "updateInvoice": ("invoice.updated",),
    "deleteInvoice": ("invoice.deleted",),
    "issueInvoice": ("invoice.issued",),
    "voidInvoice": ("invoice.voided",),
    "recordExternalPayment": ("payment.recorded", "invoice.paid"),
    "recordPayment": ("payment.recorded", "invoice.paid"),
    "applyPayment": ("payment.applied", "invoice.paid"),
    "reverseAllocation": ("allocation.reversed",),
    "distributeMilestonePayment": ("invoice.distributed",),
    "refundPayment": ("payment.refunded",),
    "createCreditNote": ("credit_note.issued", "invoice.paid"),
    "applyCreditNote": ("credit_note.applied", "invoice.paid"),
    "reverseCreditApplication": ("credit_application.reversed",),
    "refundCreditNote": ("credit_note.refunded",),
    "voidCreditNote": ("credit_note.voided",),
    "releaseRetainage": (*INVOICE_ISSUED, "retainage.released"),
}

# Settings, not billing changes: these mutations write no events (README).
WRITES_NO_EVENTS = frozenset(
    {
        "createWebhookEndpoint",
        "updateWebhookEndpoint",
        "deleteWebhookEndpoint",
        "rotateWebhookSecret",
        "retryWebhookDelivery",
    }
)
