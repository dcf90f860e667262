"""Read models handed to the GraphQL types: plain attributes, money already paired with its
currency's exponent (`Money`) so the Decimal scalar can format it."""

from resolvers.views.clients import ClientBalanceView, ClientView
from resolvers.views.invoices import InvoiceLineView, InvoiceProgressView, InvoiceView
from resolvers.views.payments import AllocationView, DistributionView, PaymentView
from resolvers.views.projects import BalanceView, MilestoneView, ProjectView
from resolvers.views.schedules import ScheduleItemView, ScheduleView

__all__ = [
    "AllocationView",
    "ClientBalanceView",
    "ClientView",
    "DistributionView",
    "PaymentView",
    "BalanceView",
    "InvoiceLineView",
    "InvoiceProgressView",
    "InvoiceView",
    "MilestoneView",
    "ProjectView",
    "ScheduleItemView",
    "ScheduleView",
]
