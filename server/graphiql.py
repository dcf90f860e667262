"""GraphiQL without the internet: the pinned npm files, checked, then served by this server.

Strawberry's GraphiQL page loads seven files from a CDN, each with an SRI `integrity` hash.
`python -m server.graphiql fetch` (which `make run` and `make test` run) gets exactly those
versions with `npm pack` into `.cache/graphiql-assets/`; installed from the wheel, `serve` fetches
them once into the user's cache (`prepare_assets`). The server serves them at
`/graphiql-assets/NAME` once every file matches the hash in Strawberry's own template, in a page
that names no outside host. Otherwise (no npm, a file missing or changed, a Strawberry whose
template pins other versions) it serves Strawberry's CDN page and logs why, in one line.

On loopback, `serve --demo-key KEY` (or DEMO_API_KEY) opens the page with that key in the
headers pane and a query that lists the projects' balances.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import ipaddress
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from strawberry.http.ides import get_graphql_ide_html

logger = logging.getLogger("milestone_billing.graphiql")

ASSETS_DIR_VARIABLE = "GRAPHIQL_ASSETS_DIR"
DEMO_KEY_VARIABLE = "DEMO_API_KEY"
CHECKOUT = Path(__file__).resolve().parents[1]
# Installed from the wheel, first `serve` fetches the files into the user's cache instead.
IN_CHECKOUT = (CHECKOUT / "pyproject.toml").is_file()
USER_CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
DEFAULT_ASSETS_DIR = (
    CHECKOUT / ".cache" / "graphiql-assets"
    if IN_CHECKOUT
    else USER_CACHE / "milestone-billing" / "graphiql-assets"
)
ROUTE_PREFIX = "/graphiql-assets/"
PAGE_TEMPLATE = Path(__file__).with_name("static") / "graphiql.html"
CDN = "https://unpkg.com/"

DEFAULT_QUERY = """\
# Your projects and their balances.
# Press ▶ (or Ctrl-Enter) to run it.
query ProjectBalances {
  projects(first: 50) {
    totalCount
    nodes {
      name
      clientName
      currency
      balance {
        invoicedAmount
        paidAmount
        outstandingAmount
        overdueAmount
      }
    }
  }
}
"""


@dataclass(frozen=True)
class Asset:
    """One file of Strawberry's page: served as `ROUTE_PREFIX + name`."""

    name: str
    package: str  # npm spec, "react@18.2.0"
    path: str  # inside the package

    @property
    def cdn_url(self) -> str:
        return f"{CDN}{self.package}/{self.path}"

    @property
    def tarball(self) -> str:
        """The file name `npm pack` gives the package: @scope/name@1.0 -> scope-name-1.0.tgz."""
        name, _, version = self.package.rpartition("@")
        return f"{name.lstrip('@').replace('/', '-')}-{version}.tgz"

    @property
    def media_type(self) -> str:
        return "text/css" if self.name.endswith(".css") else "text/javascript"


# In the order the page loads them: styles, then React, then GraphiQL and its explorer plugin.
ASSETS = (
    Asset("graphiql.min.css", "graphiql@3.8.3", "graphiql.min.css"),
    Asset("plugin-explorer.css", "@graphiql/plugin-explorer@1.0.2", "dist/style.css"),
    Asset("react.production.min.js", "react@18.2.0", "umd/react.production.min.js"),
    Asset("react-dom.production.min.js", "react-dom@18.2.0", "umd/react-dom.production.min.js"),
    Asset("js.cookie.min.js", "js-cookie@3.0.5", "dist/js.cookie.min.js"),
    Asset("graphiql.min.js", "graphiql@3.8.3", "graphiql.min.js"),
    Asset("plugin-explorer.umd.js", "@graphiql/plugin-explorer@1.0.2", "dist/index.umd.js"),
)

