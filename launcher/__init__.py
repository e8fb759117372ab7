"""The composition root: wires the adapters of ``devices``, ``sync`` and ``ui`` into the core.

``member-counter`` starts here. With a subcommand it runs the ops CLI of ``app.cli`` with the
device and sync commands added; without one it opens the cashier's window. Only this package
may import every other package; nothing imports it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from app.cli import Extension
from app.cli import main as cli_main
from app.cli.parser import names_a_command


def extensions() -> list[Extension]:
    """The CLI commands contributed by the adapter packages that are present."""
    from devices.cli import EXTENSION as devices_commands
    from sync.cli import EXTENSION as sync_commands

    found: list[Extension] = [devices_commands, sync_commands]
    return found


def open_window(data_dir: Path, args: argparse.Namespace) -> int:
    """``member-counter`` without a command: the cashier's window."""
    from ui.main import run

    return run(data_dir, args)


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    # The window needs no command's parser: the adapters' CLI modules load only for commands.
    found = extensions() if names_a_command(argv) else []
    return cli_main(argv, extensions=found, start=open_window)
