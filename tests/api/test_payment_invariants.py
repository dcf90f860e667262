"""Money invariants under random sequences of mutations (hypothesis stateful testing).

A RuleBasedStateMachine drives the real app over HTTP: it creates invoices, records payments
(sometimes over the balance, sometimes on paid or void invoices), reverses allocations,
distributes paid invoices and voids invoices. It predicts each outcome from a small model,
and after every step it checks, from what the API reports:

- an invoice's amountPaid is the sum of its active allocations, and equals the model's;
- 0 <= balanceDue = total - amountPaid <= total (0 once void), and the status follows the
  amounts;
- a milestone's amountPaid and discount are the sums of its distributions over all invoices,
  and paid = amountPaid + discount >= amount;
- only a PAID invoice has a distribution, and it adds up to total - free lines;
- the project balance agrees with the invoices;
- every payment: applied = its active allocations, amount = applied + unapplied + refunded,
  and for the client: payments received = applied + unapplied + refunded;
- credit notes (created, applied, voided, refunded) and refunds of payments: per invoice
  amountPaid + creditedAmount <= total and balanceDue = total - amountPaid - creditedAmount;
  per credit note amount = applied + unapplied + refunded (all 0 once void); a distribution
  adds up to total - free lines - the invoice's credit notes; nothing is negative;
- retainage (tests/api/retainage_machine.py): per project withheld = held + released, and no
  milestone's held is negative.

Hypothesis drives its examples synchronously, so the machine runs in a worker thread with its
own event loop, engine and app: on a fresh SQLite file, and on the Citus cluster's distributed
database, where any statement reaching more than one shard fails the run.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Coroutine
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy.ext.asyncio import AsyncEngine

from db.engine import create_engine
from db.migrate import upgrade_to_head
from domain.clock import FixedClock
from tests.api.billing_helpers import (
    USER_ERRORS,
    add_milestone,
    create_invoice,
    create_project,
    free_line,
)
from tests.api.credit_helpers import APPLY_NOTE, CREATE_NOTE, REFUND_NOTE, REFUND_PAYMENT, VOID_NOTE
from tests.api.retainage_machine import RetainageModel, RetainageRules, largest_remainder
from tests.api.test_distribution import DISTRIBUTE
from tests.api.test_payments import (
    RECORD_EXTERNAL_PAYMENT,
    REVERSE_ALLOCATION,
    VOID_INVOICE,
    alloc,
)
from tests.api.test_unapplied_payments import APPLY_PAYMENT
from tests.conftest import CITUS, START, Api, make_app, new_account

T = TypeVar("T")

STATE = """
query($id: ID!) {
  project(id: $id) {
    milestones { id amount amountPaid discount paid status }
    balance { invoicedAmount paidAmount creditedAmount outstandingAmount discountAmount }
    invoices(first: 100) {
      totalCount
      nodes {
        id status total discount amountPaid creditedAmount balanceDue distributionRequired
        creditNotes { id amount appliedAmount unappliedAmount refundedAmount status }
        lines { amount milestone { id } }
        allocations { id amount reversedAt }
        milestoneDistributions { lineAmount amount discount milestone { id } }
      }
    }
  }
}"""


NOTE_APPLICATIONS = """
query($id: ID!) { creditNote(id: $id) { applications {
  id amount atCreation reversedAt invoice { id } } } }"""
REVERSE_CREDIT = f"""
mutation($input: ReverseCreditApplicationInput!) {{
  reverseCreditApplication(input: $input) {{ creditNote {{ id }} {USER_ERRORS} }}
}}"""
CLIENT_STATE = """
query($id: ID!) {
  client(id: $id) {
    balance {
      receivedAmount appliedAmount unappliedCreditAmount refundedAmount paidAmount
      unappliedPaymentAmount refundedPaymentAmount unappliedCreditNoteAmount
      refundedCreditNoteAmount creditedAmount
    }
    payments(first: 100) {
      totalCount
      nodes {
        id amount appliedAmount unappliedAmount refundedAmount
        allocations { amount reversedAt }
      }
    }
  }
}"""


def cents(text: str) -> int:
    return int(Decimal(text) * 100)


def usd(minor: int) -> str:
    return f"{minor // 100}.{minor % 100:02d}"


@dataclass
class ModelInvoice:
    total: int
    free: int
    milestone_lines: list[tuple[str, int]]
    paid: int = 0
    void: bool = False
    credited: int = 0  # credit applied to it
    discount: int = 0

    @property
    def status(self) -> str:
        if self.void:
            return "VOID"
        if self.paid + self.credited == self.total:
            return "PAID"
        return "PARTIALLY_PAID" if self.paid + self.credited else "OPEN"

    @property
    def balance(self) -> int:
        return self.total - self.paid - self.credited


@dataclass
class ModelAllocation:
    invoice_id: str
    amount: int
    payment_id: str
    reversed: bool = False


@dataclass
class ModelPayment:
    amount: int
    unapplied: int
    invoices: set[str]
    refunded: int = 0


@dataclass
class ModelNote:
    invoice_id: str
    amount: int
    unapplied: int
    at_creation: int  # the credit given to its own invoice
    milestone: tuple[str, int] | None = None
    applied_elsewhere: list[tuple[str, int]] | None = None
    refunded: int = 0
    void: bool = False

    @property
    def applied(self) -> int:
        return self.at_creation + sum(a for _, a in self.applied_elsewhere or [])


class Harness:
    """An app on a migrated database, driven from one private event loop."""

    def __init__(self, url: str) -> None:
        upgrade_to_head(url)
        self.loop = asyncio.new_event_loop()
        self.clock = FixedClock(START)
        self.engine: AsyncEngine = create_engine(url)
        transport = httpx.ASGITransport(app=make_app(self.engine, self.clock))
        self.client = httpx.AsyncClient(transport=transport, base_url="http://test")

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return self.loop.run_until_complete(coroutine)

    def new_api(self) -> Api:
        account_id, write_key, read_key = self.run(new_account(self.engine, self.clock))
        return Api(self.client, account_id, write_key, read_key, self.engine, self.clock)

    def close(self) -> None:
        self.run(self.client.aclose())
        self.run(self.engine.dispose())
        self.loop.close()


class PaymentMachine(RetainageRules, RuleBasedStateMachine):
    harness: Harness  # set before the machine runs

    def __init__(self) -> None:
        super().__init__()
        self.api = self.harness.new_api()
        self.project_id = self.harness.run(create_project(self.api))
        self.invoices: dict[str, ModelInvoice] = {}
        self.allocations: dict[str, ModelAllocation] = {}
        self.payments: dict[str, ModelPayment] = {}
        self.notes: dict[str, ModelNote] = {}
        self.milestone_count = 0
        self.retainage = RetainageModel()
        self.client_id = self.harness.run(
            self.api.gql(
                "query($id: ID!) { project(id: $id) { client { id } } }", {"id": self.project_id}
            )
        )["project"]["client"]["id"]

    # --- helpers ---------------------------------------------------------------------------

    def mutate(self, document: str, variables: dict[str, Any], name: str) -> dict[str, Any]:
        data = self.harness.run(self.api.gql(document, variables))
        return dict(data[name])

    @staticmethod
    def code(payload: dict[str, Any]) -> str:
        if not payload["userErrors"]:
            return "ok"
        return str(payload["userErrors"][0]["code"])  # the first rule the input breaks

    # --- rules -----------------------------------------------------------------------------

    @precondition(lambda self: len(self.invoices) < 6)
    @rule(
        milestone_lines=st.lists(st.integers(1, 200_000), max_size=3),
        free=st.one_of(st.none(), st.integers(1, 100_000)),
        discount_share=st.one_of(st.none(), st.floats(0, 0.99)),
    )
    def create_invoice(
        self, milestone_lines: list[int], free: int | None, discount_share: float | None
    ) -> None:
        if not milestone_lines and free is None:
            free = 10_000
        milestones = []
        for amount in milestone_lines:
            self.milestone_count += 1
            milestone = self.harness.run(
                add_milestone(
                    self.api,
                    self.project_id,
                    name=f"M{self.milestone_count}",
                    amount=usd(amount),
                )
            )
            milestones.append((milestone["id"], amount))
        subtotal = sum(milestone_lines) + (free or 0)
        # A discount larger than the milestone lines cannot be distributed: see
        # test_distribution.py::test_a_paid_invoice_that_requires_distribution_can_be_distributed
        ceiling = min(subtotal - 1, sum(milestone_lines)) if free else subtotal - 1
        discount = int(ceiling * discount_share) if discount_share and ceiling > 0 else 0
        lines = [free_line(usd(free))] if free else []
        lines += [{"milestoneId": id_} for id_, _ in milestones]
        invoice = self.harness.run(
            create_invoice(
                self.api, self.project_id, lines=lines, discount=usd(discount) if discount else None
            )
        )
        assert cents(invoice["total"]) == subtotal - discount
        self.invoices[invoice["id"]] = ModelInvoice(
            total=subtotal - discount,
            free=free or 0,
            milestone_lines=milestones,
            discount=discount,
        )

    @precondition(lambda self: self.invoices)
    @rule(data=st.data())
    def record_payment(self, data: st.DataObject) -> None:
        ids = list(self.invoices)  # creation order: ids are random, their order is not stable
        chosen = data.draw(
            st.lists(st.sampled_from(ids), min_size=1, max_size=2, unique=True), label="invoices"
        )
        allocations, expected = [], "ok"
        for invoice_id in chosen:
            invoice = self.invoices[invoice_id]
            kind = data.draw(st.sampled_from(["part", "exact", "over"]), label="kind")
            if kind == "exact" and invoice.balance > 0:
                amount = invoice.balance
            elif kind == "over":
                amount = invoice.balance + data.draw(st.integers(1, 50_000), label="over")
            else:
                amount = data.draw(st.integers(1, max(invoice.balance, 1)), label="part")
            allocations.append((invoice_id, amount))
            if expected == "ok":
                if invoice.status not in ("OPEN", "PARTIALLY_PAID"):
                    expected = "INVALID_STATE"
                elif amount > invoice.balance:
                    expected = "EXCEEDS_BALANCE_DUE"
        payload = self.mutate(
            RECORD_EXTERNAL_PAYMENT,
            {
                "input": {
                    "method": "CHECK",
                    "allocations": [
                        {"invoiceId": id_, "amount": usd(amount)} for id_, amount in allocations
                    ],
                }
            },
            "recordExternalPayment",
        )
        assert self.code(payload) == expected, (allocations, payload["userErrors"])
        if expected != "ok":
            return
        payment_id = payload["payment"]["id"]
        assert cents(payload["payment"]["amount"]) == sum(a for _, a in allocations)
        self.payments[payment_id] = ModelPayment(
            sum(a for _, a in allocations), 0, {i for i, _ in allocations}
        )
        written = {a["invoice"]["id"]: a for a in payload["payment"]["allocations"]}
        assert len(written) == len(allocations)
        for invoice_id, amount in allocations:  # input order, for reproducible draws
            assert cents(written[invoice_id]["amount"]) == amount
            self.allocations[written[invoice_id]["id"]] = ModelAllocation(
                invoice_id, amount, payment_id
            )
            self.invoices[invoice_id].paid += amount

    @precondition(lambda self: any(i.balance and not i.void for i in self.invoices.values()))
    @rule(data=st.data())
    def pay_in_full(self, data: st.DataObject) -> None:
        """Pay what is left on one invoice, so that paid invoices come up often."""
        payable = [
            id_ for id_, invoice in self.invoices.items() if invoice.balance and not invoice.void
        ]
        invoice_id = data.draw(st.sampled_from(payable), label="invoice")
        invoice = self.invoices[invoice_id]
        payload = self.mutate(
            RECORD_EXTERNAL_PAYMENT,
            {
                "input": {
                    "method": "WIRE",
                    "allocations": [{"invoiceId": invoice_id, "amount": usd(invoice.balance)}],
                }
            },
            "recordExternalPayment",
        )
        assert self.code(payload) == "ok", payload["userErrors"]
        [allocation] = payload["payment"]["allocations"]
        assert allocation["invoice"]["status"] == "PAID"
        payment_id = payload["payment"]["id"]
        self.payments[payment_id] = ModelPayment(invoice.balance, 0, {invoice_id})
        self.allocations[allocation["id"]] = ModelAllocation(
            invoice_id, invoice.balance, payment_id
        )
        invoice.paid += invoice.balance  # the balance is what credit notes left to pay

    @precondition(lambda self: self.allocations)
    @rule(data=st.data())
    def reverse_allocation(self, data: st.DataObject) -> None:
        allocation_id = data.draw(st.sampled_from(list(self.allocations)), label="allocation")
        allocation = self.allocations[allocation_id]
        payload = self.mutate(
            REVERSE_ALLOCATION, {"id": allocation_id, "reason": "Bounced"}, "reverseAllocation"
        )
        if allocation.reversed:
            assert self.code(payload) == "INVALID_STATE"
            return
        assert self.code(payload) == "ok", payload["userErrors"]
        allocation.reversed = True
        self.invoices[allocation.invoice_id].paid -= allocation.amount
        self.payments[allocation.payment_id].unapplied += allocation.amount

    @rule(amount=st.integers(1, 300_000))
    def prepay(self, amount: int) -> None:
        payload = self.mutate(
            RECORD_EXTERNAL_PAYMENT,
            {
                "input": {
                    "method": "ACH",
                    "clientId": self.client_id,
                    "currency": "USD",
                    "amount": usd(amount),
                }
            },
            "recordExternalPayment",
        )
        assert self.code(payload) == "ok", payload["userErrors"]
        self.payments[payload["payment"]["id"]] = ModelPayment(amount, amount, set())

    @precondition(lambda self: self.payments and self.invoices)
    @rule(data=st.data())
    def apply_payment(self, data: st.DataObject) -> None:
        payment_id = data.draw(st.sampled_from(list(self.payments)), label="payment")
        invoice_id = data.draw(st.sampled_from(list(self.invoices)), label="invoice")
        payment, invoice = self.payments[payment_id], self.invoices[invoice_id]
        kind = data.draw(st.sampled_from(["part", "all unapplied", "over"]), label="kind")
        if kind == "all unapplied":
            amount = max(payment.unapplied, 1)
        elif kind == "over":
            amount = payment.unapplied + data.draw(st.integers(1, 50_000), label="over")
        else:
            amount = data.draw(st.integers(1, max(1, min(payment.unapplied, 100_000))))
        if invoice_id in payment.invoices:
            expected = "DUPLICATE_INVOICE"
        elif invoice.status not in ("OPEN", "PARTIALLY_PAID"):
            expected = "INVALID_STATE"
        elif amount > invoice.balance:
            expected = "EXCEEDS_BALANCE_DUE"
        elif amount > payment.unapplied:
            expected = "EXCEEDS_UNAPPLIED_AMOUNT"
        else:
            expected = "ok"
        payload = self.mutate(
            APPLY_PAYMENT,
            {"input": {"paymentId": payment_id, "allocations": [alloc(invoice_id, usd(amount))]}},
            "applyPayment",
        )
        assert self.code(payload) == expected, (amount, payload["userErrors"])
        if expected != "ok":
            return
        [written] = [
            a for a in payload["payment"]["allocations"] if a["invoice"]["id"] == invoice_id
        ]
        self.allocations[written["id"]] = ModelAllocation(invoice_id, amount, payment_id)
        payment.unapplied -= amount
        payment.invoices.add(invoice_id)
        invoice.paid += amount

    @precondition(lambda self: self.invoices)
    @rule(data=st.data())
    def distribute(self, data: st.DataObject) -> None:
        paid = [
            id_
            for id_, invoice in self.invoices.items()
            if invoice.status == "PAID" and invoice.milestone_lines
        ]
        pick_paid = bool(paid) and data.draw(st.booleans(), label="pick paid")
        invoice_id = data.draw(
            st.sampled_from(paid if pick_paid else list(self.invoices)), label="invoice"
        )
        invoice = self.invoices[invoice_id]
        style = data.draw(st.sampled_from(["proportional", "greedy", "greedy backwards"]))
        fields: dict[str, Any] = {"proportional": True}
        if style != "proportional":
            # Credit beyond the free lines leaves the milestone lines nothing (never below 0).
            remaining = max(0, invoice.total - invoice.free - self.credited_by_notes(invoice_id))
            lines = self.lines_after_credit(invoice_id)
            shares = []
            for id_, line in reversed(lines) if style == "greedy backwards" else lines:
                share = min(line, remaining)
                remaining -= share
                shares.append({"milestoneId": id_, "amount": usd(share)})
            fields = {"distributions": shares}
        payload = self.mutate(
            DISTRIBUTE, {"input": {"invoiceId": invoice_id, **fields}}, "distributeMilestonePayment"
        )
        if invoice.status != "PAID":
            expected = "INVALID_STATE"
        elif not invoice.milestone_lines:
            expected = "INVALID"
        else:
            expected = "ok"
        assert self.code(payload) == expected, payload["userErrors"]

    @precondition(lambda self: self.invoices)
    @rule(data=st.data())
    def void_invoice(self, data: st.DataObject) -> None:
        invoice_id = data.draw(st.sampled_from(list(self.invoices)), label="invoice")
        invoice = self.invoices[invoice_id]
        active = any(
            a.invoice_id == invoice_id and not a.reversed for a in self.allocations.values()
        )
        payload = self.mutate(VOID_INVOICE, {"id": invoice_id}, "voidInvoice")
        credit = any(
            not note.void
            and (note.invoice_id == invoice_id or invoice_id in dict(note.applied_elsewhere or []))
            for note in self.notes.values()
        )
        expected = "INVALID_STATE" if invoice.void or active or credit else "ok"
        assert self.code(payload) == expected, payload["userErrors"]
        if expected == "ok":
            invoice.void = True

    # --- credit notes and refunds -----------------------------------------------------------

    def credited_by_notes(self, invoice_id: str) -> int:
        """What the invoice's own issued credit notes credit together."""
        return sum(
            n.amount for n in self.notes.values() if n.invoice_id == invoice_id and not n.void
        )

    def lines_after_credit(
        self, invoice_id: str, *, less_discount: bool = False
    ) -> list[tuple[str, int]]:
        """The invoice's milestone lines less what its issued credit notes credit on each; with
        `less_discount`, each also less its largest-remainder part of the invoice's discount
        (what the line really bills: the most a credit note may credit on it)."""
        taken: dict[str, int] = {}
        for note in self.notes.values():
            if note.invoice_id == invoice_id and not note.void and note.milestone:
                milestone_id, amount = note.milestone
                taken[milestone_id] = taken.get(milestone_id, 0) + amount
        invoice = self.invoices[invoice_id]
        amounts = [amount for _, amount in invoice.milestone_lines]
        parts = [0] * len(amounts)
        if less_discount and invoice.discount and any(amounts):
            parts = largest_remainder(invoice.discount, amounts)
        return [
            (id_, amount - part - taken.get(id_, 0))
            for (id_, amount), part in zip(invoice.milestone_lines, parts, strict=True)
        ]

    @precondition(lambda self: self.invoices)
    @rule(data=st.data())
    def create_credit_note(self, data: st.DataObject) -> None:
        invoice_id = data.draw(st.sampled_from(list(self.invoices)), label="invoice")
        invoice = self.invoices[invoice_id]
        creditable = invoice.total - self.credited_by_notes(invoice_id)
        lines = self.lines_after_credit(invoice_id, less_discount=True)
        on_milestone = bool(lines) and data.draw(st.booleans(), label="on a milestone")
        ceiling = lines[0][1] if on_milestone else creditable
        kind = data.draw(st.sampled_from(["part", "all", "over"]), label="kind")
        if kind == "all":
            amount = max(ceiling, 1)
        elif kind == "over":
            amount = max(ceiling, 0) + data.draw(st.integers(1, 50_000), label="over")
        else:
            amount = data.draw(st.integers(1, max(1, ceiling)), label="part")
        line: dict[str, Any] = {"amount": usd(amount), "description": "Overbilled"}
        if on_milestone:
            line["milestoneId"] = lines[0][0]
        if invoice.void:
            expected = "INVALID_STATE"
        elif amount > ceiling or amount > creditable:
            expected = "EXCEEDS_CREDITABLE_AMOUNT"
        else:
            expected = "ok"
        payload = self.mutate(
            CREATE_NOTE,
            {"input": {"invoiceId": invoice_id, "lines": [line], "reason": "Machine"}},
            "createCreditNote",
        )
        assert self.code(payload) == expected, (amount, payload["userErrors"])
        if expected != "ok":
            return
        applied = min(amount, invoice.balance)
        note = payload["creditNote"]
        # Gapless over every note of the account, the retainage rules' too; refusals take none.
        numbered = len(self.notes) + self.retainage.credit_notes
        assert note["number"] == f"CN-{numbered + 1:06d}"
        self.notes[note["id"]] = ModelNote(
            invoice_id,
            amount,
            amount - applied,
            applied,
            (lines[0][0], amount) if on_milestone else None,
            [],
        )
        invoice.credited += applied

    @precondition(lambda self: self.notes and self.invoices)
    @rule(data=st.data())
    def apply_credit_note(self, data: st.DataObject) -> None:
        note_id = data.draw(st.sampled_from(list(self.notes)), label="note")
        invoice_id = data.draw(st.sampled_from(list(self.invoices)), label="invoice")
        note, invoice = self.notes[note_id], self.invoices[invoice_id]
        amount = data.draw(st.integers(1, max(1, note.unapplied + 10_000)), label="amount")
        if note.void or invoice.status not in ("OPEN", "PARTIALLY_PAID"):
            expected = "INVALID_STATE"
        elif amount > invoice.balance:
            expected = "EXCEEDS_BALANCE_DUE"
        elif amount > note.unapplied:
            expected = "EXCEEDS_UNAPPLIED_AMOUNT"
        else:
            expected = "ok"
        payload = self.mutate(
            APPLY_NOTE,
            {"input": {"creditNoteId": note_id, "allocations": [alloc(invoice_id, usd(amount))]}},
            "applyCreditNote",
        )
        assert self.code(payload) == expected, (amount, payload["userErrors"])
        if expected == "ok":
            note.unapplied -= amount
            assert note.applied_elsewhere is not None
            note.applied_elsewhere.append((invoice_id, amount))
            invoice.credited += amount

    # --- reversing applied credit (issue 15) --------------------------------------------------

    @precondition(lambda self: any(n.applied_elsewhere for n in self.notes.values()))
    @rule(data=st.data())
    def reverse_credit_application(self, data: st.DataObject) -> None:
        """Reverse one active application (or try a note's own credit: refused)."""
        notes = [id_ for id_, n in self.notes.items() if n.applied_elsewhere]
        note_id = data.draw(st.sampled_from(notes), label="note")
        found = self.harness.run(self.api.gql(NOTE_APPLICATIONS, {"id": note_id}))
        active = [a for a in found["creditNote"]["applications"] if a["reversedAt"] is None]
        application = data.draw(st.sampled_from(active), label="application")
        payload = self.mutate(
            REVERSE_CREDIT,
            {"input": {"creditApplicationId": application["id"], "reason": "Machine"}},
            "reverseCreditApplication",
        )
        expected = "INVALID_STATE" if application["atCreation"] else "ok"
        assert self.code(payload) == expected, payload["userErrors"]
        if expected == "ok":
            note = self.notes[note_id]
            invoice_id, amount = application["invoice"]["id"], cents(application["amount"])
            assert note.applied_elsewhere is not None
            note.applied_elsewhere.remove((invoice_id, amount))
            note.unapplied += amount
            self.invoices[invoice_id].credited -= amount

    @precondition(lambda self: self.notes)
    @rule(data=st.data())
    def void_credit_note(self, data: st.DataObject) -> None:
        note_id = data.draw(st.sampled_from(list(self.notes)), label="note")
        note = self.notes[note_id]
        payload = self.mutate(VOID_NOTE, {"input": {"creditNoteId": note_id}}, "voidCreditNote")
        touched = note.void or note.refunded or note.applied_elsewhere
        assert self.code(payload) == ("INVALID_STATE" if touched else "ok"), payload
        if not touched:
            self.invoices[note.invoice_id].credited -= note.at_creation
            note.void, note.unapplied, note.at_creation = True, 0, 0

    @precondition(lambda self: self.payments or self.notes)
    @rule(data=st.data())
    def refund(self, data: st.DataObject) -> None:
        choices = [("payment", id_) for id_ in self.payments]
        choices += [("note", id_) for id_ in self.notes]
        kind, id_ = data.draw(st.sampled_from(choices), label="what")
        source: ModelPayment | ModelNote = (
            self.payments[id_] if kind == "payment" else self.notes[id_]
        )
        amount = data.draw(st.integers(1, max(1, source.unapplied + 5_000)), label="amount")
        if isinstance(source, ModelNote) and source.void:
            expected = "INVALID_STATE"
        elif amount > source.unapplied:
            expected = "EXCEEDS_UNAPPLIED_AMOUNT"
        else:
            expected = "ok"
        if kind == "payment":
            document, name, key = REFUND_PAYMENT, "refundPayment", "paymentId"
        else:
            document, name, key = REFUND_NOTE, "refundCreditNote", "creditNoteId"
        variables = {"input": {key: id_, "amount": usd(amount), "reason": "Machine"}}
        payload = self.mutate(document, variables, name)
        assert self.code(payload) == expected, (amount, payload["userErrors"])
        if expected == "ok":
            source.unapplied -= amount
            source.refunded += amount

    def check_notes(self, invoice: dict[str, Any]) -> None:
        """Every credit note of the invoice: amount = applied + unapplied + refunded while
        issued, nothing once void, and the model's figures."""
        found = invoice["creditNotes"]
        assert {n["id"] for n in found} == {
            id_ for id_, n in self.notes.items() if n.invoice_id == invoice["id"]
        }
        for note in found:
            model = self.notes[note["id"]]
            amount, applied, unapplied, refunded = (
                cents(note[key])
                for key in ("amount", "appliedAmount", "unappliedAmount", "refundedAmount")
            )
            assert min(amount, applied, unapplied, refunded) >= 0
            assert amount == model.amount
            assert note["status"] == ("VOID" if model.void else "ISSUED")
            if model.void:
                assert applied == unapplied == refunded == 0
            else:
                assert amount == applied + unapplied + refunded
                assert (applied, unapplied, refunded) == (
                    model.applied,
                    model.unapplied,
                    model.refunded,
                )

    # --- invariants ------------------------------------------------------------------------

    @invariant()
    def money_adds_up(self) -> None:
        project = self.harness.run(self.api.gql(STATE, {"id": self.project_id}))["project"]
        state = self.harness.run(self.api.gql(CLIENT_STATE, {"id": self.client_id}))["client"]
        invoices = project["invoices"]["nodes"]
        assert project["invoices"]["totalCount"] == len(invoices) == len(self.invoices)
        distributed: dict[str, tuple[int, int]] = {}
        invoiced = paid = discounts = credited_total = 0
        for found in invoices:
            model = self.invoices[found["id"]]
            total, amount_paid = cents(found["total"]), cents(found["amountPaid"])
            active = [cents(a["amount"]) for a in found["allocations"] if a["reversedAt"] is None]
            assert amount_paid == sum(active) == model.paid
            assert total == model.total
            credited = cents(found["creditedAmount"])
            assert credited == model.credited and 0 <= amount_paid + credited <= total
            # A void invoice owes nothing.
            due = 0 if found["status"] == "VOID" else total - amount_paid - credited
            self.check_notes(found)
            assert 0 <= cents(found["balanceDue"]) == due <= total
            assert found["status"] == model.status
            if found["status"] != "VOID":
                invoiced += total
                paid += amount_paid
                credited_total += credited
                discounts += cents(found["discount"])

            distributions = found["milestoneDistributions"]
            milestone_lines = dict(self.lines_after_credit(found["id"]))
            free = sum(cents(line["amount"]) for line in found["lines"] if not line["milestone"])
            assert free == model.free
            if found["status"] != "PAID":
                assert distributions == [] and found["distributionRequired"] is False
            elif len(milestone_lines) == 1:
                assert len(distributions) == 1 and found["distributionRequired"] is False
            elif len(milestone_lines) >= 2:
                assert found["distributionRequired"] is (distributions == [])
            if distributions:
                # A credit beyond the milestone lines (a free credit line) leaves them nothing.
                target = max(0, total - free - self.credited_by_notes(found["id"]))
                assert sum(cents(d["amount"]) for d in distributions) == target
                assert {d["milestone"]["id"] for d in distributions} == set(milestone_lines)
            for d in distributions:
                milestone_id = d["milestone"]["id"]
                line, amount, discount = (
                    cents(d["lineAmount"]),
                    cents(d["amount"]),
                    cents(d["discount"]),
                )
                assert line == milestone_lines[milestone_id]
                assert 0 <= amount <= line and discount == line - amount
                so_far = distributed.get(milestone_id, (0, 0))
                distributed[milestone_id] = (so_far[0] + amount, so_far[1] + discount)

        for milestone in project["milestones"]:
            amount_paid, discount = distributed.get(milestone["id"], (0, 0))
            assert cents(milestone["amountPaid"]) == amount_paid
            assert cents(milestone["discount"]) == discount
            assert milestone["paid"] is (amount_paid + discount >= cents(milestone["amount"]))
            assert (milestone["status"] == "PAID") is milestone["paid"]

        # Every payment: applied = its active allocations; received = applied + unapplied +
        # refunded, for each payment and for the client as a whole.
        received = unapplied = payments_refunded = 0
        for found_payment in state["payments"]["nodes"]:
            model_payment = self.payments[found_payment["id"]]
            amount, applied = cents(found_payment["amount"]), cents(found_payment["appliedAmount"])
            left, refunded = (
                cents(found_payment["unappliedAmount"]),
                cents(found_payment["refundedAmount"]),
            )
            active = sum(
                cents(a["amount"]) for a in found_payment["allocations"] if a["reversedAt"] is None
            )
            assert min(amount, applied, left, refunded) >= 0
            assert applied == active and amount == applied + left + refunded
            assert (amount, left) == (model_payment.amount, model_payment.unapplied)
            assert refunded == model_payment.refunded
            received, unapplied = received + amount, unapplied + left
            payments_refunded += refunded
        assert state["payments"]["totalCount"] == len(self.payments)
        balances = state["balance"]  # one currency: a single entry once money moved
        assert len(balances) == (1 if self.payments else len(balances)) and len(balances) <= 1
        if self.payments:
            [client_balance] = balances
            figures = {key: cents(value) for key, value in client_balance.items()}
            notes = [n for n in self.notes.values() if not n.void]
            notes_unapplied = sum(n.unapplied for n in notes)
            notes_refunded = sum(n.refunded for n in self.notes.values())
            assert figures["receivedAmount"] == received
            assert figures["unappliedPaymentAmount"] == unapplied
            assert figures["refundedPaymentAmount"] == payments_refunded
            assert figures["unappliedCreditNoteAmount"] == notes_unapplied
            assert figures["refundedCreditNoteAmount"] == notes_refunded
            assert figures["unappliedCreditAmount"] == unapplied + notes_unapplied
            assert figures["refundedAmount"] == payments_refunded + notes_refunded
            assert figures["creditedAmount"] == credited_total
            applied = figures["appliedAmount"]
            assert applied + unapplied + payments_refunded == received
            assert applied == figures["paidAmount"]  # all applied to invoices
            assert min(figures.values()) >= 0

        balance = project["balance"]
        assert cents(balance["invoicedAmount"]) == invoiced
        assert cents(balance["paidAmount"]) == paid
        assert cents(balance["creditedAmount"]) == credited_total
        assert cents(balance["outstandingAmount"]) == invoiced - paid - credited_total
        assert cents(balance["discountAmount"]) == discounts

    # --- the root lists and as-of balances (issue 17) ---------------------------------------

    @invariant()
    def root_lists_match_the_project(self) -> None:
        """The root lists, filtered to this project or client and read two at a time both
        ways, hold exactly the machine's invoices, payments and credit notes."""
        filters = {
            "invoices": ("InvoiceFilter", {"projectId": self.project_id}, set(self.invoices)),
            "payments": ("PaymentFilter", {"clientId": self.client_id}, set(self.payments)),
            "creditNotes": ("CreditNoteFilter", {"clientId": self.client_id}, set(self.notes)),
        }
        for root, (filter_type, given, expected) in filters.items():
            query = f"""query($f: {filter_type}, $first: Int, $after: String, $last: Int,
              $before: String) {{ {root}(filter: $f, first: $first, after: $after, last: $last,
              before: $before) {{ totalCount nodes {{ id }}
              pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor }} }} }}"""
            forward: list[str] = []
            backward: list[str] = []
            for read, size_key, cursor_key, more_key, edge_key in (
                (forward, "first", "after", "hasNextPage", "endCursor"),
                (backward, "last", "before", "hasPreviousPage", "startCursor"),
            ):
                cursor = None
                while True:
                    variables = {"f": given, size_key: 2, cursor_key: cursor}
                    page = self.harness.run(self.api.gql(query, variables))[root]
                    assert page["totalCount"] == len(expected)
                    ids = [node["id"] for node in page["nodes"]]
                    read[:] = read + ids if size_key == "first" else ids + read
                    if not page["pageInfo"][more_key]:
                        break
                    cursor = page["pageInfo"][edge_key]
            assert (
                forward == backward and set(forward) == expected and len(forward) == len(expected)
            )

    @invariant()
    def balance_as_of_today_is_the_balance(self) -> None:
        """balance(asOf: today) of every project and the client equals their balance now."""
        today = self.api.clock.today().isoformat()
        query = """query($p: ID!, $c: ID!, $d: Date) {
          project(id: $p) { asOf: balance(asOf: $d) { ...P } now: balance { ...P } }
          client(id: $c) { asOf: balance(asOf: $d) { ...C } now: balance { ...C } } }
        fragment P on ProjectBalance { invoicedAmount paidAmount creditedAmount discountAmount
          outstandingAmount overdueAmount scheduledAmount unbilledAmount retainageHeld
          retainageReleased }
        fragment C on ClientBalance { currency invoicedAmount paidAmount creditedAmount
          outstandingAmount overdueAmount receivedAmount appliedAmount unappliedCreditAmount
          refundedAmount unappliedPaymentAmount refundedPaymentAmount unappliedCreditNoteAmount
          refundedCreditNoteAmount retainageHeld retainageReleased }"""
        for project_id in [self.project_id, *self.retainage.projects]:
            variables = {"p": project_id, "c": self.client_id, "d": today}
            found = self.harness.run(self.api.gql(query, variables))
            assert found["project"]["asOf"] == found["project"]["now"], project_id
            assert found["client"]["asOf"] == found["client"]["now"]


def run_machine(url: str) -> None:
    harness = Harness(url)
    try:
        PaymentMachine.harness = harness
        run_state_machine_as_test(
            PaymentMachine,
            settings=settings(
                max_examples=10,
                stateful_step_count=15,
                deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
            ),
        )
    finally:
        harness.close()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql", CITUS])
def test_payment_invariants_hold_after_every_step(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    if backend == CITUS:
        url = request.getfixturevalue("citus_urls")["api"]  # every machine gets fresh accounts
    elif backend == "postgresql":
        url = request.getfixturevalue("postgres_urls")["api"]
    else:
        url = f"sqlite+aiosqlite:///{tmp_path}/invariants.db"
    # Its own thread: hypothesis drives the steps synchronously, each on the harness's loop.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(run_machine, url).result()
