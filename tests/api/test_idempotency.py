"""Idempotency keys on mutations, as partners' retrying clients use them (both backends).

The rules these tests pin down:

- the same key with the same input returns the first response (the same payment id) and
  writes nothing more, however many times and however concurrently it is sent;
- the same key with another input, or for another mutation, is refused with
  IDEMPOTENCY_KEY_REUSED on ["idempotencyKey"], and nothing is written;
- a key has 1 to 255 characters: longer (or blank) is INVALID on ["idempotencyKey"];
- keys belong to an account: another account may use the same key for its own request;
- a record is kept 24 hours; after that the key is free again, and expired records are pruned;
- a refused request (a userError) is not stored: nothing was written, so there is nothing to
  replay, and a retry with the same key is evaluated afresh - once its input is valid it
  succeeds (and only then is the key taken).
"""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from db.tables import Allocation, IdempotencyRecord, Payment
from tests.api.billing_helpers import CREATE_PROJECT, USER_ERRORS
from tests.conftest import ON_CITUS_TOO, Api

pytestmark = ON_CITUS_TOO

CREATE_INVOICE = f"""
mutation($input: CreateInvoiceInput!) {{
  createInvoice(input: $input) {{ invoice {{ id total }} {USER_ERRORS} }}
}}"""

PAY = f"""
mutation($input: RecordExternalPaymentInput!) {{
  recordExternalPayment(input: $input) {{
    payment {{ id amount allocations {{ id amount }} }} {USER_ERRORS}
  }}
}}"""

INVOICE = "query($id: ID!) { invoice(id: $id) { status amountPaid balanceDue } }"


async def count(api: Api, table: Any) -> int:
    async with api.engine.connect() as connection:
        statement = (
            select(func.count()).select_from(table).where(table.account_id == api.account_id)
        )
        return int((await connection.execute(statement)).scalar_one())


async def open_invoice(api: Api, amount: str = "1000.00") -> str:
    project = await api.gql(
        CREATE_PROJECT, {"input": {"name": "Site", "clientName": "Acme", "currency": "USD"}}
    )
    project_id = project["createProject"]["project"]["id"]
    created = await api.gql(
        CREATE_INVOICE,
        {
            "input": {
                "projectId": project_id,
                "lines": [{"description": "Work", "amount": amount}],
            }
        },
    )
    assert created["createInvoice"]["userErrors"] == []
    return str(created["createInvoice"]["invoice"]["id"])


def payment_input(invoice_id: str, amount: str = "100.00", **extra: Any) -> dict[str, Any]:
    return {
        "method": "WIRE",
        "reference": "W-1",
        "allocations": [{"invoiceId": invoice_id, "amount": amount}],
        **extra,
    }


async def pay(api: Api, input_: dict[str, Any]) -> dict[str, Any]:
    return dict((await api.gql(PAY, {"input": input_}))["recordExternalPayment"])


async def amount_paid(api: Api, invoice_id: str) -> Decimal:
    return Decimal((await api.gql(INVOICE, {"id": invoice_id}))["invoice"]["amountPaid"])


def codes(payload: dict[str, Any]) -> list[tuple[list[str] | None, str]]:
    return [(error["field"], error["code"]) for error in payload["userErrors"]]


async def test_a_retry_after_a_lost_response_gets_the_first_payment(api: Api) -> None:
    invoice = await open_invoice(api)
    request = payment_input(invoice, idempotencyKey="order-17-payment")

    first = await pay(api, request)  # the client never sees this answer...
    assert first["userErrors"] == []
    retried = await pay(api, request)  # ...and retries

    assert retried == first
    assert await count(api, Payment) == 1
    assert await count(api, Allocation) == 1
    assert await amount_paid(api, invoice) == Decimal("100.00")  # the balance moved once
    assert await count(api, IdempotencyRecord) == 1


async def test_eight_concurrent_requests_with_one_key_write_once(api: Api) -> None:
    invoice = await open_invoice(api)
    request = payment_input(invoice, idempotencyKey="burst")

    responses = await asyncio.gather(*(api.post(PAY, {"input": request}) for _ in range(8)))

    payloads = []
    for response in responses:
        assert response.status_code == 200, response.text
        body = response.json()
        assert not body.get("errors"), body["errors"]
        payloads.append(body["data"]["recordExternalPayment"])
    assert all(p["userErrors"] == [] for p in payloads), payloads
    assert len({p["payment"]["id"] for p in payloads}) == 1
    assert await count(api, Payment) == 1
    assert await amount_paid(api, invoice) == Decimal("100.00")


