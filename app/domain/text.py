"""Text that every database can store and every screen can show: the one check of free text.

A field typed at the counter, read from an imported file or received by HQ is refused when it
holds a control character (C0 ``U+0000``–``U+001F``, ``DEL``, C1 ``U+0080``–``U+009F``) or a
lone surrogate (what undecodable bytes on a command line become). Tab and newline are allowed
only in a field that takes several lines. PostgreSQL cannot store NUL at all, SQLite stores
it and cuts the text short in most tools, and none of them belongs in a name or an address.
"""

from __future__ import annotations

from app.domain.errors import ValidationError

_ALLOWED_MULTILINE = frozenset("\t\n")


def is_refused_char(char: str, *, multiline: bool = False) -> bool:
    """Whether ``char`` may not appear in stored text."""
    code = ord(char)
    if code < 0x20 or 0x7F <= code <= 0x9F:
        return not (multiline and char in _ALLOWED_MULTILINE)
    return 0xD800 <= code <= 0xDFFF


def refused_chars(text: str, *, multiline: bool = False) -> list[str]:
    """The refused characters of ``text`` as ``U+XXXX``, in order, each once."""
    seen: dict[str, None] = {}
    for char in text:
        if is_refused_char(char, multiline=multiline):
            seen.setdefault(f"U+{ord(char):04X}", None)
    return list(seen)


def check_text(text: str | None, field: str, *, multiline: bool = False) -> str | None:
    """``text`` unchanged, or a ValidationError naming the field and the characters.

    ``field`` is a key of :data:`app.domain.messages.FIELD_LABELS` (shown in the UI's
    language)."""
    if text is None:
        return None
    bad = refused_chars(text, multiline=multiline)
    if bad:
        raise ValidationError("text_control_chars", field=field, chars=" ".join(bad[:3]))
    return text
