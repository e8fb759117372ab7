"""The consent ledger's pure rules (app.domain.consent): the consent now is the latest entry
by clock per member, purpose and channel, whatever order the entries come in."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.consent import (
    CHANNELS,
    PURPOSES,
    WORDINGS,
    Entry,
    current,
    entry_of_wire,
    state_of,
    wording_for,
)
from app.domain.errors import ValidationError


def _entry(n: int, member: str, purpose: str, channel: str, granted: bool, wall: int,
           count: int, node: str) -> Entry:  # fmt: skip
    return Entry(
        entry_id=f"0190-{n:06d}",
        member_id=member,
        purpose=purpose,
        channel=channel,
        granted=granted,
        wording_version=wording_for(purpose, channel).version,
        at="2026-04-01T10:00:00",
        store_code="S001",
        staff_no="1001",
        source="counter",
        hlc=f"{wall:013d}-{count:05d}-{node}",
    )


entries = st.lists(
    st.builds(
        lambda *a: a,
        st.sampled_from(["m1", "m2"]),
        st.sampled_from(PURPOSES),
        st.sampled_from(CHANNELS),
        st.booleans(),
        st.integers(0, 3),  # few walls: equal clocks happen
        st.integers(0, 2),
        st.sampled_from(["a", "b"]),
    ),
    max_size=12,
).map(lambda rows: [_entry(i, *r) for i, r in enumerate(rows)])


@given(entries, st.randoms())
def test_the_fold_does_not_depend_on_the_order(es: list[Entry], rnd) -> None:
    shuffled = list(es)
    rnd.shuffle(shuffled)
    assert current(shuffled) == current(es) == current(reversed(es))
    # Each key's winner is the greatest (clock, id) of its entries; receiving one twice
    # changes nothing.
    assert current(es + es) == current(es)
    for key, winner in current(es).items():
        same = [e for e in es if (e.member_id, e.purpose, e.channel) == key]
        assert winner == max(same, key=lambda e: (e.hlc, e.entry_id))


def test_the_latest_clock_wins_and_a_tie_goes_to_the_greater_id() -> None:
    g = _entry(1, "m", "marketing", "sms", True, 5, 0, "a")
    w = _entry(2, "m", "marketing", "sms", False, 4, 0, "b")  # made later, older clock
    assert state_of(current([w, g])[("m", "marketing", "sms")]) == "granted"
    tie = _entry(3, "m", "marketing", "sms", False, 5, 0, "a")
    assert current([tie, g])[("m", "marketing", "sms")] == tie
    assert state_of(None) == "none"


def test_a_wording_is_of_its_own_purpose_and_channel() -> None:
    assert wording_for("marketing", "sms").version == "mkt-sms-v1"
    assert "短信" in WORDINGS["mkt-sms-v1"].text
    for bad in (("marketing", "sms", "txn-sms-v1"), ("marketing", "sms", "nope"),
                ("marketing", "fax", None), ("spam", "sms", None)):  # fmt: skip
        with pytest.raises(ValidationError):
            wording_for(*bad)
    e = _entry(1, "m", "transactional", "email", True, 1, 0, "a")
    assert entry_of_wire(e.wire()) == e
    with pytest.raises(ValidationError):
        entry_of_wire({**e.wire(), "wording_version": "mkt-email-v1"})
    with pytest.raises(ValidationError):
        entry_of_wire({**e.wire(), "source": "guess"})
