"""GraphiQL and the balances page in a real headless Chromium, against a live `serve`.

The server is `milestone-billing serve --demo-key KEY` on a free loopback port, with the
`seed-demo` data, as `make run` starts it. Chromium is Debian's (`make test` installs it),
driven by Playwright, which never downloads a browser of its own here. Every request to
another host is blocked and recorded: the pages must load nothing from outside.
Screenshots go to .cache/screenshots/.

Skips only where no Chromium is found and REQUIRE_BROWSER is unset (CI sets it).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import httpx
import pytest

from server.graphiql_assets import DEFAULT_ASSETS_DIR, AssetsUnavailable
from server.graphiql_fetch import fetch
from tests.postgres import free_port
from tests.server.live import cli, cli_env, stop_server, wait_healthy

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / ".cache" / "screenshots"
CHROMIUM_FLAGS = [
    # Playwright adds --headless itself (headless=True) and --user-data-dir (a fresh folder).
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BALANCES = """query ProjectBalances { projects(first: 50) { nodes { name currency
  balance { invoicedAmount paidAmount creditedAmount outstandingAmount overdueAmount } } } }"""
FIELDS = ("invoicedAmount", "paidAmount", "creditedAmount", "outstandingAmount", "overdueAmount")
CLIENT_CREDIT = """{ clients(first: 50) { nodes { name
  balance { currency creditedAmount unappliedCreditAmount refundedAmount } } } }"""
TIMEOUT_MS = 20_000
OPEN_INVOICE = """{ invoices(first: 1, filter: {status: OPEN}) {
  nodes { id project { name } } } }"""
PAY = """mutation($invoiceId: ID!) { recordExternalPayment(input: {method: WIRE,
  allocations: [{invoiceId: $invoiceId, amount: "1.00"}]}) { userErrors { message } } }"""

# The text of a CodeMirror 5 editor (GraphiQL 3's) inside the element matching a selector.
EDITOR_TEXT = """selector => {
  const editor = document.querySelector(selector);
  return editor && editor.CodeMirror ? editor.CodeMirror.getValue() : null;
}"""
HEADERS_EDITOR = ".graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror"
QUERY_EDITOR = ".graphiql-query-editor .CodeMirror"
RESULT_EDITOR = ".result-window .CodeMirror"


class Demo(NamedTuple):
    base_url: str
    key: str


def find_chromium() -> str | None:
    named = os.environ.get("CHROMIUM")
    if named:
        return named
    return next(filter(None, map(shutil.which, ("chromium", "chromium-browser"))), None)


@pytest.fixture(scope="module")
def chromium() -> str:
    path = find_chromium()
    why = "no chromium found (`make test` installs Debian's chromium where it can)"
    if path is not None:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            path, why = None, "the playwright package is not installed (pip install -e '.[dev]')"
    if path is None:
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(f"REQUIRE_BROWSER is set but {why}")
        pytest.skip(why)
    return path


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """`make run`'s server: migrated, seeded, `serve --demo-key KEY` on loopback."""
    try:
        fetch(DEFAULT_ASSETS_DIR)  # what `make test` already did; a no-op when done
    except AssetsUnavailable as error:
        pytest.fail(f"GraphiQL's files cannot be served locally: {error}")
    workdir = tmp_path_factory.mktemp("browser")
    url = f"sqlite+aiosqlite:///{workdir}/demo.db"
    cli(url, "migrate", cwd=workdir)
    key = cli(url, "seed-demo", cwd=workdir).strip().splitlines()[-1].strip()
    base_url, log_path = f"http://127.0.0.1:{free_port()}", workdir / "serve.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "server.cli", "serve", "--demo-key", key],
            env=cli_env(url, HOST="127.0.0.1", PORT=base_url.rsplit(":", 1)[1]),
            cwd=workdir,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_healthy(base_url, process, log_path)
        yield Demo(base_url, key)
    finally:
        stop_server(process)
    assert '"graphiql": "local"' in log_path.read_text(), log_path.read_text()


class Browser(NamedTuple):
    context: Any  # playwright's BrowserContext
    outside: list[str]  # requests to other hosts, blocked
    errors: list[str]  # uncaught page errors


@pytest.fixture(scope="module")
def browser(chromium: str, demo: Demo) -> Iterator[Browser]:
    from playwright.sync_api import Route, sync_playwright

    ours = urlsplit(demo.base_url).netloc
    outside: list[str] = []

    def only_ours(route: Route) -> None:
        url = route.request.url
        if url.startswith("data:") or urlsplit(url).netloc == ours:
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as profile, sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=chromium,
            headless=True,
            args=CHROMIUM_FLAGS,
            viewport={"width": 1280, "height": 760},
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.route("**/*", only_ours)
        errors: list[str] = []
        context.on("page", lambda page: page.on("pageerror", lambda e: errors.append(str(e))))
        try:
            yield Browser(context, outside, errors)
        finally:
            context.close()


