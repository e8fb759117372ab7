"""Member tags at HQ: checked (:mod:`server.validate`) and applied here.

* ``tag.saved``: a valid definition (:func:`app.domain.tags.tag_of_wire`); a tag is the
  store's that made it — another store cannot change it — and stays manual or rule as made.
  Every counter of the chain learns it (a ``catalogue`` change, and the join's snapshot).
* ``member.tag_set``: a manual tag HQ knows (a rule tag is never set by hand), by a staff
  member allowed to set it (a manager for a managers' tag), with a valid clock. Applied when
  its clock is newer than the one HQ holds (last writer wins per member and tag), and passed
  on with the member like any event about them.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from typing import Any

from sqlalchemy import Connection, insert, select, update

from app.domain.errors import CounterError
from app.domain.hlc import Stamp, ahead_of_hq, newer
from app.domain.tags import MANUAL, tag_of_wire
from server import tag_tables as tt

EVENT_TYPES = frozenset({"tag.saved", "member.tag_set"})


class TagRefused(Exception):
    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(code)


def _definition(conn: Connection, code: str) -> Any:
    return conn.execute(select(tt.tag).where(tt.tag.c.code == code)).first()


def check_saved(conn: Connection, store_code: str, data: dict[str, Any]) -> None:
    try:
        tag = tag_of_wire(data)
    except CounterError:
        raise TagRefused("schema", detail="tag") from None
    if tag.code != data.get("code"):
        raise TagRefused("schema", detail="tag code")
    row = _definition(conn, tag.code)
    if row is not None and row.store_code != store_code:
        raise TagRefused("tag_foreign", tag=tag.code, owner=row.store_code or "总部")
    if row is not None and row.kind != tag.kind:
        raise TagRefused("schema", detail="tag kind")


def check_set(conn: Connection, code: str, hlc: str, *, manager: bool) -> None:
    row = _definition(conn, code)
    if row is None:
        raise TagRefused("tag_unknown", tag=code)
    tag = tag_of_wire(json.loads(row.tag_json))
    if tag.kind != MANUAL:
        raise TagRefused("tag_not_manual", tag=code)
    if tag.set_by == "manager" and not manager:
        raise TagRefused("tag_managers_only", tag=code)
    try:
        Stamp.parse(hlc)
    except (ValueError, TypeError):
        raise TagRefused("schema", detail="hlc") from None
    if ahead_of_hq(hlc, int(time.time() * 1000)):  # it would outlast every later change
        raise TagRefused("tag_clock_ahead", tag=code)


def apply(
    conn: Connection, event_type: str, payload: dict[str, Any], store_code: str, now: dt.datetime
) -> None:
    """Write a checked tag event into HQ's tables (at once: the next event of the same push
    is checked against them)."""
    if event_type == "tag.saved":
        tag = tag_of_wire(payload["tag"])
        text = json.dumps(tag.wire(), sort_keys=True, ensure_ascii=False)
        values = {"kind": tag.kind, "updated_at": now, "tag_json": text}
        if _definition(conn, tag.code) is None:
            conn.execute(insert(tt.tag).values(code=tag.code, store_code=store_code, **values))
        else:
            conn.execute(update(tt.tag).where(tt.tag.c.code == tag.code).values(**values))
        return
    mt = tt.member_tag
    key = (mt.c.member_id == payload["member_id"]) & (mt.c.tag_code == payload["tag_code"])
    held = conn.scalar(select(mt.c.hlc).where(key))
    values = {"present": bool(payload["present"]), "hlc": payload["hlc"], "updated_at": now}
    if held is None:
        conn.execute(insert(mt).values(member_id=payload["member_id"],
                                       tag_code=payload["tag_code"], **values))  # fmt: skip
    elif newer(payload["hlc"], held):
        conn.execute(update(mt).where(key).values(**values))


def definitions(conn: Connection) -> list[dict[str, Any]]:
    """Every definition as a counter applies it (the join's snapshot)."""
    return [
        {"tag": json.loads(r.tag_json), "store_code": r.store_code}
        for r in conn.execute(select(tt.tag).order_by(tt.tag.c.code))
    ]


def of_member(conn: Connection, member_id: str) -> dict[str, list[Any]]:
    """The member's manual tags, on or off, with their clocks: {code: [present, hlc]}."""
    mt = tt.member_tag
    return {
        r.tag_code: [bool(r.present), r.hlc]
        for r in conn.execute(select(mt).where(mt.c.member_id == member_id))
    }
