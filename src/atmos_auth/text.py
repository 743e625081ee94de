"""Small text helpers shared by commands: aligned tables and "11h59m" durations."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta


def table(rows: Sequence[tuple[str, ...]], indent: str = "  ") -> str:
    if not rows:
        return ""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join(indent + "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows)


def hours_minutes(delta: timedelta) -> str:
    """Whole hours and minutes, rounded down: 11h59m, 0h05m... `expired` when not positive."""
    seconds = int(delta.total_seconds())
    if seconds <= 0:
        return "expired"
    hours, rest = divmod(seconds, 3600)
    return f"{hours}h{rest // 60:02d}m" if hours else f"{rest // 60}m"


def expires_in(expires_at: datetime | None, now: datetime) -> str:
    return "no expiry" if expires_at is None else hours_minutes(expires_at - now)


def expiry_phrase(expires_at: datetime | None, now: datetime) -> str:
    """"expires in 11h59m", "expired" or "no expiry": never "in expired"."""
    left = expires_in(expires_at, now)
    return left if left in ("expired", "no expiry") else f"expires in {left}"


def time_left(expires_at: datetime | None, now: datetime) -> str:
    """"in 11h59m", "already expired" or "never"."""
    left = expires_in(expires_at, now)
    return {"expired": "already expired", "no expiry": "never"}.get(left, f"in {left}")
