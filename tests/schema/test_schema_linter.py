"""graphql-schema-linter's description rules pass on the committed schema.graphql."""

from __future__ import annotations

import json
import subprocess

from tests.npm_tools import NPM_DIR, node_modules, npm_bin
from tests.test_schema_file import ROOT

RULES = (
    "types-have-descriptions",
    "fields-have-descriptions",
    "arguments-have-descriptions",
    "enum-values-have-descriptions",
    "input-object-values-have-descriptions",
    "deprecations-have-a-reason",
    "descriptions-are-capitalized",
)


def lint(sdl_path: str) -> tuple[int, list[dict[str, object]]]:
    node_modules()
    result = subprocess.run(
        [*npm_bin("graphql-schema-linter"), "--rules", ",".join(RULES), "--format", "json"]
        + [sdl_path],
        cwd=NPM_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    errors: list[dict[str, object]] = json.loads(result.stdout)["errors"]
    return result.returncode, errors


def test_the_committed_schema_passes_the_description_rules() -> None:
    code, errors = lint(str(ROOT / "schema.graphql"))
    assert errors == [], "\n".join(f"{e['rule']}: {e['message']}" for e in errors)
    assert code == 0


def test_the_linter_catches_an_undocumented_field(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The rules are really on: a field without a description fails."""
    sdl = tmp_path / "schema.graphql"
    sdl.write_text(
        '"""A thing."""\ntype Query {\n  """Its name."""\n  name: String\n  size: Int\n}\n'
    )
    code, errors = lint(str(sdl))
    assert code != 0
    assert [e["rule"] for e in errors] == ["fields-have-descriptions"]
