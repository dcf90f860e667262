"""What an operator relies on: /healthz, /metrics, CORS, graceful shutdown, and `--help`."""

from __future__ import annotations

import json
import shutil
import signal
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any, NamedTuple

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from db.engine import create_engine
from db.migrate import upgrade_to_head
from domain.clock import FixedClock
from server.app import create_app
from server.cli import build_parser
from server.observability import MAX_BODY_BYTES, PROCESS_OPERATION_LABELS
from server.settings import Settings
from tests.conftest import START, new_account
from tests.server.live import Live, live_server

ALLOWED = ("https://app.example.com", "https://admin.example.com")


class Client(NamedTuple):
    http: httpx.AsyncClient
    write_key: str
    read_key: str


@pytest.fixture(scope="module")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('operations')}/ops.db"
    upgrade_to_head(url)
    return url


@pytest.fixture
async def client(database_url: str) -> AsyncIterator[Client]:
    engine = create_engine(database_url)
    _, write_key, read_key = await new_account(engine, FixedClock(START))
    app = create_app(Settings(database_url=database_url, cors_origins=ALLOWED), engine=engine)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield Client(http, write_key, read_key)
    await engine.dispose()


# --- /healthz ----------------------------------------------------------------------------


async def test_healthz_answers_200_only_while_the_database_answers(tmp_path: Path) -> None:
    folder = tmp_path / "db"
    folder.mkdir()
    app = create_app(Settings(database_url=f"sqlite+aiosqlite:///{folder}/health.db"))
    engine = app.state.milestone_billing.engine
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        healthy = await http.get("/healthz")
        assert (healthy.status_code, healthy.json()) == (200, {"status": "ok"})

        await engine.dispose()  # no pooled connection to an open file survives
        shutil.rmtree(folder)  # the database is gone and cannot be created again
        gone = await http.get("/healthz")
        assert (gone.status_code, gone.json()) == (503, {"status": "unavailable"})
    await engine.dispose()


# --- /metrics ----------------------------------------------------------------------------


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


async def test_metrics_count_requests_latency_and_errors_by_operation(client: Client) -> None:
    suffix = uuid.uuid4().hex[:8]  # the registry lives as long as the process: fresh names
    # The process's budget of operation names may be spent by earlier tests: start a new one.
    PROCESS_OPERATION_LABELS.known.clear()
    query, mutation = f"ListProjects_{suffix}", f"MakeProject_{suffix}"
    headers = {"Authorization": f"Bearer {client.write_key}"}
    for _ in range(2):
        listed = await client.http.post(
            "/graphql",
            json={"query": f"query {query} {{ projects {{ totalCount }} }}"},
            headers=headers,
        )
        assert listed.status_code == 200 and "errors" not in listed.json()
    create = (
        f'mutation {mutation} {{ createProject(input: {{name: "M", clientName: "C", '
        'currency: "USD"}) { project { id } userErrors { code } } }'
    )
    made = await client.http.post("/graphql", json={"query": create}, headers=headers)
    assert made.json()["data"]["createProject"]["userErrors"] == []
    refused = await client.http.post(
        "/graphql",
        json={"query": create},
        headers={"Authorization": f"Bearer {client.read_key}"},
    )
    assert refused.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    response = await client.http.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    values = samples(response.text)

    def value(name: str, **labels: str) -> float | None:
        return values.get((name, frozenset(labels.items())))

    requests = "milestone_billing_requests_total"
    latency = "milestone_billing_request_duration_seconds"
    errors = "milestone_billing_errors_total"
    assert value(requests, operation=query, operation_type="query", status="200") == 2
    assert value(requests, operation=mutation, operation_type="mutation", status="200") == 2
    assert value(f"{latency}_count", operation=query, operation_type="query") == 2
    assert value(f"{latency}_count", operation=mutation, operation_type="mutation") == 2
    assert value(f"{latency}_bucket", operation=query, operation_type="query", le="+Inf") == 2
    assert (value(f"{latency}_sum", operation=query, operation_type="query") or 0) > 0
    assert value(errors, operation=mutation, operation_type="mutation", kind="graphql") == 1
    assert value(errors, operation=query, operation_type="query", kind="graphql") is None


# --- CORS --------------------------------------------------------------------------------


def cors_headers(response: httpx.Response) -> dict[str, str]:
    return {k: v for k, v in response.headers.items() if k.startswith("access-control-")}


async def preflight(client: Client, origin: str) -> httpx.Response:
    return await client.http.options(
        "/graphql",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Authorization, Content-Type",
        },
    )


@pytest.mark.parametrize("origin", ALLOWED)
async def test_cors_allows_each_listed_origin_with_a_preflight(client: Client, origin: str) -> None:
    answer = await preflight(client, origin)
    assert answer.status_code == 200
    assert answer.headers["access-control-allow-origin"] == origin
    allowed_headers = {
        h.strip().lower() for h in answer.headers["access-control-allow-headers"].split(",")
    }
    assert {"authorization", "content-type"} <= allowed_headers
    assert "POST" in answer.headers["access-control-allow-methods"]

    posted = await client.http.post(
        "/graphql",
        json={"query": "{ projects { totalCount } }"},
        headers={"Origin": origin, "Authorization": f"Bearer {client.read_key}"},
    )
    assert posted.status_code == 200
    assert posted.headers["access-control-allow-origin"] == origin
    assert "x-request-id" in posted.headers["access-control-expose-headers"].lower()


