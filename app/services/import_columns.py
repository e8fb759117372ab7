"""Which column of an import file holds which member field (列映射), and tiers by name.

:data:`FIELDS` is the synonym table: the headers the common old systems (银豹, 有赞, 会员管理
系统 templates, td365, Excel exports) use for each field, compared after normalising (full
width to half width, case, spaces and punctuation dropped; a note in brackets such as
"(必填)" or "(元)" is dropped when the header does not match with it). A column of a
two-level header ("储值信息/赠送余额") matches by its full name or by its child name. The
table is documented in docs/import.md; keep the two in step.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path

from app.domain.errors import ValidationError
from app.domain.rules import Rules

# field -> headers an old system commonly uses for it (compared after normalising)
FIELDS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "会员姓名", "客户姓名", "名字", "会员名称", "会员名", "name", "membername",
             "fullname"),
    "phone": ("手机", "手机号", "手机号码", "会员手机", "会员手机号", "移动电话", "联系电话",
              "电话", "联系方式", "phone", "mobile", "mobilephone", "cellphone", "tel",
              "telephone"),
    "card_no": ("卡号", "会员卡号", "会员号", "会员编号", "会员卡", "卡号码", "cardno", "card",
                "cardnumber", "membercard", "membercardno", "memberno"),
    "principal": ("余额", "储值余额", "本金", "本金余额", "卡内余额", "账户余额", "储值",
                  "储值金额", "balance", "principal", "storedvalue"),
    "bonus": ("赠送金", "赠送余额", "赠金", "赠送金额", "赠送金余额", "bonus", "bonusbalance"),
    "points": ("积分", "可用积分", "积分余额", "当前积分", "剩余积分", "points", "pointbalance",
               "point"),
    "birthday": ("生日", "出生日期", "出生年月日", "会员生日", "birthday", "dateofbirth",
                 "birthdate", "dob"),
    "gender": ("性别", "gender", "sex"),
    "email": ("邮箱", "电子邮箱", "电子邮件", "email", "mail"),
    "address": ("地址", "联系地址", "住址", "address"),
    "spend": ("累计消费", "累计消费金额", "消费总额", "消费金额合计", "totalspend",
              "cumulativespend"),
    "tier": ("会员等级", "等级", "卡类型", "会员级别", "级别", "卡等级", "会员卡类型", "tier",
             "level", "grade"),
    "status": ("状态", "会员状态", "卡状态", "status"),
    "registered_at": ("注册时间", "开卡日期", "入会时间", "开卡时间", "注册日期", "入会日期",
                      "办卡时间", "办卡日期", "registeredat", "registered", "joined"),
    "home_store": ("注册门店", "开卡门店", "所属门店", "归属门店", "办卡门店", "门店", "store",
                   "homestore"),
    "notes": ("备注", "备注信息", "会员备注", "说明", "notes", "note", "remark", "remarks"),
}  # fmt: skip
REQUIRED = ("name", "phone")

_PUNCT = re.compile(r"[\s_\-()（）:：*.#/]")
_NOTE = re.compile(r"[(（\[【][^)）\]】]*[)）\]】]")


def _norm(text: str) -> str:
    return _PUNCT.sub("", unicodedata.normalize("NFKC", text or "").strip().lower())


def header_key(text: str) -> str:
    """A header as headers are compared (手机号 (必填) -> 手机号(必填) without its spaces)."""
    return _norm(text)


_BY_NAME = {name: fld for fld, names in FIELDS.items() for name in names}


def field_of(header: str) -> str | None:
    """The field whose common header ``header`` is (手机号(必填) -> phone), else None."""
    normal = _norm(header)
    if normal in _BY_NAME:
        return _BY_NAME[normal]
    return _BY_NAME.get(_norm(_NOTE.sub("", unicodedata.normalize("NFKC", header or ""))))


def fields_list() -> str:
    """The fields one can map, for help and messages: "name, phone, card_no, ..."."""
    return ", ".join(FIELDS)


def _invalid(detail: str) -> ValidationError:
    return ValidationError("import_mapping_invalid", detail=detail, fields=fields_list())


def _unknown_field(key: str) -> ValidationError:
    return ValidationError("import_field_unknown", field=key, fields=fields_list())


def _rank(fld: str, text: str) -> int:
    """Where ``text`` stands in the field's synonyms (a header matched without its note: last)."""
    names = FIELDS[fld]
    return names.index(_norm(text)) if _norm(text) in names else len(names)


