"""One function per CLI command: call the service, return the JSON-able result."""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
from pathlib import Path
from typing import Any

from app.cli import Handler, Key, manager, render
from app.cli.parser import UsageError, approval_of
from app.domain.errors import ValidationError
from app.domain.money import parse_yuan
from app.services import (
    backups,
    cards,
    checkout,
    counter_info,
    lookup,
    maintenance,
    members,
    points,
    recovery,
    refunds,
    settings,
    staff,
    store,
    stored_value,
    tiers,
)
from app.services.context import CounterContext
from app.services.security import Actor

Result = dict[str, Any]


def _date(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationError("date_invalid", value=text) from None


def init(ctx: CounterContext, _actor: Actor | None, args: argparse.Namespace) -> Result:
    info = store.init_store(
        ctx, code=args.store_code, name=args.store_name, admin_pin=args.admin_pin
    )
    return {"store_code": info.code, "store_name": info.name, "device_id": info.device_id,
            "admin": store.ADMIN_NO, "recovery_code": info.recovery_code}  # fmt: skip


def staff_add(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    v = staff.add_staff(
        ctx, actor, staff_no=args.no, name=args.name, role=args.role, pin=args.new_pin
    )
    return {"staff_id": v.staff_id, "staff_no": v.staff_no, "name": v.name, "role": v.role}


def staff_unlock(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    v = staff.unlock_staff(ctx, actor, args.no)
    return {"staff_no": v.staff_no, "locked": v.locked}


def staff_recover(
    ctx: CounterContext,
    _actor: None,
    args: argparse.Namespace,
    verify_hq: recovery.HqVerifier | None = None,
) -> Result:
    r = recovery.recover_admin(ctx, args.code, args.new_pin, staff_no=args.no, verify_hq=verify_hq)
    return {"staff_no": r.staff_no, "unlocked": True, "used": r.source,
            "recovery_code": r.recovery_code}  # fmt: skip


def staff_recovery_code(ctx: CounterContext, actor: Actor, _args: argparse.Namespace) -> Result:
    return {"recovery_code": recovery.new_recovery_code(ctx, actor)}


def member_register(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    view = members.register_member(
        ctx,
        actor,
        members.Registration(
            name=args.name,
            phone=args.phone,
            consent=args.consent,
            birthday=args.birthday,
            gender=args.gender,
            email=args.email,
            address=args.address,
            referrer=args.referrer,
            source=args.source,
            card_no=args.card,
            marketing_consent=args.marketing_consent is not None,
            marketing_channel=args.marketing_consent or "sms",
        ),
    )
    return render.member(view)


def member_show(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    return render.member(lookup.show_member(ctx, actor, args.query))


def member_find(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    found = lookup.find_members(ctx, actor, args.text)
    return {"count": len(found), "members": [render.member(v) for v in found]}


def member_qr(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    payload = lookup.member_qr(ctx, actor, args.query, dynamic=args.dynamic)
    return {"payload": payload, "dynamic": args.dynamic}


def member_set_password(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    members.set_payment_password(
        ctx, actor, args.query, args.password, old_password=args.old_password
    )
    return {"ok": True}


def topup(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    r = stored_value.top_up(ctx, actor, args.query, parse_yuan(args.amount), args.method)
    return {
        "txn_id": r.txn_id,
        "member_id": r.member_id,
        "amount": render.yuan(r.amount_fen),
        "bonus": render.yuan(r.bonus_fen),
        "method": r.method,
        "stored_value": render.stored_value(r.principal_fen, r.bonus_balance_fen),
    }


def _tenders(specs: list[str] | None) -> list[tuple[str, int]] | None:
    if not specs:
        return None
    out = []
    for spec in specs:
        method, sep, amount = spec.partition("=")
        if not sep:
            raise UsageError(f"--tender takes METHOD=YUAN, not {spec!r}")
        out.append((method.strip(), parse_yuan(amount)))
    return out


def do_checkout(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    r = checkout.checkout(
        ctx,
        actor,
        args.query,
        parse_yuan(args.amount),
        points=args.points,
        tenders=_tenders(args.tender),
        pay=args.pay,
        payment_password=args.payment_password,
    )
    return {
        "txn_id": r.txn_id,
        "member_id": r.member_id,
        **sale_money(r),
        "tier": r.tier,
        "tier_name": r.tier_name,
        "tier_before": r.tier_before,
        "stored_value": render.stored_value(r.principal_fen, r.bonus_fen),
        "points": r.points,
    }


def sale_money(r: Any) -> Result:
    """A checkout's or a sale's money, as the CLI shows it (yuan text)."""
    return {
        "amount": render.yuan(r.amount_fen),
        "discount": render.yuan(r.discount_fen),
        "points_used": r.points_used,
        "points_value": render.yuan(r.points_value_fen),
        "due": render.yuan(r.due_fen),
        "paid": render.yuan(r.paid_fen),
        "tenders": [
            {
                "method": t.method,
                "amount": render.yuan(t.amount_fen),
                "change": render.yuan(t.change_fen),
            }
            for t in r.tenders
        ],
        "change": render.yuan(r.change_fen),
        "points_earned": r.points_earned,
    }


def do_refund(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    r = refunds.refund(ctx, actor, args.txn_id, approval_of(args))
    return {
        "txn_id": r.txn_id,
        "original_txn_id": r.original_txn_id,
        "kind": r.kind,
        "money_back": [{"method": m, "amount": render.yuan(f)} for m, f in r.money_back],
        "points_restored": r.points_restored,
        "points_clawed_back": r.points_clawed_back,
        "points_shortfall": r.points_shortfall,
        "stored_value": render.stored_value(r.principal_fen, r.bonus_fen),
        "points": r.points,
        "tier": r.tier,
    }


def _card(r: cards.CardResult) -> Result:
    return {
        "txn_id": r.txn_id,
        "member_id": r.member_id,
        "card_no": r.card_no,
        "status": r.status,
        "fee": render.yuan(r.fee_fen),
        "refunded_principal": render.yuan(r.refunded_principal_fen),
        "voided_bonus": render.yuan(r.voided_bonus_fen),
        "voided_points": r.voided_points,
    }


def card_lost(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    return _card(cards.report_lost(ctx, actor, args.query))


def card_freeze(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    return _card(cards.freeze_card(ctx, actor, args.query))


def card_unfreeze(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    return _card(cards.unfreeze_card(ctx, actor, args.query))


def card_replace(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    return _card(
        cards.replace_card(
            ctx, actor, args.query, new_card_no=args.new_card, fee_method=args.fee_method
        )
    )


def card_cancel(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    return _card(
        cards.cancel_card(
            ctx, actor, args.query, approval_of(args), refund_method=args.refund_method
        )
    )


def points_expire(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    r = points.expire_points(ctx, actor, _date(args.as_of))
    return {"as_of": r.as_of.isoformat(), "members": r.members, "points_expired": r.points}


def points_adjust(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    r = points.adjust_points(ctx, actor, args.query, args.delta, args.reason, approval_of(args))
    return {"txn_id": r.txn_id, "member_id": r.member_id, "delta": r.delta, "points": r.points}


def tier_set(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    r = tiers.override_tier(ctx, actor, args.query, args.tier, args.reason, approval_of(args))
    return {"txn_id": r.txn_id, "member_id": r.member_id, "tier_before": r.tier_before,
            "tier": r.tier}  # fmt: skip


def audit_verify(ctx: CounterContext, actor: Actor, _args: argparse.Namespace) -> Result:
    r = maintenance.verify_audit(ctx, actor)
    return {
        "ok": r.ok,
        "entries": r.entries,
        "broken_at": r.broken_at,
        "ledger_mismatches": r.ledger_mismatches,
    }


def do_backup(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    r = backups.backup(ctx, actor, Path(args.path) if args.path else None, overwrite=args.overwrite)
    return {"path": r.path, "bytes": r.bytes, "members": r.members, "integrity": r.integrity}


def do_restore(_ctx: None, _actor: None, args: argparse.Namespace) -> Result:
    staff_no = args.staff or os.environ.get("MEMBER_COUNTER_STAFF")
    pin = args.pin or os.environ.get("MEMBER_COUNTER_PIN")
    if not staff_no or not pin:
        raise UsageError("this command needs --staff NO --pin PIN")
    r = backups.restore_backup(args.data_dir_path, Path(args.path), staff_no, pin)
    return {"restored_from": r.restored_from, "store_code": r.store_code,
            "members": r.members, "kept_aside": r.kept_aside}  # fmt: skip


def auto_backup_show(ctx: CounterContext, _actor: Actor, _args: argparse.Namespace) -> Result:
    s = settings.backup_settings(ctx)
    return {**dataclasses.asdict(s), "folder_used": str(backups.default_folder(ctx))}


def auto_backup_set(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    changes = {k: v for k in ("auto", "keep", "folder") if (v := getattr(args, k)) is not None}
    new = dataclasses.replace(settings.backup_settings(ctx), **changes)
    s = settings.set_backup_settings(ctx, actor, new)
    return {**dataclasses.asdict(s), "folder_used": str(backups.default_folder(ctx))}


def _business_day(ctx: CounterContext) -> Result:
    s = settings.business_day_settings(ctx)
    now = counter_info.business_day_now(ctx)
    return {
        "day_start": s.day_start,
        "business_date": now.business_date.isoformat(),
        "calendar_date": now.calendar_date.isoformat(),
    }


def business_day_show(ctx: CounterContext, _actor: Actor, _args: argparse.Namespace) -> Result:
    return _business_day(ctx)


def business_day_set(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    settings.set_business_day_settings(ctx, actor, settings.BusinessDaySettings(args.start))
    return _business_day(ctx)


HANDLERS: dict[Key, Handler] = {
    ("init", None): init,
    ("staff", "add"): staff_add,
    ("staff", "unlock"): staff_unlock,
    ("staff", "recover"): staff_recover,
    ("staff", "recovery-code"): staff_recovery_code,
    ("member", "register"): member_register,
    ("member", "show"): member_show,
    ("member", "find"): member_find,
    ("member", "qr"): member_qr,
    ("member", "set-password"): member_set_password,
    ("topup", None): topup,
    ("checkout", None): do_checkout,
    ("refund", None): do_refund,
    ("card", "lost"): card_lost,
    ("card", "freeze"): card_freeze,
    ("card", "unfreeze"): card_unfreeze,
    ("card", "replace"): card_replace,
    ("card", "cancel"): card_cancel,
    ("points", "expire"): points_expire,
    ("points", "adjust"): points_adjust,
    ("tier", "set"): tier_set,
    ("audit", "verify"): audit_verify,
    ("backup", None): do_backup,
    ("restore", None): do_restore,
    ("auto-backup", "show"): auto_backup_show,
    ("auto-backup", "set"): auto_backup_set,
    ("business-day", "show"): business_day_show,
    ("business-day", "set"): business_day_set,
}
NO_ACTOR = {("init", None), ("staff", "recover")}
# Commands that open the database themselves (a restore works while it cannot be opened).
NO_STORE = {("restore", None)}

# The manager's day (shifts, daily close, reports, import, export, audit list, rules).
HANDLERS.update(manager.HANDLERS)
