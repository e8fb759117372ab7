"""HQ's refusals: a stable code, the HTTP status it maps to, and a message for the log or CLI."""

from __future__ import annotations

MESSAGES = {
    "unsigned": "request not signed",
    "bad_timestamp": "malformed timestamp",
    "bad_nonce": "malformed nonce",
    "bad_device": "malformed device id",
    "stale_timestamp": "timestamp outside the 5-minute window (is the counter's clock right?)",
    "nonce_reused": "nonce already used",
    "bad_signature": "signature does not match",
    "unknown_device": "device not enrolled",
    "device_revoked": "device revoked",
    "enrollment_invalid": "enrollment code unknown, used or expired",
    "store_mismatch": "enrollment code belongs to another store",
    "device_taken": "device already enrolled",
    "event_conflict": "an event with this id or sequence number was stored with another payload",
    "payload_hash": "payload does not match its hash",
    "event_invalid": "an event HQ cannot apply (malformed payload)",
    "store_unknown": "no such store",
    "store_exists": "store already exists",
    "device_unknown": "no such device",
    "member_unknown": "no such member",
    "sale_unknown": "no such cart sale",
    "staff_unknown": "staff unknown at HQ or inactive",
    "phone_not_allowed": "this staff may not see full phone numbers",
    "holding_days": "the number of days must be at least 1",
    "merge_invalid": "these members cannot be merged",
    "rules_invalid": "rules rejected",
    "staff_invalid": "staff account rejected",
    "catalogue_invalid": "item or category rejected",
    "countcard_product_invalid": "count-card product rejected",
    "release_invalid": "release rejected",
    "backup_postgres": "this command is for an SQLite HQ",
    "backup_invalid": "not a usable HQ backup",
    "restore_target_exists": "the database to restore into is not empty",
    "quarantine_unknown": "no such quarantined event",
    "quarantine_invalid": "this quarantined event cannot be resolved so",
    "body_too_large": "request body too large",
    "rate_limited": "too many requests",
    "time_invalid": "not an ISO 8601 time (e.g. 2026-01-31T08:00+08:00)",
    "secret_key_missing": "HQ has no secret key for the counters' secrets (member-hq init)",
    "secret_key_invalid": "the secret key cannot open the counters' secrets",
}

STATUS = {
    "sale_unknown": 404,
    "body_too_large": 413,
    "rate_limited": 429,
    "event_conflict": 409,
    "payload_hash": 422,
    "event_invalid": 422,
    "device_revoked": 403,
    "staff_unknown": 403,
    "phone_not_allowed": 403,
    "enrollment_invalid": 403,
    "store_mismatch": 403,
    "device_taken": 409,
}


class HQError(Exception):
    def __init__(self, code: str, detail: str = "", **extra: object) -> None:
        self.code = code
        self.detail = detail
        self.extra = extra
        super().__init__(code)

    @property
    def status(self) -> int:
        return STATUS.get(self.code, 401 if self.code in _AUTH else 400)

    @property
    def message(self) -> str:
        text = MESSAGES.get(self.code, self.code)
        return f"{text}: {self.detail}" if self.detail else text


_AUTH = {
    "unsigned",
    "bad_timestamp",
    "bad_nonce",
    "bad_device",
    "stale_timestamp",
    "nonce_reused",
    "bad_signature",
    "unknown_device",
}
