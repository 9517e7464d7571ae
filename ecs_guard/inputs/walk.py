"""Finding the files to read under the paths the user named.

Folders are walked recursively in name order, symlink loops cut, and the
folders in SKIPPED_DIRECTORIES left out. Which files are candidates is
the adapter table's decision (``claims``), so a new input kind that reads
.yaml files only has to say so there. A file named on the command line is
always a candidate, whatever its name.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

from ecs_guard.inputs.problems import InputProblem
from ecs_guard.location import display_path

SKIPPED_DIRECTORIES = frozenset({".git", ".terraform", "node_modules", "__pycache__", ".venv"})


def candidates(
    path: str, claims: Callable[[str], bool], problems: list[InputProblem]
) -> Iterator[tuple[str, str, bool]]:
    """(file, its display path, named on the command line) for every candidate under `path`."""
    if os.path.isdir(path):
        for found, display in _walk(path, display_path(path), claims, problems, set()):
            yield found, display, False
    else:
        yield path, display_path(path), True  # a missing path is reported when it cannot be opened


def _walk(
    directory: str, display: str, claims: Callable[[str], bool], problems: list[InputProblem], visited: set[str]
) -> Iterator[tuple[str, str]]:
    """(file, display path) of the claimed files below `directory`.
    Display paths are joined as the walk goes down: display_path() per file
    would cost more than parsing a small file."""
    real = os.path.realpath(directory)
    if real in visited:  # a symlink back up the tree
        return
    visited.add(real)
    try:
        with os.scandir(directory) as scan:
            entries = sorted(scan, key=lambda e: e.name)
    except OSError as error:
        problems.append(InputProblem(display, f"cannot read the folder: {error.strerror or error}"))
        return
    prefix = "" if display == "." else display.rstrip("/") + "/"
    for entry in entries:
        if _is_dir(entry):
            if entry.name not in SKIPPED_DIRECTORIES:
                yield from _walk(entry.path, prefix + entry.name, claims, problems, visited)
        elif claims(entry.name) and (_is_file(entry) or entry.is_symlink()):
            yield entry.path, prefix + entry.name  # a broken symlink too: it is reported as unreadable


def _is_dir(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def _is_file(entry: os.DirEntry) -> bool:
    try:
        return entry.is_file()
    except OSError:
        return False
