"""Turning service results into the CLI's JSON objects (money as "12.50") and text lines."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import segno

from app.domain.messages import current_language
from app.domain.money import format_cny, format_yuan
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
        "topup": "充值成功", "checkout": "消费成功", "refund": "退款成功", "txn": "交易号",
        "amount": "金额", "discount": "会员折扣", "points_used": "积分抵现", "due": "应付",
        "change": "找零", "earned": "获得积分", "after": "余额", "tier_up": "升级为",
        "back": "退回", "restored": "退回积分", "clawed": "扣回积分", "shortfall": "未能扣回",
        "methods": {"stored_value": "储值", "cash": "现金", "wechat": "微信",
                    "alipay": "支付宝", "bankcard": "银行卡"},
    },
    "en": {
        "member": "Member", "phone": "phone", "card": "card", "tier": "tier",
        "sv": "stored value", "principal": "principal", "bonus": "bonus", "points": "points",
        "expiring": "expiring within 30 days", "spend": "total spend", "id": "member id",
        "none": "No member found", "found": "{n} member(s) found:",
        "topup": "Topped up", "checkout": "Checked out", "refund": "Refunded", "txn": "txn",
        "amount": "amount", "discount": "member discount", "points_used": "points used",
        "due": "due", "change": "change", "earned": "points earned", "after": "balance",
        "tier_up": "now", "back": "paid back", "restored": "points restored",
        "clawed": "points taken back", "shortfall": "not recovered",
        "methods": {"stored_value": "stored value", "cash": "cash", "wechat": "WeChat",
                    "alipay": "Alipay", "bankcard": "bank card"},
    },
}  # fmt: skip


def _label(key: str) -> str:
    return _LABELS[current_language()][key]


def _method(method: str) -> str:
    return _LABELS[current_language()]["methods"].get(method, method)


def _cny(yuan_text: str) -> str:
    """A "1234.50" amount of the JSON output shown as ¥1,234.50."""
    return format_cny(int(Decimal(yuan_text) * 100))


def _balance(data: dict[str, Any]) -> str:
    sv = data["stored_value"]
    return (
        f"{_label('after')} {_cny(sv['total'])} ({_label('principal')} {_cny(sv['principal'])}, "
        f"{_label('bonus')} {_cny(sv['bonus'])})"
    )


def member_lines(data: dict[str, Any]) -> list[str]:
    card = f"{data['card_no']} ({data['card_status']})" if data["card_no"] else "-"
    sv = data["stored_value"]
    expiring = data["points_expiring_soon"]
    return [
        f"{_label('member')} {data['name']}  {_label('phone')} {data['phone']}  "
        f"{_label('card')} {card}  {_label('tier')} {data['tier_name']}",
        f"  {_label('sv')} {_cny(sv['total'])} ({_label('principal')} {_cny(sv['principal'])}, "
        f"{_label('bonus')} {_cny(sv['bonus'])})  {_label('points')} {data['points']}"
        + (f" ({_label('expiring')} {expiring})" if expiring else "")
        + f"  {_label('spend')} {_cny(data['cumulative_spend'])}",
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


def topup_lines(data: dict[str, Any]) -> list[str]:
    return [
        f"{_label('topup')}  {_cny(data['amount'])} {_method(data['method'])}"
        f"  {_label('bonus')} {_cny(data['bonus'])}",
        f"  {_balance(data)}",
        f"  {_label('txn')} {data['txn_id']}",
    ]


def checkout_lines(data: dict[str, Any]) -> list[str]:
    paid = ", ".join(f"{_method(t['method'])} {_cny(t['amount'])}" for t in data["tenders"])
    lines = [
        f"{_label('checkout')}  {_label('amount')} {_cny(data['amount'])}"
        f"  {_label('discount')} -{_cny(data['discount'])}"
        f"  {_label('points_used')} {data['points_used']} (-{_cny(data['points_value'])})"
        f"  {_label('due')} {_cny(data['due'])}",
        f"  {paid}" + (f"  {_label('change')} {_cny(data['change'])}" if data["change"] != "0.00"
                       else ""),
        f"  {_label('earned')} {data['points_earned']}  {_label('points')} {data['points']}"
        + (f"  {_label('tier_up')} {data['tier_name']}"
           if data["tier"] != data["tier_before"] else ""),
        f"  {_balance(data)}",
        f"  {_label('txn')} {data['txn_id']}",
    ]  # fmt: skip
    return lines


def refund_lines(data: dict[str, Any]) -> list[str]:
    back = ", ".join(f"{_method(m['method'])} {_cny(m['amount'])}" for m in data["money_back"])
    lines = [f"{_label('refund')}  {_label('back')} {back or '-'}"]
    if data["points_restored"] or data["points_clawed_back"] or data["points_shortfall"]:
        lines.append(
            f"  {_label('restored')} {data['points_restored']}"
            f"  {_label('clawed')} {data['points_clawed_back']}"
            + (f"  {_label('shortfall')} {data['points_shortfall']}"
               if data["points_shortfall"] else "")
        )  # fmt: skip
    lines += [f"  {_balance(data)}  {_label('points')} {data['points']}",
              f"  {_label('txn')} {data['txn_id']}"]  # fmt: skip
    return lines


def recovery_lines(data: dict[str, Any]) -> list[str]:
    """init and staff recover: what was done, then the recovery code, said to be written down."""
    zh = current_language() == "zh"
    lines = [f"{k}: {v}" for k, v in data.items() if k != "recovery_code"]
    code = data.get("recovery_code")
    if code:
        lines.append(
            f"恢复码(请抄在纸上保管,只显示这一次):{code}"
            if zh
            else f"Recovery code (write it down; it is shown only now): {code}"
        )
    return lines


TEXT_RENDERERS = {
    ("init", None): recovery_lines,
    ("staff", "recover"): recovery_lines,
    ("staff", "recovery-code"): recovery_lines,
    ("topup", None): topup_lines,
    ("checkout", None): checkout_lines,
    ("refund", None): refund_lines,
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
