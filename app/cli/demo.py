"""``member-counter demo``: the demo store, without opening the window.

On a data directory without a store it creates a usable demo store — staff whose PINs it
prints, and members with balances, points and history — then shows the store, how to open
the cashier's window on it and a few ops CLI commands to try.
"""

from __future__ import annotations

import json
import shlex
from pathlib import Path

from app.domain.money import format_cny
from app.services import store
from app.services.context import open_counter
from app.services.demo import DEMO_CODE, DEMO_MEMBERS, DEMO_STAFF, create_demo_store
from app.services.lookup import show_member
from app.services.security import sign_in


def run_demo(data_dir: Path, *, as_json: bool = False) -> int:
    created: list[str] = []
    ctx = open_counter(data_dir)
    try:
        fresh = store.store_info(ctx) is None
    finally:
        ctx.close()
    if fresh:
        created = create_demo_store(data_dir)
    ctx = open_counter(data_dir)
    try:
        info = store.store_info(ctx)
        assert info is not None
        is_demo = info.code == DEMO_CODE
        listing = []
        if is_demo:
            manager = sign_in(ctx, "1001", DEMO_STAFF[1][3])
            listing = [
                f"{v.name}  {v.phone}  卡号 {v.card_no}  {v.tier_name}  "
                f"储值 {format_cny(v.stored_value_fen)}  积分 {v.points}"
                for v in (show_member(ctx, manager, phone) for _, phone, *_ in DEMO_MEMBERS)
            ]
    finally:
        ctx.close()
    if as_json:
        print(json.dumps({"data_dir": str(data_dir), "store_code": info.code,
                          "created": created, "members": listing}, ensure_ascii=False))  # fmt: skip
        return 0
    print(f"会员收银台 · {info.name}({info.code})  数据目录 {data_dir}")
    if created:
        print("首次运行,已建立演示门店:")
        for line in created:
            print(f"  · {line}")
    if is_demo:
        print("演示账号(工号 / 密码):" + ", ".join(f"{n} {nm} / {p}" for n, nm, _, p in DEMO_STAFF))
        print("会员:")
        for line in listing:
            print(f"  {line}")
    from app.cli import default_data_dir

    cmd = "member-counter"
    if data_dir != default_data_dir():
        cmd += f" --data-dir {shlex.quote(str(data_dir))}"
    cashier = f"--staff 2001 --pin {DEMO_STAFF[2][3]}"
    print(f"打开收银窗口:{cmd}(不带命令,用上面的工号和密码登录)")
    print("也可以用命令行操作,例如:")
    print(f"  {cmd} {cashier} member show 13800138000")
    print(f"  {cmd} {cashier} topup 13800138000 --amount 500 --method wechat")
    print(f"  {cmd} {cashier} checkout 13800138000 --amount 128.50")
    print("  member-counter --help")
    return 0
