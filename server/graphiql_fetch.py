"""Getting GraphiQL's pinned files with `npm pack`, each checked before it is written.

`fetch` is what `python -m server.graphiql fetch` runs (`make run` and `make test` run that);
`prepare_assets` is what `serve` runs before it starts: it fetches them when they are not there
yet (installed from the wheel, into the user's cache), and only logs when it cannot.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Mapping
from pathlib import Path

from server.graphiql_assets import (
    ASSETS,
    AssetsUnavailable,
    assets_dir,
    load_assets,
    matches_integrity,
    pinned_integrity,
    strawberry_template,
)

# The page's logger: one name for every line about GraphiQL's files.
logger = logging.getLogger("milestone_billing.graphiql")


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
