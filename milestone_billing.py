"""The `milestone-billing` console script: first checks that its packages are its own.

The distribution installs the top-level packages server, schema, db, domain and resolvers, names
that other PyPI distributions use too (`pip install schema`). Installed into the same
environment, one of those can shadow or overwrite ours, and the server would die with an
ImportError far from the cause. This module's own name is unique to us, so it can still run
and say what happened, in one line, before anything imports those packages.
"""

from __future__ import annotations

import gc
import os
import sys
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from importlib import metadata

DISTRIBUTION = "milestone-billing"
OWN_PACKAGES = ("server", "schema", "db", "domain", "resolvers")
HERE = Path(__file__).resolve().parent  # site-packages, or the checkout of an editable install
# Where clean checks are remembered, one file per interpreter and import path: reading every
# installed distribution's file list takes 0.05-0.1 s of each start.
CHECKED_DIR = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / DISTRIBUTION


def _canonical(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def _import_origin(name: str) -> Path | None:
    """The file a fresh `import NAME` would load (what is in sys.modules is not asked)."""
    for finder in sys.meta_path:
        find_spec = getattr(finder, "find_spec", None)
        spec = find_spec(name, None) if find_spec else None
        if spec is not None:
            return Path(spec.origin).resolve() if spec.origin else None
    return None


def _writes_into(distribution: metadata.Distribution, package: str) -> bool:
    return any(file.parts[:1] == (package,) for file in distribution.files or ())


def replaced_packages() -> list[str]:
    """Return, for each of our packages that another distribution replaced, what replaced it."""
    from importlib import metadata

    claims = metadata.packages_distributions()
    problems = []
    for package in OWN_PACKAGES:
        others = sorted(
            {name for name in claims.get(package, ()) if _canonical(name) != DISTRIBUTION}
        )
        origin = _import_origin(package)
        overwritten = [
            name for name in others if _writes_into(metadata.distribution(name), package)
        ]
        if origin != HERE / package / "__init__.py" or overwritten:
            by = f" by the distribution {', '.join(others)}" if others else ""
            problems.append(f"'{package}' was replaced{by} ({origin or 'not found'})")
    return problems


def _installation_state() -> str:
    """What a change of installed packages changes: where each of ours imports from, and the
    modification time of every import directory (installing or removing a distribution adds
    or removes its `.dist-info` folder there)."""
    parts = [f"{package}={_import_origin(package)}" for package in OWN_PACKAGES]
    for entry in sys.path:
        try:
            parts.append(f"{entry}@{os.stat(entry or '.').st_mtime_ns}")
        except OSError:
            parts.append(f"{entry}@-")
    return "\n".join(parts)


def startup_problem() -> str | None:
    """One line saying which of our packages were replaced and what to do; None when all is ours.

    A clean answer is remembered for the installation it was given for; any install, removal
    or shadowing module changes the state and the packages are checked again.
    """
    state = _installation_state()
    context = "\0".join([sys.executable, *sys.path]).encode(errors="replace")
    checked = CHECKED_DIR / f"packages-checked-{zlib.crc32(context):08x}"
    try:
        if checked.read_text() == state:
            return None
    except (OSError, UnicodeError):
        pass
    problems = replaced_packages()
    if not problems:
        try:
            CHECKED_DIR.mkdir(parents=True, exist_ok=True)
            partial = checked.with_suffix(f".{os.getpid()}")
            partial.write_text(state)
            partial.replace(checked)
        except OSError:  # a read-only home: checked again next time
            pass
        return None
    return (
        f"error: {DISTRIBUTION} cannot start: its package {'; '.join(problems)}. "
        f"Install {DISTRIBUTION} into an environment of its own (python3.11 -m venv)."
    )


def main(argv: Sequence[str] | None = None) -> int:
    if problem := startup_problem():
        print(problem, file=sys.stderr)
        return 1
    # Importing the packages and building the schema allocate hundreds of thousands of objects
    # that live as long as the process; the cyclic collector's passes over them while they are
    # made cost about 0.15 s of every start and free nothing. The command turns it back on:
    # serve's app after freezing what start-up made, the others once their arguments are read.
    gc.disable()
    try:
        from server.cli import main as cli_main

        return cli_main(argv)
    finally:
        gc.enable()


if __name__ == "__main__":
    sys.exit(main())
