"""Distributing a paid invoice to its milestones, and the project balance, through /graphql
on both backends."""

from __future__ import annotations

from typing import Any

from tests.api.billing_helpers import (
    USER_ERRORS,
    add_milestone,
    create_invoice,
    create_project,
    errors,
    free_line,
    get_project,
    try_create_invoice,
)
from tests.api.test_payments import (
    DISTRIBUTION_FIELDS,
    alloc,
    free_invoice,
    invoice_money,
    money_snapshot,
    pay,
    reverse,
    try_pay,
    void,
)
from tests.conftest import ON_CITUS_TOO, Api

pytestmark = ON_CITUS_TOO

MILESTONE_MONEY = "id name amount amountInvoiced amountPaid discount paid status"

DISTRIBUTE = f"""
mutation($input: DistributeMilestonePaymentInput!) {{
  distributeMilestonePayment(input: $input) {{
    invoice {{
      id status distributionRequired
      milestoneDistributions {{ {DISTRIBUTION_FIELDS} }}
    }}
    milestones {{ {MILESTONE_MONEY} }}
    {USER_ERRORS}
  }}
}}"""

MILESTONES = f"""
query($id: ID!) {{ project(id: $id) {{ milestones {{ {MILESTONE_MONEY} }} }} }}"""


async def milestone_invoice(
    api: Api,
    *amounts: str,
    currency: str = "USD",
    discount: str | None = None,
    free: tuple[str, ...] = (),
    project_id: str | None = None,
) -> tuple[str, str, list[str]]:
    """Return (project id, invoice id, milestone ids) of an issued invoice with one milestone
    line per amount (each billing its milestone in full), after any free lines."""
    project_id = project_id or await create_project(api, currency=currency)
    milestone_ids = [
        (await add_milestone(api, project_id, name=f"Stage {i}", amount=amount))["id"]
        for i, amount in enumerate(amounts, start=1)
    ]
    lines = [free_line(amount) for amount in free]
    lines += [{"milestoneId": id_} for id_ in milestone_ids]
    invoice = await create_invoice(api, project_id, lines=lines, discount=discount)
    return project_id, str(invoice["id"]), milestone_ids


async def try_distribute(api: Api, invoice_id: str, **fields: Any) -> dict[str, Any]:
    data = await api.gql(DISTRIBUTE, {"input": {"invoiceId": invoice_id, **fields}})
    return dict(data["distributeMilestonePayment"])


async def distribute(api: Api, invoice_id: str, **fields: Any) -> dict[str, Any]:
    payload = await try_distribute(api, invoice_id, **fields)
    assert payload["userErrors"] == [], payload["userErrors"]
    return payload


def shares(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"milestoneId": milestone_id, "amount": amount} for milestone_id, amount in pairs]


async def milestones_of(api: Api, project_id: str) -> dict[str, dict[str, Any]]:
    data = await api.gql(MILESTONES, {"id": project_id})
    return {m["id"]: m for m in data["project"]["milestones"]}


def figures(milestone: dict[str, Any]) -> tuple[str, str, bool, str]:
    return milestone["amountPaid"], milestone["discount"], milestone["paid"], milestone["status"]


def by_milestone(distributions: list[dict[str, Any]]) -> dict[str, tuple[str, str, str]]:
    """Return {milestone id: (lineAmount, amount, discount)} (the list has no fixed order)."""
    return {
        d["milestone"]["id"]: (d["lineAmount"], d["amount"], d["discount"]) for d in distributions
    }


def in_line_order(distributions: list[dict[str, Any]], ids: list[str]) -> list[tuple[str, str]]:
    """Return (amount, discount) of each milestone in `ids` order."""
    found = by_milestone(distributions)
    return [found[id_][1:] for id_ in ids]


# --- automatic distribution of a single milestone line -------------------------------------


