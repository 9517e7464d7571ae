"""Finding the files to read under the paths the user named.

Folders are walked recursively in name order, symlink loops cut (a folder
reached again by its real path is not walked again), and the folders in
SKIPPED_BY_DEFAULT left out, as are the folders and files an exclusion
matches (exclude.py: ``--exclude`` and the config's ``exclude``). What is
skipped is recorded (``skipped``) so the report counts it: never silently.
Which files are candidates is the adapter table's decision (``claims``),
so a new input kind that reads .yaml files only has to say so there. A
path named on the command line is always read, whatever its name and
whatever the exclusions say.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

from ecs_guard.inputs.exclude import Exclusions
from ecs_guard.inputs.problems import InputProblem
from ecs_guard.location import display_path

# Folders never walked, and why. They hold copies of code or tools' own
# files, which would duplicate findings or drown the report in "not
# understood" (a virtualenv holds thousands of JSON files).
SKIPPED_BY_DEFAULT = {
    ".git": "version control data",
    # Terraform's working folder: provider binaries and copies of modules.
    # Hook for registry modules: a module call is resolved through
    # .terraform/modules/modules.json by the Terraform source reader
    # (inputs/terraform/source), which reads that folder directly; the walk
    # never needs to enter it, so it stays skipped here.
    ".terraform": "Terraform's working folder (providers, downloaded modules)",
    ".terragrunt-cache": "Terragrunt's copies of the modules it runs",
    "node_modules": "JavaScript packages",
    ".venv": "a Python virtual environment",
    "venv": "a Python virtual environment",
    "site-packages": "installed Python packages",
    "__pycache__": "Python bytecode",
}
SKIPPED_DIRECTORIES = frozenset(SKIPPED_BY_DEFAULT)


def skipped_directories() -> frozenset[str]:
    """SKIPPED_DIRECTORIES and the folder TF_DATA_DIR names, when it is set
    to a folder inside each root (Terraform's working folder by another name)."""
    data_dir = os.environ.get("TF_DATA_DIR", "").strip().rstrip("/\\")
    if data_dir.startswith("./"):
        data_dir = data_dir[2:]
    if not data_dir or os.path.isabs(data_dir) or "/" in data_dir or os.sep in data_dir:
        return SKIPPED_DIRECTORIES
    return SKIPPED_DIRECTORIES | {data_dir}


# Skipped without being counted: a repository's own .git is in every scan of
# its root and never holds an input, so counting it would only teach people
# to ignore the count. Every other skipped folder may hide code, so it is counted.
UNCOUNTED = frozenset({".git"})


def candidates(
    path: str,
    claims: Callable[[str], bool],
    problems: list[InputProblem],
    exclusions: Exclusions | None = None,
    skipped: list[str] | None = None,
) -> Iterator[tuple[str, str, bool]]:
    """(file, its display path, named on the command line) for every candidate under `path`.
    The display paths of the folders and files left out are appended to `skipped`."""
    if os.path.isdir(path):
        walk = _Walk(claims, problems, exclusions or Exclusions(), skipped if skipped is not None else [])
        for found, display in _walk(path, display_path(path), walk):
            yield found, display, False
    else:
        yield path, display_path(path), True  # a missing path is reported when it cannot be opened


class _Walk:
    """One walk of one command-line folder: what it claims, skips and has visited."""

    def __init__(
        self, claims: Callable[[str], bool], problems: list[InputProblem], exclusions: Exclusions, skipped: list[str]
    ):
        self.claims = claims
        self.problems = problems
        self.exclusions = exclusions
        self.skipped = skipped
        self.visited: set[str] = set()  # real paths of the folders walked
        self.skipped_directories = skipped_directories()


def _walk(directory: str, display: str, walk: _Walk) -> Iterator[tuple[str, str]]:
    """(file, display path) of the claimed files below `directory`.
    Display paths are joined as the walk goes down: display_path() per file
    would cost more than parsing a small file."""
    claims, problems, visited = walk.claims, walk.problems, walk.visited
    real = os.path.realpath(directory)
    if real in visited:  # a symlink back up the tree, or to a folder already walked
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
            if entry.name in walk.skipped_directories or walk.exclusions.excludes(entry.path, entry.name, folder=True):
                if entry.name not in UNCOUNTED:
                    walk.skipped.append(prefix + entry.name + "/")
            else:
                yield from _walk(entry.path, prefix + entry.name, walk)
        elif claims(entry.name) and (_is_file(entry) or entry.is_symlink()):
            if walk.exclusions.excludes(entry.path, entry.name, folder=False):
                walk.skipped.append(prefix + entry.name)
            else:
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
