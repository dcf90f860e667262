"""The graphql-http audit suite (GraphQL over HTTP conformance) against a live server.

Where node and npm exist, `graphql-http` is installed from the npm registry into the gitignored
.cache/graphql-http/ and tests/server/audit.mjs runs its `auditServer` against `serve`, with our
key added to every request. Every MUST audit has to pass; the SHOULD and MAY results are
printed and written to .cache/reports/graphql-http-audit.json for the README.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.server.live import ROOT, Live, write_report

GRAPHQL_HTTP_VERSION = "1.23.1"
GRAPHQL_JS_VERSION = "16.11.0"  # graphql-http's peer dependency
INSTALL_DIR = ROOT / ".cache" / "graphql-http"
MODULES = INSTALL_DIR / "node_modules"
SCRIPT = Path(__file__).with_name("audit.mjs")


def installed_version() -> str | None:
    package = MODULES / "graphql-http" / "package.json"
    if not package.exists() or not (MODULES / "graphql" / "package.json").exists():
        return None
    return str(json.loads(package.read_text()).get("version"))


@pytest.fixture(scope="module")
def graphql_http() -> Path:
    """The node_modules folder holding graphql-http (installed once, then reused)."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("node and npm are needed for the graphql-http audit; they are not installed")
    if installed_version() != GRAPHQL_HTTP_VERSION:
        INSTALL_DIR.mkdir(parents=True, exist_ok=True)
        result = subprocess.run(
            [npm, "install", "--prefix", str(INSTALL_DIR), "--no-audit", "--no-fund"]
            + ["--no-package-lock", "--loglevel=error"]
            + [f"graphql-http@{GRAPHQL_HTTP_VERSION}", f"graphql@{GRAPHQL_JS_VERSION}"],
            capture_output=True,
            text=True,
            timeout=300,
        )
        if result.returncode != 0:
            pytest.skip(f"npm could not install graphql-http (offline?): {result.stderr[-500:]}")
    assert installed_version() == GRAPHQL_HTTP_VERSION
    return MODULES


def run_audits(live: Live, modules: Path) -> list[dict[str, Any]]:
    result = subprocess.run(
        ["node", str(SCRIPT)],
        env={
            **os.environ,
            "GRAPHQL_HTTP_MODULES": str(modules),
            "AUDIT_URL": f"{live.base_url}/graphql",
            "AUDIT_KEY": live.key,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    results: list[dict[str, Any]] = json.loads(result.stdout)
    return results


def test_every_must_audit_of_graphql_http_passes(live: Live, graphql_http: Path) -> None:
    results = run_audits(live, graphql_http)
    assert len(results) > 50, "the audit suite ran fewer audits than it has"
    for result in results:
        assert result["name"].split(" ", 1)[0] in ("MUST", "SHOULD", "MAY"), result

    must = [r for r in results if r["name"].startswith("MUST ")]
    failed_must = [r for r in must if r["status"] != "ok"]
    others = [r for r in results if not r["name"].startswith("MUST ")]
    tally = Counter(f"{r['name'].split(' ', 1)[0]} {r['status']}" for r in results)

    report = {
        "graphql_http": GRAPHQL_HTTP_VERSION,
        "audits": len(results),
        "must_passed": len(must) - len(failed_must),
        "must_total": len(must),
        "tally": dict(sorted(tally.items())),
        "must_failed": failed_must,
        "should_and_may": [
            {k: r[k] for k in ("name", "status", "reason", "httpStatus")} for r in others
        ],
    }
    write_report("graphql-http-audit.json", report)
    print(
        f"\ngraphql-http {GRAPHQL_HTTP_VERSION}: {len(results)} audits, "
        f"MUST {len(must) - len(failed_must)}/{len(must)} passed; {dict(sorted(tally.items()))}"
    )
    for r in others:
        if r["status"] != "ok":
            print(f"  {r['status']:6} {r['name']}: {r['reason']}")

    assert failed_must == [], "\n".join(f"{r['name']}: {r['reason']}" for r in failed_must)
