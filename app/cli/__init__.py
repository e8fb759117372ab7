"""The ops CLI: ``member-counter [--data-dir DIR] [--json] [--staff NO --pin PIN] COMMAND``.

Exit codes: 0 done, 2 bad usage, 3 refused with nothing changed (validation, rule,
permission, a printer that cannot print, a full or failing disk, a file that cannot be
written), 1 an unexpected failure (the message says where its details were logged). No
message names an exception class.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from platformdirs import user_data_dir

from app.cli.parser import UsageError, build_parser
from app.domain.errors import CounterError, StorageError
from app.domain.messages import set_language
from app.logfiles import logging_to
from app.ports import PrinterError
from app.version import APP_AUTHOR, APP_NAME

if TYPE_CHECKING:
    from app.services.context import CounterContext

# The commands' modules (every service, openpyxl, segno) load when a command runs: the
# window starts through this parser too and needs none of them.
Key = tuple[str, str | None]
Handler = Callable[["CounterContext", Any, argparse.Namespace], dict[str, Any]]

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_REFUSED = 0, 1, 2, 3
DATA_DIR_ENV = "MEMBER_COUNTER_DATA_DIR"


def default_data_dir() -> Path:
    env = os.environ.get(DATA_DIR_ENV)
    return Path(env) if env else Path(user_data_dir(APP_NAME, APP_AUTHOR))


def _emit(as_json: bool, data: dict, lines: list[str] | None = None) -> None:
    if as_json:
        print(json.dumps(data, ensure_ascii=False))
    else:
        from app.cli import render

        print("\n".join(lines if lines is not None else render.text_lines(data)))


def _fail(as_json: bool, message: str, code: int, error_code: str | None = None) -> int:
    if as_json:
        body = {"error": message}
        if error_code:
            body["code"] = error_code
        print(json.dumps(body, ensure_ascii=False))
    else:
        print(message, file=sys.stderr)
    return code


@dataclass(frozen=True)
class Extension:
    """Commands that live outside ``app`` (devices, sync), added by the composition root.

    ``add_parsers`` adds subcommands to the CLI's subparsers; ``handlers`` maps each
    (command, action) to a handler called as ``handler(ctx, actor, args)``. Commands in
    ``no_store`` get ``ctx=None`` and no database is opened; those in ``no_actor`` need no
    sign-in. A handler returns a JSON-able dict or raises CounterError / UsageError / OSError.
    """

    add_parsers: Callable[[argparse._SubParsersAction], None]
    handlers: Mapping[Key, Handler]
    no_actor: frozenset[Key] = frozenset()
    no_store: frozenset[Key] = frozenset()
    text_renderers: Mapping[Key, Callable[[dict], list[str]]] = field(default_factory=dict)
    # Called with each command's opened context before it runs: an adapter that serves the
    # core (e.g. HQ's payment-password check for another store's member) is wired in here.
    prepare: Callable[[CounterContext, argparse.Namespace], None] | None = None


Starter = Callable[[Path, argparse.Namespace], int]


def _run_demo(data_dir: Path, args: argparse.Namespace) -> int:
    from app.cli.demo import run_demo

    return run_demo(data_dir, as_json=args.json)


def main(
    argv: Sequence[str] | None = None,
    extensions: Sequence[Extension] = (),
    start: Starter | None = None,
) -> int:
    """Run one command. Without a command, ``start`` runs (the window; by default the demo)."""
    parser = build_parser()
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for ext in extensions:
        ext.add_parsers(subparsers)
    args = parser.parse_args(argv)
    set_language(args.lang or os.environ.get("MEMBER_COUNTER_LANG", "zh"))
    data_dir = Path(args.data_dir) if args.data_dir else default_data_dir()
    if args.command == "demo":
        return _run_demo(data_dir, args)
    if args.command is None:
        return (start or _run_demo)(data_dir, args)

    from app.cli import (
        catalogue,
        countcards,
        coupons,
        held,
        lifecycle,
        manager,
        refund,
        render,
        sale,
        tags,
        tickets,
    )
    from app.cli import consent as consent_cli
    from app.cli.commands import HANDLERS, NO_ACTOR, NO_STORE

    handlers: dict[Key, Handler] = {**HANDLERS, **catalogue.HANDLERS, **held.HANDLERS,
                                    **sale.HANDLERS, **countcards.HANDLERS,
                                    **refund.HANDLERS, **coupons.HANDLERS,
                                    **tags.HANDLERS, **tickets.HANDLERS,
                                    **consent_cli.HANDLERS,
                                    **lifecycle.HANDLERS}  # fmt: skip
    no_actor, no_store = set(NO_ACTOR), set(NO_STORE)
    renderers = {
        **render.TEXT_RENDERERS,
        **manager.TEXT_RENDERERS,
        **catalogue.TEXT_RENDERERS,
        **held.TEXT_RENDERERS,
        **countcards.TEXT_RENDERERS,
        **sale.TEXT_RENDERERS,
        **refund.TEXT_RENDERERS,
        **coupons.TEXT_RENDERERS,
        **tags.TEXT_RENDERERS,
        **tickets.TEXT_RENDERERS,
        **consent_cli.TEXT_RENDERERS,
        **lifecycle.TEXT_RENDERERS,
    }
    for ext in extensions:
        handlers.update(ext.handlers)
        no_actor |= ext.no_actor
        no_store |= ext.no_store
        renderers.update(ext.text_renderers)
    key = (args.command, getattr(args, "action", None))
    handler = handlers[key]
    args.data_dir_path = data_dir
    prepare = [ext.prepare for ext in extensions if ext.prepare is not None]
    if key in no_store:
        return _run(args, key, handler, None, no_actor, renderers, data_dir, prepare)
    with logging_to(data_dir):
        return _run(args, key, handler, data_dir, no_actor, renderers, data_dir, prepare)


def _refused_os(as_json: bool, exc: OSError) -> int:
    refusal = StorageError.from_os_error(exc)
    if refusal is None:
        refusal = CounterError(
            "file_error", path=exc.filename or "-", reason=exc.strerror or str(exc)
        )
    return _fail(as_json, refusal.message, EXIT_REFUSED, refusal.code)


def _run(
    args: argparse.Namespace,
    key: Key,
    handler: Handler,
    store_dir: Path | None,
    no_actor: set[Key],
    renderers: Mapping[Key, Callable[[dict], list[str]]],
    data_dir: Path,
    prepare: Sequence[Callable[[CounterContext, argparse.Namespace], None]] = (),
) -> int:
    """One command; every failure becomes a sentence and an exit code (see the module)."""
    from app.services.context import open_counter
    from app.services.security import sign_in

    ctx: CounterContext | None = None
    try:
        if store_dir is not None:
            ctx = open_counter(store_dir)
            for hook in prepare:
                hook(ctx, args)
        actor = None
        if ctx is not None and key not in no_actor:
            staff_no = args.staff or os.environ.get("MEMBER_COUNTER_STAFF")
            pin = args.pin or os.environ.get("MEMBER_COUNTER_PIN")
            if not staff_no or not pin:
                raise UsageError("this command needs --staff NO --pin PIN")
            actor = sign_in(ctx, staff_no, pin)
        data = handler(ctx, actor, args)
        text = renderers.get(key)
        lines = text(data) if text and not args.json else None
        _emit(args.json, data, lines)
        return EXIT_OK
    except UsageError as exc:
        return _fail(args.json, str(exc), EXIT_USAGE)
    except CounterError as exc:
        return _fail(args.json, exc.message, EXIT_REFUSED, exc.code)
    except PrinterError as exc:  # unreachable, out of paper, a wrong address: said plainly
        return _fail(args.json, str(exc), EXIT_REFUSED, "printer")
    except OSError as exc:
        return _refused_os(args.json, exc)
    except Exception as exc:
        # A fault nobody foresaw: the details go to the log, the terminal gets a sentence.
        with logging_to(data_dir, again=store_dir is not None) as log_file:
            logging.getLogger("member_counter.cli").error(
                "%s failed", " ".join(k for k in key if k), exc_info=exc
            )
        message = CounterError("unexpected_error", log=str(log_file or "-")).message
        return _fail(args.json, message, EXIT_FAILED, "unexpected")
    finally:
        if ctx is not None:
            ctx.close()


if __name__ == "__main__":
    raise SystemExit(main())
