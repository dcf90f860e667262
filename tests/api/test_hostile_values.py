"""Values that cannot be stored and returned exactly, sent with an ordinary key, on both
backends: refused before writing, naming the key (attrs) or the field (totals), and what was
stored before such refusals still reads as a masked error, never a bare 500."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import text

from db.tables import Invoice, Payment
from resolvers.views.projects import ProjectView
from tests.api.billing_helpers import count_rows, create_invoice, create_project, free_line
from tests.api.test_hostile_requests import still_answers
from tests.api.test_payments import try_pay
from tests.conftest import Api

KWD_MAX = "999999999999999.999"  # the largest KWD amount: 15 digits and 3 decimals


@pytest.mark.parametrize(
    ("attrs", "where"),
    [
        ({"x": 100000000000000000000}, "attrs.x"),  # past 64 bits
        ({"x": 2**53 + 1}, "attrs.x"),  # past what a JavaScript client reads exactly
        ({"n": {"deep": [1, -(2**63)]}}, "attrs.n.deep[1]"),
    ],
    ids=["past-64-bits", "past-2^53", "nested"],
)
async def test_attrs_that_cannot_come_back_exactly_are_refused_before_writing(
    api: Api, attrs: dict[str, Any], where: str
) -> None:
    invoice_id = str(
        (await create_invoice(api, await create_project(api), lines=[free_line("10.00")]))["id"]
    )
    payload = await try_pay(api, {"invoiceId": invoice_id, "amount": "10.00"}, attrs=attrs)
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(["attrs"], "INVALID")]
    assert where in payload["userErrors"][0]["message"]
    assert await count_rows(api, Payment) == 0
    await still_answers(api)


async def test_attrs_as_a_literal_past_64_bits_or_infinite_are_refused(api: Api) -> None:
    invoice_id = str(
        (await create_invoice(api, await create_project(api), lines=[free_line("10.00")]))["id"]
    )
    for literal in ("100000000000000000000", "1e400"):
        response = await api.post(
            f"mutation {{ recordExternalPayment(input: {{method: CHECK, attrs: {{x: {literal}}}, "
            f'allocations: [{{invoiceId: "{invoice_id}", amount: "10.00"}}]}}) '
            "{ userErrors { field code } } }"
        )
        assert response.status_code == 200
        assert response.json()["data"]["recordExternalPayment"]["userErrors"] == [
            {"field": ["attrs"], "code": "INVALID"}
        ]
    assert await count_rows(api, Payment) == 0


async def test_attrs_at_the_limit_come_back_exactly(api: Api) -> None:
    invoice_id = str(
        (await create_invoice(api, await create_project(api), lines=[free_line("10.00")]))["id"]
    )
    attrs = {
        "big": 2**53 - 1,
        "small": -(2**53 - 1),
        "pi": 3.141592653589793,
        "emoji": "\U0001f4b8",
    }
    payload = await try_pay(api, {"invoiceId": invoice_id, "amount": "10.00"}, attrs=attrs)
    assert payload["userErrors"] == []
    assert payload["payment"]["attrs"] == attrs


async def test_a_stored_value_that_cannot_be_encoded_fails_its_field_not_the_response(
    api: Api,
) -> None:
    """attrs written before such values were refused: the payment still reads, and the field
    is a masked error with a code and the request id, never a bare 500."""
    invoice_id = str(
        (await create_invoice(api, await create_project(api), lines=[free_line("10.00")]))["id"]
    )
    payment_id = (await try_pay(api, {"invoiceId": invoice_id, "amount": "10.00"}))["payment"]["id"]
    async with api.engine.begin() as connection:
        await connection.execute(
            text("UPDATE payment SET attrs = :attrs WHERE id = :id"),
            {"attrs": '{"x":100000000000000000000}', "id": payment_id},
        )
    response = await api.post(
        "query($id: ID!) { payment(id: $id) { id amount attrs } }", {"id": payment_id}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["data"]["payment"] == {"id": payment_id, "amount": "10.00", "attrs": None}
    [error] = body["errors"]
    assert error["extensions"] == {
        "code": "INTERNAL",
        "requestId": response.headers["x-request-id"],
    }


async def test_a_response_the_encoder_cannot_write_is_a_masked_error(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever slips past the checks: a value orjson refuses becomes INTERNAL + requestId."""
    project_id = await create_project(api)
    from_row = ProjectView.from_row

    def with_a_lone_surrogate(row: Any) -> ProjectView:
        view = from_row(row)
        view.name = "lone \ud800"
        return view

    monkeypatch.setattr(ProjectView, "from_row", with_a_lone_surrogate)
    response = await api.post("query($id: ID!) { project(id: $id) { name } }", {"id": project_id})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    [error] = response.json()["errors"]
    assert error["extensions"] == {
        "code": "INTERNAL",
        "requestId": response.headers["x-request-id"],
    }


