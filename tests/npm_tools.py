"""The npm packages the client-side tests run, pinned by tests/npm/package-lock.json.

`make npm-tools` (part of `make test`) runs `npm ci` in tests/npm/; `node_modules()` does the
same when the install is missing or older than the lock, so a bare `pytest` works too. Where
node and npm are absent the tests that need them skip, unless REQUIRE_NODE is set (CI sets it).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from functools import cache
from pathlib import Path

import pytest

NPM_DIR = Path(__file__).resolve().parent / "npm"
MODULES = NPM_DIR / "node_modules"
# Written after a successful `npm ci`: the lock's hash, so a changed lock installs again.
STAMP = MODULES / ".installed-lock-sha256"


def lock_hash() -> str:
    return hashlib.sha256((NPM_DIR / "package-lock.json").read_bytes()).hexdigest()


def is_current() -> bool:
    return STAMP.exists() and STAMP.read_text().strip() == lock_hash()


@cache
def _install() -> str | None:
    """Install with `npm ci` unless current; return why it could not, or None."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        return "node and npm are not installed"
    if is_current():
        return None
    result = subprocess.run(
        ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=NPM_DIR,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode != 0:
        return f"npm ci failed in tests/npm: {result.stderr[-800:]}"
    STAMP.write_text(lock_hash())
    return None


def node_modules() -> Path:
    """Return tests/npm/node_modules, installed from the lock; skip (or fail) without npm."""
    why = _install()
    if why is not None:
        if os.environ.get("REQUIRE_NODE"):
            pytest.fail(f"REQUIRE_NODE is set but {why}")
        pytest.skip(why)
    return MODULES


def run_node(
    script: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 180
) -> subprocess.CompletedProcess[str]:
    """Run a node script from tests/npm (its imports resolve to the pinned packages)."""
    return subprocess.run(
        ["node", str(script), *args],
        cwd=NPM_DIR,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def npm_bin(name: str) -> list[str]:
    """Return the command that runs a pinned package's executable."""
    return [str(MODULES / ".bin" / name)]