async def test_a_single_milestone_line_is_distributed_when_the_invoice_becomes_paid(
    api: Api,
) -> None:
    project_id, invoice_id, [milestone_id] = await milestone_invoice(api, "2500.00")
    await pay(api, alloc(invoice_id, "1000.00"))
    money = await invoice_money(api, invoice_id)
    assert money["status"] == "PARTIALLY_PAID"
    assert money["milestoneDistributions"] == [] and money["distributionRequired"] is False
    milestone = (await milestones_of(api, project_id))[milestone_id]
    assert figures(milestone) == ("0.00", "0.00", False, "INVOICED")

    await pay(api, alloc(invoice_id, "1500.00"))
    money = await invoice_money(api, invoice_id)
    assert money["status"] == "PAID"
    assert money["distributionRequired"] is False
    assert by_milestone(money["milestoneDistributions"]) == {
        milestone_id: ("2500.00", "2500.00", "0.00")
    }
    milestone = (await milestones_of(api, project_id))[milestone_id]
    assert figures(milestone) == ("2500.00", "0.00", True, "PAID")


async def test_a_single_milestone_line_gets_the_invoice_discount(api: Api) -> None:
    project_id, invoice_id, [milestone_id] = await milestone_invoice(
        api, "2500.00", discount="250.00"
    )
    await pay(api, alloc(invoice_id, "2250.00"))
    money = await invoice_money(api, invoice_id)
    assert (money["status"], money["total"]) == ("PAID", "2250.00")
    assert by_milestone(money["milestoneDistributions"]) == {
        milestone_id: ("2500.00", "2250.00", "250.00")
    }
    milestone = (await milestones_of(api, project_id))[milestone_id]
    assert figures(milestone) == ("2250.00", "250.00", True, "PAID")
    balance = (await get_project(api, project_id))["balance"]
    assert (balance["paidAmount"], balance["discountAmount"]) == ("2250.00", "250.00")


async def test_a_milestone_billed_in_part_is_partially_paid(api: Api) -> None:
    project_id = await create_project(api)
    milestone = await add_milestone(api, project_id, name="Build", amount="2500.00")
    invoice = await create_invoice(
        api, project_id, lines=[{"milestoneId": milestone["id"], "amount": "1000.00"}]
    )
    await pay(api, alloc(invoice["id"], "1000.00"))
    found = (await milestones_of(api, project_id))[milestone["id"]]
    assert figures(found) == ("1000.00", "0.00", False, "PARTIALLY_PAID")
    rest = await create_invoice(api, project_id, lines=[{"milestoneId": milestone["id"]}])
    await pay(api, alloc(rest["id"], "1500.00"))
    found = (await milestones_of(api, project_id))[milestone["id"]]
    assert figures(found) == ("2500.00", "0.00", True, "PAID")


async def test_a_free_line_and_one_milestone_line_settle_the_free_line_first(api: Api) -> None:
    project_id, invoice_id, [milestone_id] = await milestone_invoice(
        api, "1000.00", free=("500.00",), discount="200.00"
    )
    await pay(api, alloc(invoice_id, "1300.00"))
    money = await invoice_money(api, invoice_id)
    assert by_milestone(money["milestoneDistributions"]) == {
        milestone_id: ("1000.00", "800.00", "200.00")
    }
    assert figures((await milestones_of(api, project_id))[milestone_id]) == (
        "800.00",
        "200.00",
        True,
        "PAID",
    )


async def test_an_invoice_with_only_free_lines_needs_no_distribution(api: Api) -> None:
    project_id = await create_project(api)
    invoice_id = await free_invoice(api, project_id, "100.00")
    await pay(api, alloc(invoice_id, "100.00"))
    money = await invoice_money(api, invoice_id)
    assert (money["distributionRequired"], money["suggestedDistribution"]) == (False, [])
    assert money["milestoneDistributions"] == []
    payload = await try_distribute(api, invoice_id, proportional=True)
    assert errors(payload) == [(["invoiceId"], "INVALID")]


# --- suggestions ---------------------------------------------------------------------------


