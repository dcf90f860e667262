"""Retainage on both backends (DESIGN.md §7.3): the worked examples of what an invoice
withholds, releasing it, paying the release, voiding it, and milestones paid only then."""

from __future__ import annotations

from tests.api.billing_helpers import free_line
from tests.api.retainage_helpers import (
    invoice_of,
    progress_invoice,
    project_retainage,
    release,
    retainage_project,
    try_release,
)
from tests.api.test_payments import alloc, pay, void
from tests.conftest import Api


async def test_ten_percent_of_four_stages_withholds_250_on_each(api: Api) -> None:
    project, stages = await retainage_project(api, "10", ["2500.00"] * 4)
    invoice = await progress_invoice(api, project, stages)
    assert invoice["subtotal"] == "10000.00" and invoice["retainageAmount"] == "1000.00"
    assert invoice["total"] == "9000.00" and invoice["balanceDue"] == "9000.00"
    assert invoice["kind"] == "STANDARD"
    assert [line["retainageAmount"] for line in invoice["lines"]] == ["250.00"] * 4
    found = await project_retainage(api, project)
    assert found["retainagePercentage"] == "10.00"
    assert [m["retainageHeld"] for m in found["milestones"]] == ["250.00"] * 4
    assert found["balance"]["retainageHeld"] == "1000.00"
    assert found["balance"]["invoicedAmount"] == "9000.00"


async def test_five_percent_of_33333_33_over_three_lines_adds_up(api: Api) -> None:
    project, stages = await retainage_project(api, "5", ["11111.11"] * 3)
    invoice = await progress_invoice(api, project, stages)
    # 5% of 33,333.33 is 1,666.6665: half-even to 1,666.67, split 555.56 + 555.56 + 555.55.
    assert invoice["retainageAmount"] == "1666.67"
    assert [line["retainageAmount"] for line in invoice["lines"]] == ["555.56", "555.56", "555.55"]
    assert invoice["total"] == "31666.66"


async def test_seven_and_a_half_percent_of_1000_yen(api: Api) -> None:
    project, stages = await retainage_project(api, "7.5", ["500", "300", "200"], currency="JPY")
    invoice = await progress_invoice(api, project, stages)
    # 75 yen split 500:300:200 is 37.5, 22.5, 15: 38 (largest remainder, earlier first), 22, 15.
    assert invoice["retainageAmount"] == "75" and invoice["total"] == "925"
    assert [line["retainageAmount"] for line in invoice["lines"]] == ["38", "22", "15"]


async def test_half_even_rounding_of_the_withheld_amount(api: Api) -> None:
    project, stages = await retainage_project(api, "50", ["0.05", "0.02"])
    invoice = await progress_invoice(api, project, stages[:1])
    assert invoice["retainageAmount"] == "0.02"  # 2.5 cents: to the even 2
    second = await progress_invoice(api, project, stages[1:])
    assert second["retainageAmount"] == "0.01"


async def test_a_discount_and_a_free_line_on_the_same_invoice(api: Api) -> None:
    project, stages = await retainage_project(api, "10", ["2500.00", "2500.00"])
    lines = [{"milestoneId": stages[0]}, {"milestoneId": stages[1]}, free_line("300.00")]
    invoice = await progress_invoice(api, project, [], lines=lines, discount="200.00")
    # Withheld on the milestone lines only, before the discount: 10% of 5,000.00.
    assert invoice["subtotal"] == "5300.00" and invoice["discount"] == "200.00"
    assert invoice["retainageAmount"] == "500.00" and invoice["total"] == "4600.00"
    assert [line["retainageAmount"] for line in invoice["lines"]] == ["250.00", "250.00", "0.00"]
    await pay(api, alloc(invoice["id"], "4600.00"))
    distribute = """
    mutation($id: ID!) { distributeMilestonePayment(input: {invoiceId: $id, proportional: true}) {
      userErrors { code } } }"""
    assert (await api.gql(distribute, {"id": invoice["id"]}))["distributeMilestonePayment"][
        "userErrors"
    ] == []
    paid = await invoice_of(api, invoice["id"])
    # What is due now less the free line (4,300.00) goes to the lines; withheld money is never
    # a discount: each line's discount is 2,500.00 - 250.00 - 2,150.00.
    assert [(d["amount"], d["discount"]) for d in paid["milestoneDistributions"]] == [
        ("2150.00", "100.00"),
        ("2150.00", "100.00"),
    ]
    found = await project_retainage(api, project)
    assert [m["paid"] for m in found["milestones"]] == [False, False]


