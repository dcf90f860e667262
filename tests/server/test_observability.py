"""Request ids and trace ids (issue 12 item 8), and the bounded metrics (item 6)."""

from __future__ import annotations

import json
import logging
import uuid
from pathlib import Path

import httpx
import pytest

from server.app import create_app
from server.logs import JsonFormatter
from server.observability import MAX_OPERATION_LABELS, OTHER_OPERATION
from server.settings import Settings
from tests.conftest import Api
from tests.server.test_operations import samples

PROJECTS = "{ projects { totalCount } }"
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
TRACEPARENT = f"00-{TRACE_ID}-00f067aa0ba902b7-01"


def request_lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, object]]:
    """The JSON request log lines, as `serve` writes them."""
    formatter = JsonFormatter()
    return [
        json.loads(formatter.format(r))
        for r in caplog.records
        if r.name == "milestone_billing.requests"
    ]


# --- request ids and traceparent ----------------------------------------------------------


@pytest.mark.parametrize(
    "request_id",
    ["3f2b6c1e-7a41-4a0e-9d5b-2f0c8e6b1a77", "01HV6Z9Q5X", "req.42:retry/2+b64=", "x" * 128],
)
async def test_a_sane_incoming_request_id_is_honoured_and_echoed(
    api: Api, caplog: pytest.LogCaptureFixture, request_id: str
) -> None:
    caplog.set_level(logging.INFO)
    response = await api.client.post(
        "/graphql",
        json={"query": "{ nope }"},  # an error: its requestId is the client's too
        headers={"Authorization": f"Bearer {api.read_key}", "X-Request-ID": request_id},
    )
    assert response.headers["x-request-id"] == request_id
    assert response.json()["errors"][0]["message"]
    [line] = request_lines(caplog)
    assert line["request_id"] == request_id


@pytest.mark.parametrize(
    "request_id",
    [
        b"",
        b"x" * 129,
        b"two words",
        b"evil\\r\\nSet-Cookie: a=b",
        b'quote"d',
        "\u00e9-accent".encode(),
        b"<script>",
    ],
)
async def test_an_unfit_request_id_is_replaced_by_a_fresh_one(api: Api, request_id: bytes) -> None:
    response = await api.client.post(
        "/graphql",
        json={"query": PROJECTS},
        headers={"Authorization": f"Bearer {api.read_key}", "X-Request-ID": request_id},
    )
    assert response.status_code == 200
    echoed = response.headers["x-request-id"]
    assert echoed.encode() != request_id and len(echoed) == 32 and int(echoed, 16) >= 0


async def test_a_masked_error_carries_the_clients_request_id(api: Api) -> None:
    response = await api.client.post(
        "/graphql",
        json={"query": PROJECTS},
        headers={"Authorization": "Bearer mbk_wrong", "X-Request-ID": "partner-req-9"},
    )
    assert response.status_code == 401
    assert response.headers["x-request-id"] == "partner-req-9"


async def test_a_traceparent_is_accepted_and_its_trace_id_logged(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    response = await api.client.post(
        "/graphql",
        json={"query": PROJECTS},
        headers={"Authorization": f"Bearer {api.read_key}", "traceparent": TRACEPARENT},
    )
    assert response.status_code == 200 and "errors" not in response.json()
    [line] = request_lines(caplog)
    assert line["trace_id"] == TRACE_ID
    assert line["request_id"] == response.headers["x-request-id"]


@pytest.mark.parametrize(
    "traceparent",
    [
        "00-" + "0" * 32 + "-00f067aa0ba902b7-01",  # all-zero trace id
        f"ff-{TRACE_ID}-00f067aa0ba902b7-01",  # version ff is invalid
        f"00-{TRACE_ID}-00f067aa0ba902b7-01-extra",  # version 00 has four fields
        f"00-{TRACE_ID[:-1]}-00f067aa0ba902b7-01",
        f"00-{TRACE_ID}-" + "0" * 16 + "-01",  # all-zero parent id
        f"00-{TRACE_ID.upper()}-00f067aa0ba902b7-01",  # upper-case hex
        f"00-{TRACE_ID}-00F067AA0BA902B7-01",
        "garbage",
    ],
)
async def test_a_malformed_traceparent_is_ignored(
    api: Api, caplog: pytest.LogCaptureFixture, traceparent: str
) -> None:
    caplog.set_level(logging.INFO)
    response = await api.client.post(
        "/graphql",
        json={"query": PROJECTS},
        headers={"Authorization": f"Bearer {api.read_key}", "traceparent": traceparent},
    )
    assert response.status_code == 200  # never refused for it
    [line] = request_lines(caplog)
    assert line["trace_id"] is None


# --- metrics ----------------------------------------------------------------------------


async def test_operation_names_past_the_limit_share_one_label(api: Api) -> None:
    headers = {"Authorization": f"Bearer {api.read_key}"}
    names = [f"Op_{uuid.uuid4().hex[:10]}" for _ in range(MAX_OPERATION_LABELS + 50)]
    for name in names:
        answer = await api.client.post(
            "/graphql", json={"query": f"query {name} {{ __typename }}"}, headers=headers
        )
        assert answer.status_code == 200
    values = samples((await api.client.get("/metrics")).text)
    labels = {
        dict(labels)["operation"]
        for (metric, labels) in values
        if metric == "milestone_billing_requests_total"
    }
    # The budget is the process's: earlier tests may have used part of it, never more.
    assert len(labels & set(names)) <= MAX_OPERATION_LABELS
    assert names[-1] not in labels
    other = {"operation": OTHER_OPERATION, "operation_type": "query", "status": "200"}
    assert values[("milestone_billing_requests_total", frozenset(other.items()))] >= 50


async def test_metrics_token_protects_metrics(tmp_path: Path) -> None:
    app = create_app(
        Settings(database_url=f"sqlite+aiosqlite:///{tmp_path}/m.db", metrics_token="s3cret")
    )
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            anonymous = await http.get("/metrics")
            wrong = await http.get("/metrics", headers={"Authorization": "Bearer nope"})
            scraper = await http.get("/metrics", headers={"Authorization": "Bearer s3cret"})
    finally:
        await app.state.milestone_billing.engine.dispose()
    assert anonymous.status_code == wrong.status_code == 401
    assert anonymous.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert "milestone_billing" not in anonymous.text
    assert scraper.status_code == 200
    assert "milestone_billing_requests_total" in scraper.text


async def test_a_client_gone_before_its_body_arrived_is_logged_as_499_not_500(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    """Found from outside: a disconnect was logged and counted as a 500 of ours."""
    caplog.set_level(logging.INFO)
    app = api.client._transport.app  # type: ignore[attr-defined]
    await api.post("{ __typename }", key="read")  # the key known, so the query lane reads too
    sent: list[dict[str, object]] = []
    messages = [
        {"type": "http.request", "body": b'{"query": ', "more_body": True},
        {"type": "http.disconnect"},
    ]

    async def receive() -> dict[str, object]:
        return messages.pop(0)

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "query_string": b"",
        "root_path": "",
        "client": ("127.0.0.1", 1),
        "server": ("test", 80),
        "headers": [
            (b"authorization", f"Bearer {api.read_key}".encode()),
            (b"content-type", b"application/json"),
            (b"content-length", b"40"),
        ],
    }
    await app(scope, receive, send)
    assert not sent  # nobody left to answer
    line = request_lines(caplog)[-1]
    assert line["status"] == 499 and line["path"] == "/graphql"
