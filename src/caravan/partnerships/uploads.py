"""What an uploaded document is, told from its first bytes, never from its name or the browser's word."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    content_type: str
    extension: str


PDF = Kind("application/pdf", ".pdf")
PNG = Kind("image/png", ".png")
JPEG = Kind("image/jpeg", ".jpg")
WEBP = Kind("image/webp", ".webp")

# How many bytes sniff() needs to see.
HEAD = 16


def sniff(head: bytes) -> Kind | None:
    """The document kind its magic number says, or None for anything that is not a PDF or an image."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    return None
