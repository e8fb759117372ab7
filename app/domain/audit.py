"""The audit log's hash chain: each entry's hash covers its content and the previous hash."""

from __future__ import annotations

import hashlib
import json
from typing import Any

GENESIS = "0" * 64


def canonical_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def chain_hash(prev_hash: str, entry: dict[str, Any]) -> str:
    return hashlib.sha256((prev_hash + canonical_json(entry)).encode()).hexdigest()


def payload_hash(payload: dict[str, Any]) -> str:
    return text_hash(canonical_json(payload))


def text_hash(text: str) -> str:
    """The hash of a payload already written as canonical JSON (:func:`payload_hash`)."""
    return hashlib.sha256(text.encode()).hexdigest()
