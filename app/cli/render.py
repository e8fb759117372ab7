"""Turning service results into the CLI's JSON objects (money as "12.50") and text lines."""

from __future__ import annotations

import io
from typing import Any

import segno

from app.domain.messages import current_language
from app.domain.money import format_yuan
from app.services.lookup import MemberView


def yuan(fen: int) -> str:
    return format_yuan(fen)


def stored_value(principal_fen: int, bonus_fen: int) -> dict[str, str]:
    return {
        "principal": yuan(principal_fen),
        "bonus": yuan(bonus_fen),
        "total": yuan(principal_fen + bonus_fen),
    }


def member(view: MemberView) -> dict[str, Any]:
    return {
        "member_id": view.member_id,
        "name": view.name,
        "phone": view.phone,
        "card_no": view.card_no,
        "card_status": view.card_status,
        "status": view.status,
        "tier": view.tier,
        "tier_name": view.tier_name,
        "stored_value": stored_value(view.principal_fen, view.bonus_fen),
        "points": view.points,
        "points_expiring_soon": view.points_expiring_soon,
        "cumulative_spend": yuan(view.cumulative_spend_fen),
        "has_payment_password": view.has_payment_password,
    }


_LABELS = {
    "zh": {
        "member": "会员", "phone": "手机", "card": "卡号", "tier": "等级", "sv": "储值",
        "principal": "本金", "bonus": "赠送", "points": "积分", "expiring": "30 天内到期",
        "spend": "累计消费", "id": "会员号", "none": "没有找到会员", "found": "找到 {n} 位会员:",
    },
    "en": {
        "member": "Member", "phone": "phone", "card": "card", "tier": "tier",
        "sv": "stored value", "principal": "principal", "bonus": "bonus", "points": "points",
        "expiring": "expiring within 30 days", "spend": "total spend", "id": "member id",
        "none": "No member found", "found": "{n} member(s) found:",
    },
}  # fmt: skip


def _label(key: str) -> str:
    return _LABELS[current_language()][key]


def member_lines(data: dict[str, Any]) -> list[str]:
    card = f"{data['card_no']} ({data['card_status']})" if data["card_no"] else "-"
    sv = data["stored_value"]
    expiring = data["points_expiring_soon"]
    return [
        f"{_label('member')} {data['name']}  {_label('phone')} {data['phone']}  "
        f"{_label('card')} {card}  {_label('tier')} {data['tier_name']}",
        f"  {_label('sv')} ¥{sv['total']} ({_label('principal')} ¥{sv['principal']}, "
        f"{_label('bonus')} ¥{sv['bonus']})  {_label('points')} {data['points']}"
        + (f" ({_label('expiring')} {expiring})" if expiring else "")
        + f"  {_label('spend')} ¥{data['cumulative_spend']}",
        f"  {_label('id')} {data['member_id']}",
    ]


def find_lines(data: dict[str, Any]) -> list[str]:
    if not data["members"]:
        return [_label("none")]
    lines = [_label("found").format(n=data["count"])]
    for m in data["members"]:
        lines.extend(member_lines(m))
    return lines


def qr_lines(data: dict[str, Any]) -> list[str]:
    """The payload and the code itself, drawn in the terminal for a phone to scan."""
    out = io.StringIO()
    segno.make(data["payload"], error="m").terminal(out=out, compact=True)
    return [data["payload"], out.getvalue().rstrip("\n")]


TEXT_RENDERERS = {
    ("member", "qr"): qr_lines,
    ("member", "show"): member_lines,
    ("member", "register"): member_lines,
    ("member", "find"): find_lines,
}


def text_lines(data: dict[str, Any], indent: str = "") -> list[str]:
    """A generic readable rendering of a result object (for commands without a custom one)."""
    lines: list[str] = []
    for key, value in data.items():
        if isinstance(value, dict):
            lines.append(f"{indent}{key}:")
            lines.extend(text_lines(value, indent + "  "))
        elif isinstance(value, list):
            lines.append(f"{indent}{key}: " + ", ".join(str(v) for v in value))
        else:
            lines.append(f"{indent}{key}: {value}")
    return lines
