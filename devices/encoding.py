"""Chinese text for ESC/POS printers: the mode commands and width-preserving encoding.

Chinese thermal printers print double-byte text once Chinese character mode is on (``FS &``);
the bytes are GB18030 (or GBK on older firmware, Big5 on Taiwanese and Hong Kong models, or
UTF-8 on newer models, switched on with ``FS ( C``). python-escpos's own "magic" encoder picks
single-byte code pages and cannot send GB18030, so the printer adapter sends these bytes raw.

A character the printer's encoding lacks is replaced by one of the same width (a full-width
？ for a wide one), so the columns of a receipt stay aligned whatever the encoding.
"""

from __future__ import annotations

from app.domain.receipt import char_width

FS_KANJI_ON = b"\x1c\x26"  # FS &: select Chinese (Kanji) character mode
FS_KANJI_OFF = b"\x1c\x2e"  # FS .: cancel it
# FS ( C fn=48 (0x30): select the character encoding system: 1 = legacy code pages, 2 = UTF-8.
FS_ENCODING_UTF8 = b"\x1c\x28\x43\x02\x00\x30\x02"
FS_ENCODING_LEGACY = b"\x1c\x28\x43\x02\x00\x30\x01"

CODECS = {"GB18030": "gb18030", "GBK": "gbk", "Big5": "big5", "UTF-8": "utf-8"}
ENCODINGS = tuple(CODECS)
# Same-width stand-ins for characters an encoding lacks (Big5 has ¥ where GB has ￥).
_ALTERNATIVES = {"￥": "¥", "¥": "￥", "－": "-", "～": "~"}


def codec(encoding: str) -> str:
    try:
        return CODECS[encoding]
    except KeyError:
        raise ValueError(f"unknown printer encoding {encoding!r}") from None


def mode_command(encoding: str) -> bytes:
    """The bytes that put the printer into the mode that reads ``encoding``."""
    codec(encoding)
    if encoding == "UTF-8":
        return FS_KANJI_ON + FS_ENCODING_UTF8
    return FS_KANJI_ON


def _encode_char(c: str, name: str) -> bytes:
    try:
        return c.encode(name)
    except UnicodeEncodeError:
        pass
    alt = _ALTERNATIVES.get(c)
    if alt is not None:
        try:
            encoded = alt.encode(name)
        except UnicodeEncodeError:
            pass
        else:
            if char_width(alt) == char_width(c):
                return encoded
    return ("？" if char_width(c) == 2 else "?").encode(name)


def encode_text(text: str, encoding: str) -> bytes:
    """``text`` as the printer reads it in ``encoding`` (unprintable characters replaced)."""
    name = codec(encoding)
    try:
        return text.encode(name)
    except UnicodeEncodeError:
        return b"".join(_encode_char(c, name) for c in text)
