"""python-hcl2's LALR parser, built once when ecs-guard is built, not on every fresh machine.

python-hcl2 builds its lark LALR tables on the first parse of a process that
has no lark cache: 3-4 s idle, 40% of a cold scan, and every CI runner starts
cold. lark's own cache (``hcl2.parser.PARSER_FILE``) cannot be shipped: its
validity hash includes the cache file's own path, which is not known when a
wheel is built. So the package build (setup.py, ``build_py``) runs python-hcl2's
own ``parser()`` once and writes the result with ``Lark.save`` into
``TABLES_FILE`` next to this module. A scan loads it (0.05-0.1 s) twice over,
as needed: with syntax_builder.py's transformer for the fast path, and as
python-hcl2's own parser (in place of its lru-cached builder, loaded on
first use) for the reference path.

The file starts with a stamp line: the versions of lark, python-hcl2 and
Python, and a digest of python-hcl2's grammar and of the modules that choose
the parser's options. Tables whose stamp differs from what is installed now
(lark or python-hcl2 upgraded after the build, another Python) are never
used: the tables are then built once into the user cache dir, in the same
format, written atomically, and loaded from there by later runs. A file that
cannot be read or decoded counts as absent. Nothing is ever written next to
this module at run time (site-packages may be read-only).

This module imports only the standard library at import time (lark and hcl2
are passed in or imported on use), so setup.py can load it by path in a
build environment that has python-hcl2 but not ecs-guard's other
dependencies.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import json
import os
import sys
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Any

# Named for the Python that built it, so editable installs of one checkout
# into virtual environments of different Pythons do not replace each other's.
TABLES_FILE = Path(__file__).with_name(f"_hcl2_parser_tables_py{sys.version_info[0]}{sys.version_info[1]}.bin")
_MAGIC = b"ecs-guard hcl2 parser tables 1\n"
# The python-hcl2 files that decide what parser() builds: the grammar, the
# options passed to lark, and the post-lexer lark consults while building.
_HCL2_SOURCES = ("hcl2.lark", "parser.py", "postlexer.py")


def stamp(hcl2: ModuleType) -> dict[str, str]:
    """What tables built now would be valid for."""
    import lark

    folder = Path(str(hcl2.__file__)).parent
    digest = hashlib.sha256()
    for name in _HCL2_SOURCES:
        digest.update(name.encode() + b"\0" + (folder / name).read_bytes() + b"\0")
    return {
        "lark": str(lark.__version__),
        "python-hcl2": str(getattr(hcl2, "__version__", "unknown")),
        "python": f"{sys.version_info[0]}.{sys.version_info[1]}",
        "sources": digest.hexdigest(),
    }


def build_parser(hcl2: ModuleType) -> Any:
    """A new lark parser, built by python-hcl2's own ``parser()`` (so with
    exactly its grammar and options) but bypassing its lru cache, with
    lark's cache pointed at a scratch file so nothing stale is read and
    nothing is written into python-hcl2's folder."""
    module = hcl2.parser
    saved = module.PARSER_FILE
    with tempfile.TemporaryDirectory(prefix="ecs-guard-hcl2-") as scratch:
        module.PARSER_FILE = Path(scratch) / "lark_cache.bin"
        try:
            return module.parser.__wrapped__()
        finally:
            module.PARSER_FILE = saved


def write_tables(path: Path, hcl2: ModuleType, parser: Any = None) -> None:
    """Write `parser` (default: a new one) to `path`, atomically: a run
    reading it meanwhile sees the old file, the new one, or none."""
    parser = parser if parser is not None else build_parser(hcl2)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".bin")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(_MAGIC)
            stream.write(json.dumps(stamp(hcl2), sort_keys=True).encode() + b"\n")
            parser.save(stream)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        _remove(temporary)
        raise


def load_tables(path: Path, hcl2: ModuleType, **options: Any) -> Any | None:
    """The parser saved in `path`; None when the file is missing, damaged,
    or was built for another lark, python-hcl2 or Python. `options` are
    lark's options that may differ from those the tables were built with
    (``transformer``, ``propagate_positions``: syntax_builder.py's parser)."""
    try:
        with open(path, "rb") as stream:
            if stream.readline() != _MAGIC:
                return None
            if json.loads(stream.readline()) != stamp(hcl2):
                return None
            return _load(stream, options)
    except Exception:  # missing, unreadable, truncated, not ours: build instead
        return None


def _load(stream: Any, options: dict[str, Any]) -> Any:
    """``Lark.load`` with `options`: lark's own cache loads its files so
    (``Lark._load``), the public ``Lark.load`` takes no options."""
    from lark import Lark

    if not options:
        return Lark.load(stream)
    return Lark.__new__(Lark)._load(stream, **options)


def cached_tables_path(cache_dir: Path, hcl2: ModuleType) -> Path:
    """Where tables built at run time go: one file per stamp, so versions
    used side by side (two virtual environments) do not overwrite each other."""
    key = hashlib.sha256(json.dumps(stamp(hcl2), sort_keys=True).encode()).hexdigest()[:16]
    return cache_dir / f"hcl2-parser-{key}.bin"


def hcl2_parser(hcl2: ModuleType, cache_dir: Path | None, shipped: Path = TABLES_FILE, **options: Any) -> Any:
    """The parser: the shipped tables if valid, else the user cache's, else
    built now and saved there (a cache that cannot be written, or none at
    all: `cache_dir` None, only costs the next run the same build).
    `options` as for load_tables."""
    parser = load_tables(shipped, hcl2, **options)
    if parser is not None:
        return parser
    cached = cached_tables_path(cache_dir, hcl2) if cache_dir is not None else None
    if cached is not None:
        parser = load_tables(cached, hcl2, **options)
        if parser is not None:
            return parser
    parser = build_parser(hcl2)
    if cached is not None:
        with contextlib.suppress(OSError):
            write_tables(cached, hcl2, parser)
    if options:  # the tables just built, loaded again with the options
        saved = io.BytesIO()
        parser.save(saved)
        saved.seek(0)
        parser = _load(saved, options)
    return parser


def install(hcl2: ModuleType, cache_dir: Path | None, shipped: Path = TABLES_FILE) -> bool:
    """Make ``hcl2.parses`` use the shipped (or once built) tables.

    python-hcl2 8.x's api module calls the lru-cached builder it imported as
    ``_get_parser``; that name is replaced by one returning our parser,
    loaded on its first call (a scan whose files all take the fast path,
    syntax_builder.py, never needs it). If that is not the structure found
    (another python-hcl2), nothing is changed and False is returned:
    python-hcl2 then builds its parser itself, into
    ``hcl2.parser.PARSER_FILE``, as before."""
    api = getattr(hcl2, "api", None)
    builder = getattr(hcl2.parser, "parser", None)
    if builder is None or getattr(api, "_get_parser", None) is not builder or not hasattr(builder, "__wrapped__"):
        return False
    api._get_parser = functools.cache(lambda: hcl2_parser(hcl2, cache_dir, shipped))  # type: ignore[union-attr]
    return True


def _remove(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)
