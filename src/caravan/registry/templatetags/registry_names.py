"""Names in their own scripts: tell the browser which language a local name is in.

A `lang` attribute picks the right glyphs (Chinese rather than Japanese forms
of the same characters) and the right voice for a screen reader. The script of
the name is a good guess in this registry; where the script is shared by
several languages we cannot tell apart (Latin), no language is claimed.
"""

from django import template

register = template.Library()

_KAZAKH_LETTERS = frozenset("әғқңұһіӘҒҚҢҰҺІ")
_MONGOLIAN_LETTERS = frozenset("өүӨҮ")
_VIETNAMESE_LETTERS = frozenset("ăâđêôơưĂÂĐÊÔƠƯ")


def _cyrillic_language(text: str) -> str:
    letters = set(text)
    if letters & _KAZAKH_LETTERS:
        return "kk"
    if letters & _MONGOLIAN_LETTERS:
        return "mn"
    return "ru"


@register.filter
def script_lang(text) -> str:
    """The language code a name's script points to ("zh", "fa", "hi", "bo", "kk", "mn", "ru", "vi"), or ""."""
    text = str(text or "")
    for ch in text:
        code = ord(ch)
        if 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF:
            return "zh"
        if 0x0600 <= code <= 0x06FF or 0x0750 <= code <= 0x077F or 0xFB50 <= code <= 0xFEFF:
            return "fa"
        if 0x0900 <= code <= 0x097F:
            return "hi"
        if 0x0F00 <= code <= 0x0FFF:
            return "bo"
        if 0x0400 <= code <= 0x04FF:
            return _cyrillic_language(text)
        if ch in _VIETNAMESE_LETTERS or 0x1EA0 <= code <= 0x1EF9:
            return "vi"
    return ""
