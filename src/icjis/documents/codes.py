"""Verification codes printed on documents: 12 characters of Crockford's base32 (60 random bits),
shown in groups of four. Typing is forgiving: case, dashes and spaces do not matter, and O, I and
L are read as 0, 1 and 1."""

from __future__ import annotations

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 12
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise(typed: str) -> str | None:
    """The code as stored, or None when `typed` cannot be one."""
    code = "".join(c for c in typed.upper() if c.isalnum()).translate(_READ_AS)
    if len(code) != LENGTH or any(c not in ALPHABET for c in code):
        return None
    return code


def display(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, LENGTH, 4))
