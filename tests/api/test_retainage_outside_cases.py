"""Cases an outside tester found in retainage, kept on both backends: balance(asOf) on
retainage projects, a full credit of a discounted invoice, release messages in money, and a
release reporting every error of its input at once."""

from __future__ import annotations

from tests.api.credit_helpers import credit, line, try_credit
from tests.api.retainage_helpers import (
    invoice_of,
    progress_invoice,
    project_retainage,
    release,
    retainage_project,
    try_release,
)
from tests.api.test_payments import alloc, money_snapshot, pay
from tests.conftest import Api

PROJECT_AS_OF = """query($id: ID!, $asOf: Date!) {
  project(id: $id) { balance(asOf: $asOf) { invoicedAmount retainageHeld retainageReleased } }
}"""
CLIENT_AS_OF = """query($id: ID!, $asOf: Date!) {
  project(id: $id) { client { balance(asOf: $asOf) { currency invoicedAmount retainageHeld } } }
}"""
DISTRIBUTIONS = """query($id: ID!) {
  invoice(id: $id) { discount milestoneDistributions { lineAmount amount discount } }
}"""


async def test_balance_as_of_today_answers_on_retainage_projects(api: Api) -> None:
    today = api.clock.today().isoformat()
    empty, _ = await retainage_project(api, "0", [])
    found = await api.gql(PROJECT_AS_OF, {"id": empty, "asOf": today})
    assert found["project"]["balance"]["invoicedAmount"] == "0.00"
    project, stages = await retainage_project(api, "10", ["100.00"])
    await progress_invoice(api, project, stages)
    client = (await api.gql(CLIENT_AS_OF, {"id": project, "asOf": today}))["project"]["client"]
    assert client["balance"] == [
        {"currency": "USD", "invoicedAmount": "90.00", "retainageHeld": "10.00"}
    ]


async def test_crediting_a_discounted_invoice_in_full_leaves_no_retainage(api: Api) -> None:
    project, stages = await retainage_project(api, "10", ["1000.00"])
    invoice = await progress_invoice(
        api, project, stages, lines=[{"milestoneId": stages[0]}], discount="100.00"
    )
    assert (invoice["retainageAmount"], invoice["total"]) == ("100.00", "800.00")
    # The line really bills 900.00 (its 1,000.00 less the discount): that is all it can be
    # credited, and crediting all of it leaves nothing withheld and nothing to pay.
    over = await try_credit(api, invoice["id"], line("900.01", milestoneId=stages[0]))
    assert [(e["code"], e["field"]) for e in over["userErrors"]] == [
        ("EXCEEDS_CREDITABLE_AMOUNT", ["lines", "0", "amount"])
    ]
    note = await credit(api, invoice["id"], line("900.00", milestoneId=stages[0]))
    assert (note["appliedAmount"], note["unappliedAmount"]) == ("900.00", "0.00")
    after = await invoice_of(api, invoice["id"])
    assert (after["retainageAmount"], after["total"], after["status"]) == ("0.00", "900.00", "PAID")
    assert [line["retainageAmount"] for line in after["lines"]] == ["0.00"]
    assert (await project_retainage(api, project))["balance"]["retainageHeld"] == "0.00"
    found = (await api.gql(DISTRIBUTIONS, {"id": invoice["id"]}))["invoice"]
    assert found["milestoneDistributions"] == [
        {"lineAmount": "100.00", "amount": "0.00", "discount": "100.00"}
    ]


async def test_a_partial_credit_keeps_retainage_in_proportion_to_what_the_line_bills(
    api: Api,
) -> None:
    project, stages = await retainage_project(api, "10", ["1000.00", "3000.00"])
    invoice = await progress_invoice(api, project, stages, discount="360.00")
    # Retainage 100.00 + 300.00; the discount comes out of what each leaves due now (900.00
    # and 2,700.00): 90.00 and 270.00, so the first line bills 910.00.
    assert (invoice["retainageAmount"], invoice["total"]) == ("400.00", "3240.00")
    await credit(api, invoice["id"], line("455.00", milestoneId=stages[0]))
    after = await invoice_of(api, invoice["id"])
    # It keeps 100.00 * (910.00 - 455.00) / 910.00 = 50.00.
    assert [line["retainageAmount"] for line in after["lines"]] == ["50.00", "300.00"]
    assert (after["retainageAmount"], after["total"]) == ("350.00", "3290.00")
    await pay(api, alloc(invoice["id"], after["balanceDue"]))
    distributed = await api.gql(
        "mutation($id: ID!) { distributeMilestonePayment(input: {invoiceId: $id, "
        "proportional: true}) { userErrors { code } } }",
        {"id": invoice["id"]},
    )
    assert distributed["distributeMilestonePayment"]["userErrors"] == []
    found = (await api.gql(DISTRIBUTIONS, {"id": invoice["id"]}))["invoice"]
    discounts = sum(int(d["discount"].replace(".", "")) for d in found["milestoneDistributions"])
    assert discounts == 36000


async def test_a_release_beyond_what_is_held_names_the_money(api: Api) -> None:
    project, stages = await retainage_project(api, "10", ["500.00"])
    await progress_invoice(api, project, stages)
    refused = await try_release(api, project, amount="50.01")
    assert [(e["code"], e["message"]) for e in refused["userErrors"]] == [
        (
            "EXCEEDS_RETAINAGE_HELD",
            "The milestones hold 50.00 USD of retainage; a release cannot bill more.",
        )
    ]


async def test_a_release_reports_every_error_at_once_and_writes_nothing(api: Api) -> None:
    project, stages = await retainage_project(api, "10", ["100.00"])
    await progress_invoice(api, project, stages)
    before = await money_snapshot(api)
    ids = ["ms_nope", "bad", stages[0], stages[0]]
    refused = await try_release(api, project, milestoneIds=ids, amount="-5")
    assert refused["invoice"] is None
    assert sorted((e["field"], e["code"]) for e in refused["userErrors"]) == [
        (["amount"], "INVALID_AMOUNT"),
        (["milestoneIds", "0"], "NOT_FOUND"),
        (["milestoneIds", "1"], "NOT_FOUND"),
        (["milestoneIds", "3"], "INVALID"),
    ]
    assert await money_snapshot(api) == before


async def test_a_release_has_one_line_per_milestone_whose_share_is_above_0(api: Api) -> None:
    project, stages = await retainage_project(api, "10", ["100.00"] * 3)
    await progress_invoice(api, project, stages)
    invoice = await release(api, project, amount="0.01")
    assert [(line["amount"], line["releasedMilestone"]["id"]) for line in invoice["lines"]] == [
        ("0.01", stages[0])
    ]
