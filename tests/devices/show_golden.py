"""Show a golden byte file readably: ``python -m tests.devices.show_golden FILE [ENCODING]``.

Text is decoded in the file's encoding (from its name); commands are shown as <ESC @>, <GS !
11>, <GS ( k …>, <GS v 0 …> so a reviewer can read what the printer will do.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

CODECS = {"gb18030": "gb18030", "gbk": "gbk", "big5": "big5", "utf8": "utf-8"}
COMMANDS = [
    (rb"\x1b@", "<ESC @ init>"),
    (rb"\x1bp\x00..", "<ESC p drawer>"),
    (rb"\x1c&", "<FS & chinese>"),
    (rb"\x1c\(C\x02\x000(.)", "<FS ( C encoding>"),
    (rb"\x1bE(.)", "<ESC E bold>"),
    (rb"\x1d!(.)", "<GS ! size>"),
    (rb"\x1ba(.)", "<ESC a align>"),
    (rb"\x1d\(k(.)(.)", "<GS ( k qr>"),
    (rb"\x1dv0\x00(.)(.)(.)(.)", "<GS v 0 image>"),
    (rb"\x1bd(.)", "<ESC d feed>"),
    (rb"\x1dV(.)", "<GS V cut>"),
    (rb"\x1cp\x01\x00", "<FS p logo>"),
]


def show(data: bytes, codec: str) -> str:
    out: list[str] = []
    i = 0
    text = bytearray()
    while i < len(data):
        for pattern, name in COMMANDS:
            m = re.compile(pattern, re.S).match(data, i)
            if m:
                out.append(text.decode(codec, errors="replace"))
                text.clear()
                out.append(name + (m.group(1).hex() if m.groups() else ""))
                i = m.end()
                if name.startswith("<GS v 0"):
                    w = m.group(1)[0] + 256 * m.group(2)[0]
                    h = m.group(3)[0] + 256 * m.group(4)[0]
                    i += w * h
                elif name.startswith("<GS ( k"):
                    i += m.group(1)[0] + 256 * m.group(2)[0]
                break
        else:
            text.append(data[i])
            i += 1
    out.append(text.decode(codec, errors="replace"))
    return "".join(out)


if __name__ == "__main__":
    path = Path(sys.argv[1])
    tag = sys.argv[2] if len(sys.argv) > 2 else path.stem.rsplit("_", 1)[-1]
    print(show(path.read_bytes(), CODECS.get(tag, "gb18030")))
