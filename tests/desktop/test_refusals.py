"""F12 on a real desktop, for a counter HQ refused events of: one still waits for HQ's staff,
one HQ voided (the counter reversed it). Both say so in words that fit, at 1024×768 and
1366×768, under ibus-libpinyin."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.domain.messages import render_in
from tests.desktop.conftest import App, closed_port, enrolled_app
from tests.desktop.xsession import XSession


def refusal(seq: int, code: str, reason: str) -> str:
    reason = reason.replace("'", "''")
    return (
        "INSERT INTO sync_refused (event_id, device_seq, type, code, reason, waiting_on, at) "
        f"VALUES ('01a2384f-0000-7000-8000-00000000000{seq}', {seq}, 'points.adjusted', "
        f"'{code}', '{reason}', NULL, '2026-12-02 10:00:00')"
    )


@pytest.fixture
def refused(
    screen: XSession, demo_template: Path, tmp_path: Path, shots_dir: Path
) -> Iterator[App]:
    url = f"http://127.0.0.1:{closed_port()}"
    foreign = render_in("zh", "hq_member_foreign", home="S001", action="积分调整")
    held = refusal(7, "hq_member_foreign", foreign)
    voided = refusal(
        8, "voided_at_hq",
        render_in("zh", "voided_at_hq", principal="500.00", bonus="50.00", points=500),
    )  # fmt: skip
    with enrolled_app(screen, demo_template, tmp_path, shots_dir, url, held, voided) as app:
        yield app


def test_f12_lists_a_refused_event_and_one_hq_voided(refused: App) -> None:
    app = refused
    app.sign_in()
    app.open("F12", "同步")
    waiting = app.control("请店长联系总部处理")
    assert waiting["text"].startswith("1 条"), waiting["text"]  # the voided one is done
    voided = app.control("总部已作废此操作")
    assert "¥500.00" in voided["text"] and "积分 500" in voided["text"]
    assert voided["fits"], voided
    s = app.screen
    x, y, w, h = voided["rect"]
    assert x >= 0 and y >= 0 and x + w <= s.width and y + h <= s.height
    app.shot("f12-refused-and-voided")
