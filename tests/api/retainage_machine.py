"""Retainage rules and invariants of the payment state machine (test_payment_invariants.py).

Retainage projects have their own client, so the machine's payment and client model is not
touched; their invoices are issued, paid in full, released and voided here, and after every
step, per project: withheld = held + released, released = the release invoices' totals, the
milestones' held add up to the project's and none is negative, each invoice's retainage is
the sum of its lines' shares, and a milestone holding retainage is not paid. Progress invoices
may carry a discount and credit notes on their milestone lines (up to what a line really
bills: its amount less its part of the discount); a line credited that far keeps no
retainage, and a paid invoice's distributions' discounts add up to its discount.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import initialize, invariant, precondition, rule

from tests.api.billing_helpers import add_milestone, create_invoice, create_project, free_line
from tests.api.credit_helpers import CREATE_NOTE
from tests.api.retainage_helpers import RELEASE
from tests.api.test_distribution import DISTRIBUTE
from tests.api.test_payments import RECORD_EXTERNAL_PAYMENT, VOID_INVOICE

RETAINAGE_STATE = """
query($id: ID!) {
  project(id: $id) {
    milestones { id amount amountPaid discount paid retainageHeld }
    balance { retainageHeld retainageReleased }
    invoices(first: 100) {
      nodes {
        id kind status total discount balanceDue retainageAmount
        lines { amount retainageAmount milestone { id } }
        milestoneDistributions { discount }
      }
    }
  }
}"""


def cents(text: str) -> int:
    whole, _, fraction = text.partition(".")
    return int(whole) * 100 + int(fraction or 0)


def usd(minor: int) -> str:
    return f"{minor // 100}.{minor % 100:02d}"


def half_even(value: Fraction) -> int:
    floor = value.numerator // value.denominator
    rest = value - floor
    return floor + 1 if rest > Fraction(1, 2) or (rest == Fraction(1, 2) and floor % 2) else floor


def largest_remainder(total: int, weights: list[int]) -> list[int]:
    """`total` split in proportion to `weights`, leftover units to the largest remainders,
    ties to the earlier item."""
    exact = [Fraction(total * weight, sum(weights)) for weight in weights]
    parts = [int(share) for share in exact]
    order = sorted(range(len(parts)), key=lambda i: (parts[i] - exact[i], i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


@dataclass
class CreditableLine:
    milestone_id: str
    billed: int  # the line's amount less its part of the discount
    credited: int = 0


@dataclass
class RetainageInvoice:
    project_id: str
    release: bool
    paid: bool = False
    void: bool = False
    lines: list[CreditableLine] = field(default_factory=list)


@dataclass
class RetainageModel:
    projects: dict[str, int] = field(default_factory=dict)  # id: basis points
    invoices: dict[str, RetainageInvoice] = field(default_factory=dict)
    credit_notes: int = 0  # issued here: the account's CN- series counts them with the others


class RetainageRules:
    """Mixed into PaymentMachine, which provides harness, api, mutate and code."""

    harness: Any
    api: Any
    retainage: RetainageModel

    def mutate(self, document: str, variables: dict[str, Any], name: str) -> dict[str, Any]:
        raise NotImplementedError

    @staticmethod
    def code(payload: dict[str, Any]) -> str:
        raise NotImplementedError

    def _state(self, project_id: str) -> Any:
        return self.harness.run(self.api.gql(RETAINAGE_STATE, {"id": project_id}))["project"]

    @initialize(basis_points=st.integers(1, 5000))
    def create_first_retainage_project(self, basis_points: int) -> None:
        self.create_retainage_project(basis_points)

    @precondition(lambda self: len(self.retainage.projects) < 2)
    @rule(basis_points=st.integers(0, 5000))
    def create_retainage_project(self, basis_points: int) -> None:
        percentage = f"{basis_points // 100}.{basis_points % 100:02d}"
        project = self.harness.run(
            create_project(self.api, clientName="Builder Co", retainagePercentage=percentage)
        )
        self.retainage.projects[project] = basis_points

    @precondition(lambda self: self.retainage.projects and len(self.retainage.invoices) < 8)
    @rule(
        data=st.data(),
        amounts=st.lists(st.integers(1, 200_000), min_size=1, max_size=3),
        free=st.one_of(st.none(), st.integers(1, 50_000)),
        discount_percent=st.one_of(st.just(0), st.integers(0, 100)),
    )
    def issue_progress_invoice(
        self, data: st.DataObject, amounts: list[int], free: int | None, discount_percent: int
    ) -> None:
        project = data.draw(st.sampled_from(list(self.retainage.projects)), label="project")
        lines = [free_line(usd(free))] if free else []
        for amount in amounts:
            milestone = self.harness.run(
                add_milestone(self.api, project, name="Pour", amount=usd(amount))
            )
            lines.append({"milestoneId": milestone["id"]})
        withheld = half_even(Fraction(sum(amounts) * self.retainage.projects[project], 10_000))
        # The discount fits in the milestone lines less retainage, leaving something due now.
        room = sum(amounts) - withheld - (0 if free else 1)
        discount = max(room, 0) * discount_percent // 100
        fields: dict[str, Any] = {"lines": lines}
        if discount:
            fields["discount"] = usd(discount)
        invoice = self.harness.run(create_invoice(self.api, project, **fields))
        assert cents(invoice["total"]) == sum(amounts) + (free or 0) - discount - withheld
        query = (
            "query($id: ID!) { invoice(id: $id) { lines { retainageAmount milestone { id } } } }"
        )
        found = self.harness.run(self.api.gql(query, {"id": invoice["id"]}))["invoice"]["lines"]
        shares = [cents(line["retainageAmount"]) for line in found if line["milestone"]]
        weights = [amount - share for amount, share in zip(amounts, shares, strict=True)]
        parts = largest_remainder(discount, weights) if discount else [0] * len(amounts)
        creditable = [
            CreditableLine(line["milestone"]["id"], amount - part)
            for line, amount, part in zip(
                [line for line in found if line["milestone"]], amounts, parts, strict=True
            )
        ]
        self.retainage.invoices[invoice["id"]] = RetainageInvoice(
            project, release=False, lines=creditable
        )

    @precondition(
        lambda self: any(
            line.credited < line.billed
            for i in self.retainage.invoices.values()
            if not i.void
            for line in i.lines
        )
    )
    @rule(data=st.data())
    def credit_milestone_line(self, data: st.DataObject) -> None:
        """Credit part or all of what a milestone line still bills; a credit that would take
        back released retainage is refused."""
        candidates = [
            (invoice_id, line)
            for invoice_id, i in self.retainage.invoices.items()
            if not i.void
            for line in i.lines
            if line.credited < line.billed
        ]
        invoice_id, line = data.draw(st.sampled_from(candidates), label="line")
        left = line.billed - line.credited
        amount = data.draw(st.one_of(st.just(left), st.integers(1, left)), label="credit")
        note_line = {"milestoneId": line.milestone_id, "amount": usd(amount)}
        variables = {"input": {"invoiceId": invoice_id, "reason": "r", "lines": [note_line]}}
        payload = self.mutate(CREATE_NOTE, variables, "createCreditNote")
        assert self.code(payload) in ("ok", "EXCEEDS_RETAINAGE_HELD"), payload["userErrors"]
        if self.code(payload) == "ok":
            self.retainage.credit_notes += 1
            line.credited += amount
            status = self.harness.run(
                self.api.gql("query($id: ID!) { invoice(id: $id) { status } }", {"id": invoice_id})
            )["invoice"]["status"]
            self.retainage.invoices[invoice_id].paid = status == "PAID"

    @precondition(
        lambda self: any(not i.paid and not i.void for i in self.retainage.invoices.values())
    )
    @rule(data=st.data())
    def pay_retainage_invoice(self, data: st.DataObject) -> None:
        open_ = [k for k, i in self.retainage.invoices.items() if not i.paid and not i.void]
        invoice_id = data.draw(st.sampled_from(open_), label="invoice")
        found = self.harness.run(
            self.api.gql("query($id: ID!) { invoice(id: $id) { balanceDue } }", {"id": invoice_id})
        )["invoice"]
        allocation = {"invoiceId": invoice_id, "amount": found["balanceDue"]}
        variables = {"input": {"method": "WIRE", "allocations": [allocation]}}
        payload = self.mutate(RECORD_EXTERNAL_PAYMENT, variables, "recordExternalPayment")
        assert self.code(payload) == "ok", payload["userErrors"]
        self.retainage.invoices[invoice_id].paid = True
        if len(self.retainage.invoices[invoice_id].lines) >= 2:
            variables = {"input": {"invoiceId": invoice_id, "proportional": True}}
            payload = self.mutate(DISTRIBUTE, variables, "distributeMilestonePayment")
            assert self.code(payload) == "ok", payload["userErrors"]

    @precondition(lambda self: self.retainage.projects)
    @rule(data=st.data(), partial=st.booleans())
    def release_retainage(self, data: st.DataObject, partial: bool) -> None:
        project = data.draw(st.sampled_from(list(self.retainage.projects)), label="project")
        held = cents(self._state(project)["balance"]["retainageHeld"])
        amount = data.draw(st.integers(1, max(held, 1)), label="amount") if partial else held
        variables: dict[str, Any] = {"input": {"projectId": project}}
        if partial:
            variables["input"]["amount"] = usd(amount)
        payload = self.mutate(RELEASE, variables, "releaseRetainage")
        expected = "ok" if held and amount <= held else "EXCEEDS_RETAINAGE_HELD"
        assert self.code(payload) == expected, (held, amount, payload["userErrors"])
        if expected == "ok":
            assert cents(payload["invoice"]["total"]) == amount
            self.retainage.invoices[payload["invoice"]["id"]] = RetainageInvoice(project, True)

    @precondition(
        lambda self: any(
            i.release and not i.paid and not i.void for i in self.retainage.invoices.values()
        )
    )
    @rule(data=st.data())
    def void_release(self, data: st.DataObject) -> None:
        releases = [
            k for k, i in self.retainage.invoices.items() if i.release and not i.paid and not i.void
        ]
        invoice_id = data.draw(st.sampled_from(releases), label="release")
        payload = self.mutate(VOID_INVOICE, {"id": invoice_id}, "voidInvoice")
        assert self.code(payload) == "ok", payload["userErrors"]
        self.retainage.invoices[invoice_id].void = True

    @invariant()
    def retainage_adds_up(self) -> None:
        for project_id in self.retainage.projects:
            project = self._state(project_id)
            invoices = project["invoices"]["nodes"]
            issued = [i for i in invoices if i["status"] not in ("VOID", "DRAFT")]
            withheld = sum(cents(i["retainageAmount"]) for i in issued)
            released = sum(cents(i["total"]) for i in issued if i["kind"] == "RETAINAGE_RELEASE")
            held = cents(project["balance"]["retainageHeld"])
            assert held + cents(project["balance"]["retainageReleased"]) == withheld
            assert cents(project["balance"]["retainageReleased"]) == released
            milestones_held = [cents(m["retainageHeld"]) for m in project["milestones"]]
            assert all(amount >= 0 for amount in milestones_held)
            assert sum(milestones_held) == held
            for invoice in invoices:
                shares = sum(cents(line["retainageAmount"]) for line in invoice["lines"])
                assert shares == cents(invoice["retainageAmount"])
                model = self.retainage.invoices[invoice["id"]]
                assert (invoice["status"] == "PAID") == model.paid
                self._check_credited_lines(invoice, model)
            for milestone, amount in zip(project["milestones"], milestones_held, strict=True):
                covered = cents(milestone["amountPaid"]) + cents(milestone["discount"])
                assert milestone["paid"] == (covered >= cents(milestone["amount"]))
                if amount:
                    assert not milestone["paid"]

    @staticmethod
    def _check_credited_lines(invoice: Any, model: RetainageInvoice) -> None:
        """A line credited all it bills keeps no retainage; the distributions of a paid
        invoice (when it has them) have as much discount as the invoice."""
        found = {line["milestone"]["id"]: line for line in invoice["lines"] if line["milestone"]}
        for line in model.lines:
            if line.credited == line.billed and invoice["status"] != "VOID":
                assert found[line.milestone_id]["retainageAmount"] == "0.00"
        distributions = invoice["milestoneDistributions"]
        if invoice["status"] == "PAID" and distributions and invoice["kind"] == "STANDARD":
            discounts = sum(cents(d["discount"]) for d in distributions)
            assert discounts == cents(invoice["discount"]), invoice
