"""GraphiQL's pinned files: which ones Strawberry's page loads, where they are kept, their check.

`ASSETS` names the seven files of Strawberry's GraphiQL page and the npm package each comes from;
`load_assets` reads them from the assets folder (GRAPHIQL_ASSETS_DIR, else `DEFAULT_ASSETS_DIR`)
and checks each against the SRI hash in Strawberry's own template. Anything short of that raises
AssetsUnavailable, whose message is the reason the page falls back to the CDN.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from strawberry.http.ides import get_graphql_ide_html

ASSETS_DIR_VARIABLE = "GRAPHIQL_ASSETS_DIR"
CHECKOUT = Path(__file__).resolve().parents[1]
# Installed from the wheel, first `serve` fetches the files into the user's cache instead.
IN_CHECKOUT = (CHECKOUT / "pyproject.toml").is_file()
USER_CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
DEFAULT_ASSETS_DIR = (
    CHECKOUT / ".cache" / "graphiql-assets"
    if IN_CHECKOUT
    else USER_CACHE / "milestone-billing" / "graphiql-assets"
)
CDN = "https://unpkg.com/"


@dataclass(frozen=True)
class Asset:
    """One file of Strawberry's page: served as `server.graphiql.ROUTE_PREFIX + name`."""

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


def assets_dir(environ: Mapping[str, str] = os.environ) -> Path:
    """Where the files are looked for: GRAPHIQL_ASSETS_DIR, else DEFAULT_ASSETS_DIR."""
    directory = environ.get(ASSETS_DIR_VARIABLE)
    return Path(directory) if directory else DEFAULT_ASSETS_DIR
