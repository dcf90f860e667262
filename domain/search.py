"""The search form of a text: what `filter: {search}` compares, the same on every backend.

SQLite has no unaccent and its lower() folds ASCII only, so the folded text is computed here
on write and stored beside the original (`search_text` columns); a search folds its needle
the same way and matches it as a substring.
"""

from __future__ import annotations

import unicodedata


def search_form(*texts: str | None) -> str:
    """Return the texts joined, without accents, case-folded and with spaces collapsed."""
    joined = " ".join(text for text in texts if text)
    decomposed = unicodedata.normalize("NFKD", joined)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())


def like_pattern(needle: str) -> str:
    """Return a LIKE pattern (escape character `\\`) matching the folded needle anywhere."""
    folded = search_form(needle)
    escaped = folded.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
