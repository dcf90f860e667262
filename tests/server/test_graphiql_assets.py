"""Offline GraphiQL: fetching the pinned files, checking them, the page, and the CDN fallback."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import logging
import shutil
import sys
import tarfile
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from server.app import create_app
from server.graphiql import GraphiQLPage, main
from server.graphiql_assets import (
    ASSETS,
    DEFAULT_ASSETS_DIR,
    AssetsUnavailable,
    load_assets,
    matches_integrity,
    pinned_integrity,
    strawberry_template,
    template_integrity,
)
from server.graphiql_fetch import fetch, prepare_assets
from server.logs import JsonFormatter
from server.settings import Settings

KEY = "mbk_demo_key_for_tests"


def sri(data: bytes, algorithm: str = "sha384") -> str:
    return f"{algorithm}-{base64.b64encode(hashlib.new(algorithm, data).digest()).decode()}"


def fake_files() -> dict[str, bytes]:
    return {asset.name: f"/* {asset.package} {asset.path} */".encode() for asset in ASSETS}


def fake_template(files: dict[str, bytes]) -> str:
    """A page shaped like Strawberry's, whose hashes are those of `files`."""
    tags = [
        f'<script crossorigin\n  src="{a.cdn_url}"\n  integrity="{sri(files[a.name])}"></script>'
        for a in ASSETS
    ]
    return "<html><head>" + "\n".join(tags) + "</head><body>strawberry</body></html>"


