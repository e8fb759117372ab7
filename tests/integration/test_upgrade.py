"""A new release meets an old database: it backs it up before migrating, and a database from
a newer release is refused (never migrated backwards), with a message and nothing changed."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from app.domain.errors import RuleError
from app.persistence.migrate import file_revision, head_revision
from app.services.context import open_counter

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "release-0.1.0" / "counter.sqlite3"


def test_an_old_database_is_backed_up_then_migrated_once(tmp_path: Path) -> None:
    shutil.copy(FIXTURE, tmp_path / "counter.sqlite3")
    ctx = open_counter(tmp_path)
    try:
        backup = ctx.db.upgrade_backup
        assert backup is not None and backup.parent == tmp_path / "backups"
        assert backup.name.startswith("before-upgrade-r0004-")
        assert file_revision(backup) == "0004"
        assert file_revision(tmp_path / "counter.sqlite3") == head_revision()
        with sqlite3.connect(backup) as old, sqlite3.connect(FIXTURE) as made:
            query = "SELECT entry_id, principal_fen, bonus_fen FROM sv_entry ORDER BY entry_id"
            assert old.execute(query).fetchall() == made.execute(query).fetchall()
    finally:
        ctx.close()
    again = open_counter(tmp_path)
    try:
        assert again.db.upgrade_backup is None
    finally:
        again.close()
    assert len(list((tmp_path / "backups").glob("*.sqlite3"))) == 1


def test_a_new_database_needs_no_backup(tmp_path: Path) -> None:
    ctx = open_counter(tmp_path)
    try:
        assert ctx.db.upgrade_backup is None and not (tmp_path / "backups").exists()
    finally:
        ctx.close()


def test_a_database_of_a_newer_release_is_refused(tmp_path: Path) -> None:
    shutil.copy(FIXTURE, tmp_path / "counter.sqlite3")
    with sqlite3.connect(tmp_path / "counter.sqlite3") as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099'")
    query = "SELECT entry_id, principal_fen, bonus_fen FROM sv_entry ORDER BY entry_id"
    with sqlite3.connect(tmp_path / "counter.sqlite3") as conn:
        before = conn.execute(query).fetchall()
    with pytest.raises(RuleError) as err:
        open_counter(tmp_path)
    assert err.value.code == "database_newer" and "0099" in err.value.message
    assert file_revision(tmp_path / "counter.sqlite3") == "0099"
    with sqlite3.connect(tmp_path / "counter.sqlite3") as conn:
        assert conn.execute(query).fetchall() == before
    assert not (tmp_path / "backups").exists()
