"""``member-hq``'s settings from a config file and the environment, for running as a service.

Every option of the global command line (``--db``, ``--data-dir``) and of ``serve`` (bind,
workers, TLS files, log level, and whatever options ``serve`` gains) is also a setting, by
its option name with ``-`` written ``_``. Precedence, highest first:

1. the command line;
2. the environment: ``MEMBER_HQ_<NAME>`` (``MEMBER_HQ_DB``, ``MEMBER_HQ_PORT``,
   ``MEMBER_HQ_WORKERS``, ``MEMBER_HQ_LOG_LEVEL``, ...);
3. the config file, ``--config FILE`` or ``MEMBER_HQ_CONFIG`` (TOML): global settings at the
   top, ``serve``'s in a ``[serve]`` table::

       db = "postgresql+psycopg://member_hq@/member_hq"
       [serve]
       host = "127.0.0.1"
       port = 8700
       workers = 4
       log_level = "info"

4. the built-in defaults.

A key the command line does not know is refused with the list of known ones, so a typo never
goes unnoticed.
"""

from __future__ import annotations

import argparse
import os
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

CONFIG_ENV = "MEMBER_HQ_CONFIG"
ENV_PREFIX = "MEMBER_HQ_"
SKIPPED = {"help", "version", "command", "action", "config", "json"}
# The commands whose options are settings (a [table] of the file each, and the environment).
SECTIONS = ("serve",)


class SettingsError(ValueError):
    """A config file or environment variable the command line would not accept."""


def _options(parser: argparse.ArgumentParser) -> dict[str, argparse.Action]:
    return {
        a.dest: a
        for a in parser._actions
        if a.dest not in SKIPPED
        and a.option_strings
        and not isinstance(a, argparse._SubParsersAction)
    }


def _subparser(parser: argparse.ArgumentParser, name: str) -> argparse.ArgumentParser:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction) and name in action.choices:
            return action.choices[name]
    raise KeyError(name)


def _convert(action: argparse.Action, value: Any, where: str) -> Any:
    """``value`` (from TOML or the environment) as the command line would have parsed it."""
    flag = isinstance(action, argparse._StoreTrueAction | argparse._StoreFalseAction)
    if flag:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in {"1", "true", "yes", "on"}:
            return True
        if text in {"0", "false", "no", "off", ""}:
            return False
        raise SettingsError(f"{where}: {value!r} is not true or false")
    if isinstance(value, bool | dict | list):
        raise SettingsError(f"{where}: {value!r} is not a single value")
    try:
        converted = action.type(str(value)) if callable(action.type) else str(value)
    except (TypeError, ValueError) as exc:
        raise SettingsError(f"{where}: {value!r}: {exc}") from None
    if action.choices is not None and converted not in action.choices:
        choices = ", ".join(map(str, action.choices))
        raise SettingsError(f"{where}: {value!r} is not one of {choices}")
    return converted


def _from_table(
    options: Mapping[str, argparse.Action], table: Mapping[str, Any], where: str
) -> dict[str, Any]:
    found = {}
    for key, value in table.items():
        if key not in options:
            known = ", ".join(sorted(options))
            raise SettingsError(f"{where}: unknown setting {key!r} (known: {known})")
        found[key] = _convert(options[key], value, f"{where}: {key}")
    return found


def _from_env(options: Mapping[str, argparse.Action], env: Mapping[str, str]) -> dict[str, Any]:
    found = {}
    for dest, action in options.items():
        name = ENV_PREFIX + dest.upper()
        if name in env:
            found[dest] = _convert(action, env[name], name)
    return found


def load_file(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except OSError as exc:
        raise SettingsError(f"config file {path}: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"config file {path}: {exc}") from None


def config_path(argv: Sequence[str], env: Mapping[str, str]) -> Path | None:
    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--config")
    known, _ = pre.parse_known_args(argv)
    value = known.config or env.get(CONFIG_ENV)
    return Path(value) if value else None


def apply(
    parser: argparse.ArgumentParser,
    argv: Sequence[str],
    env: Mapping[str, str] | None = None,
) -> Path | None:
    """Set ``parser``'s defaults from the config file and the environment; returns the file."""
    env = os.environ if env is None else env
    path = config_path(argv, env)
    data = load_file(path) if path else {}
    where = str(path) if path else "config"
    top = _options(parser)
    sections = {name: _options(_subparser(parser, name)) for name in SECTIONS}
    flat = {k: v for k, v in data.items() if k not in sections}
    unknown_tables = [k for k, v in flat.items() if isinstance(v, dict)]
    if unknown_tables:
        raise SettingsError(
            f"{where}: unknown table [{unknown_tables[0]}] (known: {', '.join(SECTIONS)})"
        )
    parser.set_defaults(**{**_from_table(top, flat, where), **_from_env(top, env)})
    for name, options in sections.items():
        table = data.get(name, {})
        if not isinstance(table, dict):
            raise SettingsError(f"{where}: {name} must be a table ([{name}])")
        values = {**_from_table(options, table, f"{where} [{name}]"), **_from_env(options, env)}
        _subparser(parser, name).set_defaults(**values)
    return path