async def test_the_same_key_with_another_input_is_refused_and_writes_nothing(api: Api) -> None:
    invoice = await open_invoice(api)
    first = await pay(api, payment_input(invoice, idempotencyKey="k1"))
    assert first["userErrors"] == []

    for changed in (
        payment_input(invoice, amount="100.01", idempotencyKey="k1"),
        payment_input(invoice, reference="W-2", idempotencyKey="k1"),
        {**payment_input(invoice, idempotencyKey="k1"), "method": "CASH"},
    ):
        refused = await pay(api, changed)
        assert refused["payment"] is None
        assert codes(refused) == [(["idempotencyKey"], "IDEMPOTENCY_KEY_REUSED")]

    # Another mutation with the key is another input too.
    other = await api.gql(
        CREATE_PROJECT,
        {"input": {"name": "X", "clientName": "Y", "currency": "USD", "idempotencyKey": "k1"}},
    )
    assert codes(other["createProject"]) == [(["idempotencyKey"], "IDEMPOTENCY_KEY_REUSED")]

    assert await count(api, Payment) == 1
    assert await amount_paid(api, invoice) == Decimal("100.00")
    # The original request still replays.
    assert await pay(api, payment_input(invoice, idempotencyKey="k1")) == first


async def test_a_key_over_255_characters_is_invalid(api: Api) -> None:
    invoice = await open_invoice(api)
    for bad in ("k" * 256, "", "   "):
        refused = await pay(api, payment_input(invoice, idempotencyKey=bad))
        assert refused["payment"] is None
        assert codes(refused) == [(["idempotencyKey"], "INVALID")], bad
    assert await count(api, Payment) == 0
    assert await count(api, IdempotencyRecord) == 0

    longest = await pay(api, payment_input(invoice, idempotencyKey="k" * 255))
    assert longest["userErrors"] == []
    assert await pay(api, payment_input(invoice, idempotencyKey="k" * 255)) == longest
    assert await count(api, Payment) == 1


async def test_keys_belong_to_an_account(api: Api, other_api: Api) -> None:
    mine, theirs = await open_invoice(api), await open_invoice(other_api)
    my_payment = await pay(api, payment_input(mine, idempotencyKey="shared-key"))
    assert my_payment["userErrors"] == []
    # B replays A's exact request with A's key: B's own request, refused, not A's response.
    replay = await pay(other_api, payment_input(mine, idempotencyKey="shared-key"))
    assert replay["payment"] is None
    assert codes(replay) == [(["allocations", "0", "invoiceId"], "NOT_FOUND")]
    # B uses the same key for its own payment: no clash with A's record.
    their_payment = await pay(other_api, payment_input(theirs, idempotencyKey="shared-key"))
    assert their_payment["userErrors"] == []
    assert their_payment["payment"]["id"] != my_payment["payment"]["id"]

    assert (await count(api, Payment), await count(other_api, Payment)) == (1, 1)
    assert await amount_paid(api, mine) == Decimal("100.00")
    assert await amount_paid(other_api, theirs) == Decimal("100.00")
    assert await pay(api, payment_input(mine, idempotencyKey="shared-key")) == my_payment


async def test_a_record_older_than_24_hours_is_pruned_and_the_key_is_free(api: Api) -> None:
    invoice = await open_invoice(api)
    request = payment_input(invoice, idempotencyKey="nightly-run")
    first = await pay(api, request)

    api.clock.advance(hours=23, minutes=59)
    assert await pay(api, request) == first  # still within 24 hours: replayed

    api.clock.advance(hours=1, minutes=1)  # 25 hours after the first request
    again = await pay(api, request)
    assert again["userErrors"] == []
    assert again["payment"]["id"] != first["payment"]["id"]  # written again
    assert await count(api, Payment) == 2
    assert await amount_paid(api, invoice) == Decimal("200.00")
    # The expired record was pruned: one record for the key, the new one.
    assert await count(api, IdempotencyRecord) == 1
    assert await pay(api, request) == again


async def test_a_refused_request_is_not_stored_and_the_key_stays_usable(api: Api) -> None:
    """A userError writes nothing, so nothing is stored under the key: a retry with the same
    key is evaluated again (refused again while the input is still wrong), and the key is taken
    only by the first request that succeeds. A client may therefore fix its input and retry
    with the same key."""
    invoice = await open_invoice(api, amount="1000.00")
    too_much = payment_input(invoice, amount="1000.01", idempotencyKey="fix-and-retry")

    refused = await pay(api, too_much)
    assert codes(refused) == [(["allocations", "0", "amount"], "EXCEEDS_BALANCE_DUE")]
    assert await count(api, IdempotencyRecord) == 0
    assert codes(await pay(api, too_much)) == codes(refused)  # evaluated again, not replayed

    fixed = payment_input(invoice, amount="1000.00", idempotencyKey="fix-and-retry")
    paid = await pay(api, fixed)
    assert paid["userErrors"] == []
    assert await count(api, Payment) == 1
    assert await amount_paid(api, invoice) == Decimal("1000.00")
    # Now the key is taken: the refused input is a different input.
    assert codes(await pay(api, too_much)) == [(["idempotencyKey"], "IDEMPOTENCY_KEY_REUSED")]
