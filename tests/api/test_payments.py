"""Payments and allocations through /graphql, on both backends: external and processor
payments, every allocation rule with its code, all or nothing, reversal, voiding, node()."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from db.tables import Allocation, Invoice, MilestoneDistribution, Payment
from tests.api.billing_helpers import (
    USER_ERRORS,
    VOID_INVOICE,
    create_invoice,
    create_project,
    errors,
    free_line,
    get_project,
)
from tests.conftest import Api

# --- documents and helpers (shared with the distribution, race and invariant tests) ---------

PAYMENT_FIELDS = """
id externalPayment transactionId method reference receivedOn currency amount attrs createdAt
allocations {
  id amount externalPayment transactionId attrs reversedAt reversalReason createdAt modifiedAt
  invoice { id status amountPaid balanceDue }
  payment { id }
}
"""

RECORD_EXTERNAL_PAYMENT = f"""
mutation($input: RecordExternalPaymentInput!) {{
  recordExternalPayment(input: $input) {{ payment {{ {PAYMENT_FIELDS} }} {USER_ERRORS} }}
}}"""

RECORD_PAYMENT = f"""
mutation($input: RecordPaymentInput!) {{
  recordPayment(input: $input) {{ payment {{ {PAYMENT_FIELDS} }} {USER_ERRORS} }}
}}"""

ALLOCATION_FIELDS = """
id amount externalPayment transactionId attrs reversedAt reversalReason createdAt modifiedAt
invoice { id status amountPaid balanceDue }
payment { id amount }
"""

REVERSE_ALLOCATION = f"""
mutation($id: ID!, $reason: String!) {{
  reverseAllocation(input: {{allocationId: $id, reason: $reason}}) {{
    allocation {{ {ALLOCATION_FIELDS} }} {USER_ERRORS}
  }}
}}"""

DISTRIBUTION_FIELDS = "lineAmount amount discount milestone { id }"

INVOICE_MONEY = f"""
query($id: ID!) {{
  invoice(id: $id) {{
    id number status currency total discount amountPaid balanceDue overdue
    distributionRequired
    suggestedDistribution {{ {DISTRIBUTION_FIELDS} }}
    milestoneDistributions {{ {DISTRIBUTION_FIELDS} }}
    allocations {{ id amount reversedAt reversalReason payment {{ id amount }} }}
  }}
}}"""


def alloc(invoice_id: str, amount: Any) -> dict[str, Any]:
    return {"invoiceId": invoice_id, "amount": amount}


async def try_pay(
    api: Api, *allocations: dict[str, Any], method: str = "CHECK", **fields: Any
) -> dict[str, Any]:
    """Return the recordExternalPayment payload, success or not."""
    data = await api.gql(
        RECORD_EXTERNAL_PAYMENT,
        {"input": {"method": method, "allocations": list(allocations), **fields}},
    )
    return dict(data["recordExternalPayment"])


async def pay(api: Api, *allocations: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """Return an external payment that must be recorded without userErrors."""
    payload = await try_pay(api, *allocations, **fields)
    assert payload["userErrors"] == [], payload["userErrors"]
    return dict(payload["payment"])


async def try_processor_pay(
    api: Api, transaction_id: Any, *allocations: dict[str, Any], **fields: Any
) -> dict[str, Any]:
    """Return the recordPayment payload, success or not."""
    data = await api.gql(
        RECORD_PAYMENT,
        {
            "input": {
                "transactionId": transaction_id,
                "allocations": list(allocations),
                **fields,
            }
        },
    )
    return dict(data["recordPayment"])


async def try_reverse(
    api: Api, allocation_id: str, reason: str = "Cheque bounced"
) -> dict[str, Any]:
    data = await api.gql(REVERSE_ALLOCATION, {"id": allocation_id, "reason": reason})
    return dict(data["reverseAllocation"])


async def reverse(api: Api, allocation_id: str, reason: str = "Cheque bounced") -> dict[str, Any]:
    payload = await try_reverse(api, allocation_id, reason)
    assert payload["userErrors"] == [], payload["userErrors"]
    return dict(payload["allocation"])


async def invoice_money(api: Api, invoice_id: str) -> dict[str, Any]:
    return dict((await api.gql(INVOICE_MONEY, {"id": invoice_id}))["invoice"])


async def free_invoice(api: Api, project_id: str, amount: str = "1000.00", **fields: Any) -> str:
    """Return the id of an issued invoice with one free line of `amount`."""
    invoice = await create_invoice(api, project_id, lines=[free_line(amount)], **fields)
    return str(invoice["id"])


async def void(api: Api, invoice_id: str) -> dict[str, Any]:
    return dict((await api.gql(VOID_INVOICE, {"id": invoice_id}))["voidInvoice"])


async def money_snapshot(api: Api) -> dict[str, Any]:
    """Return every payment-related row of the account: what a refusal must leave as it was."""
    p = Payment.__table__.c  # type: ignore[attr-defined]
    a = Allocation.__table__.c  # type: ignore[attr-defined]
    i = Invoice.__table__.c  # type: ignore[attr-defined]
    d = MilestoneDistribution.__table__.c  # type: ignore[attr-defined]
    async with api.engine.connect() as connection:

        async def rows(*columns: Any, where: Any, order: Any) -> list[tuple[Any, ...]]:
            result = await connection.execute(select(*columns).where(where).order_by(*order))
            return [tuple(row) for row in result]

        return {
            "payments": await rows(
                p.id, p.amount, p.transaction_id, where=p.account_id == api.account_id, order=[p.id]
            ),
            "allocations": await rows(
                a.id,
                a.invoice_id,
                a.amount,
                a.reversed_at,
                a.reversal_reason,
                where=a.account_id == api.account_id,
                order=[a.id],
            ),
            "invoices": await rows(
                i.id, i.status, i.amount_paid, where=i.account_id == api.account_id, order=[i.id]
            ),
            "distributions": await rows(
                d.invoice_id,
                d.milestone_id,
                d.amount,
                d.discount,
                where=d.account_id == api.account_id,
                order=[d.invoice_id, d.milestone_id],
            ),
        }


# --- external and processor payments -------------------------------------------------------


async def test_an_external_payment_has_no_transaction_id(api: Api, subtests: Any) -> None:
    project_id = await create_project(api)
    invoice_id = await free_invoice(api, project_id)
    for paid, method in enumerate(["CHECK", "CASH", "WIRE", "ACH", "OTHER"], start=1):
        with subtests.test(method=method):
            payment = await pay(
                api,
                alloc(invoice_id, "100.00"),
                method=method,
                reference="CHK-1042" if method == "CHECK" else None,
                attrs={"batch": 7, "note": "instalment"},
            )
            assert payment["id"].startswith("pay_")
            assert payment["externalPayment"] is True
            assert payment["transactionId"] is None
            assert payment["method"] == method
            assert payment["reference"] == ("CHK-1042" if method == "CHECK" else None)
            assert payment["receivedOn"] == "2026-03-02"  # defaults to the clock's today
            assert (payment["currency"], payment["amount"]) == ("USD", "100.00")
            assert payment["attrs"] == {"batch": 7, "note": "instalment"}
            [allocation] = payment["allocations"]
            assert allocation["id"].startswith("item_")
            assert allocation["amount"] == "100.00"
            assert allocation["externalPayment"] is True
            assert allocation["transactionId"] is None
            assert allocation["attrs"] == {"batch": 7, "note": "instalment"}
            assert allocation["reversedAt"] is None and allocation["reversalReason"] is None
            assert allocation["payment"] == {"id": payment["id"]}
            assert allocation["invoice"] == {
                "id": invoice_id,
                "status": "PARTIALLY_PAID",
                "amountPaid": f"{paid}00.00",
                "balanceDue": f"{10 - paid}00.00",
            }


async def test_an_external_payment_keeps_its_received_on_date(api: Api) -> None:
    project_id = await create_project(api)
    invoice_id = await free_invoice(api, project_id)
    payment = await pay(api, alloc(invoice_id, "1000.00"), method="WIRE", receivedOn="2026-02-27")
    assert payment["receivedOn"] == "2026-02-27"
    assert payment["allocations"][0]["invoice"]["status"] == "PAID"


async def test_an_external_payment_given_a_transaction_id_is_refused(api: Api) -> None:
    project_id = await create_project(api)
    invoice_id = await free_invoice(api, project_id)
    before = await money_snapshot(api)
    payload = await try_pay(api, alloc(invoice_id, "100.00"), transactionId="txn_abc123")
    assert payload["payment"] is None
    assert errors(payload) == [(["transactionId"], "TRANSACTION_ID_NOT_ALLOWED")]
    assert await money_snapshot(api) == before


async def test_card_is_not_an_external_method(api: Api) -> None:
    project_id = await create_project(api)
    invoice_id = await free_invoice(api, project_id)
    before = await money_snapshot(api)
    payload = await try_pay(api, alloc(invoice_id, "100.00"), method="CARD")
    assert payload["payment"] is None
    assert errors(payload) == [(["method"], "INVALID")]
    assert await money_snapshot(api) == before


async def test_a_processor_payment_carries_its_transaction_id(api: Api) -> None:
    project_id = await create_project(api)
    invoice_id = await free_invoice(api, project_id)
    payload = await try_processor_pay(
        api, "txn_1Pq9ZxAbC", alloc(invoice_id, "1000.00"), attrs={"processor": "stripe"}
    )
    assert payload["userErrors"] == []
    payment = payload["payment"]
    assert payment["externalPayment"] is False
    assert payment["transactionId"] == "txn_1Pq9ZxAbC"
    assert payment["method"] == "CARD"  # the default for a processor payment
    [allocation] = payment["allocations"]
    assert allocation["externalPayment"] is False
    assert allocation["transactionId"] == "txn_1Pq9ZxAbC"
    assert allocation["attrs"] == {"processor": "stripe"}
    assert allocation["invoice"]["status"] == "PAID"
    assert allocation["invoice"]["balanceDue"] == "0.00"


async def test_a_processor_payment_may_name_another_method(api: Api) -> None:
    project_id = await create_project(api)
    invoice_id = await free_invoice(api, project_id)
    payload = await try_processor_pay(api, "txn_ach42", alloc(invoice_id, "10.00"), method="ACH")
    assert payload["userErrors"] == []
    assert payload["payment"]["method"] == "ACH"
    assert payload["payment"]["externalPayment"] is False


async def test_a_processor_payment_needs_a_well_formed_transaction_id(
    api: Api, subtests: Any
) -> None:
    project_id = await create_project(api)
    invoice_id = await free_invoice(api, project_id)
    before = await money_snapshot(api)
    cases = [
        ("", "TRANSACTION_ID_REQUIRED"),
        ("abc", "INVALID"),
        ("txn_!!", "INVALID"),
        ("txn_", "INVALID"),
        ("TXN_abc", "INVALID"),
        ("txn_abc def", "INVALID"),
        ("txn_" + "a" * 200, "INVALID"),
    ]
    for transaction_id, code in cases:
        with subtests.test(transaction_id=transaction_id[:20]):
            payload = await try_processor_pay(api, transaction_id, alloc(invoice_id, "100.00"))
            assert payload["payment"] is None
            assert errors(payload) == [(["transactionId"], code)]
            assert await money_snapshot(api) == before


@pytest.mark.parametrize("absent", ["omitted", "null"])
async def test_a_processor_payment_without_a_transaction_id_is_transaction_id_required(
    api: Api, absent: str
) -> None:
    project_id = await create_project(api)
    invoice_id = await free_invoice(api, project_id)
    payment_input: dict[str, Any] = {"allocations": [alloc(invoice_id, "100.00")]}
    if absent == "null":
        payment_input["transactionId"] = None
    response = await api.post(RECORD_PAYMENT, {"input": payment_input})
    assert response.status_code == 200
    body = response.json()
    assert not body.get("errors"), body["errors"]
    payload = body["data"]["recordPayment"]
    assert errors(payload) == [(["transactionId"], "TRANSACTION_ID_REQUIRED")]


async def test_a_duplicate_transaction_id_is_refused(api: Api) -> None:
    project_id = await create_project(api)
    invoice_id = await free_invoice(api, project_id)
    first = await try_processor_pay(api, "txn_dup1", alloc(invoice_id, "100.00"))
    assert first["userErrors"] == []
    before = await money_snapshot(api)
    again = await try_processor_pay(api, "txn_dup1", alloc(invoice_id, "100.00"))
    assert again["payment"] is None
    assert errors(again) == [(["transactionId"], "TRANSACTION_ID_TAKEN")]
    assert first["payment"]["id"] in again["userErrors"][0]["message"]
    assert await money_snapshot(api) == before
    assert (await invoice_money(api, invoice_id))["amountPaid"] == "100.00"


async def test_transaction_ids_are_unique_per_account(api: Api, other_api: Api) -> None:
    mine = await free_invoice(api, await create_project(api))
    theirs = await free_invoice(other_api, await create_project(other_api))
    assert (await try_processor_pay(api, "txn_shared", alloc(mine, "1.00")))["userErrors"] == []
    payload = await try_processor_pay(other_api, "txn_shared", alloc(theirs, "1.00"))
    assert payload["userErrors"] == []


async def test_a_payment_in_yen_has_no_decimals(api: Api) -> None:
    project_id = await create_project(api, currency="JPY")
    invoice_id = await free_invoice(api, project_id, "5400")
    payment = await pay(api, alloc(invoice_id, "400"))
    assert (payment["currency"], payment["amount"]) == ("JPY", "400")
    assert payment["allocations"][0]["invoice"]["balanceDue"] == "5000"
    payload = await try_pay(api, alloc(invoice_id, "1.5"))
    assert errors(payload) == [(["allocations", "0", "amount"], "INVALID_AMOUNT")]


async def test_a_read_key_cannot_record_a_payment(api: Api) -> None:
    project_id = await create_project(api)
    invoice_id = await free_invoice(api, project_id)
    before = await money_snapshot(api)
    response = await api.post(
        RECORD_EXTERNAL_PAYMENT,
        {"input": {"method": "CASH", "allocations": [alloc(invoice_id, "1.00")]}},
        key="read",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await money_snapshot(api) == before


async def test_a_retried_payment_with_the_same_idempotency_key_is_recorded_once(api: Api) -> None:
    project_id = await create_project(api)
    invoice_id = await free_invoice(api, project_id)
    first = await pay(api, alloc(invoice_id, "300.00"), idempotencyKey="cheque-1042")
    again = await pay(api, alloc(invoice_id, "300.00"), idempotencyKey="cheque-1042")
    assert again["id"] == first["id"]
    money = await invoice_money(api, invoice_id)
    assert (money["amountPaid"], money["balanceDue"]) == ("300.00", "700.00")
    assert len(money["allocations"]) == 1
    before = await money_snapshot(api)
    changed = await try_pay(api, alloc(invoice_id, "301.00"), idempotencyKey="cheque-1042")
    assert errors(changed) == [(["idempotencyKey"], "IDEMPOTENCY_KEY_REUSED")]
    assert await money_snapshot(api) == before


async def test_a_reference_longer_than_200_characters_is_refused(api: Api) -> None:
    project_id = await create_project(api)
    invoice_id = await free_invoice(api, project_id)
    before = await money_snapshot(api)
    payload = await try_pay(api, alloc(invoice_id, "1.00"), reference="r" * 201)
    assert errors(payload) == [(["reference"], "INVALID")]
    assert await money_snapshot(api) == before


# --- a cheque split across two invoices ----------------------------------------------------


async def test_a_cheque_split_across_two_invoices(api: Api) -> None:
    project_id = await create_project(api)
    first = await free_invoice(api, project_id, "1000.00")
    second = await free_invoice(api, project_id, "500.00")
    assert (await invoice_money(api, first))["status"] == "OPEN"

    cheque = await pay(
        api, alloc(first, "400.00"), alloc(second, "500.00"), method="CHECK", reference="1042"
    )
    assert cheque["amount"] == "900.00"  # the sum of its allocations
    # A payment's allocations made at one instant come back in id order, not input order.
    assert sorted((a["invoice"]["id"], a["amount"]) for a in cheque["allocations"]) == sorted(
        [(first, "400.00"), (second, "500.00")]
    )
    assert {a["payment"]["id"] for a in cheque["allocations"]} == {cheque["id"]}
    one, two = await invoice_money(api, first), await invoice_money(api, second)
    assert (one["status"], one["amountPaid"], one["balanceDue"]) == (
        "PARTIALLY_PAID",
        "400.00",
        "600.00",
    )
    assert (two["status"], two["amountPaid"], two["balanceDue"]) == ("PAID", "500.00", "0.00")
    assert [a["payment"]["id"] for a in one["allocations"]] == [cheque["id"]]

    balance = (await get_project(api, project_id))["balance"]
    assert (balance["invoicedAmount"], balance["paidAmount"], balance["outstandingAmount"]) == (
        "1500.00",
        "900.00",
        "600.00",
    )

    api.clock.advance(hours=1)
    rest = await pay(api, alloc(first, "600.00"), method="WIRE")
    assert rest["amount"] == "600.00"
    one = await invoice_money(api, first)
    assert (one["status"], one["amountPaid"], one["balanceDue"]) == ("PAID", "1000.00", "0.00")
    assert [a["payment"]["id"] for a in one["allocations"]] == [cheque["id"], rest["id"]]
    balance = (await get_project(api, project_id))["balance"]
    assert (balance["paidAmount"], balance["outstandingAmount"]) == ("1500.00", "0.00")
    assert len((await money_snapshot(api))["allocations"]) == 3


# --- every allocation rule, and nothing written --------------------------------------------


async def rule_world(api: Api) -> dict[str, str]:
    """Return invoice ids in every state a payment can meet (all in USD but `eur`)."""
    project_id = await create_project(api)
    world = {
        "open": await free_invoice(api, project_id, "1000.00"),
        "other_open": await free_invoice(api, project_id, "500.00"),
        "paid": await free_invoice(api, project_id, "200.00"),
        "void": await free_invoice(api, project_id, "300.00"),
        "draft": await free_invoice(api, project_id, "400.00", issue=False),
        "eur": await free_invoice(api, await create_project(api, currency="EUR"), "100.00"),
    }
    await pay(api, alloc(world["paid"], "200.00"))
    assert (await void(api, world["void"]))["userErrors"] == []
    return world


AllocationsOf = Callable[[dict[str, str]], list[dict[str, Any]]]

ALLOCATION_RULES: list[tuple[str, AllocationsOf, list[str], str]] = [
    ("zero", lambda w: [alloc(w["open"], "0")], ["allocations", "0", "amount"], "INVALID_AMOUNT"),
    (
        "zero with decimals",
        lambda w: [alloc(w["open"], "0.00")],
        ["allocations", "0", "amount"],
        "INVALID_AMOUNT",
    ),
    (
        "negative",
        lambda w: [alloc(w["open"], "-5.00")],
        ["allocations", "0", "amount"],
        "INVALID_AMOUNT",
    ),
    (
        "too many decimals",
        lambda w: [alloc(w["open"], "10.001")],
        ["allocations", "0", "amount"],
        "INVALID_AMOUNT",
    ),
    (
        "exponent form",
        lambda w: [alloc(w["open"], "1e2")],
        ["allocations", "0", "amount"],
        "INVALID_AMOUNT",
    ),
    ("NaN", lambda w: [alloc(w["open"], "NaN")], ["allocations", "0", "amount"], "INVALID_AMOUNT"),
    (
        "a float",
        lambda w: [alloc(w["open"], 12.5)],
        ["allocations", "0", "amount"],
        "INVALID_AMOUNT",
    ),
    (
        "over the balance due",
        lambda w: [alloc(w["open"], "1000.01")],
        ["allocations", "0", "amount"],
        "EXCEEDS_BALANCE_DUE",
    ),
    (
        "a draft",
        lambda w: [alloc(w["draft"], "1.00")],
        ["allocations", "0", "invoiceId"],
        "INVALID_STATE",
    ),
    (
        "a void invoice",
        lambda w: [alloc(w["void"], "1.00")],
        ["allocations", "0", "invoiceId"],
        "INVALID_STATE",
    ),
    (
        "a paid invoice",
        lambda w: [alloc(w["paid"], "1.00")],
        ["allocations", "0", "invoiceId"],
        "INVALID_STATE",
    ),
    (
        "two currencies",
        lambda w: [alloc(w["open"], "1.00"), alloc(w["eur"], "1.00")],
        ["allocations", "1", "invoiceId"],
        "CURRENCY_MISMATCH",
    ),
    (
        "the same invoice twice",
        lambda w: [alloc(w["open"], "1.00"), alloc(w["open"], "2.00")],
        ["allocations", "1", "invoiceId"],
        "DUPLICATE_INVOICE",
    ),
    (
        "an unknown invoice",
        lambda w: [alloc("inv_doesnotexist", "1.00")],
        ["allocations", "0", "invoiceId"],
        "NOT_FOUND",
    ),
    (
        "a malformed invoice id",
        lambda w: [alloc("nonsense", "1.00")],
        ["allocations", "0", "invoiceId"],
        "NOT_FOUND",
    ),
    ("no allocation", lambda w: [], ["clientId"], "INVALID"),
    (
        "over 100 allocations",
        lambda w: [alloc(f"inv_{i}", "1.00") for i in range(101)],
        ["allocations"],
        "INVALID",
    ),
    (
        "the 2nd over its balance",
        lambda w: [alloc(w["open"], "100.00"), alloc(w["other_open"], "500.01")],
        ["allocations", "1", "amount"],
        "EXCEEDS_BALANCE_DUE",
    ),
    (
        "the 2nd not found",
        lambda w: [alloc(w["open"], "100.00"), alloc("inv_unknown", "1.00")],
        ["allocations", "1", "invoiceId"],
        "NOT_FOUND",
    ),
    (
        "the 2nd paid",
        lambda w: [alloc(w["open"], "100.00"), alloc(w["paid"], "1.00")],
        ["allocations", "1", "invoiceId"],
        "INVALID_STATE",
    ),
    (
        "the 3rd a draft",
        lambda w: [
            alloc(w["open"], "100.00"),
            alloc(w["other_open"], "100.00"),
            alloc(w["draft"], "0"),
        ],
        ["allocations", "2", "invoiceId"],
        "INVALID_STATE",
    ),
]


async def test_a_payment_breaking_an_allocation_rule_is_refused_and_writes_nothing(
    api: Api, subtests: Any
) -> None:
    world = await rule_world(api)
    before = await money_snapshot(api)
    for name, allocations_of, field, code in ALLOCATION_RULES:
        with subtests.test(rule=name):
            payload = await try_pay(api, *allocations_of(world))
            assert payload["payment"] is None
            assert errors(payload) == [(field, code)]
            assert await money_snapshot(api) == before
            # The processor route applies the same rules.
            payload = await try_processor_pay(api, "txn_rules1", *allocations_of(world))
            assert errors(payload) == [(field, code)]
            assert await money_snapshot(api) == before


async def test_a_payment_may_take_the_whole_balance_due_exactly(api: Api) -> None:
    world = await rule_world(api)
    payment = await pay(api, alloc(world["open"], "1000.00"), alloc(world["other_open"], "0.01"))
    assert payment["amount"] == "1000.01"
    money = await invoice_money(api, world["open"])
    assert (money["status"], money["balanceDue"]) == ("PAID", "0.00")
    assert (await invoice_money(api, world["other_open"]))["balanceDue"] == "499.99"


async def test_all_or_nothing_leaves_the_first_invoice_untouched(api: Api) -> None:
    project_id = await create_project(api)
    first = await free_invoice(api, project_id, "1000.00")
    second = await free_invoice(api, project_id, "500.00")
    await pay(api, alloc(second, "450.00"))  # 50.00 left on the second
    before = await money_snapshot(api)
    payload = await try_pay(api, alloc(first, "1000.00"), alloc(second, "50.01"))
    assert errors(payload) == [(["allocations", "1", "amount"], "EXCEEDS_BALANCE_DUE")]
    assert await money_snapshot(api) == before
    money = await invoice_money(api, first)
    assert (money["status"], money["amountPaid"], money["allocations"]) == ("OPEN", "0.00", [])


async def test_another_accounts_invoice_is_not_found(api: Api, other_api: Api) -> None:
    theirs = await free_invoice(other_api, await create_project(other_api))
    mine = await free_invoice(api, await create_project(api))
    before, theirs_before = await money_snapshot(api), await money_snapshot(other_api)
    payload = await try_pay(api, alloc(mine, "10.00"), alloc(theirs, "10.00"))
    assert errors(payload) == [(["allocations", "1", "invoiceId"], "NOT_FOUND")]
    assert await money_snapshot(api) == before
    assert await money_snapshot(other_api) == theirs_before


async def test_bad_attrs_are_refused_and_write_nothing(api: Api, subtests: Any) -> None:
    project_id = await create_project(api)
    invoice_id = await free_invoice(api, project_id)
    before = await money_snapshot(api)
    cases: list[tuple[Any, str]] = [
        ({"note": "x" * 300}, "ATTRS_TOO_LONG"),
        ({f"k{i}": i for i in range(40)}, "ATTRS_TOO_LONG"),
        ([1, 2, 3], "INVALID"),
        ("a string", "INVALID"),
        (42, "INVALID"),
        (True, "INVALID"),
    ]
    for attrs, code in cases:
        with subtests.test(attrs=str(attrs)[:20]):
            payload = await try_pay(api, alloc(invoice_id, "10.00"), attrs=attrs)
            assert payload["payment"] is None
            assert errors(payload) == [(["attrs"], code)]
            payload = await try_processor_pay(
                api, "txn_attrs1", alloc(invoice_id, "10.00"), attrs=attrs
            )
            assert errors(payload) == [(["attrs"], code)]
            assert await money_snapshot(api) == before


async def test_attrs_of_exactly_255_characters_are_accepted(api: Api) -> None:
    project_id = await create_project(api)
    invoice_id = await free_invoice(api, project_id)
    attrs = {"note": "x" * (255 - len('{"note":""}'))}
    assert len(json.dumps(attrs, separators=(",", ":"))) == 255
    payment = await pay(api, alloc(invoice_id, "10.00"), attrs=attrs)
    assert payment["attrs"] == attrs
    too_long = {"note": attrs["note"] + "x"}
    payload = await try_pay(api, alloc(invoice_id, "10.00"), attrs=too_long)
    assert errors(payload) == [(["attrs"], "ATTRS_TOO_LONG")]


# --- reversal ------------------------------------------------------------------------------


async def test_reversing_allocations_restores_balance_and_status(api: Api) -> None:
    project_id = await create_project(api)
    invoice_id = await free_invoice(api, project_id)
    first = (await pay(api, alloc(invoice_id, "600.00")))["allocations"][0]
    api.clock.advance(hours=1)
    second_payment = await pay(api, alloc(invoice_id, "400.00"))
    second = second_payment["allocations"][0]
    assert second["invoice"]["status"] == "PAID"

    api.clock.advance(days=3)
    reversed_ = await reverse(api, second["id"], "  Cheque bounced  ")
    assert reversed_["id"] == second["id"]
    assert reversed_["reversedAt"].startswith("2026-03-05T10:00:00")
    assert reversed_["reversalReason"] == "Cheque bounced"
    assert reversed_["createdAt"].startswith("2026-03-02T10:00:00")
    assert reversed_["modifiedAt"].startswith("2026-03-05T10:00:00")
    assert reversed_["amount"] == "400.00"
    assert reversed_["invoice"] == {
        "id": invoice_id,
        "status": "PARTIALLY_PAID",
        "amountPaid": "600.00",
        "balanceDue": "400.00",
    }
    assert reversed_["payment"] == {"id": second_payment["id"], "amount": "400.00"}

    reversed_ = await reverse(api, first["id"], "Wire recalled")
    assert reversed_["invoice"]["status"] == "OPEN"
    assert reversed_["invoice"]["balanceDue"] == "1000.00"

    # Never deleted: both are still listed, marked reversed.
    money = await invoice_money(api, invoice_id)
    assert [(a["id"], a["reversalReason"]) for a in money["allocations"]] == [
        (first["id"], "Wire recalled"),
        (second["id"], "Cheque bounced"),
    ]
    assert all(a["reversedAt"] for a in money["allocations"])
    snapshot = await money_snapshot(api)
    assert len(snapshot["payments"]) == 2 and len(snapshot["allocations"]) == 2
    query = f"query($id: ID!) {{ payment(id: $id) {{ {PAYMENT_FIELDS} }} }}"
    payment = (await api.gql(query, {"id": second_payment["id"]}))["payment"]
    assert payment["allocations"][0]["reversalReason"] == "Cheque bounced"

    # The restored balance can be paid again.
    again = await pay(api, alloc(invoice_id, "1000.00"))
    assert again["allocations"][0]["invoice"]["status"] == "PAID"
    balance = (await get_project(api, project_id))["balance"]
    assert (balance["paidAmount"], balance["outstandingAmount"]) == ("1000.00", "0.00")


async def test_reversing_a_paid_invoice_partially_restores_partially_paid(api: Api) -> None:
    project_id = await create_project(api)
    invoice_id = await free_invoice(api, project_id, "100.00")
    await pay(api, alloc(invoice_id, "99.99"))
    last = (await pay(api, alloc(invoice_id, "0.01")))["allocations"][0]
    assert last["invoice"]["status"] == "PAID"
    reversed_ = await reverse(api, last["id"])
    assert (reversed_["invoice"]["status"], reversed_["invoice"]["balanceDue"]) == (
        "PARTIALLY_PAID",
        "0.01",
    )


async def test_reversing_one_allocation_of_a_split_payment_leaves_the_other(api: Api) -> None:
    project_id = await create_project(api)
    first = await free_invoice(api, project_id, "1000.00")
    second = await free_invoice(api, project_id, "500.00")
    cheque = await pay(api, alloc(first, "1000.00"), alloc(second, "500.00"))
    on_second = next(a for a in cheque["allocations"] if a["invoice"]["id"] == second)
    await reverse(api, on_second["id"])
    assert (await invoice_money(api, first))["status"] == "PAID"
    assert (await invoice_money(api, second))["status"] == "OPEN"
    balance = (await get_project(api, project_id))["balance"]
    assert (balance["paidAmount"], balance["outstandingAmount"]) == ("1000.00", "500.00")


async def test_reversing_twice_is_refused(api: Api) -> None:
    project_id = await create_project(api)
    invoice_id = await free_invoice(api, project_id)
    allocation = (await pay(api, alloc(invoice_id, "100.00")))["allocations"][0]
    await reverse(api, allocation["id"])
    before = await money_snapshot(api)
    payload = await try_reverse(api, allocation["id"], "Again")
    assert payload["allocation"] is None
    assert errors(payload) == [(["allocationId"], "INVALID_STATE")]
    assert await money_snapshot(api) == before
    assert (await invoice_money(api, invoice_id))["amountPaid"] == "0.00"


async def test_a_reversal_needs_a_reason(api: Api, subtests: Any) -> None:
    project_id = await create_project(api)
    invoice_id = await free_invoice(api, project_id)
    allocation = (await pay(api, alloc(invoice_id, "100.00")))["allocations"][0]
    before = await money_snapshot(api)
    for reason in ["", "   ", "r" * 501]:
        with subtests.test(reason=reason[:10]):
            payload = await try_reverse(api, allocation["id"], reason)
            assert payload["allocation"] is None
            assert errors(payload) == [(["reason"], "INVALID")]
            assert await money_snapshot(api) == before


async def test_reversing_an_unknown_or_another_accounts_allocation_is_not_found(
    api: Api, other_api: Api
) -> None:
    theirs_invoice = await free_invoice(other_api, await create_project(other_api))
    theirs = (await pay(other_api, alloc(theirs_invoice, "100.00")))["allocations"][0]
    theirs_before = await money_snapshot(other_api)
    for allocation_id in (theirs["id"], "item_doesnotexist", "pay_wrongkind"):
        payload = await try_reverse(api, allocation_id)
        assert payload["allocation"] is None
        assert errors(payload) == [(["allocationId"], "NOT_FOUND")]
    assert await money_snapshot(other_api) == theirs_before


# --- voiding -------------------------------------------------------------------------------


async def test_an_invoice_with_an_active_allocation_cannot_be_voided(api: Api) -> None:
    project_id = await create_project(api)
    invoice_id = await free_invoice(api, project_id)
    allocation = (await pay(api, alloc(invoice_id, "100.00")))["allocations"][0]
    before = await money_snapshot(api)
    refused = await void(api, invoice_id)
    assert refused["invoice"] is None
    assert errors(refused) == [(["invoiceId"], "INVALID_STATE")]
    assert await money_snapshot(api) == before

    await reverse(api, allocation["id"])
    voided = await void(api, invoice_id)
    assert voided["userErrors"] == []
    assert voided["invoice"]["status"] == "VOID"
    payload = await try_pay(api, alloc(invoice_id, "1.00"))
    assert errors(payload) == [(["allocations", "0", "invoiceId"], "INVALID_STATE")]
    # The reversed allocation stays listed on the void invoice.
    assert len((await invoice_money(api, invoice_id))["allocations"]) == 1
    balance = (await get_project(api, project_id))["balance"]
    assert (balance["invoicedAmount"], balance["paidAmount"]) == ("0.00", "0.00")


async def test_a_paid_invoice_cannot_be_voided(api: Api) -> None:
    project_id = await create_project(api)
    invoice_id = await free_invoice(api, project_id)
    await pay(api, alloc(invoice_id, "1000.00"))
    refused = await void(api, invoice_id)
    assert errors(refused) == [(["invoiceId"], "INVALID_STATE")]
    assert (await invoice_money(api, invoice_id))["status"] == "PAID"


# --- reading payments and allocations ------------------------------------------------------

NODE = """
query($id: ID!) {
  node(id: $id) {
    __typename id
    ... on Payment { amount externalPayment allocations { id } }
    ... on Allocation {
      amount reversedAt
      payment { id amount allocations { id } }
      invoice { id number amountPaid }
    }
  }
}"""


async def test_node_resolves_payments_and_allocations(api: Api, other_api: Api) -> None:
    project_id = await create_project(api)
    first = await free_invoice(api, project_id, "1000.00")
    second = await free_invoice(api, project_id, "500.00")
    payment = await pay(api, alloc(first, "100.00"), alloc(second, "50.00"))
    allocation_ids = [a["id"] for a in payment["allocations"]]
    on_second = next(a["id"] for a in payment["allocations"] if a["invoice"]["id"] == second)

    node = (await api.gql(NODE, {"id": payment["id"]}))["node"]
    assert node == {
        "__typename": "Payment",
        "id": payment["id"],
        "amount": "150.00",
        "externalPayment": True,
        "allocations": [{"id": allocation_ids[0]}, {"id": allocation_ids[1]}],
    }
    node = (await api.gql(NODE, {"id": on_second}))["node"]
    assert node["__typename"] == "Allocation"
    assert node["amount"] == "50.00" and node["reversedAt"] is None
    assert node["payment"] == {
        "id": payment["id"],
        "amount": "150.00",
        "allocations": [{"id": allocation_ids[0]}, {"id": allocation_ids[1]}],
    }
    assert node["invoice"]["id"] == second
    assert node["invoice"]["amountPaid"] == "50.00"
    assert node["invoice"]["number"].startswith("INV-")

    for unknown in ("pay_doesnotexist", "item_doesnotexist"):
        assert (await api.gql(NODE, {"id": unknown}))["node"] is None
    # Another account sees nothing.
    for id_ in (payment["id"], allocation_ids[0]):
        assert (await other_api.gql(NODE, {"id": id_}))["node"] is None


async def test_payment_query(api: Api, other_api: Api) -> None:
    project_id = await create_project(api)
    invoice_id = await free_invoice(api, project_id)
    recorded = await try_processor_pay(
        api, "txn_query1", alloc(invoice_id, "10.00"), reference="order 7"
    )
    payment_id = recorded["payment"]["id"]
    query = f"query($id: ID!) {{ payment(id: $id) {{ {PAYMENT_FIELDS} }} }}"
    payment = (await api.gql(query, {"id": payment_id}))["payment"]
    assert payment == recorded["payment"]
    assert (await api.gql(query, {"id": payment_id}, key="read"))["payment"]["id"] == payment_id
    assert (await other_api.gql(query, {"id": payment_id}))["payment"] is None
    assert (await api.gql(query, {"id": "pay_doesnotexist"}))["payment"] is None


PAYMENT_QUERY = f"query($id: ID!) {{ payment(id: $id) {{ {PAYMENT_FIELDS} }} }}"


async def test_the_payload_shows_the_payment_as_a_later_read_does(api: Api) -> None:
    async def read(payment_id: str) -> dict[str, Any]:
        return dict((await api.gql(PAYMENT_QUERY, {"id": payment_id}))["payment"])

    project_id = await create_project(api)
    first = await free_invoice(api, project_id, "1000.00")
    second = await free_invoice(api, project_id, "250.00")
    external = await pay(
        api,
        alloc(first, "100.10"),
        alloc(second, "250.00"),
        method="WIRE",
        reference="wire 77",
        receivedOn="2026-01-30",
        attrs={"batch": 3},
    )
    assert external == await read(external["id"])
    assert external["receivedOn"] == "2026-01-30" and external["attrs"] == {"batch": 3}
    assert external["amount"] == "350.10"

    processor = await try_processor_pay(api, "txn_payload1", alloc(first, "0.90"))
    assert processor["userErrors"] == []
    assert processor["payment"] == await read(processor["payment"]["id"])
