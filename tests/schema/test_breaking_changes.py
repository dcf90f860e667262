"""Schema changes are additive: every breaking change since the previous release's SDL (graphql-
core's find_breaking_changes) must be listed in CHANGELOG.md's Unreleased section."""

from __future__ import annotations

import re

from graphql import GraphQLSchema, build_schema, find_breaking_changes

from tests.test_schema_file import ROOT

PREVIOUS = ROOT / "tests" / "schema" / "previous_release.graphql"
CHANGELOG = ROOT / "CHANGELOG.md"


def unreleased_section() -> str:
    """The text of CHANGELOG.md between `## Unreleased` and the next `## ` heading."""
    text = CHANGELOG.read_text()
    match = re.search(r"^## Unreleased.*?$(.*?)(?=^## )", text, re.M | re.S)
    assert match, "CHANGELOG.md needs an `## Unreleased` section above the releases"
    return match.group(1)


def unlisted_breaking_changes(old: GraphQLSchema, new: GraphQLSchema, changelog: str) -> list[str]:
    """The breaking changes from old to new whose sentence the changelog does not carry."""
    changes = find_breaking_changes(old, new)
    return [
        f"{change.type.name}: {change.description}"
        for change in changes
        if change.description not in changelog
    ]


def test_schema_graphql_breaks_nothing_the_changelog_does_not_list() -> None:
    old = build_schema(PREVIOUS.read_text())
    new = build_schema((ROOT / "schema.graphql").read_text())
    unlisted = unlisted_breaking_changes(old, new, unreleased_section())
    assert unlisted == [], (
        "breaking schema changes: make them additive, or list each sentence under "
        "CHANGELOG.md's Unreleased 'Breaking changes':\n" + "\n".join(unlisted)
    )


def test_a_removed_field_is_caught_unless_the_changelog_lists_it() -> None:
    old = build_schema(PREVIOUS.read_text())
    sdl = (ROOT / "schema.graphql").read_text()
    without_memo = re.sub(r'\n  """[^"]*"""\n  memo: String\n', "\n", sdl, count=1)
    assert without_memo != sdl
    new = build_schema(without_memo)
    assert unlisted_breaking_changes(old, new, unreleased_section()) == [
        "FIELD_REMOVED: Field Invoice.memo was removed."
    ]
    listed = unreleased_section() + "\n- Field Invoice.memo was removed."
    assert unlisted_breaking_changes(old, new, listed) == []
