"""Another store's member's full number, asked of HQ from the member panel with a finger
(查看完整号码) by a manager, on a real desktop at 1024×768 and 1366×768: shown in the panel,
never stored.

HQ here is a stand-in on 127.0.0.1 that answers the phone route as HQ does (the route itself
is tested against the real HQ in tests/sync/test_member_phone.py) and nothing else.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sync import wire
from tests.desktop.conftest import MANAGER, App, enrolled_app, stand_in_hq
from tests.desktop.xsession import XSession

ZHANG = "13800138000"
MASKED = "138****8000"


@pytest.fixture
def enrolled(
    screen: XSession, demo_template: Path, tmp_path: Path, shots_dir: Path
) -> Iterator[tuple[App, list[dict]]]:
    answer = lambda body: {"member_id": body["member_id"], "phone": ZHANG}  # noqa: E731
    # 张三 as a member of another store: the number masked here, its keyed hash kept.
    elsewhere = (
        f"UPDATE member SET phone = '{MASKED}', phone_hash = '{'ab' * 32}', joined_on = NULL "
        f"WHERE phone = '{ZHANG}'"
    )
    with (
        stand_in_hq(wire.MEMBER_PHONE_PATH, answer) as (url, asked),
        enrolled_app(screen, demo_template, tmp_path, shots_dir, url, elsewhere) as app,
    ):
        yield app, asked


def test_a_manager_taps_for_the_full_number_and_hq_gives_it(
    enrolled: tuple[App, list[dict]],
) -> None:
    app, asked = enrolled
    app.sign_in(MANAGER)
    (card_no,) = app.query(
        "SELECT card.card_no FROM card JOIN member ON member.card_id = card.id "
        "WHERE member.phone = ?",
        MASKED,
    )[0]
    app.screen.scan(card_no)  # their card (no phone key here: HQ gave none, so not by number)
    app.settle(1.0)
    assert app.control(f"手机 {MASKED}")
    button = app.control("查看完整号码", kind="button")
    assert button["rect"][3] >= 44
    app.shot("full-phone-masked")
    app.tap("查看完整号码", kind="button")
    app.settle(1.0)
    app.control(f"手机 {ZHANG}")  # waits for it
    app.shot("full-phone-shown")
    assert [a["staff_no"] for a in asked] == [MANAGER[0]]
    assert app.query("SELECT phone FROM member WHERE phone_hash IS NOT NULL") == [(MASKED,)]
    app.screen.scan("13912345678")  # 李四: 张三's number is no longer on screen
    app.settle(1.0)
    app.screen.scan(card_no)
    app.settle(1.0)
    app.control(f"手机 {MASKED}")
    app.control("查看完整号码", kind="button")
    viewed = app.query("SELECT COUNT(*) FROM audit_log WHERE action = 'member.phone_viewed'")
    assert viewed == [(1,)]
    # (That nothing of it reaches the counter's files is tested with the real HQ: this demo
    # member was registered here, so its number is in this file's own history.)
