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

This module holds the page and `python -m server.graphiql fetch`; the pinned files and their
check are in `server.graphiql_assets`, getting them with npm in `server.graphiql_fetch`.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import logging
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from server.graphiql_assets import (
    ASSETS,
    ASSETS_DIR_VARIABLE,
    DEFAULT_ASSETS_DIR,
    AssetsUnavailable,
    assets_dir,
    load_assets,
    pinned_integrity,
    strawberry_template,
)
from server.graphiql_fetch import fetch

logger = logging.getLogger("milestone_billing.graphiql")

DEMO_KEY_VARIABLE = "DEMO_API_KEY"
ROUTE_PREFIX = "/graphiql-assets/"
PAGE_TEMPLATE = Path(__file__).with_name("static") / "graphiql.html"

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
