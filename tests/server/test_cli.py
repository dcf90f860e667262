"""The `milestone-billing` command line, run as a user runs it: a separate process."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path
from typing import Any

import httpx
import pytest

from server.app import create_app
from server.settings import Settings
from tests.postgres import free_port
from tests.server.live import cli_env, stop_server, wait_healthy
from tests.server.live import run_cli as cli

COMMANDS = (
    "serve",
    "migrate",
    "distribute",
    "create-account",
    "seed-demo",
    "process-due",
    "export-schema",
)
DEMO_PROJECTS = {"Brand refresh", "Mobile app MVP", "Warehouse dashboard", "Three-phase website"}

PROJECTS = "{ projects { totalCount nodes { name } } }"
CREATE_PROJECT = (
    'mutation { createProject(input: {name: "W", clientName: "C", currency: "USD"}) '
    "{ project { id } userErrors { code } } }"
)


def last_line(output: str) -> str:
    return output.strip().splitlines()[-1].strip()


async def graphql(database_url: str, key: str, query: str) -> dict[str, Any]:
    """Post one query to an app built in-process on the same database; return the JSON body."""
    app = create_app(Settings(database_url=database_url))
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            response = await client.post(
                "/graphql", json={"query": query}, headers={"Authorization": f"Bearer {key}"}
            )
    finally:
        await app.state.milestone_billing.engine.dispose()
    assert response.status_code == 200, response.text
    return dict(response.json())


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cli")


@pytest.fixture(scope="module")
def migrated_url(workdir: Path) -> str:
    """A SQLite database migrated with `milestone-billing migrate`."""
    url = f"sqlite+aiosqlite:///{workdir}/cli.db"
    result = cli(url, "migrate", cwd=workdir)
    assert "newest migration" in result.stdout
    return url


@pytest.fixture(scope="module")
def write_key(migrated_url: str, workdir: Path) -> str:
    return last_line(cli(migrated_url, "create-account", "Acme", cwd=workdir).stdout)


def test_serve_refuses_an_unmigrated_database_and_names_the_fix(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/never-migrated.db"
    result = cli(url, "serve", "--port", str(free_port()), cwd=tmp_path, check=False)
    assert result.returncode != 0
    assert "milestone-billing migrate" in result.stderr
    assert "GraphiQL" not in result.stdout  # it did not start serving


def test_migrate_twice_is_harmless(migrated_url: str, workdir: Path) -> None:
    again = cli(migrated_url, "migrate", cwd=workdir)
    assert "newest migration" in again.stdout


async def test_create_account_with_a_read_key(migrated_url: str, workdir: Path) -> None:
    result = cli(migrated_url, "create-account", "Acme Read", "--role", "read", cwd=workdir)
    key = last_line(result.stdout)
    assert key.startswith("mbk_") and " " not in key

    listed = await graphql(migrated_url, key, PROJECTS)
    assert listed["data"]["projects"] == {"totalCount": 0, "nodes": []}

    refused = await graphql(migrated_url, key, CREATE_PROJECT)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await graphql(migrated_url, key, PROJECTS))["data"]["projects"]["totalCount"] == 0


async def test_create_account_defaults_to_a_write_key(write_key: str, migrated_url: str) -> None:
    assert write_key.startswith("mbk_")
    created = await graphql(migrated_url, write_key, CREATE_PROJECT)
    assert "errors" not in created, created
    assert created["data"]["createProject"]["userErrors"] == []


async def test_each_account_gets_its_own_key(migrated_url: str, workdir: Path) -> None:
    first = last_line(cli(migrated_url, "create-account", "One", cwd=workdir).stdout)
    second = last_line(cli(migrated_url, "create-account", "Two", cwd=workdir).stdout)
    assert first != second
    await graphql(migrated_url, first, CREATE_PROJECT)
    assert (await graphql(migrated_url, second, PROJECTS))["data"]["projects"]["totalCount"] == 0


def test_create_account_refuses_a_bad_role_or_name(migrated_url: str, workdir: Path) -> None:
    bad_role = cli(migrated_url, "create-account", "X", "--role", "admin", cwd=workdir, check=False)
    assert bad_role.returncode != 0
    assert "role" in bad_role.stderr
    blank = cli(migrated_url, "create-account", "   ", cwd=workdir, check=False)
    assert blank.returncode != 0
    assert blank.stderr.strip()
    assert "Traceback" not in blank.stderr


async def test_seed_demo_is_repeatable_and_prints_a_working_key(
    migrated_url: str, workdir: Path
) -> None:
    first = cli(migrated_url, "seed-demo", cwd=workdir)
    first_key = last_line(first.stdout)
    listed = (await graphql(migrated_url, first_key, PROJECTS))["data"]["projects"]
    names = [p["name"] for p in listed["nodes"]]
    assert set(names) >= DEMO_PROJECTS  # the worked examples of DESIGN section 6
    assert len(names) == len(set(names)) == listed["totalCount"]

    second = cli(migrated_url, "seed-demo", cwd=workdir)
    second_key = last_line(second.stdout)
    assert second_key != first_key
    relisted = (await graphql(migrated_url, second_key, PROJECTS))["data"]["projects"]
    assert relisted["totalCount"] == listed["totalCount"]  # nothing was seeded twice
    assert sorted(p["name"] for p in relisted["nodes"]) == sorted(names)


def test_export_schema_prints_the_sdl_or_writes_it(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/unused.db"
    printed = cli(url, "export-schema", cwd=tmp_path).stdout
    assert "type Query" in printed
    assert "type Mutation" in printed
    assert "createProject(input: CreateProjectInput!): CreateProjectPayload!" in printed

    target = tmp_path / "out" / "schema.graphql"
    target.parent.mkdir()
    written = cli(url, "export-schema", "--output", str(target), cwd=tmp_path)
    assert written.stdout.strip() == ""
    assert target.read_text() == printed
    assert not (tmp_path / "unused.db").exists()  # exporting needs no database


@pytest.fixture(scope="module")
def help_text(workdir: Path) -> str:
    return cli(f"sqlite+aiosqlite:///{workdir}/help.db", "--help", cwd=workdir).stdout


def test_help_lists_every_command(help_text: str) -> None:
    missing = [command for command in COMMANDS if command not in help_text]
    assert missing == [], help_text


def test_process_due_runs_and_refuses_a_bad_date(migrated_url: str, workdir: Path) -> None:
    ran = cli(migrated_url, "process-due", "--as-of", "2026-03-31", cwd=workdir)
    assert ran.stdout.strip()
    bad = cli(migrated_url, "process-due", "--as-of", "31/03/2026", cwd=workdir, check=False)
    assert bad.returncode != 0
    assert "--as-of" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_the_console_script_is_installed(tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "milestone-billing"
    assert script.exists()
    result = subprocess.run(
        [str(script), "--help"],
        env=cli_env(f"sqlite+aiosqlite:///{tmp_path}/x.db"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0
    assert "export-schema" in result.stdout


@pytest.fixture
def server(migrated_url: str, workdir: Path, tmp_path: Path) -> Iterator[str]:
    """`milestone-billing serve` on a free port; yield its base URL; stop it afterwards."""
    port = free_port()
    log = (tmp_path / "serve.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "server.cli", "serve"],
        env=cli_env(migrated_url, HOST="127.0.0.1", PORT=str(port)),
        cwd=workdir,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            assert process.poll() is None, (tmp_path / "serve.log").read_text()
            try:
                if httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "serve did not answer /healthz within 20 s"
            time.sleep(0.1)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def test_serve_answers_graphql_over_http(server: str, write_key: str) -> None:
    health = httpx.get(f"{server}/healthz", timeout=5)
    assert health.json() == {"status": "ok"}
    response = httpx.post(
        f"{server}/graphql",
        json={"query": "{ projects { totalCount } }"},
        headers={"Authorization": f"Bearer {write_key}"},
        timeout=5,
    )
    assert response.status_code == 200, response.text
    assert isinstance(response.json()["data"]["projects"]["totalCount"], int)
    assert response.headers["x-request-id"]
    assert httpx.post(f"{server}/graphql", json={"query": "{ __typename }"}).status_code == 401


def test_version_prints_the_installed_version(tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "milestone-billing"
    result = subprocess.run(
        [str(script), "--version"],
        env=cli_env(f"sqlite+aiosqlite:///{tmp_path}/x.db"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"milestone-billing {metadata.version('milestone-billing')}"


def serve_until_healthy(
    database_url: str, workdir: Path, *args: str, **env: str
) -> tuple[str, subprocess.Popen[bytes], Path]:
    """Start `serve ARGS` with ENV, stderr into a file; return (base URL, process, stderr file)."""
    port = free_port()
    stderr = workdir / f"serve-{port}.stderr"
    with stderr.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "server.cli", "serve", "--port", str(port), *args],
            env=cli_env(database_url, HOST="127.0.0.1", **env),
            cwd=workdir,
            stdout=subprocess.DEVNULL,
            stderr=sink,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base_url, process, stderr)
    except BaseException:
        stop_server(process)
        raise
    return base_url, process, stderr


def test_uvicorn_start_up_lines_are_json_like_every_other_line(
    migrated_url: str, workdir: Path
) -> None:
    base_url, process, stderr = serve_until_healthy(migrated_url, workdir)  # LOG_FORMAT unset
    httpx.get(f"{base_url}/healthz", timeout=5)
    stop_server(process)
    lines = [json.loads(line) for line in stderr.read_text().splitlines() if line.strip()]
    messages = {(line["logger"], line["message"].split(" [")[0]) for line in lines}
    assert ("uvicorn.error", "Started server process") in messages
    assert any(m.startswith("Uvicorn running on http://127.0.0.1:") for _, m in messages), lines
    assert ("uvicorn.error", "Finished server process") in messages
    assert ("milestone_billing.requests", "request") in messages  # the app logs alike


def test_log_format_text_gives_readable_lines_for_uvicorn_and_the_app(
    migrated_url: str, workdir: Path
) -> None:
    base_url, process, stderr = serve_until_healthy(migrated_url, workdir, LOG_FORMAT="text")
    httpx.get(f"{base_url}/healthz", timeout=5)
    stop_server(process)
    lines = stderr.read_text().splitlines()
    assert lines and not any(line.lstrip().startswith("{") for line in lines), lines
    stamp = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}"
    running = rf"^{stamp} INFO uvicorn\.error: Uvicorn running on {re.escape(base_url)} "
    assert any(re.match(running, line) for line in lines), lines
    assert any(re.match(rf"^{stamp} INFO milestone_billing\b.*/healthz", line) for line in lines)


def test_an_unknown_log_format_is_refused_by_name(migrated_url: str, workdir: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "server.cli", "serve", "--port", str(free_port())],
        env=cli_env(migrated_url, LOG_FORMAT="xml"),
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == "error: LOG_FORMAT must be one of json, text, not 'xml'"


def test_serve_with_two_workers_starts_both_and_answers(
    migrated_url: str, write_key: str, workdir: Path
) -> None:
    base_url, process, stderr = serve_until_healthy(migrated_url, workdir, "--workers", "2")
    try:
        # Each worker logs its start (with its pid) before it takes connections; wait for both.
        deadline = time.monotonic() + 30
        while len(worker_pids(stderr)) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(worker_pids(stderr)) == 2, stderr.read_text()
        with httpx.Client(base_url=base_url, timeout=10) as client:
            for _ in range(20):
                response = client.post(
                    "/graphql",
                    json={"query": "{ projects { totalCount } }"},
                    headers={"Authorization": f"Bearer {write_key}", "Connection": "close"},
                )
                assert response.status_code == 200, response.text
                assert isinstance(response.json()["data"]["projects"]["totalCount"], int)
    finally:
        stop_server(process)
    assert process.returncode == 0, stderr.read_text()
    assert worker_pids(stderr) == worker_pids(stderr, "Finished server process")  # both stopped


def worker_pids(stderr: Path, message: str = "Started server process") -> set[int]:
    lines = (json.loads(line) for line in stderr.read_text().splitlines() if line.strip())
    return {
        int(line["message"].rsplit("[", 1)[1].rstrip("]"))
        for line in lines
        if line["message"].startswith(message)
    }


def test_workers_must_be_a_positive_number(migrated_url: str, workdir: Path) -> None:
    refused = cli(migrated_url, "serve", "--workers", "0", cwd=workdir, check=False)
    assert refused.returncode == 2
    assert "--workers: must be 1 or more, not 0" in refused.stderr
