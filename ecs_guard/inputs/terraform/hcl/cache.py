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
creates them so, before a byte is written); an entry's mtime is refreshed
on each hit, so the size bound (inputs/cache_folder.py) evicts the entries
used longest ago.

Never in the way: safe under concurrent runs (pre-commit runs hooks in
parallel) since an entry is written to a temporary file in the same folder
and moved into place with os.replace, which is atomic. A folder that
cannot be used is said once on stderr and the scan goes on without it,
with the same results; ``--no-cache`` / ``ECS_GUARD_NO_CACHE=1`` turn it
off (inputs/cache_folder.py).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import tempfile
import zlib
from pathlib import Path
from typing import Any, NamedTuple

from ecs_guard.inputs import cache_folder
from ecs_guard.inputs.cache_folder import (
    cache_session,
    cannot_use,
    max_cache_bytes,
    trim,
    usable_directory,
    user_cache_dir,
)

__all__ = [
    "ContentCache",
    "EntryKey",
    "cache_session",
    "max_cache_bytes",
    "seal",
    "trim",
    "unseal",
    "usable_directory",
    "user_cache_dir",
]

MAGIC = b"EGC1"  # format of an entry: MAGIC, nonce, tag, ciphertext
_NONCE = 16
_TAG = 32

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


_made: set[Path] = set()  # shard folders this process made or found


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
        text = json.dumps(value, separators=(",", ":")).encode("utf-8")
        sealed = seal(key.secret, zlib.compress(text, 1))  # the fastest level: a cold run writes hundreds
        try:
            handle, temporary = self._temporary_file(folder)
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
        cache_folder.wrote(self.base, len(sealed))  # one bound for every cache in the folder

    def _temporary_file(self, folder: Path) -> tuple[int, str]:
        """A new 0600 file in `folder` (mkstemp makes it so before a byte is
        written); the folders are made once per process, not for every entry
        (a cold run writes hundreds), and again if they went away."""
        if folder not in _made:
            self.directory.mkdir(mode=0o700, exist_ok=True)
            folder.mkdir(mode=0o700, exist_ok=True)
            _made.add(folder)
        try:
            return tempfile.mkstemp(dir=folder, prefix=".tmp-")
        except FileNotFoundError:
            _made.discard(folder)
            self.directory.mkdir(mode=0o700, exist_ok=True)
            folder.mkdir(mode=0o700, exist_ok=True)
            return tempfile.mkstemp(dir=folder, prefix=".tmp-")

    def has(self, key: EntryKey) -> bool:
        """Whether an entry exists, without reading it (it may still be damaged:
        get() says). For the parallel parse, which fills only what is missing."""
        return usable_directory(self.base) is not None and self._path(key).is_file()


def _remove(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)