async def test_a_preflight_may_ask_for_the_tracing_and_client_headers(client: Client) -> None:
    asked = "x-request-id, traceparent, apollographql-client-name, apollographql-client-version"
    answer = await client.http.options(
        "/graphql",
        headers={
            "Origin": ALLOWED[0],
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": f"authorization, content-type, {asked}",
        },
    )
    assert answer.status_code == 200, answer.text
    allowed = {h.strip().lower() for h in answer.headers["access-control-allow-headers"].split(",")}
    assert set(asked.split(", ")) <= allowed


async def test_a_too_large_body_answer_carries_cors_headers(client: Client) -> None:
    too_large = b'{"query": "' + b"x" * (MAX_BODY_BYTES + 1) + b'"}'
    for origin, expected in ((ALLOWED[0], ALLOWED[0]), ("https://evil.example.com", None)):
        answer = await client.http.post(
            "/graphql",
            content=too_large,
            headers={
                "Origin": origin,
                "Authorization": f"Bearer {client.read_key}",
                "Content-Type": "application/json",
            },
        )
        assert answer.status_code == 413
        assert answer.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
        assert answer.headers.get("access-control-allow-origin") == expected
        assert "x-request-id" in answer.headers


@pytest.mark.parametrize(
    "origin",
    ["https://evil.example.com", "http://app.example.com", "https://app.example.com.evil.io"],
)
async def test_cors_gives_another_origin_nothing(client: Client, origin: str) -> None:
    answer = await preflight(client, origin)
    assert answer.status_code >= 400
    assert "access-control-allow-origin" not in answer.headers
    posted = await client.http.post(
        "/graphql",
        json={"query": "{ projects { totalCount } }"},
        headers={"Origin": origin, "Authorization": f"Bearer {client.read_key}"},
    )
    assert posted.status_code == 200  # the server answers; the browser keeps it from the page
    assert cors_headers(posted) == {}


# --- graceful shutdown -------------------------------------------------------------------


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[Live, Path]]:
    with live_server(f"sqlite+aiosqlite:///{tmp_path}/live.db", tmp_path) as server:
        yield server, tmp_path / "serve.log"


def test_sigterm_lets_an_in_flight_request_finish(live: tuple[Live, Path]) -> None:
    server, log = live
    body = json.dumps({"query": "{ projects(first: 100) { totalCount nodes { name } } }"}).encode()
    sent_half = threading.Event()
    outcome: dict[str, Any] = {}

    def slow_upload() -> Iterator[bytes]:
        yield body[:20]
        sent_half.set()
        time.sleep(1.0)  # the server gets SIGTERM while it waits for the rest of the body
        yield body[20:]

    def post() -> None:
        try:
            outcome["response"] = httpx.post(
                f"{server.base_url}/graphql",
                content=slow_upload(),
                headers={
                    "Authorization": f"Bearer {server.key}",
                    "Content-Type": "application/json",
                },
                timeout=20,
            )
        except Exception as error:  # reported below
            outcome["error"] = error

    thread = threading.Thread(target=post)
    thread.start()
    assert sent_half.wait(10)
    time.sleep(0.3)  # let the server read the headers: the request is now in flight
    server.process.send_signal(signal.SIGTERM)
    thread.join(20)

    assert "error" not in outcome, outcome.get("error")
    response = outcome["response"]
    assert response.status_code == 200, response.text
    assert response.json()["data"]["projects"]["totalCount"] == 0
    # uvicorn re-raises the SIGTERM once it has shut down gracefully
    assert server.process.wait(timeout=15) in (0, -signal.SIGTERM)
    lines = log.read_text().splitlines()
    waited = next(i for i, line in enumerate(lines) if "Waiting for connections to close" in line)
    answered = next(i for i, line in enumerate(lines) if '"path": "/graphql"' in line)
    assert waited < answered, lines  # the request was answered after the shutdown began
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{server.base_url}/healthz", timeout=2)


# --- the command line --------------------------------------------------------------------


def test_help_lists_every_command_with_a_one_line_description(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "80")  # a plain terminal
    parser = build_parser()
    [commands] = [a for a in parser._actions if a.choices and a.dest == "command"]
    assert set(commands.choices) >= {
        "serve",
        "migrate",
        "create-account",
        "seed-demo",
        "process-due",
        "export-schema",
    }
    described = {action.dest: action.help for action in commands._choices_actions}
    help_lines = parser.format_help().splitlines()
    for name in commands.choices:
        description = described.get(name) or ""
        assert description.strip() and "\n" not in description, name
        assert any(line.split()[:1] == [name] and description in line for line in help_lines), (
            name,
            parser.format_help(),
        )
    serve_help = commands.choices["serve"].format_help()
    assert "--demo-key" in serve_help and "loopback" in serve_help
