"""Opaque ids: a type prefix and a random base62 tail (`prj_4fT9...`)."""

import secrets
import string

BASE62 = string.digits + string.ascii_letters
TAIL_LENGTH = 22  # about 131 bits of randomness

PREFIXES = (
    "acct",
    "key",
    "prj",
    "ms",
    "inv",
    "lin",
    "is",
    "isi",
    "pay",
    "item",
    "evt",
    "whe",
    "whd",
    "wha",
    "cli",
    "cn",
    "cnl",
    "cap",
    "ref",
)


_TAILS = len(BASE62) ** TAIL_LENGTH


def new_id(prefix: str) -> str:
    """Return a new random id such as `prj_0aZ...`."""
    # One draw from the OS for the whole tail, not one per character.
    number = secrets.randbelow(_TAILS)
    digits = []
    for _ in range(TAIL_LENGTH):
        number, digit = divmod(number, len(BASE62))
        digits.append(BASE62[digit])
    return f"{prefix}_" + "".join(digits)


def prefix_of(id_: str) -> str:
    """Return the type prefix of an id (`prj` for `prj_...`), or '' when it has none."""
    prefix, sep, _ = id_.partition("_")
    return prefix if sep else ""
