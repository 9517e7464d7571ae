"""Which operating system a task runs: several rules apply to Linux only."""

from __future__ import annotations


def is_windows(os_family: str | None) -> bool:
    """True for the WINDOWS_SERVER_* families of runtimePlatform; an unset
    family is Linux, the default runtime platform. Callers check that the
    value is known first."""
    return (os_family or "").upper().startswith("WINDOWS")
