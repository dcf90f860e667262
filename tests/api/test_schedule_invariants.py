"""Schedule invariants under random sequences of mutations (hypothesis stateful testing).

Beside test_payment_invariants.py's machine, this one plans, updates, runs, pauses and
processes invoice schedules, invoices their milestones by hand, completes milestones, pays and
voids invoices. Each step may be refused, but only with a code it can have; after every step,
from what the API reports:

- no balance figure is ever negative (project balance, schedule billed/unbilled, balance due,
  what remains of the contract);
- a schedule's billedAmount + unbilledAmount = totalAmount, and billedAmount is the sum of its
  PROCESSED items, each with a live (not VOID) invoice; a pending item has no invoice;
- a milestone's amount is never below its invoiced amount;
- a schedule never totals more than the contract value.
"""

from __future__ import annotations

import concurrent.futures
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from tests.api.billing_helpers import (
    COMPLETE_MILESTONE,
    CREATE_INVOICE,
    CREATE_SCHEDULE,
    PAUSE_SCHEDULE,
    PROCESS_DUE,
    RESUME_SCHEDULE,
    RUN_SCHEDULE,
    UPDATE_SCHEDULE,
    VOID_INVOICE,
    create_project,
)
from tests.api.test_payment_invariants import Harness, cents, usd
from tests.api.test_payments import RECORD_EXTERNAL_PAYMENT

CONTRACT = 500_000  # 5,000.00 USD

STATE = """
query($id: ID!) {
  project(id: $id) {
    contractValue
    balance {
      scheduledAmount invoicedAmount paidAmount discountAmount outstandingAmount
      overdueAmount unbilledAmount overContractAmount
    }
    milestones { id amount amountInvoiced amountPaid discount completedAt }
    invoiceSchedules {
      id status totalAmount billedAmount unbilledAmount
      items { id status amount milestone { id } invoice { id status } }
    }
    invoices(first: 100) {
      nodes { id status total balanceDue progress { remainingAfter overContractAmount } }
    }
  }
}"""

MAY_REFUSE = {
    "createInvoiceSchedule": {"EXCEEDS_CONTRACT_VALUE"},
    "updateInvoiceSchedule": {
        "EXCEEDS_CONTRACT_VALUE",
        "AMOUNTS_MUST_TOTAL_SCHEDULE",
        "INVALID",
        "RUN_DATES_OUT_OF_ORDER",
        "MILESTONE_ALREADY_INVOICED",  # relinking a pending milestone invoiced by hand
    },
    "runInvoiceSchedule": {"INVALID_STATE", "EXCEEDS_UNINVOICED_AMOUNT"},
    "processDueInvoiceSchedules": set(),
    "pauseInvoiceSchedule": {"INVALID_STATE"},
    "resumeInvoiceSchedule": {"INVALID_STATE"},
    "createInvoice": {"EXCEEDS_UNINVOICED_AMOUNT"},
    "completeMilestone": {"INVALID_STATE"},
    "voidInvoice": {"INVALID_STATE"},
    "recordExternalPayment": {"INVALID_STATE"},
}


