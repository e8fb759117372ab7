"""Member export for the manager: balances and points in .xlsx or .csv.

Phone numbers are masked (138****8000) unless the exporting role may see full
numbers. Every export is audited (who, how many, masked or not), since it takes
personal data out of the counter.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from app.domain.errors import ValidationError
from app.domain.messages import current_language
from app.domain.phone import mask_phone
from app.persistence import reporting
from app.services.context import CounterContext, load_rules
from app.services.recording import record
from app.services.security import Actor, Permission, require
from app.services.spreadsheets import write_table

PAGE = 5000
COLUMNS = (
    ("会员号", "Member id"),
    ("姓名", "Name"),
    ("手机", "Phone"),
    ("卡号", "Card no."),
    ("卡状态", "Card status"),
    ("会员状态", "Status"),
    ("等级", "Tier"),
    ("本金", "Principal"),
    ("赠送金", "Bonus"),
    ("储值合计", "Stored value"),
    ("积分", "Points"),
    ("累计消费", "Total spend"),
    ("生日", "Birthday"),
    ("性别", "Gender"),
    ("登记时间(UTC)", "Registered (UTC)"),
)


def _yuan(fen: int) -> Decimal:
    return Decimal(fen).scaleb(-2)


def export_members(
    ctx: CounterContext,
    actor: Actor,
    path: Path | str,
    *,
    mask_phones: bool = False,
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Write every member to ``path`` (.xlsx or .csv); returns what was written.

    Phones are masked when asked, and always for a role that may not see them."""
    require(actor, Permission.MEMBER_EXPORT)
    path = Path(path)
    if path.suffix.lower() not in (".xlsx", ".csv"):
        raise ValidationError("export_format", path=str(path))
    full = actor.can(Permission.MEMBER_VIEW_PHONE) and not mask_phones
    en = current_language() == "en"
    with ctx.reader() as uow:
        tier_names = {t.code: t.name for t in load_rules(uow).tiers}

        def rows() -> Iterator[list[Any]]:
            after: str | None = None
            done = 0
            while True:
                page = reporting.member_rows(uow, after, PAGE)
                if not page:
                    return
                for r in page:
                    (mid, name, phone, card_no, card_status, status, tier, principal, bonus,
                     points, spend, birthday, birthday_md, gender, created) = r  # fmt: skip
                    yield [
                        mid, name, phone if full else mask_phone(phone), card_no, card_status,
                        status, tier_names.get(tier, tier), _yuan(principal), _yuan(bonus),
                        _yuan(principal + bonus), points, _yuan(spend),
                        birthday.isoformat() if birthday else birthday_md, gender,
                        created.isoformat(" ", "seconds") if created else None,
                    ]  # fmt: skip
                after = page[-1][0]
                done += len(page)
                if progress:
                    progress(done)

        count = write_table(path, [c[1] if en else c[0] for c in COLUMNS], rows())
    with ctx.uow() as uow:
        info = {"file": path.name, "members": count, "phones_masked": not full}
        record(ctx, uow, actor, action="member.export", entity="export", entity_id=None,
               before=None, after=info, event_type=None, payload={})  # fmt: skip
        uow.commit()
    return {"path": str(path), "members": count, "phones_masked": not full}
