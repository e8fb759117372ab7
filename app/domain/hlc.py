"""Hybrid logical clocks: profile edits made on different counters ordered without a shared clock.

A stamp is (wall milliseconds, counter, node); its text form sorts like the
stamp itself, so the newest write of a field is the greatest string.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_DRIFT_MS = 5 * 60 * 1000  # a clock more than 5 minutes off is refused
# How far ahead of HQ's time a last-writer-wins stamp (a tag flag, a ticket's field, a consent
# entry) may be: counters' clocks drift, and a day is more than any honest drift. A stamp
# further ahead would outlast every later write, so HQ refuses it.
MAX_AHEAD_AT_HQ_MS = 86_400_000


@dataclass(frozen=True, order=True)
class Stamp:
    wall_ms: int
    counter: int
    node: str

    def text(self) -> str:
        return f"{self.wall_ms:013d}-{self.counter:05d}-{self.node}"

    @classmethod
    def parse(cls, text: str) -> Stamp:
        wall, counter, node = text.split("-", 2)
        return cls(int(wall), int(counter), node)


ZERO = Stamp(0, 0, "")


def tick(last: Stamp, now_ms: int, node: str) -> Stamp:
    """The stamp of a local write after ``last``."""
    if now_ms > last.wall_ms:
        return Stamp(now_ms, 0, node)
    return Stamp(last.wall_ms, last.counter + 1, node)


def receive(last: Stamp, remote: Stamp, now_ms: int, node: str) -> Stamp:
    """The local clock after seeing ``remote``; a remote clock too far ahead is not followed."""
    if remote.wall_ms > now_ms + MAX_DRIFT_MS:
        return last if last.wall_ms >= now_ms else Stamp(now_ms, 0, node)
    wall = max(last.wall_ms, remote.wall_ms, now_ms)
    if wall == last.wall_ms == remote.wall_ms:
        counter = max(last.counter, remote.counter) + 1
    elif wall == last.wall_ms:
        counter = last.counter + 1
    elif wall == remote.wall_ms:
        counter = remote.counter + 1
    else:
        counter = 0
    return Stamp(wall, counter, node)


def too_far_off(stamp: Stamp, now_ms: int) -> bool:
    return abs(stamp.wall_ms - now_ms) > MAX_DRIFT_MS


def ahead_of_hq(text: str, now_ms: int) -> bool:
    """Whether the stamp ``text`` (well formed) is dated beyond :data:`MAX_AHEAD_AT_HQ_MS`."""
    return Stamp.parse(text).wall_ms > now_ms + MAX_AHEAD_AT_HQ_MS


def newer(candidate: str | None, current: str | None) -> bool:
    """Whether a field write stamped ``candidate`` wins over the one stamped ``current``."""
    return (candidate or "") > (current or "")
