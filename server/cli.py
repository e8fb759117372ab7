"""``member-hq``: run the HQ server and manage stores, devices, rules, staff and conflicts.

``member-hq [--config FILE] [--db URL | --data-dir DIR] [--json] COMMAND``. Without ``--db``
HQ uses an embedded SQLite database in the data directory (created owner-only, 0700);
production gives a ``postgresql+psycopg://`` URL (several ``serve`` processes may share it).
Settings may also come from a config file and the environment (:mod:`server.settings`).
Exit codes: 0 done, 2 usage, 3 refused.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from platformdirs import user_data_dir
from sqlalchemy import Engine

from app.private_files import private_dir, tighten_tree
from app.version import APP_AUTHOR, __version__
from server import admin, backup, catalogue, countcards, device_secrets, redact, settings
from server.db import make_engine, open_database, sqlite_url
from server.errors import HQError
from server.logs import LEVELS

DB_ENV = "MEMBER_HQ_DB"
DATA_DIR_ENV = "MEMBER_HQ_DATA_DIR"


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="member-hq", description="Member Counter HQ server")
    p.add_argument("--version", action="version", version=f"member-hq {__version__}")
    p.add_argument(
        "--config", metavar="FILE", help=f"settings file (TOML; default ${settings.CONFIG_ENV})"
    )
    p.add_argument("--db", help=f"database URL (default ${DB_ENV}, else SQLite in the data dir)")
    p.add_argument("--data-dir", help=f"data directory (default ${DATA_DIR_ENV})")
    p.add_argument(
        "--secret-key-file", metavar="FILE",
        help=f"key of the counters' secrets (default {device_secrets.KEY_FILENAME} in the data "
        f"dir; ${device_secrets.KEY_ENV} holds the key itself instead)",
    )  # fmt: skip
    p.add_argument("--json", action="store_true", help="print JSON")
    sub = p.add_subparsers(dest="command", required=True)

    sub.add_parser("init", help="create the database and the secret key file, if missing")
    serve = sub.add_parser("serve", help="run the HTTP API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8700)
    serve.add_argument("--certfile", help="TLS certificate (PEM)")
    serve.add_argument("--keyfile", help="TLS private key (PEM)")
    serve.add_argument("--workers", type=int, default=1, help="server processes (default 1)")
    serve.add_argument("--log-level", default="info", choices=LEVELS, help="default info")
    serve.add_argument(
        "--max-body-bytes", type=int, default=2 * 1024 * 1024,
        help="larger request bodies are refused before they are read (default 2 MB)",
    )  # fmt: skip
    serve.add_argument(
        "--push-rate", type=float, default=20.0,
        help="pushes per second per device (burst 10x; 0: no limit)",
    )  # fmt: skip
    serve.add_argument(
        "--lookup-rate", type=float, default=5.0,
        help="online lookups per second per device (burst 10x; 0: no limit)",
    )  # fmt: skip
    serve.add_argument(
        "--phone-rate", type=float, default=0.5,
        help="full phone numbers asked per second per device (burst 10x; 0: no limit)",
    )  # fmt: skip

    bak = sub.add_parser("backup", help="consistent copy of an SQLite HQ (serve may run)")
    bak.add_argument("file")
    res = sub.add_parser("restore", help="restore an SQLite backup into a fresh database")
    res.add_argument("file")
    sub.add_parser(
        "mark-restored",
        help="after pg_restore: tell the counters to re-send and re-pull what the backup misses",
    )

    release = sub.add_parser(
        "release", help="the release counters are told to install"
    ).add_subparsers(dest="action", required=True)
    rel = release.add_parser("set", help="recommend a release (counters show 新版本可用)")
    rel.add_argument("--version", dest="release_version", required=True, metavar="X.Y.Z")
    rel.add_argument("--url", help="where the installer is (https://..., \\\\server\\share\\...)")
    rel.add_argument("--notes", help="one line shown with it")
    release.add_parser("show")
    release.add_parser("clear", help="withdraw the recommendation")

    store = sub.add_parser("store", help="stores and enrollment codes").add_subparsers(
        dest="action", required=True
    )
    add = store.add_parser("add", help="add a store (if new) and print an enrollment code")
    add.add_argument("--code", required=True)
    add.add_argument("--name", required=True)
    add.add_argument("--ttl-hours", type=float, default=24.0, help="code valid for (hours)")
    store.add_parser("list")

    device = sub.add_parser("device", help="enrolled counters").add_subparsers(
        dest="action", required=True
    )
    device.add_parser("list")
    revoke = device.add_parser(
        "revoke", help="refuse the counter from now on; list what it pushed, for review"
    )
    revoke.add_argument("device_id")
    revoke.add_argument(
        "--since", metavar="ISO_TIME",
        help="list what it pushed from then (default: its enrollment; no offset: UTC)",
    )  # fmt: skip
    rotate = device.add_parser(
        "rotate-secret",
        help="a new secret, handed to the running counter at its next sync (routine rotation: "
        "a secret that may have leaked needs revoke and a new enrollment)",
    )
    rotate.add_argument("device_id")
    rescue = device.add_parser(
        "recovery-code", help="a one-time code that unlocks a counter's admin (24 hours)"
    )
    rescue.add_argument("device_id")

    key = sub.add_parser(
        "secret-key", help="the key the counters' secrets are encrypted with"
    ).add_subparsers(dest="action", required=True)
    key.add_parser("rotate", help="a new key first in the key file, every secret re-encrypted")
    key.add_parser("reencrypt", help="every stored secret encrypted again with the newest key")
    key.add_parser("prune", help="drop the older keys (once every secret opens with the newest)")

    phone_key = sub.add_parser(
        "phone-key", help="the chain's key of the phone hashes other stores' counters hold"
    ).add_subparsers(dest="action", required=True)
    phone_key.add_parser("rotate", help="a new key: every counter joins again to rehash")

    rules = sub.add_parser("rules", help="rules every counter pulls").add_subparsers(
        dest="action", required=True
    )
    rules.add_parser("show")
    rset = rules.add_parser("set", help="replace the rules with a JSON file")
    rset.add_argument("file")
    off = rules.add_parser("offline", help="offline spending limits")
    off.add_argument("--per-txn-fen", type=int)
    off.add_argument("--per-txn-points", type=int)
    off.add_argument("--window-hours", type=int)
    off.add_argument("--online-grace-seconds", type=int)
    off.add_argument("--countcard-visits-per-card", type=int,
                     help="count-card visits a counter may make offline between syncs")  # fmt: skip

    item = sub.add_parser("item", help="the chain's items every counter pulls").add_subparsers(
        dest="action", required=True
    )
    iset = item.add_parser("set", help="add or replace items: a JSON object, a list, or a file")
    iset.add_argument("spec", metavar="JSON_OR_FILE")
    ideact = item.add_parser("deactivate", help="stop selling an item in every store")
    ideact.add_argument("code")
    item.add_parser("list")
    ccp = sub.add_parser(
        "countcard-product", help="count-card products of HQ's own, for every store"
    ).add_subparsers(dest="action", required=True)
    ccset = ccp.add_parser("set", help="add or change products: a JSON object, a list or a file")
    ccset.add_argument("spec", metavar="JSON_OR_FILE")
    ccp.add_parser("list", help="every product of the chain and the store that defined it")
    category = sub.add_parser("category", help="the chain's item categories").add_subparsers(
        dest="action", required=True
    )
    cset = category.add_parser("set", help="add or replace a category (JSON object or file)")
    cset.add_argument("spec", metavar="JSON_OR_FILE")
    category.add_parser("list")

    staff = sub.add_parser("staff", help="staff accounts every counter pulls").add_subparsers(
        dest="action", required=True
    )
    sadd = staff.add_parser("add", help="add or change an account")
    sadd.add_argument("--no", required=True)
    sadd.add_argument("--name", required=True)
    sadd.add_argument(
        "--role",
        required=True,
        choices=["cashier", "manager", "admin", "marketing", "service", "finance"],
    )
    sadd.add_argument("--pin")
    sdis = staff.add_parser("disable")
    sdis.add_argument("--no", required=True)
    staff.add_parser("list")

    conflicts = sub.add_parser("conflicts", help="offline overdrafts and other conflicts")
    conflicts.add_argument("--all", action="store_true", help="include resolved ones")

    quar = sub.add_parser(
        "quarantine", help="events HQ refused: list, show, resolve (void or apply)"
    ).add_subparsers(dest="action", required=True)
    qlist = quar.add_parser("list", help="held events (--all: resolved ones too)")
    qlist.add_argument("--all", action="store_true")
    qshow = quar.add_parser("show", help="one event with its payload and reason")
    qshow.add_argument("id", type=int)
    qres = quar.add_parser("resolve", help="void the event, or apply it (after a correction)")
    qres.add_argument("id", type=int)
    how = qres.add_mutually_exclusive_group(required=True)
    how.add_argument("--void", action="store_true", help="never apply it")
    how.add_argument("--apply", action="store_true", help="check it again and apply it")
    qres.add_argument("--payload", metavar="FILE", help="with --apply: corrected payload (JSON)")
    qres.add_argument("--note", help="why (kept with the event)")

    members = sub.add_parser("members", help="duplicate members and merging").add_subparsers(
        dest="action", required=True
    )
    members.add_parser("duplicates")
    holdings = sub.add_parser(
        "holdings", help="the other stores' members each store keeps"
    ).add_subparsers(dest="action", required=True)
    release = holdings.add_parser(
        "release", help="stop sending stores the members they have not served for DAYS"
    )
    release.add_argument(
        "--days", type=int, default=admin.HOLDING_DAYS,
        help=f"days since a store last served the member (default {admin.HOLDING_DAYS})",
    )  # fmt: skip
    merge = members.add_parser("merge")
    merge.add_argument("--keep", required=True)
    merge.add_argument("--drop", required=True)
    return p


def database_url(args: argparse.Namespace) -> str:
    url = args.db or os.environ.get(DB_ENV)
    if url:
        return url
    data_dir = Path(
        args.data_dir or os.environ.get(DATA_DIR_ENV) or user_data_dir("member-hq", APP_AUTHOR)
    )
    private_dir(data_dir)  # HQ's database holds every member of the chain
    tighten_tree(data_dir)
    return sqlite_url(data_dir)


def key_file(args: argparse.Namespace) -> Path:
    """The secret key file named by the settings, else ``hq-secret.key`` in the data dir."""
    if args.secret_key_file:
        return Path(args.secret_key_file)
    data_dir = Path(
        args.data_dir or os.environ.get(DATA_DIR_ENV) or user_data_dir("member-hq", APP_AUTHOR)
    )
    return data_dir / device_secrets.KEY_FILENAME


def _holds_encrypted(url: str) -> bool:
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        return False
    engine = make_engine(url)
    try:
        return device_secrets.holds_encrypted(engine)
    finally:
        engine.dispose()


def keyring_of(args: argparse.Namespace, url: str, create: bool) -> device_secrets.Keyring | None:
    """The keyring of the settings; ``create``: a new key file if none (serve, init)."""
    return device_secrets.load_keyring(
        key_file(args), create_unless=(lambda: _holds_encrypted(url)) if create else None
    )


def _keyring(args: argparse.Namespace) -> device_secrets.Keyring:
    if args.keyring is None:
        raise HQError("secret_key_missing", str(key_file(args)))
    return args.keyring


def _init(engine: Engine, args: argparse.Namespace) -> dict[str, Any]:
    device_secrets.check_opens(engine, _keyring(args))
    using = "$" + device_secrets.KEY_ENV if os.environ.get(device_secrets.KEY_ENV) else None
    return {"database": engine.dialect.name, "secret_key": using or str(key_file(args))}


def _key_file_only(args: argparse.Namespace) -> Path:
    if os.environ.get(device_secrets.KEY_ENV, "").strip():
        raise HQError(
            "secret_key_invalid",
            f"the key comes from ${device_secrets.KEY_ENV}: put the new key first there "
            "(new,old), restart serve, then run `member-hq secret-key reencrypt`",
        )
    return key_file(args)


def _reencrypt(engine: Engine, keyring: device_secrets.Keyring) -> int:
    with engine.begin() as conn:
        return device_secrets.reencrypt(conn, keyring)


def _key_rotate(engine: Engine, args: argparse.Namespace) -> dict[str, Any]:
    from cryptography.fernet import Fernet

    path = _key_file_only(args)
    old = _keyring(args)
    device_secrets.check_opens(engine, old)
    keyring = device_secrets.Keyring([Fernet.generate_key(), *old.keys], path)
    device_secrets.write_key_file(path, keyring.keys)  # serve re-reads it when it must
    return {"secret_key_file": str(path), "keys": len(keyring.keys),
            "reencrypted": _reencrypt(engine, keyring)}  # fmt: skip


def _phone_key_rotate(engine: Engine, args: argparse.Namespace) -> dict[str, Any]:
    """A new phone key (server.redact): each counter that receives it joins again."""
    with engine.begin() as conn:
        redact.rotate_key(conn)
    return {"phone_key": "rotated"}


def _key_reencrypt(engine: Engine, args: argparse.Namespace) -> dict[str, Any]:
    return {"reencrypted": _reencrypt(engine, _keyring(args))}


def _key_prune(engine: Engine, args: argparse.Namespace) -> dict[str, Any]:
    path = _key_file_only(args)
    keyring = _keyring(args)
    if not device_secrets.opens_with_newest_only(engine, keyring):
        raise HQError(
            "secret_key_invalid", "some secrets need an older key: run secret-key reencrypt"
        )
    device_secrets.write_key_file(path, keyring.keys[:1])
    return {"secret_key_file": str(path), "keys": 1, "dropped": len(keyring.keys) - 1}


def _device_revoke(engine: Engine, args: argparse.Namespace) -> dict[str, Any]:
    since = admin.parse_since(args.since) if args.since else None
    admin.revoke_device(engine, args.device_id)
    return {"revoked": args.device_id, **admin.pushed_since(engine, args.device_id, since)}


def _revoke_text(data: dict[str, Any]) -> str:
    lines = [f"revoked: {data['revoked']} (store {data['store_code']})"]
    for title, rows in (("pushed", data["events"]), ("quarantined", data["quarantined"])):
        lines.append(f"{title} since {data['since']}: {len(rows)}")
        if rows:
            cols = ["pushed_at", "event_id", "device_seq", "type", "member_id"]
            cols += ["code", "status"] if title == "quarantined" else []
            table = [cols] + [[str(r[c] if r[c] is not None else "-") for c in cols] for r in rows]
            widths = [max(len(row[i]) for row in table) for i in range(len(cols))]
            lines += ["  " + "  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True))
                      for row in table]  # fmt: skip
    return "\n".join(lines)


def _serve(engine: Engine, args: argparse.Namespace) -> dict[str, Any]:
    import uvicorn

    from server.app import create_app, limits_from
    from server.logs import log_config
    from server.service import HQService

    options: dict[str, Any] = {
        "host": args.host,
        "port": args.port,
        "ssl_certfile": args.certfile,
        "ssl_keyfile": args.keyfile,
        "log_level": args.log_level,
        "log_config": log_config(args.log_level),
        "access_log": False,  # server.logs writes one line per request instead
    }
    limits = {
        "MEMBER_HQ_MAX_BODY_BYTES": str(args.max_body_bytes),
        "MEMBER_HQ_PUSH_RATE": str(args.push_rate),
        "MEMBER_HQ_LOOKUP_RATE": str(args.lookup_rate),
        "MEMBER_HQ_PHONE_RATE": str(args.phone_rate),
    }
    keyring = _keyring(args)
    device_secrets.check_opens(engine, keyring)  # a wrong key file stops here, not per request
    if args.workers > 1:
        # Each worker process opens the database itself (the schema is migrated already).
        os.environ[DB_ENV] = database_url(args)
        os.environ.update(limits)
        if not os.environ.get(device_secrets.KEY_ENV, "").strip():
            os.environ[device_secrets.KEY_FILE_ENV] = str(key_file(args))
        uvicorn.run("server.app:app_from_env", factory=True, workers=args.workers, **options)
    else:
        app = create_app(HQService(engine, keyring=keyring), **limits_from(limits))
        uvicorn.run(app, **options)
    return {"stopped": True}


def _staff_disable(engine: Engine, args: argparse.Namespace) -> dict[str, Any]:
    found = next((s for s in admin.list_staff(engine) if s["staff_no"] == args.no), None)
    if found is None:
        raise HQError("staff_invalid", f"unknown staff number {args.no}")
    return admin.put_staff(
        engine, staff_no=args.no, name=found["name"], role=found["role"], pin=None, active=False
    )


def _rules_set(engine: Engine, args: argparse.Namespace) -> dict[str, Any]:
    return admin.set_rules(engine, json.loads(Path(args.file).read_text(encoding="utf-8")))


def _spec(text: str) -> Any:
    text = text.strip()
    try:
        if text.startswith(("{", "[")):
            return json.loads(text)
        return json.loads(Path(text).read_text(encoding="utf-8-sig"))
    except (OSError, ValueError) as exc:
        raise HQError("catalogue_invalid", f"not a JSON object or file: {exc}") from None


def _item_set(engine: Engine, args: argparse.Namespace) -> dict[str, Any]:
    spec = _spec(args.spec)
    items = spec if isinstance(spec, list) else [spec]
    if not all(isinstance(i, dict) for i in items):
        raise HQError("catalogue_invalid", "an item is a JSON object")
    return {"items": [catalogue.put_item(engine, i) for i in items]}


def _category_set(engine: Engine, args: argparse.Namespace) -> dict[str, Any]:
    spec = _spec(args.spec)
    cats = spec if isinstance(spec, list) else [spec]
    if not all(isinstance(c, dict) for c in cats):
        raise HQError("catalogue_invalid", "a category is a JSON object")
    return {"categories": [catalogue.put_category(engine, c) for c in cats]}


def _countcard_product_set(engine: Engine, args: argparse.Namespace) -> dict[str, Any]:
    spec = _spec(args.spec)
    products = spec if isinstance(spec, list) else [spec]
    if not all(isinstance(p, dict) for p in products):
        raise HQError("countcard_product_invalid", "a product is a JSON object")
    return {"products": [countcards.put_product(engine, p) for p in products]}


def _store_add(engine: Engine, args: argparse.Namespace) -> dict[str, Any]:
    admin.add_store(engine, args.code, args.name)
    return admin.new_enrollment_code(engine, args.code, args.ttl_hours)


def _quarantine_resolve(engine: Engine, args: argparse.Namespace) -> dict[str, Any]:
    from server import quarantine

    payload = None
    if args.payload:
        if not args.apply:
            raise HQError("quarantine_invalid", "--payload goes with --apply")
        payload = json.loads(Path(args.payload).read_text(encoding="utf-8"))
    action = "void" if args.void else "apply"
    return quarantine.resolve(engine, args.id, action, payload=payload, note=args.note)


def _quarantine_list(engine: Engine, args: argparse.Namespace) -> dict[str, Any]:
    from server import quarantine

    return {"quarantine": quarantine.list_quarantine(engine, None if args.all else "held")}


def _quarantine_show(engine: Engine, args: argparse.Namespace) -> dict[str, Any]:
    from server import quarantine

    return quarantine.show_quarantine(engine, args.id)


def _release_set(engine: Engine, args: argparse.Namespace) -> dict[str, Any]:
    return {"release": admin.set_release(engine, args.release_version, args.url, args.notes)}


HANDLERS: dict[tuple[str, str | None], Callable[[Engine, argparse.Namespace], Any]] = {
    ("serve", None): _serve,
    ("store", "add"): _store_add,
    ("store", "list"): lambda e, a: {"stores": admin.list_stores(e)},
    ("device", "list"): lambda e, a: {"devices": admin.list_devices(e)},
    ("init", None): _init,
    ("device", "revoke"): _device_revoke,
    ("device", "rotate-secret"): lambda e, a: admin.rotate_device_secret(
        e, _keyring(a), a.device_id
    ),
    ("device", "recovery-code"): lambda e, a: admin.device_recovery_code(
        e, _keyring(a), a.device_id
    ),
    ("secret-key", "rotate"): _key_rotate,
    ("secret-key", "reencrypt"): _key_reencrypt,
    ("secret-key", "prune"): _key_prune,
    ("phone-key", "rotate"): _phone_key_rotate,
    ("rules", "show"): lambda e, a: admin.get_rules(e),
    ("rules", "set"): _rules_set,
    ("rules", "offline"): lambda e, a: admin.set_offline_limits(
        e,
        per_txn_fen=a.per_txn_fen,
        per_txn_points=a.per_txn_points,
        window_hours=a.window_hours,
        online_grace_seconds=a.online_grace_seconds,
        countcard_visits_per_card=a.countcard_visits_per_card,
    )["extra"]["offline"],
    ("staff", "add"): lambda e, a: admin.put_staff(
        e, staff_no=a.no, name=a.name, role=a.role, pin=a.pin
    ),
    ("staff", "disable"): _staff_disable,
    ("item", "set"): _item_set,
    ("item", "deactivate"): lambda e, a: {"items": [catalogue.deactivate_item(e, a.code)]},
    ("item", "list"): lambda e, a: {"items": catalogue.list_catalogue(e)["items"]},
    ("category", "set"): _category_set,
    ("category", "list"): lambda e, a: {"categories": catalogue.list_catalogue(e)["categories"]},
    ("countcard-product", "set"): _countcard_product_set,
    ("countcard-product", "list"): lambda e, a: {"products": countcards.list_products(e)},
    ("staff", "list"): lambda e, a: {"staff": admin.list_staff(e)},
    ("conflicts", None): lambda e, a: {"conflicts": admin.list_conflicts(e, a.all)},
    ("quarantine", "list"): _quarantine_list,
    ("quarantine", "show"): _quarantine_show,
    ("quarantine", "resolve"): _quarantine_resolve,
    ("members", "duplicates"): lambda e, a: {"duplicates": admin.list_duplicates(e)},
    ("members", "merge"): lambda e, a: admin.merge_members(e, a.keep, a.drop),
    ("holdings", "release"): lambda e, a: admin.release_holdings(e, a.days),
    ("mark-restored", None): lambda e, a: backup.mark_restored(e),
    ("release", "set"): _release_set,
    ("release", "show"): lambda e, a: {"release": admin.get_release(e)},
    ("release", "clear"): lambda e, a: {"release": admin.set_release(e, None)},
}


def _backup(args: argparse.Namespace) -> dict[str, Any]:
    """``backup``: the file is copied without opening (or migrating) the live database."""
    return backup.backup(database_url(args), Path(args.file))


def _restore(args: argparse.Namespace) -> dict[str, Any]:
    url = database_url(args)
    source = Path(args.file)
    # The key its secrets were encrypted with, checked before anything is restored; a backup
    # from an earlier release (clear secrets) gets a new key, and is migrated below.
    keyring = device_secrets.load_keyring(
        key_file(args), create_unless=lambda: device_secrets.file_holds_encrypted(source)
    )
    target = backup.restore(url, source)
    engine = open_database(url, keyring)
    try:
        if keyring is not None:
            device_secrets.check_opens(engine, keyring)
        marked = backup.mark_restored(engine)
        devices = len(admin.list_devices(engine))
    finally:
        engine.dispose()
    return {"restored": str(target), "devices": devices, **marked}


NO_DATABASE: dict[tuple[str, str | None], Callable[[argparse.Namespace], Any]] = {
    ("backup", None): _backup,
    ("restore", None): _restore,
}


# The commands that create the secret key file when none is configured.
CREATES_KEY = {("serve", None), ("init", None)}


def _text(data: Any) -> str:
    if isinstance(data, dict) and len(data) == 1:
        ((key, value),) = data.items()
        if isinstance(value, list):
            if not value:
                return f"{key}: none"
            return "\n".join("  ".join(f"{k}={v}" for k, v in row.items()) for row in value)
    if isinstance(data, dict):
        return "\n".join(f"{k}: {v}" for k, v in data.items())
    return str(data)


TEXT: dict[tuple[str, str | None], Callable[[Any], str]] = {
    ("device", "revoke"): _revoke_text,
}


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    try:
        settings.apply(parser, argv)
    except settings.SettingsError as exc:
        print(f"member-hq: {exc}", file=sys.stderr)
        return 2
    args = parser.parse_args(argv)
    key = (args.command, getattr(args, "action", None))
    try:
        if key in NO_DATABASE:
            data = NO_DATABASE[key](args)
        else:
            url = database_url(args)
            args.keyring = keyring_of(args, url, create=key in CREATES_KEY)
            engine = open_database(url, args.keyring)
            try:
                data = HANDLERS[key](engine, args)
            finally:
                engine.dispose()
    except HQError as exc:
        if args.json:
            print(json.dumps({"error": exc.message, "code": exc.code}, ensure_ascii=False))
        else:
            print(exc.message, file=sys.stderr)
        return 3
    except (OSError, ValueError) as exc:
        print(str(exc) or "cannot do this", file=sys.stderr)  # a sentence, no class name
        return 2
    text = TEXT.get(key, _text)
    print(json.dumps(data, ensure_ascii=False) if args.json else text(data))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