class ScheduleMachine(RuleBasedStateMachine):
    harness: Harness  # set before the machine runs

    def __init__(self) -> None:
        super().__init__()
        self.api = self.harness.new_api()
        self.project_id = self.harness.run(create_project(self.api, contractValue=usd(CONTRACT)))
        self.day = date(2026, 3, 2)
        self.state: dict[str, Any] = self.read()

    def read(self) -> dict[str, Any]:
        data = self.harness.run(self.api.gql(STATE, {"id": self.project_id}))
        return dict(data["project"])

    def mutate(self, document: str, variables: dict[str, Any], name: str) -> dict[str, Any]:
        payload = dict(self.harness.run(self.api.gql(document, variables))[name])
        codes = {error["code"] for error in payload["userErrors"]}
        assert codes <= MAY_REFUSE[name], (name, payload["userErrors"])
        return payload

    def amount_items(self, amounts: list[int], dated: bool) -> list[dict[str, Any]]:
        items = []
        for index, amount in enumerate(amounts):
            item: dict[str, Any] = {"name": f"Stage {index}", "amount": usd(amount)}
            item["trigger"] = f"Stage {index} done"
            if dated:
                item["runDate"] = (self.day + timedelta(days=index + 1)).isoformat()
            items.append(item)
        return items

    # --- rules -----------------------------------------------------------------------------

    @precondition(lambda self: len(self.state["invoiceSchedules"]) < 3)
    @rule(amounts=st.lists(st.integers(1, 300_000), min_size=1, max_size=3), dated=st.booleans())
    def create_schedule(self, amounts: list[int], dated: bool) -> None:
        items = self.amount_items(amounts, dated)
        variables = {"projectId": self.project_id, "totalAmount": usd(sum(amounts))}
        payload = self.mutate(
            CREATE_SCHEDULE, {"input": {**variables, "items": items}}, "createInvoiceSchedule"
        )
        assert (payload["userErrors"] == []) is (sum(amounts) <= CONTRACT)

    @precondition(lambda self: self.state["invoiceSchedules"])
    @rule(data=st.data(), amounts=st.lists(st.integers(1, 300_000), min_size=1, max_size=2))
    def update_schedule(self, data: st.DataObject, amounts: list[int]) -> None:
        schedule = data.draw(st.sampled_from(self.state["invoiceSchedules"]))
        billed = cents(schedule["billedAmount"])
        variables = {
            "scheduleId": schedule["id"],
            "totalAmount": usd(billed + sum(amounts)),
            "items": self.amount_items(amounts, dated=False),
        }
        self.mutate(UPDATE_SCHEDULE, {"input": variables}, "updateInvoiceSchedule")

    @precondition(lambda self: self.state["invoiceSchedules"])
    @rule(data=st.data(), shift=st.integers(0, 100))
    def relink_pending_milestones(self, data: st.DataObject, shift: int) -> None:
        """Re-plan the pending items on the milestones they created, moving money between
        the first and the last."""
        schedule = data.draw(st.sampled_from(self.state["invoiceSchedules"]))
        pending = [item for item in schedule["items"] if item["status"] == "PENDING"]
        if not pending:
            return
        amounts = [cents(item["amount"]) for item in pending]
        moved = amounts[0] * shift // 100 if len(amounts) > 1 else 0
        amounts[0], amounts[-1] = amounts[0] - moved, amounts[-1] + moved
        items = [
            {"name": f"Stage {i}", "amount": usd(a), "milestoneId": item["milestone"]["id"]}
            for i, (item, a) in enumerate(zip(pending, amounts, strict=True))
            if a > 0
        ]
        variables = {"scheduleId": schedule["id"], "items": items}
        self.mutate(UPDATE_SCHEDULE, {"input": variables}, "updateInvoiceSchedule")

    @precondition(lambda self: self.state["invoiceSchedules"])
    @rule(data=st.data())
    def end_schedule(self, data: st.DataObject) -> None:
        """End a schedule early at what it billed (refused when it billed nothing)."""
        schedule = data.draw(st.sampled_from(self.state["invoiceSchedules"]))
        billed = cents(schedule["billedAmount"])
        variables: dict[str, Any] = {"scheduleId": schedule["id"], "items": []}
        if billed:
            variables["totalAmount"] = schedule["billedAmount"]
        payload = self.mutate(UPDATE_SCHEDULE, {"input": variables}, "updateInvoiceSchedule")
        if billed:
            assert payload["userErrors"] == [], payload["userErrors"]
            assert payload["invoiceSchedule"]["status"] == "FULLY_PROCESSED"

    @precondition(lambda self: self.state["invoiceSchedules"])
    @rule(data=st.data(), by_item=st.booleans())
    def run_schedule(self, data: st.DataObject, by_item: bool) -> None:
        schedule = data.draw(st.sampled_from(self.state["invoiceSchedules"]))
        pending = [item["id"] for item in schedule["items"] if item["status"] == "PENDING"]
        item_id = data.draw(st.sampled_from(pending)) if by_item and pending else None
        self.mutate(RUN_SCHEDULE, {"id": schedule["id"], "itemId": item_id}, "runInvoiceSchedule")

    @rule(days=st.integers(0, 4))
    def process_due(self, days: int) -> None:
        self.day += timedelta(days=days)
        as_of = self.day.isoformat()
        self.mutate(PROCESS_DUE, {"asOf": as_of}, "processDueInvoiceSchedules")

    @precondition(lambda self: self.state["invoiceSchedules"])
    @rule(data=st.data(), pause=st.booleans())
    def pause_or_resume(self, data: st.DataObject, pause: bool) -> None:
        schedule = data.draw(st.sampled_from(self.state["invoiceSchedules"]))
        document, name = (
            (PAUSE_SCHEDULE, "pauseInvoiceSchedule")
            if pause
            else (RESUME_SCHEDULE, "resumeInvoiceSchedule")
        )
        self.mutate(document, {"id": schedule["id"]}, name)

    @precondition(lambda self: self.state["milestones"])
    @rule(data=st.data(), share=st.integers(1, 100))
    def invoice_by_hand(self, data: st.DataObject, share: int) -> None:
        milestone = data.draw(st.sampled_from(self.state["milestones"]))
        left = cents(milestone["amount"]) - cents(milestone["amountInvoiced"])
        amount = max(left * share // 100, 1)
        line = {"milestoneId": milestone["id"], "amount": usd(amount)}
        variables = {"input": {"projectId": self.project_id, "lines": [line]}}
        self.mutate(CREATE_INVOICE, variables, "createInvoice")

    @precondition(lambda self: self.state["milestones"])
    @rule(data=st.data())
    def complete_milestone(self, data: st.DataObject) -> None:
        milestone = data.draw(st.sampled_from(self.state["milestones"]))
        self.mutate(COMPLETE_MILESTONE, {"id": milestone["id"]}, "completeMilestone")

    @precondition(lambda self: self.state["invoices"]["nodes"])
    @rule(data=st.data())
    def pay_in_full(self, data: st.DataObject) -> None:
        invoice = data.draw(st.sampled_from(self.state["invoices"]["nodes"]))
        if cents(invoice["balanceDue"]) == 0:
            return
        allocation = {"invoiceId": invoice["id"], "amount": invoice["balanceDue"]}
        variables = {"input": {"method": "WIRE", "allocations": [allocation]}}
        self.mutate(RECORD_EXTERNAL_PAYMENT, variables, "recordExternalPayment")

    @precondition(lambda self: self.state["invoices"]["nodes"])
    @rule(data=st.data())
    def void_invoice(self, data: st.DataObject) -> None:
        invoice = data.draw(st.sampled_from(self.state["invoices"]["nodes"]))
        self.mutate(VOID_INVOICE, {"id": invoice["id"]}, "voidInvoice")

    # --- invariants ------------------------------------------------------------------------

    @invariant()
    def schedules_agree_with_the_invoices(self) -> None:
        self.state = self.read()
        assert_figures_agree(self.state, CONTRACT)


def assert_figures_agree(project: dict[str, Any], contract: int) -> None:
    """Check the module's invariants on a project read with STATE."""
    for figure in project["balance"].values():
        assert figure is None or cents(figure) >= 0, project["balance"]
    for milestone in project["milestones"]:
        assert cents(milestone["amount"]) >= cents(milestone["amountInvoiced"]), milestone
    for invoice in project["invoices"]["nodes"]:
        assert cents(invoice["balanceDue"]) >= 0
        progress = invoice["progress"]
        assert cents(progress["remainingAfter"]) >= 0
        assert cents(progress["overContractAmount"]) >= 0
    for schedule in project["invoiceSchedules"]:
        total = cents(schedule["totalAmount"])
        billed, unbilled = cents(schedule["billedAmount"]), cents(schedule["unbilledAmount"])
        assert billed >= 0 and unbilled >= 0 and billed + unbilled == total <= contract
        processed = [i for i in schedule["items"] if i["status"] == "PROCESSED"]
        assert billed == sum(cents(item["amount"]) for item in processed)
        for item in schedule["items"]:
            if item["status"] == "PROCESSED":
                assert item["invoice"] is not None and item["invoice"]["status"] != "VOID"
            else:
                assert item["invoice"] is None
        assert sum(cents(item["amount"]) for item in schedule["items"]) == total


def run_machine(database: Path) -> None:
    harness = Harness(f"sqlite+aiosqlite:///{database}")
    try:
        ScheduleMachine.harness = harness
        run_state_machine_as_test(
            ScheduleMachine,
            settings=settings(
                max_examples=10,
                stateful_step_count=15,
                deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
            ),
        )
    finally:
        harness.close()


def test_schedule_invariants_hold_after_every_step(tmp_path: Path) -> None:
    # Its own thread: hypothesis drives the steps synchronously, each on the harness's loop.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(run_machine, tmp_path / "schedule-invariants.db").result()
