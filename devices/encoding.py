"""Chinese text for ESC/POS printers: the mode commands and width-preserving encoding.

Chinese thermal printers print double-byte text once Chinese character mode is on (``FS &``);
the bytes are GB18030 (or GBK on older firmware, Big5 on Taiwanese and Hong Kong models, or
UTF-8 on newer models, switched on with ``FS ( C``). python-escpos's own "magic" encoder picks
single-byte code pages and cannot send GB18030, so the printer adapter sends these bytes raw.

Big5 has traditional characters only: text for a Big5 printer is converted from simplified
to traditional Chinese first, with OpenCC's dictionaries (``opencc-python-reimplemented``), in
its Taiwan-standard forms (``s2tw``: 為, 裡, 著 — the forms Big5 encodes, where OpenCC's own
standard gives 爲, 裏, 着, which Big5 lacks). A character the printer's encoding still lacks is
replaced by one of the same width (a full-width ？ for a wide one), so the columns of a
receipt stay aligned whatever the encoding.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from app.domain.receipt import char_width, display_width

FS_KANJI_ON = b"\x1c\x26"  # FS &: select Chinese (Kanji) character mode
FS_KANJI_OFF = b"\x1c\x2e"  # FS .: cancel it
# FS ( C fn=48 (0x30): select the character encoding system: 1 = legacy code pages, 2 = UTF-8.
FS_ENCODING_UTF8 = b"\x1c\x28\x43\x02\x00\x30\x02"
FS_ENCODING_LEGACY = b"\x1c\x28\x43\x02\x00\x30\x01"

CODECS = {"GB18030": "gb18030", "GBK": "gbk", "Big5": "big5", "UTF-8": "utf-8"}
ENCODINGS = tuple(CODECS)
# Same-width stand-ins for characters an encoding lacks (Big5 has ¥ where GB has ￥).
_ALTERNATIVES = {"￥": "¥", "¥": "￥", "－": "-", "～": "~"}


OPENCC_CONFIG = "s2tw"


@cache
def _converter() -> Any:
    from opencc import OpenCC  # its dictionaries load on the first Big5 text, not at start

    return OpenCC(OPENCC_CONFIG)


def to_traditional(text: str) -> str:
    """``text`` in traditional Chinese (OpenCC ``s2tw``), each line as wide as before.

    The receipt was laid out in columns before conversion; a phrase OpenCC would turn into
    one of another width is converted character by character instead, and a character whose
    conversion changes width is kept.
    """
    convert = _converter().convert
    converted: str = convert(text)
    if display_width(converted) == display_width(text):
        return converted
    out = []
    for c in text:
        t = convert(c)
        out.append(t if display_width(t) == char_width(c) else c)
    return "".join(out)


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
    """``text`` as the printer reads it in ``encoding``: traditional Chinese for Big5,
    characters the encoding lacks replaced by same-width ones."""
    name = codec(encoding)
    if encoding == "Big5":
        text = to_traditional(text)
    try:
        return text.encode(name)
    except UnicodeEncodeError:
        return b"".join(_encode_char(c, name) for c in text)
