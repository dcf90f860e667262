"""The committed schema.graphql is exactly what the code exports."""

from pathlib import Path

from server.cli import main

ROOT = Path(__file__).resolve().parent.parent


def test_committed_sdl_matches_the_code(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["export-schema"]) == 0
    exported = capsys.readouterr().out
    committed = (ROOT / "schema.graphql").read_text()
    assert exported == committed, "schema.graphql is stale: run `make schema` and commit it"