async def test_three_milestone_lines_with_a_discount_suggest_largest_remainder(api: Api) -> None:
    project_id, invoice_id, ids = await milestone_invoice(
        api, "1000.00", "1000.00", "1000.00", discount="100.00"
    )
    money = await invoice_money(api, invoice_id)
    assert (money["total"], money["distributionRequired"]) == ("2900.00", False)
    await pay(api, alloc(invoice_id, "2900.00"))
    money = await invoice_money(api, invoice_id)
    assert money["status"] == "PAID"
    assert money["distributionRequired"] is True
    assert money["milestoneDistributions"] == []
    suggested = money["suggestedDistribution"]
    assert [d["milestone"]["id"] for d in suggested] == ids  # in line order
    assert [(d["lineAmount"], d["amount"], d["discount"]) for d in suggested] == [
        ("1000.00", "966.67", "33.33"),
        ("1000.00", "966.67", "33.33"),
        ("1000.00", "966.66", "33.34"),
    ]
    # Nothing reaches the milestones until the payment is distributed.
    assert {figures(m) for m in (await milestones_of(api, project_id)).values()} == {
        ("0.00", "0.00", False, "INVOICED")
    }

    payload = await distribute(api, invoice_id, proportional=True)
    assert payload["invoice"]["distributionRequired"] is False
    assert in_line_order(payload["invoice"]["milestoneDistributions"], ids) == [
        ("966.67", "33.33"),
        ("966.67", "33.33"),
        ("966.66", "33.34"),
    ]
    assert [figures(m) for m in payload["milestones"]] == [
        ("966.67", "33.33", True, "PAID"),
        ("966.67", "33.33", True, "PAID"),
        ("966.66", "33.34", True, "PAID"),
    ]
    assert [m["id"] for m in payload["milestones"]] == ids
    money = await invoice_money(api, invoice_id)
    assert money["distributionRequired"] is False


async def test_yen_over_three_equal_lines_goes_to_the_earlier_lines_first(api: Api) -> None:
    project_id, invoice_id, ids = await milestone_invoice(
        api, "500", "500", "500", currency="JPY", discount="500"
    )
    await pay(api, alloc(invoice_id, "1000"))
    money = await invoice_money(api, invoice_id)
    assert [d["amount"] for d in money["suggestedDistribution"]] == ["334", "333", "333"]
    payload = await distribute(api, invoice_id, proportional=True)
    assert [figures(m) for m in payload["milestones"]] == [
        ("334", "166", True, "PAID"),
        ("333", "167", True, "PAID"),
        ("333", "167", True, "PAID"),
    ]
    assert list((await milestones_of(api, project_id)).keys()) == ids


# --- explicit distributions and their rules ------------------------------------------------


async def paid_three_line_invoice(api: Api) -> tuple[str, str, list[str]]:
    """Return a PAID invoice of three 1,000.00 milestone lines less a 100.00 discount."""
    project_id, invoice_id, ids = await milestone_invoice(
        api, "1000.00", "1000.00", "1000.00", discount="100.00"
    )
    await pay(api, alloc(invoice_id, "2900.00"))
    return project_id, invoice_id, ids


async def test_an_explicit_distribution(api: Api) -> None:
    project_id, invoice_id, ids = await paid_three_line_invoice(api)
    payload = await distribute(
        api,
        invoice_id,
        distributions=shares((ids[2], "1000.00"), (ids[0], "1000"), (ids[1], "900.00")),
    )
    assert in_line_order(payload["invoice"]["milestoneDistributions"], ids) == [
        ("1000.00", "0.00"),
        ("900.00", "100.00"),  # discount = line - allocated
        ("1000.00", "0.00"),
    ]
    found = await milestones_of(api, project_id)
    assert [figures(found[id_]) for id_ in ids] == [
        ("1000.00", "0.00", True, "PAID"),
        ("900.00", "100.00", True, "PAID"),  # paid = amountPaid + discount >= amount
        ("1000.00", "0.00", True, "PAID"),
    ]


async def test_a_milestone_may_get_nothing_and_all_of_it_as_discount(api: Api) -> None:
    project_id, invoice_id, ids = await milestone_invoice(
        api, "1000.00", "1000.00", discount="1000.00"
    )
    await pay(api, alloc(invoice_id, "1000.00"))
    payload = await distribute(
        api, invoice_id, distributions=shares((ids[0], "1000.00"), (ids[1], "0"))
    )
    assert [figures(m) for m in payload["milestones"]] == [
        ("1000.00", "0.00", True, "PAID"),
        ("0.00", "1000.00", True, "PAID"),
    ]