def api_query(demo: Demo, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    response = httpx.post(
        f"{demo.base_url}/graphql",
        json={"query": query, "variables": variables or {}},
        headers={"Authorization": f"Bearer {demo.key}"},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


def shown_paid(shown: list[dict[str, Any]], name: str) -> str:
    return str(next(p["amounts"]["paidAmount"] for p in shown if p["name"] == name))


def api_balances(demo: Demo) -> list[dict[str, Any]]:
    nodes: list[dict[str, Any]] = api_query(demo, BALANCES)["projects"]["nodes"]
    assert nodes
    return nodes


def test_graphiql_runs_the_default_query_with_the_demo_key_offline(
    browser: Browser, demo: Demo
) -> None:
    page = browser.context.new_page()
    page.goto(f"{demo.base_url}/graphql")
    page.wait_for_selector(".graphiql-execute-button")
    page.wait_for_function(f"() => ({EDITOR_TEXT})({HEADERS_EDITOR!r}) !== null")
    headers = page.evaluate(EDITOR_TEXT, HEADERS_EDITOR)
    assert f"Bearer {demo.key}" in headers
    assert "query ProjectBalances" in page.evaluate(EDITOR_TEXT, QUERY_EDITOR)

    page.click(".graphiql-execute-button")
    page.wait_for_function(
        f"() => (({EDITOR_TEXT})({RESULT_EDITOR!r}) || '').includes('Brand refresh')"
    )
    result = page.evaluate(EDITOR_TEXT, RESULT_EDITOR)
    assert '"invoicedAmount"' in result and '"errors"' not in result
    page.screenshot(path=SCREENSHOTS / "graphiql.png")

    assert browser.outside == [], f"GraphiQL asked other hosts for {browser.outside}"
    assert browser.errors == []
    page.close()


def test_the_balances_page_shows_what_the_api_returns(browser: Browser, demo: Demo) -> None:
    expected = api_balances(demo)
    page = browser.context.new_page()
    page.goto(f"{demo.base_url}/examples/balances")
    page.fill("#key", demo.key)
    page.click("button[type=submit]")
    page.wait_for_selector(f"#status:has-text('{len(expected)} project(s).')")

    shown = page.eval_on_selector_all(
        ".project",
        """sections => sections.map(s => ({
          name: s.dataset.project,
          amounts: Object.fromEntries(
            [...s.querySelectorAll('.amount')].map(a => [a.dataset.field, a.textContent]))
        }))""",
    )
    assert shown == [
        {"name": p["name"], "amounts": {f: p["balance"][f] for f in FIELDS}} for p in expected
    ]
    widths = page.eval_on_selector_all(".bar", "bars => bars.map(b => b.style.width)")
    assert len(widths) == len(FIELDS) * len(expected)
    assert any(w not in ("0", "0%", "") for w in widths)
    clients = page.eval_on_selector_all(
        "tr.client",
        """rows => rows.map(r => [r.dataset.client,
          Object.fromEntries([...r.querySelectorAll('.amount')]
            .map(a => [a.dataset.field, a.textContent]))])""",
    )
    # The seed's Northwind Traders: 150.00 of a 300.00 credit note applied, 100.00 refunded.
    assert [
        "Northwind Traders",
        {"creditedAmount": "150.00", "unappliedCreditAmount": "50.00", "refundedAmount": "100.00"},
    ] in clients
    assert len(clients) == sum(
        len(c["balance"]) for c in api_query(demo, CLIENT_CREDIT)["clients"]["nodes"]
    )
    page.screenshot(path=SCREENSHOTS / "balances.png", full_page=True)

    # Live: a payment recorded elsewhere (here, straight through the API) shows without a reload.
    page.wait_for_selector("#status[data-live=on]")
    [open_invoice] = api_query(demo, OPEN_INVOICE)["invoices"]["nodes"]
    paid = api_query(demo, PAY, {"invoiceId": open_invoice["id"]})["recordExternalPayment"]
    assert paid["userErrors"] == []
    name = open_invoice["project"]["name"]
    [now] = [p for p in api_balances(demo) if p["name"] == name]
    assert now["balance"]["paidAmount"] != shown_paid(shown, name)
    page.wait_for_function(
        """([name, amount]) => [...document.querySelectorAll('.project')].some(s =>
          s.dataset.project === name &&
          s.querySelector('.amount[data-field=paidAmount]').textContent === amount)""",
        arg=[name, now["balance"]["paidAmount"]],
    )

    page.fill("#key", "mbk_wrong")
    page.click("button[type=submit]")
    page.wait_for_selector("#status.error")

    assert browser.outside == [], f"the balances page asked other hosts for {browser.outside}"
    assert browser.errors == []
    page.close()
