"""交班点款 with real keys: Enter moves from box to box, a summary is confirmed, and only
then the expected cash and over/short appear; a recount needs a manager.

Before the fix, typing 9 in the ¥100 box and pressing Enter (to go on to ¥50) committed
the whole count, and Esc then allowed counting again with the expected figure known.
"""

from __future__ import annotations

from tests.desktop.conftest import CASHIER, MANAGER, TITLE, App, cli

BOXES = 13  # ¥100 … ¥0.01


def shift_state(app: App) -> tuple[str, int | None]:
    (row,) = app.query("SELECT status, counted_fen FROM shift")
    return row[0], row[1]


def count(app: App, hundreds: str) -> None:
    """F10, 2 (交班点款), the ¥100 box gets ``hundreds``, Enter through every box."""
    s = app.screen
    app.open("F10", "店长功能", 0.4)
    app.open("2", "交班点款", 0.6)
    before = shift_state(app)
    s.type(hundreds, enter=True)
    app.settle(0.3)
    assert shift_state(app) == before, "Enter after the ¥100 box committed the count"
    for _ in range(BOXES - 1):
        s.key("Return")
        s.pause()
    s.wait_active("核对点款")  # the summary: what was counted, no expected figure


def test_the_blind_count_stays_blind(app: App) -> None:
    cli(app.data_dir, "shift", "open", "--float", "100", staff=CASHIER)
    app.sign_in()
    count(app, "9")
    app.shot("blind-count-summary")
    assert shift_state(app) == ("open", None)
    s = app.screen
    s.key("Return")  # confirm: now committed, and only now the expected cash shows
    s.wait_active("交班结算")
    app.settle(0.5)
    app.shot("blind-count-over-short")
    assert shift_state(app) == ("counted", 90_000)
    s.key("Escape")
    s.gone("交班结算")
    app.settle(0.5)
    active = s.active()
    if active is not None and "店长功能" in active.title:
        s.key("Escape")
    s.wait_active(TITLE, exact=True)
    # A recount: refused without a manager, done with one, audited with both counts.
    count(app, "1")
    s.key("Return")
    app.settle(1.0)
    assert shift_state(app) == ("counted", 90_000)
    app.shot("blind-recount-approval")
    s.type(MANAGER[0], enter=True)  # Enter after the manager's number goes to the PIN
    s.type(MANAGER[1], enter=True)
    s.wait_active("交班完成")  # ¥100 counted, ¥100 expected: the shift closes
    app.settle(0.5)
    assert shift_state(app) == ("closed", 10_000)
    (recount,) = app.query(
        "SELECT a.before, a.after, s.staff_no FROM audit_log a JOIN staff s "
        "ON s.id = a.approved_by WHERE a.action = 'shift.recount'"
    )
    assert '"counted_fen":90000' in recount[0] and '"counted_fen":10000' in recount[1]
    assert recount[2] == MANAGER[0]