async def test_distributing_again_replaces_the_earlier_distribution(api: Api) -> None:
    project_id, invoice_id, ids = await paid_three_line_invoice(api)
    await distribute(
        api,
        invoice_id,
        distributions=shares((ids[0], "1000.00"), (ids[1], "900.00"), (ids[2], "1000.00")),
    )
    payload = await distribute(
        api,
        invoice_id,
        distributions=shares((ids[0], "950.00"), (ids[1], "950.00"), (ids[2], "1000.00")),
    )
    assert in_line_order(payload["invoice"]["milestoneDistributions"], ids) == [
        ("950.00", "50.00"),
        ("950.00", "50.00"),
        ("1000.00", "0.00"),
    ]
    assert len(payload["invoice"]["milestoneDistributions"]) == 3
    found = await milestones_of(api, project_id)
    assert [figures(found[id_])[:2] for id_ in ids] == [
        ("950.00", "50.00"),
        ("950.00", "50.00"),
        ("1000.00", "0.00"),
    ]
    await distribute(api, invoice_id, proportional=True)
    found = await milestones_of(api, project_id)
    assert [found[id_]["amountPaid"] for id_ in ids] == ["966.67", "966.67", "966.66"]
    assert len((await money_snapshot(api))["distributions"]) == 3


async def test_refused_distributions_write_nothing(api: Api, other_api: Api, subtests: Any) -> None:
    project_id, invoice_id, ids = await paid_three_line_invoice(api)
    await distribute(
        api,
        invoice_id,
        distributions=shares((ids[0], "1000.00"), (ids[1], "900.00"), (ids[2], "1000.00")),
    )
    # A milestone of the same project that is not on this invoice, and an unpaid invoice.
    _, open_invoice, [elsewhere] = await milestone_invoice(api, "700.00", project_id=project_id)
    _, partly_paid, _ = await milestone_invoice(api, "100.00", "200.00", project_id=project_id)
    await pay(api, alloc(partly_paid, "150.00"))
    _, theirs, _ = await milestone_invoice(other_api, "10.00", "20.00")
    await pay(other_api, alloc(theirs, "30.00"))
    before = await money_snapshot(api)
    theirs_before = await money_snapshot(other_api)
    good = {"0": (ids[0], "1000.00"), "1": (ids[1], "900.00"), "2": (ids[2], "1000.00")}

    def with_(**changes: tuple[str, str]) -> dict[str, Any]:
        return {"distributions": shares(*{**good, **changes}.values())}

    cases: list[tuple[str, str, dict[str, Any], list[str], str]] = [
        ("open", open_invoice, {"proportional": True}, ["invoiceId"], "INVALID_STATE"),
        ("partly paid", partly_paid, {"proportional": True}, ["invoiceId"], "INVALID_STATE"),
        ("unknown", "inv_doesnotexist", {"proportional": True}, ["invoiceId"], "NOT_FOUND"),
        ("another account's", theirs, {"proportional": True}, ["invoiceId"], "NOT_FOUND"),
        (
            "total too low",
            invoice_id,
            with_(**{"1": (ids[1], "899.99")}),
            ["distributions"],
            "DISTRIBUTION_TOTAL_MISMATCH",
        ),
        (
            "the undiscounted subtotal",
            invoice_id,
            with_(**{"1": (ids[1], "1000.00")}),
            ["distributions"],
            "DISTRIBUTION_TOTAL_MISMATCH",
        ),
        (
            "over its line",
            invoice_id,
            with_(**{"0": (ids[0], "1000.01"), "1": (ids[1], "899.99")}),
            ["distributions", "0", "amount"],
            "EXCEEDS_LINE_AMOUNT",
        ),
        (
            "a milestone not on the invoice",
            invoice_id,
            with_(**{"2": (elsewhere, "1000.00")}),
            ["distributions", "2", "milestoneId"],
            "NOT_FOUND",
        ),
        (
            "an unknown milestone",
            invoice_id,
            with_(**{"1": ("ms_doesnotexist", "900.00")}),
            ["distributions", "1", "milestoneId"],
            "NOT_FOUND",
        ),
        (
            "a missing milestone",
            invoice_id,
            {"distributions": shares((ids[0], "1000.00"), (ids[1], "1000.00"))},
            ["distributions"],
            "INVALID",
        ),
        (
            "a milestone twice",
            invoice_id,
            with_(**{"2": (ids[1], "1000.00")}),
            ["distributions", "2", "milestoneId"],
            "INVALID",
        ),
        (
            "a negative amount",
            invoice_id,
            with_(**{"1": (ids[1], "-900.00")}),
            ["distributions", "1", "amount"],
            "INVALID_AMOUNT",
        ),
        (
            "too many decimals",
            invoice_id,
            with_(**{"1": (ids[1], "900.001")}),
            ["distributions", "1", "amount"],
            "INVALID_AMOUNT",
        ),
        ("neither list nor proportional", invoice_id, {}, ["distributions"], "INVALID"),
        ("both", invoice_id, {**with_(), "proportional": True}, ["distributions"], "INVALID"),
    ]
    for name, target, fields, field, code in cases:
        with subtests.test(case=name):
            payload = await try_distribute(api, target, **fields)
            assert payload["invoice"] is None and payload["milestones"] == []
            assert errors(payload) == [(field, code)]
            assert await money_snapshot(api) == before
    assert await money_snapshot(other_api) == theirs_before
    # The earlier distribution is still in place.
    money = await invoice_money(api, invoice_id)
    assert in_line_order(money["milestoneDistributions"], ids) == [
        ("1000.00", "0.00"),
        ("900.00", "100.00"),
        ("1000.00", "0.00"),
    ]


