"""Certificate verification codes: unguessable, easy to read aloud and to type back.

Twelve symbols from a 30-symbol alphabet without 0/O, 1/I/L or U (about 2^58
codes, so guessing one is hopeless), shown in groups of four: "7KQM-XR4T-HW9C".
Typed codes are read back leniently: any case, with or without spaces and dashes.
"""

import re
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 12
_GROUP = 4
_SEPARATORS = re.compile(r"[\s\-‐‑–—_.]+")


def new_code() -> str:
    """A fresh random code, stored without separators."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise(typed: str | None) -> str | None:
    """The stored form of a typed code, or None when it cannot be a code at all.

    None lets the caller answer "no such certificate" without a database query;
    the answer is the same as for a well-formed code that does not exist.
    """
    if not typed:
        return None
    code = _SEPARATORS.sub("", typed).upper()
    if len(code) != LENGTH or any(ch not in ALPHABET for ch in code):
        return None
    return code


def display(code: str) -> str:
    """A stored code in groups of four for print and screen."""
    return "-".join(code[i:i + _GROUP] for i in range(0, len(code), _GROUP))
