"""A content-addressed, encrypted cache of parsed files in the user's cache directory.

Why a cache: a pre-commit hook parses the same unchanged files on every
commit; parsing needs hcl2 and lark (import plus grammar load ~0.2 s) and
~10 ms per file. A warm run that finds every file here never imports hcl2.

Why it is encrypted: a parsed ``.tf`` file holds every literal written in
it, secrets included, and a cache folder outlives the repository (CI
caches, backups, shared runners). So nothing can be read from the cache
without the source file it was made from:

- an entry's file name is ``sha256("ecs-guard-id" + content)`` and its key
  is ``sha256("ecs-guard-key" + content)``: two unrelated hashes of the
  same content, so the name says nothing about the key;
- the value (JSON, compressed) is XORed with a SHAKE-256 keystream of the
  key and a random nonce, and carries an HMAC-SHA256 tag under a key
  derived from the same content key. Reading needs the content; an entry
  that was damaged, cut short, swapped with another or forged fails the tag
  and is a miss (parsed again and rewritten).

Values are JSON, never pickle: even so, an entry someone wrote into the
folder could only be accepted with a valid tag, which needs the source
file's content, so the cache is no way to make ecs-guard load anything.

Private and bounded: folders are made 0700 and files 0600 (``mkstemp``
creates them so, before a byte is written). The folder is kept under a
size bound (``ECS_GUARD_CACHE_MAX_MB``, default 100): when a run has
written to it and it is larger, the entries used longest ago (their mtime
is refreshed on each hit) are deleted until it is 80% of the bound.

Never in the way: safe under concurrent runs (pre-commit runs hooks in
parallel) since an entry is written to a temporary file in the same folder
and moved into place with os.replace, which is atomic. A folder that
cannot be used (HOME not writable, ``XDG_CACHE_HOME`` naming a file, a
read-only file system) is said once on stderr and the scan goes on without
it, with the same results. ``ECS_GUARD_NO_CACHE=1`` or ``--no-cache``
(``cache_session(enabled=False)``) turns it off: nothing is read or written.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import sys
import tempfile
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

MAGIC = b"EGC1"  # format of an entry: MAGIC, nonce, tag, ciphertext
_NONCE = 16
_TAG = 32
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


# ----------------------------------------------------------------- entries


class EntryKey(NamedTuple):
    """An entry's file name and its secret, both derived from the content."""

    name: str
    secret: bytes


def _digest(label: bytes, parts: tuple[str, ...]) -> bytes:
    digest = hashlib.sha256(label)
    for part in parts:
        digest.update(b"\0")
        digest.update(part.encode("utf-8", "surrogatepass"))
    return digest.digest()


def seal(secret: bytes, plaintext: bytes) -> bytes:
    """MAGIC + nonce + HMAC tag + plaintext XOR keystream(secret, nonce)."""
    nonce = os.urandom(_NONCE)
    ciphertext = _xor(plaintext, _keystream(secret, nonce, len(plaintext)))
    return MAGIC + nonce + _tag(secret, nonce, ciphertext) + ciphertext


def unseal(secret: bytes, sealed: bytes) -> bytes | None:
    """The plaintext, or None when the entry is not one sealed with `secret`."""
    header = len(MAGIC) + _NONCE + _TAG
    if len(sealed) < header or not sealed.startswith(MAGIC):
        return None
    nonce = sealed[len(MAGIC) : len(MAGIC) + _NONCE]
    tag = sealed[len(MAGIC) + _NONCE : header]
    ciphertext = sealed[header:]
    if not hmac.compare_digest(tag, _tag(secret, nonce, ciphertext)):
        return None
    return _xor(ciphertext, _keystream(secret, nonce, len(ciphertext)))


def _keystream(secret: bytes, nonce: bytes, size: int) -> bytes:
    return hashlib.shake_256(b"ecs-guard-stream\0" + secret + nonce).digest(size)


def _tag(secret: bytes, nonce: bytes, ciphertext: bytes) -> bytes:
    mac_key = hashlib.sha256(b"ecs-guard-mac\0" + secret).digest()
    return hmac.new(mac_key, MAGIC + nonce + ciphertext, hashlib.sha256).digest()


def _xor(data: bytes, stream: bytes) -> bytes:
    if not data:
        return b""
    return (int.from_bytes(data, "big") ^ int.from_bytes(stream, "big")).to_bytes(len(data), "big")


class ContentCache:
    """JSON values keyed by (and encrypted with) the content they were computed from."""

    def __init__(self, namespace: str, directory: Path | None = None):
        self.base = directory or user_cache_dir()
        self.directory = self.base / namespace

    def key(self, *parts: str) -> EntryKey:
        return EntryKey(
            _digest(b"ecs-guard-id", parts).hex(),
            _digest(b"ecs-guard-key", parts),
        )

    def _path(self, key: EntryKey) -> Path:
        return self.directory / key.name[:2] / key.name

    def get(self, key: EntryKey) -> Any | None:
        if usable_directory(self.base) is None:
            return None
        path = self._path(key)
        try:
            sealed = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as error:
            if isinstance(error, PermissionError):
                cannot_use(self.base, error)
            return None
        plaintext = unseal(key.secret, sealed)
        if plaintext is None:
            return None
        try:
            value = json.loads(zlib.decompress(plaintext))
        except (ValueError, zlib.error):
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # used now: the last to be evicted
        return value

    def put(self, key: EntryKey, value: Any) -> None:
        if usable_directory(self.base) is None:
            return
        folder = self.directory / key.name[:2]
        sealed = seal(key.secret, zlib.compress(json.dumps(value, separators=(",", ":")).encode("utf-8")))
        try:
            self.directory.mkdir(mode=0o700, exist_ok=True)
            folder.mkdir(mode=0o700, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=folder, prefix=".tmp-")  # 0600 from the start
            try:
                with os.fdopen(handle, "wb") as stream:
                    stream.write(sealed)
                os.replace(temporary, folder / key.name)
            except BaseException:
                _remove(temporary)
                raise
        except OSError as error:
            cannot_use(self.base, error)
            return
        written = _session.written.get(self.directory, 0) + len(sealed)
        bound = max_cache_bytes()
        if written > bound // 10:  # a long run keeps the bound too, not only its end
            trim(self.directory, bound)
            written = 0
        _session.written[self.directory] = written

    def get_or_build(self, key: EntryKey, build: Callable[[], Any]) -> tuple[Any, bool]:
        """(value, was_cached)."""
        cached = self.get(key)
        if cached is not None:
            return cached, True
        value = build()
        self.put(key, value)
        return value, False


def trim(directory: Path, bound: int) -> None:
    """Delete the entries used longest ago until `directory` holds at most
    80% of `bound` bytes (nothing when it is within the bound). Temporary
    files left by a run that was killed are deleted too."""
    entries: list[tuple[float, int, str]] = []
    total = 0
    now = time.time()
    try:
        shards = list(os.scandir(directory))
    except OSError:
        return
    for shard in shards:
        if not shard.is_dir(follow_symlinks=False):
            continue
        with contextlib.suppress(OSError):
            for entry in os.scandir(shard.path):
                info = entry.stat(follow_symlinks=False)
                if entry.name.startswith(".tmp-"):
                    if now - info.st_mtime > _STALE_TEMPORARY:
                        _remove(entry.path)
                    continue
                entries.append((info.st_mtime, info.st_size, entry.path))
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