def guess_mapping(headers: list[str], children: Sequence[str] | None = None) -> dict[str, str]:
    """{field: header} for the fields whose header (or child name) is one of the common ones.

    A field's earlier synonym wins over its later ones, then the column further left; a
    column serves one field."""
    kids = list(children) if children is not None else headers
    found: list[tuple[int, int, str]] = []  # (rank of the synonym, column, field)
    for i, (h, c) in enumerate(zip(headers, kids, strict=True)):
        text = next((t for t in (h, c) if h and field_of(t) is not None), None)
        if text is not None:
            fld = field_of(text)
            assert fld is not None
            found.append((_rank(fld, text), i, fld))
    mapping: dict[str, str] = {}
    for _order, i, fld in sorted(found):
        mapping.setdefault(fld, headers[i])
    return {f: mapping[f] for f in FIELDS if f in mapping}


def parse_mapping(spec: str | Mapping[str, str | None] | None) -> dict[str, str | None]:
    """A mapping override: JSON text, a path to a JSON file, or a dict ({field: header})."""
    if spec is None:
        return {}
    if isinstance(spec, str):
        text = spec.strip()
        if not text.startswith("{"):
            try:
                text = Path(text).read_text(encoding="utf-8-sig")
            except OSError as exc:
                raise _invalid(str(exc)) from None
        try:
            spec = json.loads(text)
        except json.JSONDecodeError as exc:
            raise _invalid(str(exc)) from None
    if not isinstance(spec, Mapping):
        raise _invalid("expected an object")
    for key, value in spec.items():
        if key not in FIELDS:
            raise _unknown_field(key)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise _invalid(f"{key}: a column header")
    return dict(spec)


def _column(headers: list[str], kids: list[str], fld: str, header: str) -> str:
    """The header ``header`` names: a column's full name, or a two-level column's child."""
    if header in headers and header.strip():
        return header
    hits = [h for h, c in zip(headers, kids, strict=True) if h and c == header]
    if len(hits) == 1:
        return hits[0]
    detail = f"{fld}: no column {header!r}" if not hits else f"{fld}: {header!r} is ambiguous"
    raise _invalid(detail)


def resolve_mapping(
    headers: list[str],
    override: Mapping[str, str | None] | None = None,
    children: Sequence[str] | None = None,
) -> dict[str, str]:
    """The guessed mapping with the override applied; checks every header names a column
    (never a blank one) and the required fields are mapped."""
    kids = list(children) if children is not None else headers
    mapping: dict[str, str | None] = {**guess_mapping(headers, kids), **(override or {})}
    final: dict[str, str] = {}
    for fld, header in mapping.items():
        if fld not in FIELDS:
            raise _unknown_field(fld)
        if header is None:
            continue
        if not header.strip():
            raise _invalid(f"{fld}: a blank header")
        final[fld] = _column(headers, kids, fld, header)
    missing = [f for f in REQUIRED if f not in final]
    if missing:
        raise ValidationError("import_columns_missing", fields=", ".join(missing),
                              known=fields_list())  # fmt: skip
    return final


# -- tiers by name -------------------------------------------------------------------------


def parse_tier_map(spec: str | Mapping[str, str] | None) -> dict[str, str]:
    """``'VIP=金卡,普通=普卡'`` (or a dict): the old system's tier name -> a tier here (its
    name or code)."""
    if spec is None:
        return {}
    if isinstance(spec, Mapping):
        return {str(k).strip(): str(v).strip() for k, v in spec.items()}
    out: dict[str, str] = {}
    for part in re.split(r"[,，;；\n]", spec):
        if not part.strip():
            continue
        old, sep, new = part.partition("=")
        if not sep or not old.strip() or not new.strip():
            raise ValidationError("import_tier_map_invalid", part=part.strip())
        out[old.strip()] = new.strip()
    return out


def tier_code(rules: Rules, tier_map: Mapping[str, str], value: str) -> str | None:
    """The tier here of the old system's tier ``value``: through ``tier_map``, else the tier
    of that name or code; None when there is none."""
    wanted = tier_map.get(value, value)
    key = _norm(wanted)
    for t in rules.tiers:
        if wanted in (t.name, t.code) or key in (_norm(t.name), _norm(t.code)):
            return t.code
    return None


def check_tier_map(rules: Rules, tier_map: Mapping[str, str]) -> None:
    """Every target of ``tier_map`` is a tier of the store."""
    names = "、".join(t.name for t in rules.tiers)
    for old, new in tier_map.items():
        if tier_code(rules, {}, new) is None:
            raise ValidationError("import_tier_map_unknown", old=old, tier=new, tiers=names)