async def test_free_lines_are_settled_first(api: Api) -> None:
    project_id, invoice_id, ids = await milestone_invoice(
        api, "1000.00", "1000.00", free=("500.00",), discount="300.00"
    )
    await pay(api, alloc(invoice_id, "2200.00"))
    money = await invoice_money(api, invoice_id)
    assert money["distributionRequired"] is True
    assert [(d["amount"], d["discount"]) for d in money["suggestedDistribution"]] == [
        ("850.00", "150.00"),
        ("850.00", "150.00"),
    ]
    before = await money_snapshot(api)
    for amounts, field, code in [
        (("1000.00", "1000.00"), ["distributions"], "DISTRIBUTION_TOTAL_MISMATCH"),
        (("1000.00", "1200.00"), ["distributions", "1", "amount"], "EXCEEDS_LINE_AMOUNT"),
        (("1000.00", "699.99"), ["distributions"], "DISTRIBUTION_TOTAL_MISMATCH"),
    ]:
        payload = await try_distribute(
            api, invoice_id, distributions=shares(*zip(ids, amounts, strict=True))
        )
        assert errors(payload) == [(field, code)], amounts
    assert await money_snapshot(api) == before
    payload = await distribute(
        api, invoice_id, distributions=shares((ids[0], "1000.00"), (ids[1], "700.00"))
    )
    assert [figures(m) for m in payload["milestones"]] == [
        ("1000.00", "0.00", True, "PAID"),
        ("700.00", "300.00", True, "PAID"),
    ]


async def test_free_lines_without_a_discount_leave_the_milestone_lines_in_full(
    api: Api,
) -> None:
    _, invoice_id, ids = await milestone_invoice(api, "1000.00", "1000.00", free=("500.00",))
    await pay(api, alloc(invoice_id, "2500.00"))
    payload = await try_distribute(
        api, invoice_id, distributions=shares((ids[0], "1250.00"), (ids[1], "1250.00"))
    )
    assert errors(payload) == [(["distributions", "0", "amount"], "EXCEEDS_LINE_AMOUNT")]
    payload = await distribute(api, invoice_id, proportional=True)
    assert [figures(m) for m in payload["milestones"]] == [
        ("1000.00", "0.00", True, "PAID"),
        ("1000.00", "0.00", True, "PAID"),
    ]


