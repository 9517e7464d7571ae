"""Parse many .tf files on every core before a scan reads them.

A cold scan of a large repository spends most of its time in python-hcl2's
parser, on one core. Before the (serial) evaluation starts, the .tf files of
the folders found are parsed in worker processes, each writing its results
into the parse cache (cache.py); the evaluation then reads every file as it
always does and finds it cached. So the results are those of a serial run by
construction: the same parse_file, the same cache entries, read by the same
code. Nothing a worker does can change a result: a file it could not parse
or read (a syntax error, a crash, a cache it could not write) is simply not
cached, and the serial run parses it again and reports the problem, with the
file's name and line, as it always does.

Processes are only started when they pay: more than THRESHOLD files are
missing from the cache, the cache can be written, and there are at least two
CPUs (worker_count). A warm run (every file cached) starts none. Workers are
forked, so they start with the modules already imported, and with the parser
(python-hcl2, lark, the tables) that the main process loads just before: once
for all of them, not once each. Where processes cannot be forked they are
spawned and load it themselves.

Since the parse is a quarter of what it was (syntax_builder.py), a worker's
file saves less and the threshold is higher: each file parsed by a worker
still costs the main process a read of its cache entry (~0.5 ms), and
finding the uncached files and starting the pool cost some 50 ms, so below a
few dozen files the workers do not pay even on an idle machine, and on a busy
one they never do (docs/performance.md).

ECS_GUARD_PARSE_WORKERS forces a mode: 1 (or 0) parses serially, N > 1 uses
N workers (at most MAX_WORKERS, and one per file) whatever the number
of files (tests use both).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from ecs_guard.inputs.terraform.hcl.cache import EntryKey, usable_directory
from ecs_guard.inputs.terraform.hcl.parse import HclSyntaxError, load_parser, parse_cache, parse_cache_key, parse_file
from ecs_guard.inputs.terraform.source.module import read_text

THRESHOLD = 32  # files missing from the cache; fewer are parsed serially (docs/performance.md)
MAX_WORKERS = 8
WORKERS_VARIABLE = "ECS_GUARD_PARSE_WORKERS"


def warm_parse_cache(folders: Iterable[Path]) -> int:
    """Parse the uncached .tf files of `folders` in worker processes, when
    that pays. Returns the number of files the workers parsed and cached
    (0: the scan parses serially)."""
    forced = _forced_workers()
    cpus = _cpu_count()
    if (forced if forced is not None else cpus) < 2:
        return 0  # serial forced, or one CPU: not even the files are read
    missing = _uncached_files(folders)
    workers = worker_count(len(missing), cpus, forced)
    if workers < 2 or not _cache_writable():
        return 0
    # Largest first: with one file per task the workers stay evenly loaded.
    missing.sort(key=lambda item: -item[1])
    paths = [str(path) for path, _ in missing]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    try:
        context = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
        if context is not None:
            load_parser()  # once, shared by the forked workers
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            return sum(pool.map(_parse_into_cache, paths))
    except Exception:  # no processes here (a sandbox, a broken pool): the serial run parses everything
        return 0


def worker_count(missing: int, cpus: int, forced: int | None) -> int:
    """How many worker processes to parse `missing` files with (under 2:
    serially): one per CPU, unless forced. Not fewer on a busy machine:
    there the workers cost ~10% more CPU in all (the pool, and the main
    process reading back what they cached) and gain nothing, while on an
    idle CPU they save up to half the parse (docs/performance.md); the load
    average lags too much to tell the two apart."""
    if forced is not None:
        return min(forced, MAX_WORKERS, missing)
    if missing <= THRESHOLD:
        return 0
    return min(cpus, MAX_WORKERS, missing)


def _parse_into_cache(path: str) -> bool:
    """In a worker: parse one file into the parse cache. Whatever goes wrong
    is left for the serial run to find and report."""
    try:
        parse_file(Path(path), read_text(Path(path)))
    except (HclSyntaxError, OSError, UnicodeDecodeError, RecursionError):
        return False
    except Exception:  # no python-hcl2, ...: reported by the serial run
        return False
    return True


def _uncached_files(folders: Iterable[Path]) -> list[tuple[Path, int]]:
    """(path, size) of every .tf file in `folders` that the parse cache does
    not hold; one file of each text (copies are parsed once)."""
    cache = parse_cache()
    missing = []
    seen: set[EntryKey] = set()
    for folder in dict.fromkeys(folders):
        try:
            paths = sorted(folder.glob("*.tf"))
        except OSError:
            continue
        for path in paths:
            try:
                text = read_text(path)
            except (OSError, UnicodeDecodeError):
                continue  # reported by the serial run
            key = parse_cache_key("hcl", text)
            if key not in seen and not cache.has(key):
                seen.add(key)
                missing.append((path, len(text)))
    return missing


def _cache_writable() -> bool:
    if usable_directory() is None:  # --no-cache, or a folder that cannot be used
        return False
    directory = parse_cache().directory
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        return False
    return os.access(directory, os.W_OK | os.X_OK)


def _cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _forced_workers() -> int | None:
    value = os.environ.get(WORKERS_VARIABLE, "").strip()
    if not value:
        return None
    try:
        return max(0, min(int(value), 64))
    except ValueError:
        return None
