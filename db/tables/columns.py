"""Short names for the column collections of the tables, for Core expressions.

`I.status` reads better than `Invoice.__table__.c.status` in a query, and one definition here
serves every module that builds one.
"""

from typing import Any

from db.tables.accounts import AccountCounter, IdempotencyRecord
from db.tables.clients import Client
from db.tables.credit_notes import CreditApplication, CreditNote, CreditNoteLine, Refund
from db.tables.events import Event, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from db.tables.invoices import Invoice, InvoiceLine, MilestoneDistribution
from db.tables.payments import Allocation, Payment
from db.tables.projects import Milestone, Project
from db.tables.schedules import InvoiceSchedule, InvoiceScheduleItem


def _columns(table: Any) -> Any:
    return table.__table__.c


CL = _columns(Client)
P = _columns(Project)
M = _columns(Milestone)
I = _columns(Invoice)  # noqa: E741
L = _columns(InvoiceLine)
D = _columns(MilestoneDistribution)
S = _columns(InvoiceSchedule)
SI = _columns(InvoiceScheduleItem)
PAY = _columns(Payment)
A = _columns(Allocation)
R = _columns(IdempotencyRecord)
COUNTERS = _columns(AccountCounter)
EVT = _columns(Event)
WHE = _columns(WebhookEndpoint)
WHD = _columns(WebhookDelivery)
WHA = _columns(WebhookAttempt)
CN = _columns(CreditNote)
CNL = _columns(CreditNoteLine)
CA = _columns(CreditApplication)
RF = _columns(Refund)
