"""Request signing and the wire schemas, without a server."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from sync import signing, wire

SECRET = "s" * 64
BODY = b'{"events":[]}'


def signed(**kw: object) -> dict[str, str]:
    return signing.sign_request("dev-1", SECRET, "POST", "/v1/events", BODY, **kw)  # type: ignore[arg-type]


def check(
    headers: dict[str, str],
    *,
    body: bytes = BODY,
    path: str = "/v1/events",
    now: float | None = None,
    secret: str = SECRET,
) -> None:
    s = signing.read_headers(headers)
    signing.check_fresh(s, now if now is not None else s.timestamp)
    signing.check_signature(secret, s, "POST", path, body)


def test_a_signed_request_verifies() -> None:
    check(signed())


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"body": b'{"events":[1]}'}, "bad_signature"),
        ({"path": "/v1/events?x=1"}, "bad_signature"),
        ({"secret": "t" * 64}, "bad_signature"),
    ],
)
def test_any_change_breaks_the_signature(change: dict, code: str) -> None:
    with pytest.raises(signing.SignatureError) as exc:
        check(signed(), **change)
    assert exc.value.code == code


def test_a_timestamp_outside_five_minutes_is_stale() -> None:
    headers = signed(now=1_000_000)
    check(headers, now=1_000_000 + signing.WINDOW_SECONDS)  # at the edge: fine
    with pytest.raises(signing.SignatureError) as exc:
        check(headers, now=1_000_000 + signing.WINDOW_SECONDS + 1)
    assert exc.value.code == "stale_timestamp"


def test_missing_headers_are_unsigned() -> None:
    headers = signed()
    del headers[signing.HEADER_NONCE]
    with pytest.raises(signing.SignatureError) as exc:
        signing.read_headers(headers)
    assert exc.value.code == "unsigned"


def test_wire_refuses_malformed_events() -> None:
    good = {
        "event_id": "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b",
        "device_seq": 1,
        "type": "member.registered",
        "payload": {},
        "payload_hash": "0" * 64,
        "created_at": "2026-03-15T02:00:00",
    }
    wire.WireEvent.model_validate(good)
    for bad in ({"device_seq": 0}, {"payload_hash": "xyz"}, {"extra": 1}):
        with pytest.raises(ValidationError):
            wire.WireEvent.model_validate({**good, **bad})
