"""The demo store's staff: the sign-in screen shows them, app.services.demo creates them."""

from __future__ import annotations

DEMO_STAFF = (
    # staff number, name, role, PIN
    ("admin", "管理员", "admin", "2580"),
    ("1001", "王店长", "manager", "1357"),
    ("2001", "李收银", "cashier", "2468"),
)
