"""What HQ tells counters besides business: the recommended release (新版本可用), each
counter's own release as HQ sees it, and the epoch that tells a restored HQ apart."""

from __future__ import annotations

import pytest

from app.domain.release import Release, is_newer
from app.services import syncstate
from app.version import __version__
from server import admin
from server.errors import HQError
from sync.cli import _status_lines
from tests.hqkit import HQServer


def test_a_recommended_release_reaches_the_counter(hq: HQServer, make_counter) -> None:
    a = make_counter("S001")
    a.sync()
    assert syncstate.status(a.ctx).update_available is False
    url = r"\\hq-nas\installers\member-counter-setup-9.1.0.exe"
    assert admin.set_release(hq.engine, "9.1.0", url)["version"] == "9.1.0"
    a.sync()
    status = syncstate.status(a.ctx)
    assert status.update_available and status.recommended == Release("9.1.0", url)
    data = status.to_dict()
    assert data["app_version"] == __version__ and data["installer_url"] == url
    assert f"新版本可用:9.1.0  安装程序:{url}" in _status_lines(data)
    # Not newer than this release: nothing to say. Withdrawn: nothing either.
    admin.set_release(hq.engine, "0.0.1")
    a.sync()
    assert not syncstate.status(a.ctx).update_available
    admin.set_release(hq.engine, "9.1.0")
    a.sync()
    assert syncstate.status(a.ctx).recommended == Release("9.1.0")
    assert admin.set_release(hq.engine, None) is None and admin.get_release(hq.engine) is None
    a.sync()
    assert not syncstate.status(a.ctx).update_available
    assert "本机版本:" + __version__ in _status_lines(syncstate.status(a.ctx).to_dict())


@pytest.mark.parametrize(
    ("version", "url"),
    [("9.1", None), ("v9.1.0", None), ("9.1.0", "ftp://x/setup.exe"), ("9.1.0", "a\nb")],
)
def test_a_bad_recommendation_is_refused_at_hq(hq: HQServer, version: str, url: str) -> None:
    before = admin.get_rules(hq.engine)
    with pytest.raises(HQError) as err:
        admin.set_release(hq.engine, version, url)
    assert err.value.code == "release_invalid"
    assert admin.get_rules(hq.engine) == before


def test_a_recommendation_the_counter_cannot_read_never_stops_the_rules() -> None:
    assert Release.from_rules_extra({"release": {"version": "banana"}}) is None
    assert Release.from_rules_extra({"release": "9.0.0"}) is None
    assert Release.from_rules_extra({}) is None
    assert is_newer("0.10.0", "0.9.9") and not is_newer("0.2.0", "0.2.0")
    assert not is_newer("1.0.0rc1", "0.2.0")


def test_hq_knows_each_counters_release(hq: HQServer, make_counter) -> None:
    a, b = make_counter("S001"), make_counter("S002")
    a.sync()
    devices = {d["store_code"]: d for d in admin.list_devices(hq.engine)}
    assert devices["S001"]["app_version"] == __version__
    assert devices["S002"]["app_version"] is None  # not heard from since enrolling
    b.sync()
    devices = {d["store_code"]: d for d in admin.list_devices(hq.engine)}
    assert devices["S002"]["app_version"] == __version__


def test_a_new_epoch_rewinds_the_cursor_only_when_it_changes(hq: HQServer, make_counter) -> None:
    a = make_counter("S001")
    admin.set_release(hq.engine, "9.0.0")
    admin.set_release(hq.engine, "9.0.1")  # two changes to pull
    a.sync()
    seen = syncstate.status(a.ctx)
    assert seen.cursor >= 2
    with a.ctx.reader() as uow:
        from app.persistence import syncstore

        epoch = syncstore.state(uow).hq_epoch
    assert epoch is not None and epoch.split(":")[0].isdigit()
    assert syncstate.note_epoch(a.ctx, epoch) is False  # the same HQ
    assert syncstate.note_epoch(a.ctx, "not-an-epoch") is False
    assert syncstate.cursor(a.ctx) == seen.cursor
    assert syncstate.note_epoch(a.ctx, "12345:1") is True  # restored from a backup
    assert syncstate.cursor(a.ctx) == 1
