"""The REST distribution route refuses keys it does not know and honours Idempotency-Key with
the GraphQL semantics (issue 13), on both backends."""

from __future__ import annotations

from typing import Any

import httpx

from tests.api.test_distribution import paid_three_line_invoice
from tests.api.test_payments import money_snapshot
from tests.conftest import Api
from tests.server.test_rest_distribution import URL, rest_figures


async def post(api: Api, body: Any, **headers: str) -> httpx.Response:
    return await api.client.post(
        URL,
        json=body,
        headers={"Authorization": f"Bearer {api.write_key}", **headers},
    )


async def test_unknown_keys_are_a_400_naming_each(api: Api) -> None:
    _project_id, invoice_id, ids = await paid_three_line_invoice(api)
    before = await money_snapshot(api)
    body = {
        "invoice_id": invoice_id,
        "proportinal": True,
        "distributions": [
            {"milestone_id": ids[0], "amount": "2900.00", "note": "x"},
        ],
    }
    response = await post(api, body)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert [(e["code"], e["field"]) for e in errors] == [
        ("INVALID", ["proportinal"]),
        ("INVALID", ["distributions", "0", "note"]),
    ]
    assert all("Unknown key" in e["message"] for e in errors)
    assert await money_snapshot(api) == before


async def test_an_idempotency_key_replays_the_first_response(api: Api) -> None:
    _project_id, invoice_id, ids = await paid_three_line_invoice(api)
    explicit = {
        "invoice_id": invoice_id,
        "distributions": [
            {"milestone_id": ids[0], "amount": "1000.00"},
            {"milestone_id": ids[1], "amount": "900.00"},
            {"milestone_id": ids[2], "amount": "1000.00"},
        ],
    }
    first = await post(api, explicit, **{"Idempotency-Key": "dist-1"})
    assert first.status_code == 200, first.text
    # Another distribution in between; the retry must not write the first one again.
    between = await post(api, {"invoice_id": invoice_id, "proportional": True})
    assert between.status_code == 200
    proportional = rest_figures(between.json()["milestones"])
    before = await money_snapshot(api)
    retry = await post(api, explicit, **{"Idempotency-Key": "dist-1"})
    assert retry.status_code == 200
    assert [m["id"] for m in retry.json()["milestones"]] == ids
    assert rest_figures(retry.json()["milestones"]) == proportional
    assert await money_snapshot(api) == before
    reused = await post(
        api, {"invoice_id": invoice_id, "proportional": True}, **{"Idempotency-Key": "dist-1"}
    )
    assert reused.status_code == 409
    assert reused.json()["errors"][0]["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert await money_snapshot(api) == before
