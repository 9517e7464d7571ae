"""Exclusions: the folders and files a walk leaves out (``--exclude``, the config's ``exclude``).

A glob without a slash matches a file or folder name at any depth, as in
.gitignore (``legacy``, ``*.generated.tf``); a glob with a slash matches the
path relative to its base folder (``infra/old/**``, ``examples/*/plan.json``):
the working directory for ``--exclude``, the config file's folder for
``exclude:``, so the same config works from any directory. ``*`` and ``?``
stay within a folder, ``**`` crosses folders; a trailing slash matches
folders only. An excluded folder is not entered at all.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath


@dataclass(frozen=True)
class Exclude:
    """One exclusion glob and the folder it is relative to."""

    glob: str
    base: str  # the absolute folder a glob with a slash is relative to


class Exclusions:
    """The exclusions of one scan; ``excludes(path, name, folder)`` for each walked entry.
    `written`: the files this run writes (its reports), never read as inputs."""

    def __init__(self, excludes: Iterable[Exclude] = (), written: Iterable[str] = ()):
        self._written = {os.path.abspath(path) for path in written}
        self._by_name: list[tuple[re.Pattern, bool]] = []  # (pattern, folders only)
        self._by_path: list[tuple[re.Pattern, bool, str]] = []  # (pattern, folders only, base)
        for exclude in excludes:
            from ecs_guard.suppress import path_glob  # here: most scans exclude nothing

            glob = exclude.glob.strip()
            folders_only = glob.endswith("/")
            glob = glob.rstrip("/")
            if not glob:
                continue
            if "/" in glob:
                self._by_path.append((path_glob(glob), folders_only, os.path.abspath(exclude.base)))
            else:
                self._by_name.append((path_glob(glob), folders_only))

    def __bool__(self) -> bool:
        return bool(self._by_name or self._by_path or self._written)

    def excludes(self, path: str, name: str, *, folder: bool) -> bool:
        if self._written and not folder and os.path.abspath(path) in self._written:
            return True
        for pattern, folders_only in self._by_name:
            if (folder or not folders_only) and pattern.match(name):
                return True
        if self._by_path:
            absolute = os.path.abspath(path)
            for pattern, folders_only, base in self._by_path:
                if (folder or not folders_only) and pattern.match(_relative(absolute, base)):
                    return True
        return False


def _relative(absolute: str, base: str) -> str:
    try:
        return PurePath(os.path.relpath(absolute, base)).as_posix()
    except ValueError:  # another drive on Windows
        return PurePath(absolute).as_posix()
