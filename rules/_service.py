"""Facts about services that several rules rely on."""

from __future__ import annotations


def is_replica(scheduling_strategy: str | None) -> bool:
    """REPLICA, written or not: it is the AWS default (DAEMON services run one
    task per instance and are not scaled). Callers check the value is known."""
    return scheduling_strategy in (None, "REPLICA")
