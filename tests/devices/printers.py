"""Printers made by the tests: a network printer on 127.0.0.1 that behaves as a script says
(one behaviour per connection), and the printer side of a serial pty.

A printer that answers reads the job and answers each real-time status query (``DLE EOT n``)
the way an ESC/POS printer does; the queries are taken out of what it records as printed.
"""

from __future__ import annotations

import os
import select
import socket
import socketserver
import struct
import threading

DLE_EOT = b"\x10\x04"
ONLINE = 0x12  # DLE EOT 1: online, nothing wrong; DLE EOT 4: paper adequate
OFFLINE_STATUS = 0x1A  # DLE EOT 1: offline (cover open, paper out)
PAPER_OUT = 0x72  # DLE EOT 4: paper end
# What a connection does: take it and close at once, take it and reset it (SO_LINGER 0) as the
# job arrives,
# take it and never read, read the job and answer the status queries, or answer offline.
CLOSE, RESET, SILENT, ANSWER, OFFLINE = "close", "reset", "silent", "answer", "offline"


def answer_queries(buffer: bytearray, paper: bool, online: bool = True) -> bytes:
    """The answer to a status query ending ``buffer`` (taken off it), or b"" if none ends it.

    A query is the last thing a printer reads before it is answered (the sender waits for
    the answer), so only a query at the end is one: the same bytes inside an image are not.
    """
    if len(buffer) >= 3 and buffer[-3:-1] == DLE_EOT and buffer[-1] in (1, 2, 3, 4):
        n = buffer[-1]
        del buffer[-3:]
        if n == 4:
            return bytes([ONLINE if paper else PAPER_OUT])
        return bytes([ONLINE if online else OFFLINE_STATUS])
    return b""


class ScriptedPrinter:
    """A network printer on 127.0.0.1: connection i behaves as ``script[i]``, the last
    behaviour repeating. ``printed`` holds what each answering connection read."""

    def __init__(self, *script: str, paper: bool = True) -> None:
        self.script = list(script) or [ANSWER]
        self.paper = paper
        self.connections: list[str] = []
        self.printed: list[bytes] = []
        self.queries = 0
        self._lock = threading.Lock()
        self._release = threading.Event()
        printer = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                printer._handle(self.request)

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def address(self) -> str:
        return f"tcp:127.0.0.1:{self.port}"

    def _next(self) -> str:
        with self._lock:
            behaviour = self.script.pop(0) if len(self.script) > 1 else self.script[0]
            self.connections.append(behaviour)
            return behaviour

    def _handle(self, conn: socket.socket) -> None:
        behaviour = self._next()
        if behaviour == CLOSE:
            conn.close()
        elif behaviour == RESET:
            # Once the job has started to arrive (a reset before that is a refused connection:
            # nothing went out, nothing may have printed).
            conn.recv(1)
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            conn.close()
        elif behaviour == SILENT:
            self._release.wait(30)  # holds the connection, reads nothing
        else:
            buffer = bytearray()
            while data := conn.recv(65536):
                buffer += data
                if answer := answer_queries(buffer, self.paper, behaviour == ANSWER):
                    with self._lock:
                        self.queries += 1
                    conn.sendall(answer)
            with self._lock:
                self.printed.append(bytes(buffer))

    def close(self) -> None:
        self._release.set()
        self.server.shutdown()
        self.server.server_close()


class PtyPrinter:
    """The printer end of a serial pty: reads what is sent, answers status queries if
    ``answers``. The address is the pty's other end."""

    def __init__(self, *, answers: bool = True) -> None:
        self.master, self.slave = os.openpty()  # the slave stays open: the pty outlives a job
        self.answers = answers
        self.buffer = bytearray()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    @property
    def address(self) -> str:
        return f"serial:{os.ttyname(self.slave)}?baudrate=115200"

    def _run(self) -> None:
        while not self._stop.is_set():
            if not select.select([self.master], [], [], 0.05)[0]:
                continue
            try:
                self.buffer += os.read(self.master, 4096)
            except OSError:
                return
            if self.answers and (answer := answer_queries(self.buffer, paper=True)):
                os.write(self.master, answer)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        os.close(self.master)
        os.close(self.slave)
