"""The range report's member counts from indexes equal the straightforward definitions.

Churn once ran two correlated EXISTS per member over every member (9 s at 1,000,000
members); it now counts ``member.joined_on`` (kept by triggers) and the window's buyers.
The old statement is kept here as the reference the new figures must equal.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from app.persistence import reporting
from app.ports import FixedClock
from app.services.cards import cancel_card
from app.services.checkout import checkout
from app.services.importing import import_members
from app.services.refunds import refund
from app.services.reports import range_report
from app.services.stored_value import top_up
from tests.helpers import query, reference_churn


def test_churn_and_joined_on_equal_their_definitions(
    ctx, cashier, manager, register, approval, clock: FixedClock, tmp_path: Path
) -> None:
    members = []
    for i in range(12):
        members.append(register(name=f"会员{i}", phone=f"1380013{i:04d}"))
        clock.advance(days=3)
        if i % 3 == 0:
            top_up(ctx, cashier, members[-1].member_id, 100_000, "cash")
    csv = tmp_path / "old.csv"
    csv.write_text("姓名,手机号,余额\n老会员甲,13900139001,10\n老会员乙,13900139002,0\n", "utf-8")
    assert import_members(ctx, manager, csv).imported
    clock.advance(days=10)
    paid = []
    for day in range(40):
        clock.advance(days=1)
        m = members[(day * 5) % len(members)]
        if day % 4 == 0:
            paid.append(checkout(ctx, cashier, m.member_id, 1_000, pay="cash",
                                 tenders=[("cash", 1_000)]))  # fmt: skip
    refund(ctx, cashier, paid[0].txn_id, approval)  # a refund is not a purchase undone
    cancel_card(ctx, manager, members[1].card_no or "", approval)

    # joined_on is the business date of the first register/import transaction, for everyone.
    rows = query(
        ctx,
        "SELECT m.joined_on, (SELECT min(business_date) FROM txn t WHERE t.member_id = m.id"
        " AND t.kind IN ('register', 'import')) FROM member m",
    )
    assert len(rows) == 14 and all(j is not None and j == first for j, first in rows)

    start = clock.now().date() - dt.timedelta(days=120)
    for offset in range(130):
        cutoff = start + dt.timedelta(days=offset)
        for span in (0, 7, 30):
            as_of = cutoff + dt.timedelta(days=span)
            with ctx.reader() as uow:
                new = reporting.churned_members(uow, cutoff, as_of)
            assert new == reference_churn(ctx, cutoff, as_of), (cutoff, as_of)

    end = clock.now().date()
    report = range_report(ctx, manager, end - dt.timedelta(days=29), end, churn_days=30)
    assert report["members"]["churned"] == reference_churn(ctx, end - dt.timedelta(days=29), end)
    assert sum(t["members"] for t in report["tiers"]) == 13  # the cancelled one is not counted