_TAG = re.compile(r"<(?:script|link)\b[^>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r'\b(src|href|integrity)\s*=\s*"([^"]*)"', re.IGNORECASE)
_HASHES = {"sha256": hashlib.sha256, "sha384": hashlib.sha384, "sha512": hashlib.sha512}


class AssetsUnavailable(Exception):
    """Why the local files cannot be served (the page falls back to the CDN)."""


def strawberry_template() -> str:
    return get_graphql_ide_html("graphiql")


def template_integrity(template: str) -> dict[str, str]:
    """Return {CDN URL: integrity} for every script and stylesheet the template loads remotely."""
    found: dict[str, str] = {}
    for tag in _TAG.findall(template):
        attributes = {k.lower(): v for k, v in _ATTRIBUTE.findall(tag)}
        url = attributes.get("src") or attributes.get("href") or ""
        if url.startswith(("http://", "https://", "//")):
            found[url] = attributes.get("integrity", "")
    return found


def pinned_integrity(template: str) -> dict[str, str]:
    """Return {asset name: integrity}; raise when the template and ASSETS do not pin the same."""
    remote = template_integrity(template)
    ours = {asset.cdn_url: asset.name for asset in ASSETS}
    if unknown := sorted(set(remote) - set(ours)):
        raise AssetsUnavailable(f"Strawberry's template loads files not pinned here: {unknown}")
    if missing := sorted(set(ours) - set(remote)):
        raise AssetsUnavailable(f"Strawberry's template no longer loads {missing}")
    if unhashed := sorted(url for url, integrity in remote.items() if not integrity):
        raise AssetsUnavailable(f"Strawberry's template has no integrity hash for {unhashed}")
    return {ours[url]: integrity for url, integrity in remote.items()}


def matches_integrity(data: bytes, integrity: str) -> bool:
    """True when `data` matches one of the SRI hashes (`sha384-<base64>` ...) it is given."""
    for token in integrity.split():
        algorithm, _, expected = token.partition("-")
        digest = _HASHES.get(algorithm.lower())
        if digest is not None and base64.b64encode(digest(data).digest()).decode() == expected:
            return True
    return False


# Files already checked in this process, by what identifies them: `serve` checks them before
# uvicorn starts, and the app it starts in the same process must not hash them again.
_CHECKED: dict[tuple[Path, str, tuple[tuple[int, int], ...]], dict[str, bytes]] = {}


def load_assets(directory: Path, template: str) -> dict[str, bytes]:
    """Return {name: bytes} of every asset, each checked against the template's SRI hash."""
    try:
        stats = tuple(
            (stat.st_mtime_ns, stat.st_size)
            for stat in (os.stat(directory / asset.name) for asset in ASSETS)
        )
    except OSError:
        stats = None
    key = (directory, template, stats) if stats is not None else None
    if key is not None and key in _CHECKED:
        return dict(_CHECKED[key])
    files = _checked_assets(directory, template)
    if key is not None:
        _CHECKED[key] = dict(files)
    return files


def _checked_assets(directory: Path, template: str) -> dict[str, bytes]:
    integrity = pinned_integrity(template)
    files: dict[str, bytes] = {}
    for asset in ASSETS:
        path = directory / asset.name
        try:
            data = path.read_bytes()
        except OSError:
            raise AssetsUnavailable(
                f"{path} is missing: run `python -m server.graphiql fetch` (needs npm)"
            ) from None
        if not matches_integrity(data, integrity[asset.name]):
            raise AssetsUnavailable(f"{path} does not match its SRI hash {integrity[asset.name]}")
        files[asset.name] = data
    return files


def fetch(
    directory: Path, *, npm: str | None = None, template: str | None = None, timeout: float = 300
) -> bool:
    """Get the pinned files with `npm pack` into `directory`; False when they were already there.

    Each file is checked against Strawberry's hash before it is written; raise AssetsUnavailable
    when npm is missing or fails, or a file does not match.
    """
    template = strawberry_template() if template is None else template
    try:
        load_assets(directory, template)
        return False
    except AssetsUnavailable:
        pass
    integrity = pinned_integrity(template)
    npm = npm or shutil.which("npm")
    if npm is None:
        raise AssetsUnavailable("npm is not installed")
    directory.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        packages = sorted({asset.package for asset in ASSETS})
        try:
            subprocess.run(
                [npm, "pack", "--silent", *packages],
                cwd=scratch,
                check=True,
                capture_output=True,
                text=True,
                timeout=timeout,
            )
        except (OSError, subprocess.SubprocessError) as error:
            detail = getattr(error, "stderr", None) or error
            raise AssetsUnavailable(f"`npm pack` failed: {str(detail).strip()[-500:]}") from None
        for asset in ASSETS:
            data = _member(Path(scratch) / asset.tarball, f"package/{asset.path}")
            if not matches_integrity(data, integrity[asset.name]):
                raise AssetsUnavailable(f"{asset.cdn_url} from npm does not match its SRI hash")
            partial = directory / f".{asset.name}.partial"
            partial.write_bytes(data)
            partial.replace(directory / asset.name)
    return True


def assets_dir(environ: Mapping[str, str] = os.environ) -> Path:
    """Where the files are looked for: GRAPHIQL_ASSETS_DIR, else DEFAULT_ASSETS_DIR."""
    directory = environ.get(ASSETS_DIR_VARIABLE)
    return Path(directory) if directory else DEFAULT_ASSETS_DIR


def prepare_assets(environ: Mapping[str, str] = os.environ) -> None:
    """Fetch the files when they are not there yet (first `serve`); log when that fails."""
    directory = assets_dir(environ)
    try:
        if fetch(directory, timeout=120):
            logger.info("GraphiQL's files fetched into %s", directory)
    except (AssetsUnavailable, OSError) as error:  # OSError: a cache folder it cannot write
        logger.warning("GraphiQL's files could not be fetched into %s: %s", directory, error)


def _member(tarball: Path, member: str) -> bytes:
    try:
        with tarfile.open(tarball, "r:gz") as archive:
            extracted = archive.extractfile(member)
            if extracted is None:
                raise KeyError(member)
            return extracted.read()
    except (OSError, KeyError, tarfile.TarError) as error:
        raise AssetsUnavailable(f"{tarball.name} has no {member}: {error}") from None


def is_loopback(host: str) -> bool:
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _script_json(value: object) -> str:
    """JSON that is safe inside a <script> element."""
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


class GraphiQLPage:
    """The GraphiQL page and its files; decides once, on first use, local files or the CDN."""

    def __init__(
        self,
        *,
        assets_dir: Path | None = None,
        host: str = "127.0.0.1",
        demo_key: str | None = None,
        template: str | None = None,
    ) -> None:
        self.assets_dir = assets_dir or DEFAULT_ASSETS_DIR
        self.template = strawberry_template() if template is None else template
        self.demo_key = demo_key if demo_key and is_loopback(host) else None
        if demo_key and self.demo_key is None:
            logger.warning(
                "not prefilling the demo key in GraphiQL: the server is bound to %s, "
                "not to loopback",
                host,
            )
        self._files: dict[str, bytes] | None = None
        self.fallback_reason: str | None = None

    @classmethod
    def from_env(cls, host: str, environ: Mapping[str, str] = os.environ) -> GraphiQLPage:
        return cls(
            assets_dir=assets_dir(environ),
            host=host,
            demo_key=(environ.get(DEMO_KEY_VARIABLE) or "").strip() or None,
        )

    @property
    def files(self) -> dict[str, bytes]:
        """The checked files ({} when falling back to the CDN); loaded and logged once."""
        if self._files is None:
            try:
                self._files = load_assets(self.assets_dir, self.template)
            except AssetsUnavailable as error:
                self._files = {}
                self.fallback_reason = str(error)
                logger.warning(
                    "GraphiQL falls back to Strawberry's CDN page: %s",
                    error,
                    extra={"fields": {"graphiql": "cdn", "reason": str(error)}},
                )
            else:
                logger.info(
                    "GraphiQL is served from local files in %s",
                    self.assets_dir,
                    extra={"fields": {"graphiql": "local"}},
                )
        return self._files

    @property
    def local(self) -> bool:
        return bool(self.files)

    def prepare(self) -> bool:
        """Check the local files now (and log the outcome); True when they will be served."""
        return self.local

    def html(self, root_path: str = "") -> str:
        if not self.local:
            return self.template
        integrity = pinned_integrity(self.template)
        tags = []
        for asset in ASSETS:
            url = f"{root_path}{ROUTE_PREFIX}{asset.name}"
            if asset.media_type == "text/css":
                tags.append(
                    f'<link rel="stylesheet" href="{url}" integrity="{integrity[asset.name]}" />'
                )
            else:
                tags.append(f'<script src="{url}" integrity="{integrity[asset.name]}"></script>')
        headers = None
        if self.demo_key:
            headers = json.dumps({"Authorization": f"Bearer {self.demo_key}"}, indent=2)
        config = {"query": DEFAULT_QUERY, "headers": headers, "demo": headers is not None}
        page = PAGE_TEMPLATE.read_text(encoding="utf-8")
        return page.replace("<!-- ASSETS -->", "\n    ".join(tags)).replace(
            "/* CONFIG */ null", _script_json(config)
        )

    def response(self, request: Request) -> HTMLResponse:
        return HTMLResponse(
            self.html(request.scope.get("root_path", "")),
            headers={"Cache-Control": "no-store"},  # it may carry the demo key
        )

    async def asset(self, request: Request) -> Response:
        """GET /graphiql-assets/{name}: one checked file, or 404."""
        name = request.path_params["name"]
        data = self.files.get(name)
        if data is None:
            raise HTTPException(404)  # answered as JSON by server.app's handler
        media_type = next(a.media_type for a in ASSETS if a.name == name)
        return Response(
            data,
            media_type=media_type,
            headers={"Cache-Control": "public, max-age=86400, immutable"},
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m server.graphiql",
        description="Get GraphiQL's pinned files from npm, for serving GraphiQL offline.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    get = commands.add_parser("fetch", help="npm pack the pinned files into the assets folder")
    get.add_argument(
        "--dir",
        type=Path,
        default=assets_dir(),
        help=f"where to put them (default: {ASSETS_DIR_VARIABLE} or {DEFAULT_ASSETS_DIR})",
    )
    get.add_argument(
        "--strict", action="store_true", help="exit 1 when they cannot be had (default: warn)"
    )
    args = parser.parse_args(argv)
    try:
        fetched = fetch(args.dir)
    except AssetsUnavailable as error:
        print(f"GraphiQL will load from the CDN: {error}", file=sys.stderr)
        return 1 if args.strict else 0
    print(f"GraphiQL files {'fetched into' if fetched else 'already in'} {args.dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
