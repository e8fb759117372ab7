"""A member's history older than the counter keeps, asked of HQ from the member panel with
a finger (更早记录(总部)) and closed with Enter, on a real desktop at 1024×768 and 1366×768.

HQ here is a stand-in on 127.0.0.1 that answers the history route as HQ does (the route
itself is tested against the real HQ in tests/sync/test_history_window.py) and nothing else.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.domain.ids import uuid7
from sync import wire
from tests.desktop.conftest import App, enrolled_app, stand_in_hq
from tests.desktop.xsession import XSession

ZHANG = "13800138000"
OLDER = [
    {"id": uuid7(), "type": "checkout.completed", "store_code": "DEMO",
     "business_date": "2024-11-20", "created_at": "2024-11-20T06:12:00",
     "principal_fen": -8_000, "bonus_fen": -1_000, "points": 90},
    {"id": uuid7(), "type": "stored_value.topped_up", "store_code": "S002",
     "business_date": "2024-05-01", "created_at": "2024-05-01T02:30:00",
     "principal_fen": 50_000, "bonus_fen": 5_000, "points": 0},
]  # fmt: skip


@pytest.fixture
def enrolled(
    screen: XSession, demo_template: Path, tmp_path: Path, shots_dir: Path
) -> Iterator[tuple[App, list[dict]]]:
    answer = lambda body: {"member_id": body["member_id"], "txns": OLDER,  # noqa: E731
                           "has_more": False}  # fmt: skip
    # A member registered at another store: what they did before the window is at HQ.
    elsewhere = f"UPDATE member SET joined_on = NULL WHERE phone = '{ZHANG}'"
    with (
        stand_in_hq(wire.HISTORY_PATH, answer) as (url, asked),
        enrolled_app(screen, demo_template, tmp_path, shots_dir, url, elsewhere) as app,
    ):
        yield app, asked


def test_older_history_is_asked_of_hq_and_shown(enrolled: tuple[App, list[dict]]) -> None:
    app, asked = enrolled
    app.sign_in()
    app.screen.scan(ZHANG)
    app.settle(1.0)
    app.tap("更早记录(总部)", kind="button")
    app.screen.wait_active("更早记录(总部)")
    app.settle(0.6)
    app.shot("older-history")
    assert len(asked) == 1
    assert "18 个月" in app.control("由总部提供", window="更早记录")["text"]
    app.screen.key("Return")  # closes it
    app.back()