def write(directory: Path, files: dict[str, bytes]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (directory / name).write_bytes(data)
    return directory


def test_strawberry_pins_exactly_our_files_with_sri_hashes() -> None:
    remote = template_integrity(strawberry_template())
    assert set(remote) == {asset.cdn_url for asset in ASSETS}
    assert {a.package for a in ASSETS} == {
        "graphiql@3.8.3",
        "react@18.2.0",
        "react-dom@18.2.0",
        "js-cookie@3.0.5",
        "@graphiql/plugin-explorer@1.0.2",
    }
    assert all(value.startswith(("sha256-", "sha384-", "sha512-")) for value in remote.values())
    assert set(pinned_integrity(strawberry_template())) == {asset.name for asset in ASSETS}


def test_a_template_pinning_other_versions_is_refused() -> None:
    files = fake_files()
    newer = fake_template(files).replace("graphiql@3.8.3", "graphiql@4.0.0")
    with pytest.raises(AssetsUnavailable, match="not pinned here"):
        pinned_integrity(newer)


@pytest.mark.parametrize("algorithm", ["sha256", "sha384", "sha512"])
def test_integrity_matches_the_file_bytes(algorithm: str) -> None:
    assert matches_integrity(b"react", sri(b"react", algorithm))
    assert matches_integrity(b"react", f"sha384-bm90aGluZw== {sri(b'react', algorithm)}")
    assert not matches_integrity(b"react!", sri(b"react", algorithm))
    assert not matches_integrity(b"react", "md5-whatever")
    assert not matches_integrity(b"react", "")


def test_checked_files_are_served_in_a_page_naming_no_outside_host(tmp_path: Path) -> None:
    files = fake_files()
    page = GraphiQLPage(assets_dir=write(tmp_path, files), template=fake_template(files))
    assert page.prepare()
    html = page.html()
    assert "http://" not in html and "https://" not in html and "//unpkg" not in html
    for asset in ASSETS:
        assert f'"/graphiql-assets/{asset.name}" integrity="{sri(files[asset.name])}"' in html
    assert "query ProjectBalances" in html
    assert page.html(root_path="/billing").count('"/billing/graphiql-assets/') == len(ASSETS)


@pytest.mark.parametrize(
    ("change", "reason"),
    [("tamper", "does not match its SRI hash"), ("remove", "is missing")],
)
def test_a_changed_or_missing_file_falls_back_to_the_cdn_and_logs_why(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, change: str, reason: str
) -> None:
    files = fake_files()
    template = fake_template(files)
    write(tmp_path, files)
    if change == "tamper":
        (tmp_path / "react.production.min.js").write_bytes(b"alert('changed')")
    else:
        (tmp_path / "graphiql.min.js").unlink()
    with pytest.raises(AssetsUnavailable, match=reason):
        load_assets(tmp_path, template)

    page = GraphiQLPage(assets_dir=tmp_path, template=template, demo_key=KEY)
    with caplog.at_level(logging.INFO, logger="milestone_billing.graphiql"):
        assert not page.prepare()
        assert page.html() == template  # Strawberry's own CDN page
        assert not page.prepare()  # decided once
    [record] = caplog.records
    line = json.loads(JsonFormatter().format(record))
    assert line["graphiql"] == "cdn" and reason in line["reason"]
    assert "CDN" in line["message"]
    assert KEY not in page.html()


def test_the_demo_key_is_prefilled_on_loopback_only(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    files = fake_files()
    directory, template = write(tmp_path, files), fake_template(files)
    for host in ("127.0.0.1", "localhost", "::1", "[::1]", "127.0.0.5"):
        html = GraphiQLPage(assets_dir=directory, template=template, host=host, demo_key=KEY).html()
        assert f"Bearer {KEY}" in html, host
    for host in ("0.0.0.0", "::", "192.168.1.20", "billing.example.com"):
        page = GraphiQLPage(assets_dir=directory, template=template, host=host, demo_key=KEY)
        assert KEY not in page.html(), host
    assert "not to loopback" in caplog.text
    assert KEY not in GraphiQLPage(assets_dir=directory, template=template).html()


def test_the_page_config_cannot_close_its_script(tmp_path: Path) -> None:
    files = fake_files()
    page = GraphiQLPage(
        assets_dir=write(tmp_path, files), template=fake_template(files), demo_key="</script>x"
    )
    assert "</script>x" not in page.html()


def fake_npm(tmp_path: Path, files: dict[str, bytes]) -> Path:
    """An `npm` that packs `files` into tarballs named as npm names them; logs its calls."""
    for asset in ASSETS:
        tarball = tmp_path / "registry" / asset.tarball
        tarball.parent.mkdir(exist_ok=True)
        members = [a for a in ASSETS if a.package == asset.package]
        with tarfile.open(tarball, "w:gz") as archive:
            for member in members:
                info = tarfile.TarInfo(f"package/{member.path}")
                info.size = len(files[member.name])
                archive.addfile(info, io.BytesIO(files[member.name]))
    script = tmp_path / "npm"
    script.write_text(
        f"#!{sys.executable}\n"
        "import shutil, sys\n"
        f"registry, calls = {str(tmp_path / 'registry')!r}, {str(tmp_path / 'calls')!r}\n"
        "open(calls, 'a').write(' '.join(sys.argv[1:]) + '\\n')\n"
        "assert sys.argv[1] == 'pack'\n"
        "for name in __import__('os').listdir(registry):\n"
        "    shutil.copy(f'{registry}/{name}', name)\n"
    )
    script.chmod(0o755)
    return script


def test_fetch_packs_the_pinned_versions_and_keeps_only_the_files_used(tmp_path: Path) -> None:
    files = fake_files()
    template, npm = fake_template(files), fake_npm(tmp_path, files)
    target = tmp_path / "assets"
    assert fetch(target, npm=str(npm), template=template) is True
    [call] = (tmp_path / "calls").read_text().splitlines()
    assert call.split() == ["pack", "--silent", *sorted({a.package for a in ASSETS})]
    assert sorted(p.name for p in target.iterdir()) == sorted(files)
    assert load_assets(target, template) == files

    assert fetch(target, npm="/nonexistent/npm", template=template) is False  # already there


def test_fetch_refuses_files_that_do_not_match(tmp_path: Path) -> None:
    files = fake_files()
    template = fake_template(files)
    npm = fake_npm(tmp_path, {**files, "graphiql.min.js": b"evil()"})
    with pytest.raises(AssetsUnavailable, match="does not match"):
        fetch(tmp_path / "assets", npm=str(npm), template=template)
    assert not (tmp_path / "assets" / "graphiql.min.js").exists()


def test_without_npm_the_command_warns_and_make_run_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no npm on it
    assert main(["fetch", "--dir", str(tmp_path / "assets")]) == 0
    assert "GraphiQL will load from the CDN: npm is not installed" in capsys.readouterr().err
    assert main(["fetch", "--dir", str(tmp_path / "assets"), "--strict"]) == 1


# --- the real files, through the app -------------------------------------------------------


@pytest.fixture(scope="module")
def real_assets() -> Path:
    """The pinned files from npm (what `make test` fetched before pytest)."""
    try:
        fetch(DEFAULT_ASSETS_DIR)
    except AssetsUnavailable as error:
        if shutil.which("npm"):
            pytest.fail(f"npm is here but GraphiQL's files could not be had: {error}")
        pytest.skip(f"GraphiQL's files cannot be fetched: {error}")
    return DEFAULT_ASSETS_DIR


@pytest.fixture
async def client(
    real_assets: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
) -> AsyncIterator[httpx.AsyncClient]:
    monkeypatch.setenv("DEMO_API_KEY", KEY)
    host = getattr(request, "param", "127.0.0.1")
    app = create_app(Settings(database_url=f"sqlite+aiosqlite:///{tmp_path}/x.db", host=host))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        yield client
    await app.state.milestone_billing.engine.dispose()


async def test_the_app_serves_graphiql_and_its_checked_files(client: httpx.AsyncClient) -> None:
    page = await client.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "unpkg" not in page.text and "https://" not in page.text
    assert f"Bearer {KEY}" in page.text
    assert page.headers["cache-control"] == "no-store"
    integrity = pinned_integrity(strawberry_template())
    for asset in ASSETS:
        response = await client.get(f"/graphiql-assets/{asset.name}")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith(asset.media_type)
        assert matches_integrity(response.content, integrity[asset.name])
    assert (await client.get("/graphiql-assets/secret.txt")).status_code == 404
    assert (await client.get("/graphiql-assets/..%2Fsettings.py")).status_code == 404


@pytest.mark.parametrize("client", ["0.0.0.0"], indirect=True)
async def test_the_app_bound_beyond_loopback_never_shows_the_key(client: httpx.AsyncClient) -> None:
    page = await client.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "/graphiql-assets/graphiql.min.js" in page.text
    assert KEY not in page.text


async def test_the_balances_page_is_static_and_local(client: httpx.AsyncClient) -> None:
    page = await client.get("/examples/balances")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "https://" not in page.text and "http://" not in page.text
    assert (
        "balance { invoicedAmount paidAmount creditedAmount outstandingAmount overdueAmount }"
        in page.text
    )


def test_an_unwritable_cache_folder_warns_and_serve_goes_on(tmp_path: Path) -> None:
    # A service account's HOME may be missing or read-only: the page falls back to the CDN.
    not_a_folder = tmp_path / "a-file"
    not_a_folder.write_text("x")
    warnings: list[str] = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = lambda record: warnings.append(record.getMessage())  # type: ignore[method-assign]
    graphiql_logger = logging.getLogger("milestone_billing.graphiql")
    graphiql_logger.addHandler(handler)
    try:
        prepare_assets({"GRAPHIQL_ASSETS_DIR": str(not_a_folder / "assets")})
    finally:
        graphiql_logger.removeHandler(handler)
    assert any("could not be fetched" in warning for warning in warnings), warnings
