"""The user's cache folder: where it is, whether this scan may use it, and its size bound.

Kept apart from the cache's entries (terraform/hcl/cache.py) and free of
imports beyond the standard library, so ``inputs.load`` can open a scan's
cache session without importing the HCL front end (a scan without .tf
files never does).

A folder that cannot be used (HOME not writable, ``XDG_CACHE_HOME`` naming
a file, a read-only file system) is said once per scan on stderr and the
scan goes on without it. ``ECS_GUARD_NO_CACHE=1`` or ``--no-cache``
(``cache_session(enabled=False)``) turns the cache off. The folder is kept
under ``ECS_GUARD_CACHE_MAX_MB`` (default 100): when a scan has written to
it and it is larger, the entries used longest ago are deleted (docs/cache.md).
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_MAX_MB = 100
MAX_MB_VARIABLE = "ECS_GUARD_CACHE_MAX_MB"
NO_CACHE_VARIABLE = "ECS_GUARD_NO_CACHE"
_EVICT_TO = 0.8  # of the bound, so a full cache is not trimmed on every run
_STALE_TEMPORARY = 3600.0  # seconds: a temporary file older than this was left by a killed run


def user_cache_dir() -> Path:
    """$XDG_CACHE_HOME/ecs-guard, else ~/.cache/ecs-guard (what pip and pre-commit do)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "ecs-guard"


def max_cache_bytes() -> int:
    """The size bound: ECS_GUARD_CACHE_MAX_MB (a number of megabytes), else 100 MB."""
    text = os.environ.get(MAX_MB_VARIABLE, "").strip()
    try:
        megabytes = float(text) if text else DEFAULT_MAX_MB
    except ValueError:
        megabytes = DEFAULT_MAX_MB
    return max(0, int(megabytes * 1024 * 1024))


def disabled_by_environment() -> bool:
    return os.environ.get(NO_CACHE_VARIABLE, "").strip().lower() not in ("", "0", "false", "no")


# ----------------------------------------------------------------- one run's view of the cache


@dataclass
class _Session:
    """What one scan knows about the cache: whether it may be used, which
    folders turned out unusable (said once each) and how much it wrote."""

    enabled: bool = True
    unusable: set[Path] = field(default_factory=set)
    prepared: set[Path] = field(default_factory=set)
    written: dict[Path, int] = field(default_factory=dict)  # cache folder -> bytes written since its last trim


_session = _Session()


@contextlib.contextmanager
def cache_session(enabled: bool = True) -> Iterator[None]:
    """One scan's use of the cache: a fresh memory of unusable folders (so
    the warning is said once per scan), the folders written to trimmed to
    the size bound at the end. ``enabled=False`` is ``--no-cache``."""
    global _session
    previous, _session = _session, _Session(enabled=enabled)
    try:
        yield
    finally:
        session, _session = _session, previous
        for directory in session.written:
            trim(directory, max_cache_bytes())


def cache_enabled() -> bool:
    return _session.enabled and not disabled_by_environment()


def usable_directory(directory: Path | None = None) -> Path | None:
    """The cache folder (default: user_cache_dir()), made 0700 if missing;
    None when the cache is off or the folder cannot be made (said once)."""
    directory = directory or user_cache_dir()
    if not cache_enabled() or directory in _session.unusable:
        return None
    if directory in _session.prepared:
        return directory
    try:
        for folder in (directory.parent, directory):
            if folder.exists() and not folder.is_dir():
                raise NotADirectoryError(20, f"{folder} is not a folder")
        directory.parent.mkdir(parents=True, exist_ok=True)
        directory.mkdir(mode=0o700, exist_ok=True)
        if directory.stat().st_mode & 0o077 and directory.stat().st_uid == os.getuid():
            os.chmod(directory, 0o700)  # made by an older version, or by hand
    except OSError as error:
        cannot_use(directory, error)
        return None
    _session.prepared.add(directory)
    return directory


def cannot_use(directory: Path, error: OSError) -> None:
    """Say once per scan that a cache folder is not used, and why."""
    if directory in _session.unusable:
        return
    _session.unusable.add(directory)
    reason = error.strerror or type(error).__name__
    print(
        f"ecs-guard: warning: cannot use the cache folder {directory} ({reason}): scanning without it "
        f"(--no-cache or {NO_CACHE_VARIABLE}=1 turns the cache off)",
        file=sys.stderr,
    )


def trim(directory: Path, bound: int) -> None:
    """Delete the entries used longest ago until `directory` holds at most
    80% of `bound` bytes (nothing when it is within the bound). Entries are
    the files in its subfolders, at any depth (a cache's shards, or every
    cache's when `directory` is the cache folder; files directly in it, the
    parser tables, are not entries). Temporary files left by a run that
    was killed are deleted too."""
    entries: list[tuple[float, int, str]] = []
    total = 0
    now = time.time()
    for depth, (top, _, names) in enumerate(os.walk(directory)):
        if depth == 0:  # the folder's own files
            continue
        for name in names:
            path = os.path.join(top, name)
            try:
                info = os.lstat(path)
            except OSError:
                continue
            if name.startswith(".tmp-"):
                if now - info.st_mtime > _STALE_TEMPORARY:
                    _remove(path)
                continue
            entries.append((info.st_mtime, info.st_size, path))
            total += info.st_size
    if total <= bound:
        return
    entries.sort()
    target = int(bound * _EVICT_TO)
    for _, size, path in entries:
        if total <= target:
            break
        _remove(path)
        total -= size


def _remove(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def wrote(directory: Path, size: int) -> None:
    """Count what a scan wrote to a cache folder; a long scan keeps the bound too, not only its end."""
    written = _session.written.get(directory, 0) + size
    bound = max_cache_bytes()
    if written > bound // 10:
        trim(directory, bound)
        written = 0
    _session.written[directory] = written
