"""The graphql-http audit suite (GraphQL over HTTP conformance) against a live server.

`graphql-http` comes from tests/npm (pinned by its package-lock.json, see tests/npm_tools.py);
tests/server/audit.mjs runs its `auditServer` against `serve`, with our key added to every
request. Every MUST and every SHOULD audit has to pass; the MAY results are printed, and all
are written to .cache/reports/graphql-http-audit.json for the README.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.npm_tools import node_modules
from tests.server.live import Live, write_report

GRAPHQL_HTTP_VERSION = "1.23.1"  # pinned in tests/npm/package-lock.json
SCRIPT = Path(__file__).with_name("audit.mjs")


@pytest.fixture(scope="module")
def graphql_http() -> Path:
    """The node_modules folder holding graphql-http (tests/npm, installed by `npm ci`)."""
    modules = node_modules()
    installed = json.loads((modules / "graphql-http" / "package.json").read_text())["version"]
    assert installed == GRAPHQL_HTTP_VERSION
    return modules


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


def test_every_must_and_should_audit_of_graphql_http_passes(live: Live, graphql_http: Path) -> None:
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
    should = [r for r in results if r["name"].startswith("SHOULD ")]
    assert len(should) > 20, "the audit suite ran fewer SHOULD audits than it has"
    not_ok = [r for r in should if r["status"] != "ok"]  # a warning counts as a failure here
    assert not_ok == [], "\n".join(f"{r['status']} {r['name']}: {r['reason']}" for r in not_ok)
