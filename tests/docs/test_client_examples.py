"""The README's client examples work: TypeScript types that graphql-codegen generates from
schema.graphql for docs/clients/operations.graphql compile with example.ts under `tsc --strict`
(so a breaking schema change shows), and the `gql` example runs against a live server."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.npm_tools import NPM_DIR, node_modules, npm_bin
from tests.server.live import Live, graphql, live_server
from tests.test_schema_file import ROOT

CLIENTS = ROOT / "docs" / "clients"
# The same plugins and scalars as docs/clients/codegen.ts (which the README runs from the root).
SCALARS = {
    "Date": "string",
    "DateTime": "string",
    "Decimal": "string",
    "Percentage": "string",
    "JSON": "unknown",
}


def generate_and_compile(schema: Path, workdir: Path) -> subprocess.CompletedProcess[str]:
    """Generate generated.ts beside a copy of example.ts in workdir, then run tsc --strict."""
    node_modules()
    generated = workdir / "generated.ts"
    config = {
        "schema": str(schema),
        "documents": str(CLIENTS / "operations.graphql"),
        "generates": {
            str(generated): {
                "plugins": ["typescript", "typescript-operations"],
                "config": {"strictScalars": True, "enumsAsTypes": True, "scalars": SCALARS},
            }
        },
    }
    (workdir / "codegen.json").write_text(json.dumps(config))
    codegen = subprocess.run(
        [*npm_bin("graphql-codegen"), "--config", str(workdir / "codegen.json")],
        cwd=NPM_DIR,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert codegen.returncode == 0, codegen.stdout + codegen.stderr
    (workdir / "example.ts").write_text((CLIENTS / "example.ts").read_text())
    return subprocess.run(
        [*npm_bin("tsc"), "--strict", "--noEmit", "--target", "es2022", "--module", "es2022"]
        + ["--moduleResolution", "bundler", "--lib", "es2022,dom"]
        + [str(workdir / "example.ts"), str(generated)],
        cwd=NPM_DIR,
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_generated_typescript_compiles_strictly_against_the_committed_schema(
    tmp_path: Path,
) -> None:
    compiled = generate_and_compile(ROOT / "schema.graphql", tmp_path)
    assert compiled.returncode == 0, compiled.stdout + compiled.stderr
    generated = (tmp_path / "generated.ts").read_text()
    assert "export type ProjectBalancesQuery" in generated
    scalars = re.search(r"export type Scalars = \{(.*?)\n\};", generated, re.S)
    assert scalars and "Decimal: { input: string; output: string; }" in scalars.group(1)
    assert not re.search(r"\bany\b", scalars.group(1)), "a scalar was left untyped"


def test_a_breaking_type_change_fails_the_compile(tmp_path: Path) -> None:
    """Amounts turned into numbers: example.ts compares them with '0.00', so tsc refuses."""
    sdl = (ROOT / "schema.graphql").read_text()
    broken = sdl.replace("overdueAmount: Decimal!", "overdueAmount: Int!")
    assert broken != sdl
    (tmp_path / "schema.graphql").write_text(broken)
    compiled = generate_and_compile(tmp_path / "schema.graphql", tmp_path)
    assert compiled.returncode != 0
    assert "example.ts" in compiled.stdout


@pytest.fixture
def live(tmp_path: Path) -> Iterator[Live]:
    with live_server(f"sqlite+aiosqlite:///{tmp_path}/live.db", tmp_path) as server:
        yield server


def test_the_gql_example_prints_balances_and_what_an_invoice_owes(live: Live) -> None:
    created = graphql(
        live.base_url,
        live.key,
        """mutation { createProject(input: {name: "Harbour Lights", currency: "EUR",
        clientName: "Port Authority"}) { project { id } userErrors { message } } }""",
    )
    project_id = created["createProject"]["project"]["id"]
    invoiced = graphql(
        live.base_url,
        live.key,
        """mutation($projectId: ID!) { createInvoice(input: {projectId: $projectId,
        lines: [{description: "Survey", amount: "1250.00"}]})
        { invoice { number dueOn } userErrors { message } } }""",
        {"projectId": project_id},
    )
    invoice = invoiced["createInvoice"]["invoice"]
    run = subprocess.run(
        [sys.executable, str(CLIENTS / "example_gql.py"), f"{live.base_url}/graphql", live.key]
        + [invoice["number"]],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == [
        "Harbour Lights: 1250.00 EUR outstanding, 0.00 overdue",
        f"{invoice['number']} (OPEN): 1250.00 EUR due on {invoice['dueOn']}",
    ]