async def test_totals_past_64_bits_are_refused_and_nothing_is_written(api: Api) -> None:
    project_id = await create_project(api, currency="KWD")
    ten_lines = [free_line(KWD_MAX) for _ in range(10)]
    refused = await api.post(
        "mutation($input: CreateInvoiceInput!) { createInvoice(input: $input) "
        "{ userErrors { field code } } }",
        {"input": {"projectId": project_id, "lines": ten_lines}},
    )
    assert refused.json()["data"]["createInvoice"]["userErrors"] == [
        {"field": ["lines"], "code": "INVALID_AMOUNT"}
    ]
    # one invoice at the largest amount is fine; a second would take the project past it
    first = await create_invoice(api, project_id, lines=[free_line(KWD_MAX)])
    second = await api.post(
        "mutation($input: CreateInvoiceInput!) { createInvoice(input: $input) "
        "{ userErrors { field code } } }",
        {"input": {"projectId": project_id, "lines": [free_line("1.000")]}},
    )
    assert second.json()["data"]["createInvoice"]["userErrors"] == [
        {"field": ["lines"], "code": "INVALID_AMOUNT"}
    ]
    assert await count_rows(api, Invoice) == 1
    # a payment across two such invoices (two projects) would total past the limit too
    other = await create_invoice(
        api, await create_project(api, currency="KWD"), lines=[free_line(KWD_MAX)]
    )
    payload = await try_pay(
        api,
        {"invoiceId": first["id"], "amount": KWD_MAX},
        {"invoiceId": other["id"], "amount": KWD_MAX},
    )
    assert [e["code"] for e in payload["userErrors"]] == ["INVALID_AMOUNT"]
    assert await count_rows(api, Payment) == 0
    await still_answers(api)


async def test_a_balance_over_64_bits_stored_earlier_still_reads_exactly(api: Api) -> None:
    """Rows written before totals were capped: the aggregate cannot overflow on either backend."""
    project_id = await create_project(api, currency="KWD")
    for _ in range(10):
        await create_invoice(api, project_id, lines=[free_line("1.000")])
    async with api.engine.begin() as connection:  # as if each were KWD_MAX
        await connection.execute(
            text("UPDATE invoice SET subtotal = :v, total = :v WHERE project_id = :p"),
            {"v": 999999999999999999, "p": project_id},
        )
    data = await api.gql("{ projects { nodes { balance { invoicedAmount outstandingAmount } } } }")
    [project] = data["projects"]["nodes"]
    assert project["balance"]["invoicedAmount"] == "9999999999999999.990"
    assert project["balance"]["outstandingAmount"] == "9999999999999999.990"


@pytest.mark.parametrize(
    "number",
    ["1e-400", "1.0000000000000001", "9007199254740993.0", "0.30000000000000001"],
)
async def test_a_decimal_no_double_holds_is_refused_not_rounded(api: Api, number: str) -> None:
    """Rounded silently (1e-400 came back 0.0), attrs would not be what the client sent."""
    invoice_id = str(
        (await create_invoice(api, await create_project(api), lines=[free_line("10.00")]))["id"]
    )
    # written by hand: the number must reach the server as these digits, not a double's
    variables = (
        f'{{"i": {{"method": "CASH", "attrs": {{"x": {number}}}, '
        f'"allocations": [{{"invoiceId": "{invoice_id}", "amount": "10.00"}}]}}}}'
    )
    query = (
        "mutation($i: RecordExternalPaymentInput!) { recordExternalPayment(input: $i) "
        "{ payment { id } userErrors { field code message } } }"
    )
    body = f'{{"query": {json.dumps(query)}, "variables": {variables}}}'
    response = await api.client.post(
        "/graphql",
        content=body.encode(),
        headers={"Authorization": f"Bearer {api.write_key}", "Content-Type": "application/json"},
    )
    payload = response.json()["data"]["recordExternalPayment"]
    [error] = payload["userErrors"]
    assert (error["field"], error["code"]) == (["attrs"], "INVALID")
    assert "attrs.x" in error["message"] and number in error["message"]
    literal = await api.post(
        f"mutation {{ recordExternalPayment(input: {{method: CHECK, attrs: {{x: {number}}}, "
        f'allocations: [{{invoiceId: "{invoice_id}", amount: "10.00"}}]}}) '
        "{ userErrors { field code } } }"
    )
    assert literal.json()["data"]["recordExternalPayment"]["userErrors"] == [
        {"field": ["attrs"], "code": "INVALID"}
    ]
    assert await count_rows(api, Payment) == 0
    exact = await try_pay(api, {"invoiceId": invoice_id, "amount": "10.00"}, attrs={"x": 0.1})
    assert exact["payment"]["attrs"] == {"x": 0.1}
