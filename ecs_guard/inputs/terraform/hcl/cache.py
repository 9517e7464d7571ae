"""A content-addressed cache of parsed files in the user's cache directory.

A pre-commit hook parses the same unchanged files on every commit; parsing
needs hcl2 and lark (import plus grammar load ~0.2 s) and ~10 ms per file.
The cache maps sha256(file text + format) to the parsed form as JSON, so a
warm run never imports hcl2 at all.

Safe under concurrent runs (pre-commit runs hooks in parallel): an entry is
written to a temporary file in the same directory and moved into place with
os.replace, which is atomic, so a reader sees the old entry, the new entry or
none. A corrupt or unreadable entry is a miss, and is rewritten. Nothing
here is fatal: a cache that cannot be written is just a slower run.
Parsed files can hold secrets written in them, so entries are private to
the user (folders 0700, files 0600 as mkstemp makes them).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any


def user_cache_dir() -> Path:
    """$XDG_CACHE_HOME/ecs-guard, else ~/.cache/ecs-guard (what pip and pre-commit do)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "ecs-guard"


class ContentCache:
    """JSON values keyed by the content they were computed from."""

    def __init__(self, namespace: str, directory: Path | None = None):
        self.directory = (directory or user_cache_dir()) / namespace

    def key(self, *parts: str) -> str:
        digest = hashlib.sha256()
        for part in parts:
            digest.update(part.encode("utf-8", "surrogatepass"))
            digest.update(b"\0")
        return digest.hexdigest()

    def has(self, key: str) -> bool:
        """Whether an entry exists (without reading it: it may still be damaged)."""
        return os.path.isfile(self.directory / key[:2] / key)

    def get(self, key: str) -> Any | None:
        try:
            with open(self.directory / key[:2] / key, encoding="utf-8") as handle:
                return json.load(handle)
        except (OSError, ValueError):
            return None

    def put(self, key: str, value: Any) -> None:
        folder = self.directory / key[:2]
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".json")
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as stream:
                    json.dump(value, stream, separators=(",", ":"))
                os.replace(temporary, folder / key)
            except BaseException:
                _remove(temporary)
                raise
        except OSError:
            pass

    def get_or_build(self, key: str, build: Callable[[], Any]) -> tuple[Any, bool]:
        """(value, was_cached)."""
        cached = self.get(key)
        if cached is not None:
            return cached, True
        value = build()
        self.put(key, value)
        return value, False


def _remove(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)
