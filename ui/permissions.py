"""Which permission each counter action needs, so that a key a role cannot use is greyed.

The services enforce every permission themselves; this only keeps the window honest about
what the signed-in staff can do (a 客服 sees no live F2 top-up key)."""

from __future__ import annotations

from app.services.security import Permission

ACTION_PERMISSIONS: dict[str, Permission] = {
    "register": Permission.MEMBER_REGISTER,
    "topup": Permission.TOPUP,
    "checkout": Permission.CHECKOUT,
    "redeem": Permission.CHECKOUT,
    "history": Permission.MEMBER_VIEW,
    "card": Permission.CARD_LOST,
    "refund": Permission.REFUND,
    "password": Permission.MEMBER_SET_PASSWORD,
    "tags": Permission.TAG_SET,
    "tickets": Permission.TICKET_OPEN,
    "consent": Permission.CONSENT_SET,
}

# The manager's menu (F10) shows the entries the staff's role allows: these.
MANAGER_MENU_PERMISSIONS: tuple[Permission, ...] = (
    Permission.SHIFT,
    Permission.REPORT_VIEW,
    Permission.DAY_CLOSE,
    Permission.MEMBER_IMPORT,
    Permission.MEMBER_EXPORT,
    Permission.AUDIT_VIEW,
    Permission.RULES_EDIT,
    Permission.CATALOGUE_EDIT,
)