async def test_a_milestone_is_paid_only_once_its_retainage_is_released_and_paid(api: Api) -> None:
    project, stages = await retainage_project(api, "10", ["2500.00", "1500.00"])
    first = await progress_invoice(api, project, stages[:1])
    second = await progress_invoice(api, project, stages[1:])
    await pay(api, alloc(first["id"], "2250.00"), alloc(second["id"], "1350.00"))
    found = await project_retainage(api, project)
    assert [(m["amountPaid"], m["paid"], m["status"]) for m in found["milestones"]] == [
        ("2250.00", False, "PARTIALLY_PAID"),
        ("1350.00", False, "PARTIALLY_PAID"),
    ]
    released = await release(api, project)
    assert released["kind"] == "RETAINAGE_RELEASE" and released["status"] == "OPEN"
    assert released["total"] == "400.00" and released["retainageAmount"] == "0.00"
    assert [(line["amount"], line["releasedMilestone"]["id"]) for line in released["lines"]] == [
        ("250.00", stages[0]),
        ("150.00", stages[1]),
    ]
    found = await project_retainage(api, project)
    assert found["balance"]["retainageHeld"] == "0.00"
    assert found["balance"]["retainageReleased"] == "400.00"
    assert found["client"]["balance"] == [
        {"currency": "USD", "retainageHeld": "0.00", "retainageReleased": "400.00"}
    ]
    assert [m["paid"] for m in found["milestones"]] == [False, False]
    await pay(api, alloc(released["id"], "400.00"))
    found = await project_retainage(api, project)
    assert [(m["amountPaid"], m["paid"], m["status"]) for m in found["milestones"]] == [
        ("2500.00", True, "PAID"),
        ("1500.00", True, "PAID"),
    ]
    assert found["balance"]["outstandingAmount"] == "0.00"


async def test_a_partial_release_is_split_in_proportion_to_what_each_held(api: Api) -> None:
    project, stages = await retainage_project(api, "10", ["2000.00", "1000.00", "500.00"])
    await progress_invoice(api, project, stages)
    # Held 200.00, 100.00, 50.00; releasing 100.00 of the first two: 66.67 and 33.33.
    released = await release(api, project, amount="100.00", milestoneIds=stages[:2])
    assert [line["amount"] for line in released["lines"]] == ["66.67", "33.33"]
    found = await project_retainage(api, project)
    assert [m["retainageHeld"] for m in found["milestones"]] == ["133.33", "66.67", "50.00"]
    await pay(api, alloc(released["id"], "100.00"))
    paid = await invoice_of(api, released["id"])
    assert [(d["milestone"]["id"], d["amount"]) for d in paid["milestoneDistributions"]] == [
        (stages[0], "66.67"),
        (stages[1], "33.33"),
    ]


async def test_releasing_more_than_is_held_is_refused_and_writes_nothing(api: Api) -> None:
    project, stages = await retainage_project(api, "10", ["1000.00", "1000.00"])
    nothing = await try_release(api, project)
    assert [(e["code"], e["field"]) for e in nothing["userErrors"]] == [
        ("EXCEEDS_RETAINAGE_HELD", ["projectId"])
    ]
    await progress_invoice(api, project, stages[:1])
    too_much = await try_release(api, project, amount="100.01")
    assert [(e["code"], e["field"]) for e in too_much["userErrors"]] == [
        ("EXCEEDS_RETAINAGE_HELD", ["amount"])
    ]
    none_held = await try_release(api, project, milestoneIds=stages[1:])
    assert none_held["userErrors"][0]["code"] == "EXCEEDS_RETAINAGE_HELD"
    unknown = await try_release(api, project, milestoneIds=[stages[0], "ms_nope"])
    assert [(e["code"], e["field"]) for e in unknown["userErrors"]] == [
        ("NOT_FOUND", ["milestoneIds", "1"])
    ]
    found = await project_retainage(api, project)
    assert found["balance"]["retainageHeld"] == "100.00"
    assert found["balance"]["retainageReleased"] == "0.00"


async def test_voiding_a_release_returns_the_amount_to_held(api: Api) -> None:
    project, stages = await retainage_project(api, "10", ["1000.00"])
    invoice = await progress_invoice(api, project, stages)
    released = await release(api, project)
    # The progress invoice's retainage was released: voiding it would leave held negative.
    refused = await void(api, invoice["id"])
    assert refused["userErrors"][0]["code"] == "INVALID_STATE"
    assert (await void(api, released["id"]))["userErrors"] == []
    found = await project_retainage(api, project)
    assert found["milestones"][0]["retainageHeld"] == "100.00"
    assert found["balance"]["retainageReleased"] == "0.00"
    assert (await void(api, invoice["id"]))["userErrors"] == []
    found = await project_retainage(api, project)
    assert found["milestones"][0]["retainageHeld"] == "0.00"
    assert found["balance"]["retainageHeld"] == "0.00"


async def test_the_demo_has_a_construction_project_with_a_pending_release(demo_api: Api) -> None:
    query = """{ projects(first: 100) { nodes { id name invoices(first: 10) {
        nodes { kind status total retainageAmount } } } } }"""
    projects = (await demo_api.gql(query))["projects"]["nodes"]
    [project] = [p for p in projects if p["name"] == "Warehouse fit-out"]
    invoices = project["invoices"]["nodes"]
    progress = [i for i in invoices if i["kind"] == "STANDARD"]
    assert sorted((i["status"], i["retainageAmount"]) for i in progress) == [
        ("PAID", "2500.00"),
        ("PAID", "3500.00"),
        ("PAID", "4000.00"),
    ]
    [pending] = [i for i in invoices if i["kind"] == "RETAINAGE_RELEASE"]
    assert pending == {
        "kind": "RETAINAGE_RELEASE",
        "status": "OPEN",
        "total": "10000.00",
        "retainageAmount": "0.00",
    }
    found = await project_retainage(demo_api, project["id"])
    assert found["retainagePercentage"] == "10.00"
    assert found["balance"]["retainageHeld"] == "0.00"
    assert found["balance"]["retainageReleased"] == "10000.00"
    assert [m["paid"] for m in found["milestones"]] == [False, False, False]