# --- reversal withdraws the distribution ---------------------------------------------------


async def test_a_reversal_that_leaves_the_invoice_unpaid_withdraws_its_distribution(
    api: Api,
) -> None:
    project_id, invoice_id, ids = await milestone_invoice(
        api, "1000.00", "1000.00", "1000.00", discount="100.00"
    )
    first = (await pay(api, alloc(invoice_id, "2000.00")))["allocations"][0]
    second = (await pay(api, alloc(invoice_id, "900.00")))["allocations"][0]
    await distribute(api, invoice_id, proportional=True)

    reversed_ = await reverse(api, second["id"])
    assert reversed_["invoice"]["status"] == "PARTIALLY_PAID"
    money = await invoice_money(api, invoice_id)
    assert money["milestoneDistributions"] == []
    assert money["distributionRequired"] is False
    found = await milestones_of(api, project_id)
    assert [figures(found[id_]) for id_ in ids] == [("0.00", "0.00", False, "INVOICED")] * 3
    payload = await try_distribute(api, invoice_id, proportional=True)
    assert errors(payload) == [(["invoiceId"], "INVALID_STATE")]

    # Paid again, the invoice needs distributing again.
    await pay(api, alloc(invoice_id, "900.00"))
    money = await invoice_money(api, invoice_id)
    assert (money["status"], money["distributionRequired"]) == ("PAID", True)
    assert money["milestoneDistributions"] == []
    await distribute(api, invoice_id, proportional=True)
    await reverse(api, first["id"])
    found = await milestones_of(api, project_id)
    assert [figures(found[id_]) for id_ in ids] == [("0.00", "0.00", False, "INVOICED")] * 3
    assert (await money_snapshot(api))["distributions"] == []


async def test_a_reversal_withdraws_an_automatic_distribution_and_payment_restores_it(
    api: Api,
) -> None:
    project_id, invoice_id, [milestone_id] = await milestone_invoice(api, "2500.00")
    allocation = (await pay(api, alloc(invoice_id, "2500.00")))["allocations"][0]
    assert figures((await milestones_of(api, project_id))[milestone_id])[3] == "PAID"
    await reverse(api, allocation["id"])
    found = (await milestones_of(api, project_id))[milestone_id]
    assert figures(found) == ("0.00", "0.00", False, "INVOICED")
    assert (await invoice_money(api, invoice_id))["milestoneDistributions"] == []
    await pay(api, alloc(invoice_id, "2500.00"))
    found = (await milestones_of(api, project_id))[milestone_id]
    assert figures(found) == ("2500.00", "0.00", True, "PAID")


# --- the project balance -------------------------------------------------------------------


