"""The lifecycle thresholds' messages (中文, English); :mod:`app.domain.messages` holds them."""

from __future__ import annotations

LIFECYCLE_MESSAGES: dict[str, tuple[str, str]] = {
    "lifecycle_keys": (
        "生命周期阈值只能设置:沉睡天数 dormant_days、流失天数 lost_days、成熟到店次数 "
        "mature_visits、间隔倍数 gap_factor",
        "Lifecycle thresholds are dormant_days, lost_days, mature_visits and gap_factor only",
    ),
    "lifecycle_whole_days": (
        "{field} 应为 1 至 3660 的整数",
        "{field} must be a whole number from 1 to 3660",
    ),
    "lifecycle_dormant_before_lost": (
        "沉睡天数应小于流失天数",
        "The days before dormant must be fewer than the days before lost",
    ),
    "lifecycle_gap_factor": (
        "间隔倍数应在 1 至 20 之间(不按会员自己的到店间隔时留空)",
        "The gap factor must be from 1 to 20 (empty: not by the member's own rhythm)",
    ),
}
