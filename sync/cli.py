"""``member-counter sync enroll|now|status|reset|lookup|phone``: the ops CLI's sync commands,
added to ``app.cli`` by the composition root (``launcher.extensions()``). An enrolled counter's
``staff recover`` also takes the one-time code HQ makes for it (``member-hq device
recovery-code``)."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path
from typing import Any

from app.cli import Extension, commands
from app.domain import recovery
from app.domain.errors import PermissionDeniedError, RuleError
from app.domain.messages import render_refusal
from app.services import syncstate
from app.services.context import CounterContext
from app.services.security import Actor, Role
from sync import enrollment
from sync.client import HQClient, SyncError
from sync.config import load_config
from sync.engine import lookup_and_fetch, sync_once, take_phone_key


def _add_parsers(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("sync", help="sync with HQ: enroll, sync now, status, reset")
    sub = p.add_subparsers(dest="action", required=True)
    enroll = sub.add_parser("enroll", help="enroll this counter with HQ (manager or admin)")
    enroll.add_argument("--server", required=True, help="HQ's URL, e.g. https://hq.example.cn")
    enroll.add_argument("--code", required=True, help="the one-time code from member-hq store add")
    enroll.add_argument("--ca", help="PEM file of a private CA that signed HQ's certificate")
    enroll.add_argument("--name", help="a name for this counter at HQ")
    sub.add_parser("now", help="push pending events and pull changes now")
    sub.add_parser("status", help="pending events, last success, last error, cursor")
    sub.add_parser("reset", help="forget HQ (refused while events are pending)")
    sub.add_parser(
        "repair", help="fetch from HQ the members that parked changes wait for, and retry them"
    )
    lookup = sub.add_parser(
        "lookup", help="find a member at HQ (phone, card number) and bring them here at once"
    )
    lookup.add_argument("query")
    phone = sub.add_parser(
        "phone",
        help="another store's member's full number, asked of HQ now and not kept (manager)",
    )
    phone.add_argument("query", help="the member's number, card number or id")


def _require_manager(actor: Actor | None, action: str) -> None:
    if actor is None or actor.role not in (Role.MANAGER, Role.ADMIN):
        raise PermissionDeniedError("permission_denied", action=action)


log = logging.getLogger("member_counter.sync")


def _data_dir(ctx: CounterContext) -> Path:
    assert ctx.data_dir is not None
    return ctx.data_dir


def _failed(exc: SyncError) -> RuleError:
    return RuleError("sync_failed", detail=str(exc))


def _enroll(ctx: CounterContext, actor: Actor | None, args: argparse.Namespace) -> dict[str, Any]:
    _require_manager(actor, "sync.enroll")
    try:
        config = enrollment.enroll(
            ctx, _data_dir(ctx), args.server, args.code, ca_bundle=args.ca, device_name=args.name
        )
    except SyncError as exc:
        raise _failed(exc) from None
    return {
        "enrolled": True,
        "server_url": config.server_url,
        "device_id": config.device_id,
        "store_code": config.store_code,
    }


def _client(ctx: CounterContext) -> HQClient:
    config = load_config(_data_dir(ctx))
    if config is None:
        raise RuleError("sync_not_enrolled")
    return HQClient(config, data_dir=_data_dir(ctx))


def _now(ctx: CounterContext, actor: Actor | None, args: argparse.Namespace) -> dict[str, Any]:
    client = _client(ctx)
    try:
        report = sync_once(ctx, client)
    except SyncError as exc:
        raise _failed(exc) from None
    finally:
        client.close()
    return {"pushed": report.pushed, "pulled": report.pulled, **syncstate.status(ctx).to_dict()}


def _status(ctx: CounterContext, actor: Actor | None, args: argparse.Namespace) -> dict[str, Any]:
    from app.services import parking

    return {**syncstate.status(ctx).to_dict(), "parked_changes": parking.parked(ctx)}


def _repair(ctx: CounterContext, actor: Actor | None, args: argparse.Namespace) -> dict[str, Any]:
    from sync import parking

    client = _client(ctx)
    try:
        result = parking.repair(ctx, client)
    except SyncError as exc:
        raise _failed(exc) from None
    finally:
        client.close()
    return {**result, **_status(ctx, actor, args)}


def _repair_lines(data: dict[str, Any]) -> list[str]:
    head = f"已从总部取回 {len(data['members'])} 位会员的数据,应用 {data['applied']} 条"
    return [head, *_status_lines(data)]


def _reset(ctx: CounterContext, actor: Actor | None, args: argparse.Namespace) -> dict[str, Any]:
    _require_manager(actor, "sync.reset")
    enrollment.reset(ctx, _data_dir(ctx))
    return {"enrolled": False}


def _lookup(ctx: CounterContext, actor: Actor | None, args: argparse.Namespace) -> dict[str, Any]:
    client = _client(ctx)
    try:
        found = lookup_and_fetch(ctx, client, args.query)
    except SyncError as exc:
        raise _failed(exc) from None
    finally:
        client.close()
    return {"members": [m.model_dump() for m in found]}


def _phone(ctx: CounterContext, actor: Actor | None, args: argparse.Namespace) -> dict[str, Any]:
    from app.services.lookup import show_member
    from app.services.phone_view import full_phone
    from sync.phones import HQPhones

    _require_manager(actor, "member.view_phone")
    assert actor is not None
    view = show_member(ctx, actor, args.query)
    phone = full_phone(ctx, actor, view.member_id, HQPhones(_data_dir(ctx)).ask)
    return {"member_id": view.member_id, "name": view.name, "phone": phone}


def _phone_lines(data: dict[str, Any]) -> list[str]:
    return [f"{data['name']} 手机 {data['phone']}"]


def _status_lines(data: dict[str, Any]) -> list[str]:
    state = "在线" if data["online"] else "离线"
    update = []
    if data["update_available"]:
        where = data["installer_url"] or "请向总部索取"
        update = [f"新版本可用:{data['recommended_version']}  安装程序:{where}"]
    return [
        f"总部:{data['server_url'] or '未注册'}({state})",
        f"待上传:{data['pending']} 条",
        f"上次成功:{data['last_success_at'] or '无'}",
        f"上次错误:{data['last_error'] or '无'}",
        f"游标:{data['cursor']}",
        f"本机版本:{data['app_version']}",
        *update,
        *_refused_lines(data.get("refused") or []),
        *_parked_lines(data.get("parked_changes") or []),
    ]


def _parked_lines(parked: list[dict[str, Any]]) -> list[str]:
    if not parked:
        return []
    lines = [f"暂缓的总部数据:{len(parked)} 条(可运行 sync repair)"]
    for p in parked:
        lines.append(f"  #{p['server_seq']} {p['type']}:{p['reason']}")
    return lines


def _refused_lines(refused: list[dict[str, Any]]) -> list[str]:
    if not refused:
        return []
    still = sum(1 for r in refused if not str(r.get("code") or "").startswith("voided_at_hq"))
    lines = [f"总部拒收:{len(refused)} 条(待总部处理 {still} 条)"]
    for r in refused:
        reason = render_refusal(r.get("code") or "", r["reason"])
        lines.append(f"  #{r['device_seq']} {r['type']}:{reason}")
    return lines


def _now_lines(data: dict[str, Any]) -> list[str]:
    return [f"已上传 {data['pushed']} 条,已接收 {data['pulled']} 条", *_status_lines(data)]


def _recover(ctx: CounterContext, actor: None, args: argparse.Namespace) -> dict[str, Any]:
    config = load_config(_data_dir(ctx))
    if config is None:
        return commands.staff_recover(ctx, actor, args)

    def verify_hq(plain: str) -> str | None:
        return recovery.hq_code_nonce(config.secret, config.device_id, plain, ctx.clock.now())

    return commands.staff_recover(ctx, actor, args, verify_hq=verify_hq)


def _lookup_lines(data: dict[str, Any]) -> list[str]:
    if not data["members"]:
        return ["总部没有找到会员"]
    return [
        f"{m['name']} {m['phone_masked']} 卡号 {m['card_no'] or '-'} 门店 {m['store_code'] or '-'} "
        f"储值 ¥{(m['principal_fen'] + m['bonus_fen']) / 100:.2f} 积分 {m['points']}"
        for m in data["members"]
    ]


def _prepare(ctx: CounterContext, args: argparse.Namespace) -> None:
    """An enrolled counter's commands ask HQ for the payment password of another store's
    member (``checkout``), as the window does; those that name a member or a number (a
    registration checks it is no other store's member's), and an import, first
    take the chain's phone key from HQ (a command is a process of its own, and the key lives
    in memory only: app.persistence.phone_keys), so another store's member is found by their
    number and an import sees them as existing. Offline they go on without it."""
    config = load_config(ctx.data_dir) if ctx.data_dir is not None else None
    if config is None:
        return
    from sync.pay_passwords import HQPayPasswords

    ctx.pay_passwords = HQPayPasswords(ctx.data_dir)  # type: ignore[arg-type]
    from sync.chain_sales import HQChainSales

    # ``refund`` of a sale made at another store or counter reads it from HQ.
    ctx.chain_sales = HQChainSales(ctx.data_dir)  # type: ignore[arg-type]
    names = any(getattr(args, k, None) for k in ("query", "phone", "referrer"))
    if not names and args.command != "import":
        return
    client = HQClient(config, timeout=(2.0, 5.0), data_dir=ctx.data_dir)
    try:
        client.pull(syncstate.cursor(ctx), 1)
        take_phone_key(ctx, client.phone_key)
    except SyncError as exc:
        log.info("phone key not taken from HQ: %s", exc.kind)
    finally:
        client.close()


EXTENSION = Extension(
    add_parsers=_add_parsers,
    prepare=_prepare,
    handlers={
        ("sync", "enroll"): _enroll,
        ("sync", "now"): _now,
        ("sync", "status"): _status,
        ("sync", "reset"): _reset,
        ("sync", "lookup"): _lookup,
        ("sync", "phone"): _phone,
        ("sync", "repair"): _repair,
        ("staff", "recover"): _recover,
    },
    no_actor=frozenset({("sync", "now"), ("sync", "status"), ("sync", "repair")}),
    text_renderers={
        ("sync", "status"): _status_lines,
        ("sync", "now"): _now_lines,
        ("sync", "lookup"): _lookup_lines,
        ("sync", "phone"): _phone_lines,
        ("sync", "repair"): _repair_lines,
    },
)

__all__ = ["EXTENSION"]
