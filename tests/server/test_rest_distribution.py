"""POST /invoices/distribute-milestone-payments: the REST twin of distributeMilestonePayment,
on both backends, through the in-process app."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.api.test_distribution import (
    milestone_invoice,
    milestones_of,
    paid_three_line_invoice,
)
from tests.api.test_payments import alloc, invoice_money, money_snapshot, pay
from tests.conftest import Api

URL = "/invoices/distribute-milestone-payments"


async def post(
    api: Api, body: Any, *, key: str | None = "write", raw: bool = False
) -> httpx.Response:
    headers = {"Content-Type": "application/json"}
    if key is not None:
        headers["Authorization"] = f"Bearer {api._key(key)}"
    if raw:
        return await api.client.post(URL, content=body, headers=headers)
    return await api.client.post(URL, json=body, headers=headers)


def one_error(response: httpx.Response) -> tuple[str, list[str] | None]:
    """Return (code, field) of the single error of a 4xx body; it must carry a message."""
    body = response.json()
    assert set(body) == {"errors"}, body
    [error] = body["errors"]
    assert set(error) == {"code", "field", "message"}, error
    assert error["message"]
    return error["code"], error["field"]


def rest_figures(milestones: list[dict[str, Any]]) -> list[tuple[str, str, str, bool, str]]:
    return [(m["id"], m["amount_paid"], m["discount"], m["paid"], m["status"]) for m in milestones]


async def graphql_figures(
    api: Api, project_id: str, ids: list[str]
) -> list[tuple[str, str, str, bool, str]]:
    found = await milestones_of(api, project_id)
    return [
        (
            id_,
            found[id_]["amountPaid"],
            found[id_]["discount"],
            found[id_]["paid"],
            found[id_]["status"],
        )
        for id_ in ids
    ]


async def test_explicit_distributions_over_rest(api: Api) -> None:
    project_id, invoice_id, ids = await paid_three_line_invoice(api)
    response = await post(
        api,
        {
            "invoice_id": invoice_id,
            "distributions": [
                {"milestone_id": ids[0], "amount": "1000.00"},
                {"milestone_id": ids[1], "amount": "900.00"},
                {"milestone_id": ids[2], "amount": "1000.00"},
            ],
        },
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["invoice_id"] == invoice_id
    assert rest_figures(body["milestones"]) == [
        (ids[0], "1000.00", "0.00", True, "PAID"),
        (ids[1], "900.00", "100.00", True, "PAID"),
        (ids[2], "1000.00", "0.00", True, "PAID"),
    ]
    assert [(m["name"], m["amount"]) for m in body["milestones"]] == [
        ("Stage 1", "1000.00"),
        ("Stage 2", "1000.00"),
        ("Stage 3", "1000.00"),
    ]
    assert rest_figures(body["milestones"]) == await graphql_figures(api, project_id, ids)
    assert (await invoice_money(api, invoice_id))["distributionRequired"] is False


async def test_proportional_distribution_over_rest(api: Api) -> None:
    project_id, invoice_id, ids = await paid_three_line_invoice(api)
    response = await post(api, {"invoice_id": invoice_id, "proportional": True})
    assert response.status_code == 200, response.text
    body = response.json()
    assert rest_figures(body["milestones"]) == [
        (ids[0], "966.67", "33.33", True, "PAID"),
        (ids[1], "966.67", "33.33", True, "PAID"),
        (ids[2], "966.66", "33.34", True, "PAID"),
    ]
    assert rest_figures(body["milestones"]) == await graphql_figures(api, project_id, ids)
    money = await invoice_money(api, invoice_id)
    assert [d["amount"] for d in money["suggestedDistribution"]] == ["966.67", "966.67", "966.66"]


async def test_rest_accepts_integer_amounts_and_replaces_a_distribution(api: Api) -> None:
    project_id, invoice_id, ids = await milestone_invoice(api, "500", "500", currency="JPY")
    await pay(api, alloc(invoice_id, "1000"))
    first = await post(
        api,
        {
            "invoice_id": invoice_id,
            "distributions": [
                {"milestone_id": ids[0], "amount": 500},
                {"milestone_id": ids[1], "amount": "500"},
            ],
        },
    )
    assert first.status_code == 200, first.text
    second = await post(api, {"invoice_id": invoice_id, "proportional": True})
    assert second.status_code == 200, second.text
    assert rest_figures(second.json()["milestones"]) == [
        (ids[0], "500", "0", True, "PAID"),
        (ids[1], "500", "0", True, "PAID"),
    ]
    assert len((await money_snapshot(api))["distributions"]) == 2


async def test_without_a_key_is_401(api: Api) -> None:
    _, invoice_id, _ = await paid_three_line_invoice(api)
    before = await money_snapshot(api)
    for key in (None, "mbk_not_a_key"):
        response = await post(api, {"invoice_id": invoice_id, "proportional": True}, key=key)
        assert response.status_code == 401
        assert response.headers["www-authenticate"].startswith("Bearer")
    assert await money_snapshot(api) == before


async def test_a_401_has_the_rest_error_shape(api: Api) -> None:
    response = await post(api, {"invoice_id": "inv_x", "proportional": True}, key=None)
    assert response.status_code == 401
    assert one_error(response)[0] == "UNAUTHENTICATED"


async def test_a_read_key_is_403(api: Api) -> None:
    _, invoice_id, _ = await paid_three_line_invoice(api)
    before = await money_snapshot(api)
    response = await post(api, {"invoice_id": invoice_id, "proportional": True}, key="read")
    assert response.status_code == 403
    assert one_error(response) == ("FORBIDDEN", None)
    assert await money_snapshot(api) == before


@pytest.mark.parametrize("body", [b"{not json", b"", b'{"invoice_id": "inv_', b"\xff\xfe"])
async def test_malformed_json_is_400(api: Api, body: bytes) -> None:
    response = await post(api, body, raw=True)
    assert response.status_code == 400
    assert one_error(response) == ("BAD_REQUEST", None)


async def test_errors_have_codes_statuses_and_write_nothing(
    api: Api, other_api: Api, subtests: Any
) -> None:
    project_id, invoice_id, ids = await paid_three_line_invoice(api)
    ok = await post(api, {"invoice_id": invoice_id, "proportional": True})
    assert ok.status_code == 200
    _, open_invoice, _ = await milestone_invoice(api, "10.00", "20.00", project_id=project_id)
    _, theirs, _ = await milestone_invoice(other_api, "10.00", "20.00")
    await pay(other_api, alloc(theirs, "30.00"))
    before = await money_snapshot(api)
    theirs_before = await money_snapshot(other_api)

    def explicit(*amounts: Any) -> list[dict[str, Any]]:
        return [
            {"milestone_id": id_, "amount": amount}
            for id_, amount in zip(ids, amounts, strict=True)
        ]

    cases: list[tuple[str, Any, int, str, list[str] | None]] = [
        (
            "unknown invoice",
            {"invoice_id": "inv_doesnotexist", "proportional": True},
            404,
            "NOT_FOUND",
            ["invoice_id"],
        ),
        (
            "another account's invoice",
            {"invoice_id": theirs, "proportional": True},
            404,
            "NOT_FOUND",
            ["invoice_id"],
        ),
        (
            "an open invoice",
            {"invoice_id": open_invoice, "proportional": True},
            409,
            "INVALID_STATE",
            ["invoice_id"],
        ),
        (
            "total mismatch",
            {"invoice_id": invoice_id, "distributions": explicit("1000.00", "1000.00", "1000.00")},
            422,
            "DISTRIBUTION_TOTAL_MISMATCH",
            ["distributions"],
        ),
        (
            "over its line",
            {"invoice_id": invoice_id, "distributions": explicit("1000.01", "899.99", "1000.00")},
            422,
            "EXCEEDS_LINE_AMOUNT",
            ["distributions", "0", "amount"],
        ),
        (
            "unknown milestone",
            {
                "invoice_id": invoice_id,
                "distributions": [{"milestone_id": "ms_nope", "amount": "1.00"}],
            },
            404,
            "NOT_FOUND",
            ["distributions", "0", "milestone_id"],
        ),
        (
            "missing milestone",
            {
                "invoice_id": invoice_id,
                "distributions": explicit("1000.00", "900.00", "1000.00")[:2],
            },
            422,
            "INVALID",
            ["distributions"],
        ),
        (
            "bad amount",
            {"invoice_id": invoice_id, "distributions": explicit("1e3", "900.00", "1000.00")},
            422,
            "INVALID_AMOUNT",
            ["distributions", "0", "amount"],
        ),
        (
            "float amount",
            {"invoice_id": invoice_id, "distributions": explicit(1000.0, "900.00", "1000.00")},
            422,
            "INVALID_AMOUNT",
            ["distributions", "0", "amount"],
        ),
        ("no invoice id", {"proportional": True}, 422, "INVALID", ["invoice_id"]),
        ("neither", {"invoice_id": invoice_id}, 422, "INVALID", ["distributions"]),
        (
            "proportional not a boolean",
            {"invoice_id": invoice_id, "proportional": "yes"},
            422,
            "INVALID",
            ["proportional"],
        ),
        (
            "distributions not a list",
            {"invoice_id": invoice_id, "distributions": {"a": 1}},
            422,
            "INVALID",
            ["distributions"],
        ),
        ("not an object", [invoice_id], 400, "BAD_REQUEST", None),
    ]
    for name, body, status, code, field in cases:
        with subtests.test(case=name):
            response = await post(api, body)
            assert response.status_code == status, response.text
            assert one_error(response) == (code, field)
            assert await money_snapshot(api) == before
    assert await money_snapshot(other_api) == theirs_before
    # The proportional distribution from before is still in place.
    found = await milestones_of(api, project_id)
    assert [found[id_]["amountPaid"] for id_ in ids] == ["966.67", "966.67", "966.66"]
