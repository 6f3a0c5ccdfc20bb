"""Search normalisation: one folding for stored text and for queries.

Persian users type on Arabic or Persian keyboards, so ي/ی and ك/ک must match;
the zero-width non-joiner is optional in practice; digits may be Arabic-Indic
or Persian. Chinese has no word breaks, so search is by substring.
"""

import unicodedata

_FOLD = str.maketrans(
    {
        "ي": "ی",  # Arabic yeh -> Persian yeh
        "ى": "ی",  # alef maksura
        "ك": "ک",  # Arabic kaf -> Persian keheh
        "ة": "ه",
        "ۀ": "ه",
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "\u200c": "",  # ZWNJ
        "\u200d": "",  # ZWJ
        "\u200f": "",  # RLM
        "\u200e": "",  # LRM
        "ـ": "",  # tatweel
        "đ": "d",  # Vietnamese d with stroke does not decompose, but people type "d"
        "Đ": "d",
        **{chr(0x0660 + i): str(i) for i in range(10)},  # Arabic-Indic digits
        **{chr(0x06F0 + i): str(i) for i in range(10)},  # Persian digits
        **{chr(0x0966 + i): str(i) for i in range(10)},  # Devanagari digits
    }
)


def fold(text: str | None) -> str:
    """Lower-case, letter-variant-folded, accent-free text for substring search."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text).translate(_FOLD)
    # Drop combining marks (Arabic harakat, Latin accents) but keep Devanagari vowel signs,
    # which carry meaning and which users do type.
    decomposed = unicodedata.normalize("NFD", text)
    kept = "".join(
        ch for ch in decomposed
        if not (unicodedata.category(ch) == "Mn" and not "\u0900" <= ch <= "\u097f")
    )
    folded = unicodedata.normalize("NFC", kept).casefold()
    return " ".join(folded.split())


def search_blob(*parts: str | None) -> str:
    """What a row stores in its search column: every name it is known by, folded."""
    folded = dict.fromkeys(fold(p) for p in parts if p)  # a name given twice is stored once
    return " | ".join(folded)
