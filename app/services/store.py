"""Creating a store's counter database: store row, default rules, the first admin."""

from __future__ import annotations

import json
import re
import secrets

from app.domain.errors import RuleError, ValidationError
from app.domain.ids import uuid7
from app.domain.rules import Rules, default_rules
from app.domain.store import StoreInfo
from app.domain.text import check_text
from app.persistence.tables import Staff, StoreRow
from app.services.context import CounterContext
from app.services.recording import record
from app.services.recovery import issue_counter_code
from app.services.security import Actor, Role, check_pin_format

ADMIN_NO = "admin"
_CODE = re.compile(r"[A-Za-z0-9_-]{1,32}")


def init_store(
    ctx: CounterContext,
    *,
    code: str,
    name: str,
    admin_pin: str,
    admin_name: str = "管理员",
    rules: Rules | None = None,
    timezone: str = "Asia/Shanghai",
) -> StoreInfo:
    """A new store with the default rules and an admin numbered ``admin``; refuses twice.

    The result carries the store's recovery code: the only time it can be read."""
    code = (code or "").strip()
    name = (name or "").strip()
    if not _CODE.fullmatch(code):
        raise ValidationError("store_code_invalid", value=code)
    check_text(name, "store_name")
    if not (1 <= len(name) <= 64):
        raise ValidationError("store_name_invalid")
    check_pin_format(admin_pin)
    pin_hash = ctx.hasher.hash(admin_pin)
    with ctx.uow() as uow:
        if uow.store() is not None:
            raise RuleError("store_exists")
        now = ctx.now()
        store = StoreRow(
            id=1,
            code=code,
            name=name,
            device_id=uuid7(),
            qr_key=secrets.token_hex(32),
            timezone=timezone,
            rules_json=json.dumps((rules or default_rules()).to_dict(), ensure_ascii=False),
            created_at=now,
        )
        admin = Staff(
            id=uuid7(),
            staff_no=ADMIN_NO,
            name=admin_name,
            role=Role.ADMIN.value,
            pin_hash=pin_hash,
            failed_pins=0,
            locked=False,
            active=True,
            created_at=now,
        )
        uow.add(store, admin)
        uow.flush()
        code_for_recovery = issue_counter_code(ctx, uow)
        actor = Actor(admin.id, admin.staff_no, admin.name, Role.ADMIN)
        info = {"code": code, "name": name, "device_id": store.device_id, "timezone": timezone}
        # The rules the store starts with: HQ checks its top-ups by them until it pulls HQ's.
        first_rules = json.loads(store.rules_json)
        record(
            ctx,
            uow,
            actor,
            action="store.init",
            entity="store",
            entity_id=store.device_id,
            before=None,
            after=info,
            event_type="store.initialised",
            payload={**info, "rules": first_rules},
        )
        uow.commit()
        return StoreInfo(code, name, store.device_id, timezone, recovery_code=code_for_recovery)


def store_info(ctx: CounterContext) -> StoreInfo | None:
    with ctx.reader() as uow:
        store = uow.store()
        if store is None:
            return None
        longest = uow.longest_staff_no() or 32
        return StoreInfo(
            store.code, store.name, store.device_id, store.timezone, staff_no_max=longest
        )
