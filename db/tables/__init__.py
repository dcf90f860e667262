"""Every table of milestone-billing; importing this registers them on SQLModel.metadata."""

from sqlmodel import SQLModel

from db.tables.accounts import Account, AccountCounter, ApiKey, IdempotencyRecord
from db.tables.clients import Client
from db.tables.credit_notes import CreditApplication, CreditNote, CreditNoteLine, Refund
from db.tables.events import Event, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from db.tables.invoices import Invoice, InvoiceLine, MilestoneDistribution
from db.tables.payments import Allocation, Payment
from db.tables.persisted_queries import PersistedQuery
from db.tables.projects import Milestone, Project
from db.tables.schedules import InvoiceSchedule, InvoiceScheduleItem

metadata = SQLModel.metadata

__all__ = [
    "Account",
    "AccountCounter",
    "Allocation",
    "ApiKey",
    "Event",
    "Client",
    "CreditApplication",
    "CreditNote",
    "CreditNoteLine",
    "IdempotencyRecord",
    "Invoice",
    "InvoiceLine",
    "InvoiceSchedule",
    "InvoiceScheduleItem",
    "Milestone",
    "MilestoneDistribution",
    "Payment",
    "PersistedQuery",
    "Project",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEndpoint",
    "Refund",
    "metadata",
]
