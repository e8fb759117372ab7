"""Pinyin search keys of a member's name: initials (张三 → zs) and full syllables (zhangsan).

Heteronyms produce every reading (曾 → zeng/ceng, so 曾伟 is found by zw and cw),
capped so a long name cannot explode into thousands of keys.
"""

from __future__ import annotations

import itertools
import re
import unicodedata

MAX_KEYS_PER_STYLE = 16
_KEEP = re.compile(r"[a-z0-9]+")


def _readings(name: str, style: str) -> list[list[str]]:
    # pypinyin loads large dictionaries: import it when a name is first keyed, not at start-up.
    from pypinyin import Style, pinyin

    out: list[list[str]] = []
    for readings in pinyin(
        name, style=getattr(Style, style), heteronym=True, errors=lambda s: list(s)
    ):
        cleaned = []
        for r in readings:
            r = "".join(_KEEP.findall(r.lower()))
            if r and r not in cleaned:
                cleaned.append(r)
        if cleaned:
            out.append(cleaned)
    return out


def _combinations(parts: list[list[str]]) -> list[str]:
    keys: list[str] = []
    for combo in itertools.product(*parts):
        keys.append("".join(combo))
        if len(keys) >= MAX_KEYS_PER_STYLE:
            break
    return keys


def search_keys(name: str) -> list[str]:
    """Distinct lower-case ASCII keys for prefix search; empty for a name with no letters."""
    normal = unicodedata.normalize("NFKC", name)
    keys: list[str] = []
    for style in ("FIRST_LETTER", "NORMAL"):
        for key in _combinations(_readings(normal, style)):
            if key and key not in keys:
                keys.append(key[:64])
    # Latin names: also the initials of the words ("Tom Lee" -> "tl").
    words = re.findall(r"[A-Za-z]+", normal)
    if len(words) > 1:
        initials = "".join(w[0].lower() for w in words)
        if initials not in keys:
            keys.append(initials)
    return keys


def normalise_query(text: str) -> str:
    return "".join(_KEEP.findall(unicodedata.normalize("NFKC", text).lower()))
