"""The `milestone-billing` console script: first checks that its packages are its own.

The distribution installs the top-level packages server, schema, db, domain and resolvers, names
that other PyPI distributions use too (`pip install schema`). Installed into the same
environment, one of those can shadow or overwrite ours, and the server would die with an
ImportError far from the cause. This module's own name is unique to us, so it can still run
and say what happened, in one line, before anything imports those packages.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

DISTRIBUTION = "milestone-billing"
OWN_PACKAGES = ("server", "schema", "db", "domain", "resolvers")
HERE = Path(__file__).resolve().parent  # site-packages, or the checkout of an editable install


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


def startup_problem() -> str | None:
    """One line saying which of our packages were replaced and what to do; None when all is ours."""
    problems = replaced_packages()
    if not problems:
        return None
    return (
        f"error: {DISTRIBUTION} cannot start: its package {'; '.join(problems)}. "
        f"Install {DISTRIBUTION} into an environment of its own (python3.11 -m venv)."
    )


def main(argv: Sequence[str] | None = None) -> int:
    if problem := startup_problem():
        print(problem, file=sys.stderr)
        return 1
    from server.cli import main as cli_main

    return cli_main(argv)


if __name__ == "__main__":
    sys.exit(main())
