"""The ops CLI: ``member-counter [--data-dir DIR] [--json] [--staff NO --pin PIN] COMMAND``.

Exit codes: 0 done, 2 bad usage, 3 refused (validation, rule, permission) with
nothing changed, 1 an unexpected failure (details in the message).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from platformdirs import user_data_dir

from app.cli import render
from app.cli.commands import HANDLERS, NO_ACTOR
from app.cli.parser import UsageError, build_parser
from app.domain.errors import CounterError
from app.domain.messages import set_language
from app.services.context import CounterContext, open_counter
from app.services.security import sign_in

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_REFUSED = 0, 1, 2, 3
DATA_DIR_ENV = "MEMBER_COUNTER_DATA_DIR"


def default_data_dir() -> Path:
    env = os.environ.get(DATA_DIR_ENV)
    return Path(env) if env else Path(user_data_dir("member-counter", "MemberCounter"))


def _emit(as_json: bool, data: dict, lines: list[str] | None = None) -> None:
    if as_json:
        print(json.dumps(data, ensure_ascii=False))
    else:
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


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    set_language(args.lang or os.environ.get("MEMBER_COUNTER_LANG", "zh"))
    data_dir = Path(args.data_dir) if args.data_dir else default_data_dir()
    if args.command in (None, "demo"):
        from app.cli.demo import run_demo

        return run_demo(data_dir, as_json=args.json)
    key = (args.command, getattr(args, "action", None))
    handler = HANDLERS[key]
    ctx: CounterContext | None = None
    try:
        ctx = open_counter(data_dir)
        actor = None
        if key not in NO_ACTOR:
            staff_no = args.staff or os.environ.get("MEMBER_COUNTER_STAFF")
            pin = args.pin or os.environ.get("MEMBER_COUNTER_PIN")
            if not staff_no or not pin:
                raise UsageError("this command needs --staff NO --pin PIN")
            actor = sign_in(ctx, staff_no, pin)
        data = handler(ctx, actor, args)
        text = render.TEXT_RENDERERS.get(key)
        lines = text(data) if text and not args.json else None
        _emit(args.json, data, lines)
        return EXIT_OK
    except UsageError as exc:
        return _fail(args.json, str(exc), EXIT_USAGE)
    except CounterError as exc:
        return _fail(args.json, exc.message, EXIT_REFUSED, exc.code)
    except OSError as exc:
        return _fail(args.json, f"{type(exc).__name__}: {exc}", EXIT_FAILED)
    finally:
        if ctx is not None:
            ctx.close()


if __name__ == "__main__":
    raise SystemExit(main())
