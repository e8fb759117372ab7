"""Editing the store's rules where there is no HQ: tiers, points, top-up bonuses.

Managers and admins change them; every change is validated (the same checks as
:class:`app.domain.rules.Rules`, and a tier members still hold cannot be removed),
audited with the rules before and after, reported to HQ through the outbox, and
applies from the next operation: each operation reads the store's rules afresh
(``load_rules`` caches the parsed rules by their JSON text, so new text is parsed
once, the old entry is never used again).

When the counter is enrolled with HQ, HQ's rules win: they arrive with every pull, the
store's copy is read-only and every edit is refused.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from app.domain.errors import RuleError, ValidationError
from app.domain.lifecycle import thresholds_of
from app.domain.rules import Rules, Tier, TopUpBonus
from app.domain.text import check_text
from app.persistence import reporting, syncstore
from app.persistence.uow import UnitOfWork
from app.services.context import CounterContext, load_rules
from app.services.recording import record
from app.services.security import Actor, Permission, require

_CODE = re.compile(r"[a-z0-9_]{1,16}")
EDITABLE = (
    "points_per_yuan",
    "points_per_yuan_cash",
    "max_points_ratio_bp",
    "card_replace_fee_fen",
    "max_topup_fen",
)


def _managed_by_hq(uow: UnitOfWork) -> bool:
    """Enrolled with HQ: HQ's rules win and reach the counter with every pull."""
    state = syncstore.state(uow)
    return state is not None and state.server_url is not None


def rules_managed_by_hq(ctx: CounterContext) -> bool:
    """True when HQ's rules win and the store's rules screen is read-only."""
    with ctx.reader() as uow:
        return _managed_by_hq(uow)


def current_rules(ctx: CounterContext, actor: Actor) -> tuple[Rules, bool]:
    """(the store's rules, read-only because HQ manages them)."""
    require(actor, Permission.MEMBER_VIEW)
    with ctx.reader() as uow:
        return load_rules(uow), _managed_by_hq(uow)


def _tier(t: Tier | Mapping[str, Any]) -> Tier:
    if isinstance(t, Tier):
        return t
    try:
        return Tier(
            code=str(t["code"]),
            name=str(t["name"]),
            threshold_fen=int(t["threshold_fen"]),
            discount_bp=int(t["discount_bp"]),
            multiplier_permille=int(t["multiplier_permille"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ValidationError("rules_invalid", detail=f"tier: {exc}") from None


def _bonus(b: TopUpBonus | Mapping[str, Any]) -> TopUpBonus:
    if isinstance(b, TopUpBonus):
        return b
    try:
        return TopUpBonus(min_fen=int(b["min_fen"]), bonus_fen=int(b["bonus_fen"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise ValidationError("rules_invalid", detail=f"top-up bonus: {exc}") from None


def _check(rules: Rules) -> None:
    for t in rules.tiers:
        if not _CODE.fullmatch(t.code):
            raise ValidationError("rules_invalid", detail=f"tier code {t.code!r}")
        check_text(t.name, "tier_name")
        if not (1 <= len(t.name.strip()) <= 16):
            raise ValidationError("rules_invalid", detail=f"tier name {t.name!r}")
        if t.multiplier_permille > 10_000:
            raise ValidationError("rules_invalid", detail=f"tier {t.code} multiplier")
    if len({b.min_fen for b in rules.topup_bonuses}) != len(rules.topup_bonuses):
        raise ValidationError("rules_invalid", detail="two top-up bonuses with one minimum")
    if rules.points_per_yuan < 0 or rules.points_per_yuan > 1000:
        raise ValidationError("rules_invalid", detail="points per yuan")
    if rules.card_replace_fee_fen < 0 or rules.max_topup_fen <= 0:
        raise ValidationError("rules_invalid", detail="fees and limits")


def update_rules(
    ctx: CounterContext,
    actor: Actor,
    *,
    tiers: Sequence[Tier | Mapping[str, Any]] | None = None,
    topup_bonuses: Sequence[TopUpBonus | Mapping[str, Any]] | None = None,
    lifecycle: Mapping[str, Any] | None = None,
    **values: int,
) -> Rules:
    """Change some of the store's rules; what is not given stays. Returns the new rules.

    ``lifecycle``: the members' stage thresholds (app.domain.lifecycle.Thresholds), kept in
    the rules' ``extra``."""
    require(actor, Permission.RULES_EDIT)
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise ValidationError("rules_invalid", detail="unknown: " + ", ".join(sorted(unknown)))
    with ctx.uow() as uow:
        if _managed_by_hq(uow):
            raise RuleError("rules_managed_by_hq")
        old = load_rules(uow)
        changes: dict[str, Any] = {}
        if tiers is not None:
            changes["tiers"] = tuple(_tier(t) for t in tiers)
        if topup_bonuses is not None:
            changes["topup_bonuses"] = tuple(
                sorted((_bonus(b) for b in topup_bonuses), key=lambda b: b.min_fen)
            )
        if lifecycle is not None:
            th = thresholds_of(dict(lifecycle))
            changes["extra"] = {**old.extra, "lifecycle": th.wire()}
        for key, value in values.items():
            if not isinstance(value, int) or isinstance(value, bool):
                raise ValidationError("rules_invalid", detail=key)
            changes[key] = value
        new = replace(old, **changes)  # Rules.__post_init__ checks thresholds, ranges, codes
        _check(new)
        held = reporting.tier_distribution(uow)
        codes = {t.code for t in new.tiers}
        for code, count in sorted(held.items()):
            if code not in codes and count:
                raise RuleError("tier_in_use", tier=code, count=count)
        if new == old:
            return old
        store = uow.store()
        assert store is not None
        store.rules_json = json.dumps(new.to_dict(), ensure_ascii=False)
        changed = sorted(changes)
        record(ctx, uow, actor, action="rules.update", entity="store", entity_id=store.device_id,
               before={k: old.to_dict()[k] for k in changed},
               after={k: new.to_dict()[k] for k in changed},
               event_type="rules.changed",
               payload={"rules": new.to_dict(), "changed": changed})  # fmt: skip
        uow.commit()
        return new
