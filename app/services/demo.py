"""The demo store: staff whose PINs are shown, and members with balances, points and history.

Created on first run when the store wants to try the counter before setting up its own data.
"""

from __future__ import annotations

from pathlib import Path

from app.domain.demo import DEMO_STAFF
from app.domain.money import format_cny
from app.services import checkout, members, staff, store, stored_value
from app.services.context import open_counter
from app.services.security import sign_in

DEMO_CODE = "DEMO"
DEMO_MEMBERS = (
    # name, phone, top-up yuan, method, checkout yuan
    ("张三", "13800138000", 1000, "wechat", 300),
    ("李四", "13912345678", 500, "alipay", 88),
    ("王小明", "15000001234", 0, None, 0),
    ("曾伟", "18611112222", 2000, "cash", 1250),
    ("赵敏", "17788889999", 200, "bankcard", 0),
)


def create_demo_store(data_dir: Path) -> list[str]:
    """Create the demo store in an empty data directory; one line per member created."""
    ctx = open_counter(data_dir)
    try:
        store.init_store(ctx, code=DEMO_CODE, name="演示门店", admin_pin=DEMO_STAFF[0][3])
        admin = sign_in(ctx, "admin", DEMO_STAFF[0][3])
        for no, name, role, pin in DEMO_STAFF[1:]:
            staff.add_staff(ctx, admin, staff_no=no, name=name, role=role, pin=pin)
        cashier = sign_in(ctx, "2001", DEMO_STAFF[2][3])
        done = []
        for name, phone, topup, method, spend in DEMO_MEMBERS:
            view = members.register_member(
                ctx, cashier, members.Registration(name=name, phone=phone, consent=True)
            )
            note = f"登记会员 {name}(卡号 {view.card_no})"
            if topup and method:
                r = stored_value.top_up(ctx, cashier, phone, topup * 100, method)
                note += f",充值 {format_cny(r.amount_fen)} 赠送 {format_cny(r.bonus_fen)}"
            if spend:
                c = checkout.checkout(ctx, cashier, phone, spend * 100)
                note += f",消费 {format_cny(c.due_fen)} 得 {c.points_earned} 积分"
            done.append(note)
        return done
    finally:
        ctx.close()