async def test_project_balance_after_payments_distributions_and_time(api: Api) -> None:
    project_id = await create_project(api, contractValue="10000.00")
    m1 = (await add_milestone(api, project_id, name="Deposit", amount="2500.00"))["id"]
    m2 = (await add_milestone(api, project_id, name="Design", amount="2500.00"))["id"]
    m3 = (await add_milestone(api, project_id, name="Build", amount="2500.00"))["id"]
    m4 = (await add_milestone(api, project_id, name="Launch", amount="2500.00"))["id"]
    deposit = (await create_invoice(api, project_id, lines=[{"milestoneId": m1}]))["id"]
    design_build = (
        await create_invoice(
            api, project_id, lines=[{"milestoneId": m2}, {"milestoneId": m3}], discount="100.00"
        )
    )["id"]
    launch_part = (
        await create_invoice(api, project_id, lines=[{"milestoneId": m4, "amount": "1000.00"}])
    )["id"]
    extras = await free_invoice(api, project_id, "300.00")
    voided = await free_invoice(api, project_id, "999.00")
    assert (await try_pay(api, alloc(voided, "1.00")))["userErrors"] == []
    await reverse(api, (await invoice_money(api, voided))["allocations"][0]["id"])
    assert (await void(api, voided))["userErrors"] == []
    await create_invoice(
        api, project_id, lines=[{"milestoneId": m4, "amount": "500.00"}], issue=False
    )

    await pay(
        api, alloc(deposit, "2500.00"), alloc(design_build, "4900.00"), alloc(extras, "100.00")
    )
    await distribute(api, design_build, proportional=True)

    project = await get_project(api, project_id)
    assert project["balance"] == {
        "contractValue": "10000.00",
        "scheduledAmount": "10000.00",
        "invoicedAmount": "8700.00",  # 2,500 + 4,900 + 1,000 + 300; not the void or the draft
        "paidAmount": "7500.00",
        "discountAmount": "100.00",
        "outstandingAmount": "1200.00",  # invoiced - paid
        "overdueAmount": "0.00",
        "unbilledAmount": "1500.00",  # 10,000 - 2,500 - 5,000 - 1,000 on issued milestone lines
    }
    found = await milestones_of(api, project_id)
    assert [figures(found[id_]) for id_ in (m1, m2, m3, m4)] == [
        ("2500.00", "0.00", True, "PAID"),
        ("2450.00", "50.00", True, "PAID"),
        ("2450.00", "50.00", True, "PAID"),
        ("0.00", "0.00", False, "INVOICED"),
    ]

    api.clock.advance(days=14)  # due today: not overdue yet
    assert (await get_project(api, project_id))["balance"]["overdueAmount"] == "0.00"
    api.clock.advance(days=1)
    balance = (await get_project(api, project_id))["balance"]
    assert balance["overdueAmount"] == "1200.00"  # 1,000 on launch + 200 left on extras
    assert (await invoice_money(api, launch_part))["overdue"] is True
    assert (await invoice_money(api, deposit))["overdue"] is False

    await pay(api, alloc(launch_part, "400.00"))
    balance = (await get_project(api, project_id))["balance"]
    assert (balance["paidAmount"], balance["outstandingAmount"], balance["overdueAmount"]) == (
        "7900.00",
        "800.00",
        "800.00",
    )
    assert figures((await milestones_of(api, project_id))[m4]) == (
        "0.00",
        "0.00",
        False,
        "INVOICED",
    )
    await pay(api, alloc(launch_part, "600.00"), alloc(extras, "200.00"))
    balance = (await get_project(api, project_id))["balance"]
    assert (balance["paidAmount"], balance["outstandingAmount"], balance["overdueAmount"]) == (
        "8700.00",
        "0.00",
        "0.00",
    )
    assert figures((await milestones_of(api, project_id))[m4]) == (
        "1000.00",
        "0.00",
        False,
        "PARTIALLY_PAID",
    )


async def test_a_paid_invoice_that_requires_distribution_can_be_distributed(api: Api) -> None:
    project_id = await create_project(api)
    ids = [
        (await add_milestone(api, project_id, name=name, amount="100.00"))["id"]
        for name in ("Design", "Build")
    ]
    created = await try_create_invoice(
        api,
        project_id,
        lines=[free_line("500.00"), {"milestoneId": ids[0]}, {"milestoneId": ids[1]}],
        discount="300.00",
    )
    # Free lines are paid in full, so the discount cannot exceed the milestone lines.
    assert created["invoice"] is None
    assert errors(created) == [(["discount"], "INVALID_AMOUNT")]
    created = await try_create_invoice(
        api,
        project_id,
        lines=[free_line("500.00"), {"milestoneId": ids[0]}, {"milestoneId": ids[1]}],
        discount="150.00",
    )
    invoice_id = created["invoice"]["id"]
    await pay(api, alloc(invoice_id, "550.00"))
    money = await invoice_money(api, invoice_id)
    assert money["distributionRequired"]
    suggested = [(d["milestone"]["id"], d["amount"]) for d in money["suggestedDistribution"]]
    assert [amount for _, amount in suggested] == ["25.00", "25.00"]
    payload = await try_distribute(api, invoice_id, distributions=shares(*suggested))
    assert payload["userErrors"] == []
