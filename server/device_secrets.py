"""Counters' HMAC secrets at rest: encrypted in ``hq_device`` with a key HQ holds apart.

A copy of HQ's database alone (a backup, a ``pg_dump``, a stolen disk image of the database)
does not let anyone sign a request as a counter: ``hq_device.secret`` and
``hq_device.next_secret`` hold Fernet tokens (AES-128-CBC + HMAC-SHA256, from the
``cryptography`` package), and the key is read from

1. ``MEMBER_HQ_SECRET_KEY``: one or more Fernet keys, comma-separated, newest first; or
2. the key file (``--secret-key-file``, ``MEMBER_HQ_SECRET_KEY_FILE``, config key
   ``secret_key_file``; default ``hq-secret.key`` in the data directory): one key a line,
   newest first, ``#`` comments allowed. ``member-hq init`` and ``serve`` create it (0600)
   when none is configured and the database holds no encrypted secret yet.

Rotation is :class:`~cryptography.fernet.MultiFernet`: the newest key encrypts, every listed
key decrypts; :func:`reencrypt` rewrites every stored secret with the newest key, after which
the older keys can go. Neither a secret nor a key is ever logged.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import Connection, Engine, inspect, select, update

from app.private_files import open_private, private_dir, tighten
from server import tables as t

log = logging.getLogger("member_hq")

KEY_ENV = "MEMBER_HQ_SECRET_KEY"
KEY_FILE_ENV = "MEMBER_HQ_SECRET_KEY_FILE"
KEY_FILENAME = "hq-secret.key"
TOKEN_PREFIX = "gAAAA"  # every Fernet token (version byte 0x80) starts so; a clear secret never


WRONG_KEY = "the secret key cannot open the counters' secrets in the database (wrong key file?)"


class SecretKeyError(ValueError):
    """No usable key, or a key that cannot open what the database holds (a message to show)."""


def _parse_keys(text: str, where: str) -> list[bytes]:
    keys = []
    for line in text.splitlines():
        for part in line.split("#", 1)[0].split(","):
            key = part.strip()
            if not key:
                continue
            try:
                Fernet(key.encode())
            except (ValueError, TypeError):
                raise SecretKeyError(f"{where}: key {len(keys) + 1} is not a Fernet key") from None
            keys.append(key.encode())
    if not keys:
        raise SecretKeyError(f"{where}: no key")
    return keys


class Keyring:
    """The keys that encrypt counters' secrets: the first encrypts, all decrypt. One read
    from a key file is re-read when it changes (``member-hq secret-key rotate`` while
    ``serve`` runs), so a token made with a newer key still opens."""

    def __init__(self, keys: Sequence[bytes], path: Path | None = None) -> None:
        self._set(keys)
        self.path = path
        self._stamp = self._file_stamp()

    def _set(self, keys: Sequence[bytes]) -> None:
        self.keys = list(keys)
        self._fernet = MultiFernet([Fernet(k) for k in self.keys])

    def _file_stamp(self) -> tuple[int, int] | None:
        if self.path is None:
            return None
        try:
            info = self.path.stat()
        except OSError:
            return None
        return (info.st_mtime_ns, info.st_size)

    @classmethod
    def generate(cls) -> Keyring:
        return cls([Fernet.generate_key()])

    @classmethod
    def from_file(cls, path: Path) -> Keyring:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise SecretKeyError(f"secret key file {path}: {exc.strerror or exc}") from None
        tighten(path)
        return cls(_parse_keys(text, f"secret key file {path}"), path)

    def encrypt(self, secret: str) -> str:
        return self._fernet.encrypt(secret.encode()).decode()

    def decrypt(self, token: str) -> str:
        """The clear secret; :class:`SecretKeyError` when no key opens it."""
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken:
            if self._reload():
                return self.decrypt(token)
            raise SecretKeyError(
                "the secret key cannot open the counters' secrets in the database (wrong key file?)"
            ) from None

    def _reload(self) -> bool:
        stamp = self._file_stamp()
        if self.path is None or stamp == self._stamp:
            return False
        self._stamp = stamp
        try:
            self._set(_parse_keys(self.path.read_text(encoding="utf-8"), str(self.path)))
        except (OSError, SecretKeyError):
            return False
        log.info("secret key file re-read")
        return True

    def rotate(self, token: str) -> str:
        """``token`` encrypted again with the newest key."""
        try:
            return self._fernet.rotate(token.encode()).decode()
        except InvalidToken:
            raise SecretKeyError(
                "the secret key cannot open the counters' secrets in the database (wrong key file?)"
            ) from None


def write_key_file(path: Path, keys: Sequence[bytes]) -> None:
    """``path`` (0600) holding ``keys``, newest first; written whole, then moved into place."""
    partial = path.with_name(path.name + ".partial")
    with open_private(partial, "w", encoding="utf-8") as f:
        f.write("# member-hq: keys of the counters' secrets, newest first. Keep apart from\n")
        f.write("# the database and its backups; without it HQ cannot check any counter.\n")
        f.writelines(k.decode() + "\n" for k in keys)
        f.flush()
        os.fsync(f.fileno())
    partial.replace(path)


def holds_encrypted(engine: Engine) -> bool:
    """Whether the database has a device secret encrypted already (so a new key is wrong)."""
    with engine.connect() as conn:
        if not inspect(conn).has_table(t.device.name):
            return False
        first = conn.scalar(
            select(t.device.c.secret).where(t.device.c.secret.like(TOKEN_PREFIX + "%")).limit(1)
        )
    return first is not None


def file_holds_encrypted(path: Path) -> bool:
    """:func:`holds_encrypted` of an SQLite file (a backup), opened read-only as it is."""
    import sqlite3

    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return False
    try:
        row = db.execute(
            "SELECT 1 FROM hq_device WHERE secret LIKE ? LIMIT 1", (TOKEN_PREFIX + "%",)
        ).fetchone()
    except sqlite3.Error:
        return False  # no hq_device table (not an HQ backup: restore says so)
    finally:
        db.close()
    return row is not None


def load_keyring(
    key_file: Path,
    env: Mapping[str, str] | None = None,
    *,
    create_unless: Callable[[], bool] | None = None,
) -> Keyring | None:
    """The configured keyring: ``MEMBER_HQ_SECRET_KEY``, else ``key_file``. A missing file is
    created with a new key when ``create_unless`` (does the database hold an encrypted
    secret?) says no, refused when it says yes; without it a missing file gives None."""
    env = os.environ if env is None else env
    if env.get(KEY_ENV, "").strip():
        return Keyring(_parse_keys(env[KEY_ENV], KEY_ENV))
    if key_file.exists():
        return Keyring.from_file(key_file)
    if create_unless is None:
        return None
    if create_unless():
        raise SecretKeyError(
            f"no secret key file {key_file}, but the counters' secrets in the database are "
            "encrypted: name the key they were made with (--secret-key-file or "
            f"{KEY_ENV}); a new key would lock every counter out"
        )
    if not key_file.parent.exists():
        private_dir(key_file.parent)
    write_key_file(key_file, [Fernet.generate_key()])
    log.info("created secret key file %s", key_file)
    return Keyring.from_file(key_file)


def check_opens(engine: Engine, keyring: Keyring) -> None:
    """Refuse a keyring that cannot open a stored secret (a wrong key file), before serving."""
    with engine.connect() as conn:
        token = conn.scalar(select(t.device.c.secret).limit(1))
    if token is not None:
        keyring.decrypt(token)


def reencrypt(conn: Connection, keyring: Keyring) -> int:
    """Every stored secret encrypted again with the newest key; the number of devices."""
    rows = conn.execute(
        select(t.device.c.device_id, t.device.c.secret, t.device.c.next_secret).with_for_update()
    ).all()
    for row in rows:
        conn.execute(
            update(t.device)
            .where(t.device.c.device_id == row.device_id)
            .values(
                secret=keyring.rotate(row.secret),
                next_secret=keyring.rotate(row.next_secret) if row.next_secret else None,
            )
        )
    return len(rows)


def opens_with_newest_only(engine: Engine, keyring: Keyring) -> bool:
    """Whether every stored secret opens with the newest key alone (the others may go)."""
    newest = Keyring(keyring.keys[:1])
    with engine.connect() as conn:
        rows = conn.execute(select(t.device.c.secret, t.device.c.next_secret)).all()
    try:
        for row in rows:
            newest.decrypt(row.secret)
            if row.next_secret:
                newest.decrypt(row.next_secret)
    except SecretKeyError:
        return False
    return True
