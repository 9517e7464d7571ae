"""A cache of evaluated Terraform root modules (HclRoot), so that a warm run
reads each unchanged root from one entry instead of decoding its parsed
files and evaluating it again.

Why: with every file in the parse cache, a run of 100 roots still spent
most of its time decoding syntax trees and evaluating the roots (resource
bodies, container definitions, typing against the provider schema), the
same work with the same result as the run before.

What a root's result depends on, and so what its entry is keyed by:

- the content of every file the evaluation read: the .tf, .tf.json and
  override files of the root and of every module folder it read (local or
  fetched by terraform init), the root's terraform.tfvars and
  *.auto.tfvars, the --var-file files, .terraform/modules/modules.json,
  files read by file() and templatefile();
- what was looked for and not found (a module folder, a file() path, the
  module index): a file that appears later changes the result too;
- the names of the Terraform files in each of those folders (a new
  ``override.tf`` or ``x.auto.tfvars`` changes the result);
- the root's path, the working directory (paths in reports are relative
  to it, and path.cwd), TF_DATA_DIR (which module index is read), the
  --var-file names as given, ecs-guard's code
  (its version and a stamp of its installed modules and python-hcl2's,
  so a changed evaluator never reads an older one's results) and the
  entry format.

Which files a root reads is known only after evaluating it. So a root has
two entries: a *manifest* keyed by the root and the options (the files and
folders the last evaluation read), and the *result* (the HclRoot, and the
local module folders that the root and the module folders it read call,
for roots.py), keyed by all of the
above with the current state (content hash, or "missing") of every file
and folder the manifest names. A warm run reads the manifest, hashes what it names, and
finds the result only when nothing changed; anything else is a miss: the
root is evaluated and both entries are written again.

Both go through hcl/cache.py's ContentCache: encrypted (a result holds
every value of the root, secrets included, under a key derived from the
contents of its files), private, bounded with the parse cache, written
atomically, off with ``--no-cache``. Values are JSON; a result holding a
value JSON cannot say exactly is not cached (the root is evaluated each run).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from ecs_guard import __version__
from ecs_guard.inputs.cache_folder import cache_enabled
from ecs_guard.inputs.problems import InputProblem
from ecs_guard.inputs.terraform.hcl.cache import ContentCache, EntryKey
from ecs_guard.inputs.terraform.source.module_index import index_path
from ecs_guard.inputs.terraform.source.resource import HclResource
from ecs_guard.inputs.terraform.source.root import HclRoot
from ecs_guard.inputs.unknown import Unknown

ROOT_CACHE_FORMAT = "ecs-guard-root-1"
_TERRAFORM_FILES = (".tf", ".tf.json", ".tfvars", ".tfvars.json")


class RootCache:
    """One scan's use of the root cache (the --var-file files are the scan's)."""

    def __init__(self, var_files: tuple[str, ...]):
        self.var_files = var_files
        self._entries: dict[Path, dict | None] = {}  # root -> its result entry, None: none valid
        self._calls: dict[Path, list[Path]] = {}  # folder -> the local module folders it calls

    def prefetch(self, folders: list[Path]) -> None:
        """Find the valid entries of `folders` (for calls())."""
        for folder in folders:
            self._entry(folder)

    def calls(self, folder: Path) -> list[Path] | None:
        """The local module folders `folder` calls, as an earlier evaluation
        of a root found them (of the root itself or of a module folder it
        read), when nothing that root read has changed since; else None.
        Only for folders prefetched, or the root of a valid entry."""
        if folder not in self._calls:
            self._entry(folder)
        return self._calls.get(folder)

    def get(self, folder: Path) -> HclRoot | None:
        """The root evaluated from `folder` by an earlier run, when nothing
        it read has changed; else None."""
        entry = self._entry(folder)
        if entry is None:
            return None
        try:
            return decode_root(entry["root"])
        except (ValueError, TypeError, KeyError, IndexError, AttributeError):
            return None  # damaged or of another shape: evaluated again and rewritten

    def put(self, folder: Path, root: HclRoot, calls: dict[Path, list[Path]]) -> None:
        """Keep `root`, just evaluated from `folder`; `calls`: the local module
        folders that `folder` and module folders it read call (roots.py)."""
        if not cache_enabled() or not root.module_folders:
            return  # off, or the evaluation did not get as far as reading the root
        read = set(root.module_folders)
        try:
            value = {
                "root": encode_root(root),
                "calls": {
                    str(caller): [str(callee) for callee in callees]
                    for caller, callees in calls.items()
                    if str(caller) in read  # a dependency of the entry: its calls change with it
                },
            }
        except _NotJson:
            return
        dependencies = self._dependencies(folder, root)
        cache = _cache()
        try:
            cache.put(self._key(folder, dependencies), value)
        except (TypeError, ValueError):  # something in a path JSON cannot write: not cached
            return
        cache.put(self._manifest_key(folder), {"dependencies": dependencies})
        self._entries.pop(folder, None)

    # ----------------------------------------------------------------- keys

    def _entry(self, folder: Path) -> dict | None:
        """The result entry for `folder` whose key is made of the current state
        of everything its manifest names (found once per scan)."""
        if folder not in self._entries:
            self._entries[folder] = None
            if cache_enabled():
                cache = _cache()
                manifest = cache.get(self._manifest_key(folder))
                if not isinstance(manifest, dict):
                    return None
                try:
                    dependencies = [(str(kind), str(path)) for kind, path in manifest["dependencies"]]
                except (KeyError, TypeError, ValueError):
                    return None
                entry = cache.get(self._key(folder, dependencies))
                if isinstance(entry, dict) and isinstance(entry.get("calls"), dict):
                    self._entries[folder] = entry
                    for caller, callees in entry["calls"].items():
                        self._calls.setdefault(Path(caller), [Path(callee) for callee in callees])
        return self._entries[folder]

    def _options(self, folder: Path) -> tuple[str, ...]:
        return (
            ROOT_CACHE_FORMAT,
            __version__,
            code_stamp(),
            str(folder),
            os.getcwd(),
            os.environ.get("TF_DATA_DIR", ""),  # where the module index is (module_index.py)
            json.dumps([[name, os.path.abspath(name)] for name in self.var_files]),
        )

    def _manifest_key(self, folder: Path) -> EntryKey:
        return _cache().key(*self._options(folder), "manifest")

    def _key(self, folder: Path, dependencies: list) -> EntryKey:
        states = [f"{kind}:{path}:{state(kind, path)}" for kind, path in dependencies]
        return _cache().key(*self._options(folder), "result", *states)

    def _dependencies(self, folder: Path, root: HclRoot) -> list:
        """What `root`'s evaluation read or looked for, as (kind, absolute path)."""
        found: dict[tuple[str, str], None] = {}
        for module_folder in root.module_folders:
            found.setdefault(("folder", module_folder))
        found.setdefault(("file", str(index_path(folder))))
        for name in self.var_files:
            found.setdefault(("file", os.path.abspath(name)))
        for path in root.looked_at:
            found.setdefault(("folder" if os.path.isdir(path) else "file", path))
        return [list(dependency) for dependency in found]


def _cache() -> ContentCache:
    return ContentCache("roots")


def state(kind: str, path: str) -> str:
    """What a file or folder holds now, as far as a root's result depends on it:
    a file's content hash; a folder's Terraform file names and their hashes."""
    if kind == "folder":
        try:
            with os.scandir(path) as entries:
                names = sorted(entry.name for entry in entries if entry.name.endswith(_TERRAFORM_FILES))
        except OSError as error:
            return f"unreadable folder ({type(error).__name__})"
        return "|".join(f"{name}={_file_state(os.path.join(path, name))}" for name in names)
    return _file_state(path)


def _file_state(path: str) -> str:
    try:
        with open(path, "rb") as handle:
            return hashlib.sha256(handle.read()).hexdigest()
    except OSError as error:
        return f"unreadable ({type(error).__name__})"  # missing, a folder, not allowed


@lru_cache(maxsize=1)
def code_stamp() -> str:
    """The size and modification time of every module of the installed
    ecs-guard and python-hcl2 (which makes the syntax trees): a changed
    evaluator (a new release, an edited checkout, another python-hcl2) never
    reads results an older one cached. (Not importlib.metadata's version:
    importing it costs more than this whole stamp.)"""
    digest = hashlib.sha256()
    packages = [Path(__file__).resolve().parents[3]]
    try:
        spec = importlib.util.find_spec("hcl2")
    except (ImportError, ValueError):
        spec = None
    if spec is not None and spec.submodule_search_locations:
        packages += [Path(folder) for folder in spec.submodule_search_locations]
    for package in packages:
        digest.update(f"{package}\0".encode())
        for top, folders, files in os.walk(package):
            folders[:] = sorted(name for name in folders if name != "__pycache__")
            for name in sorted(files):
                if name.endswith((".py", ".lark")):
                    try:
                        info = os.stat(os.path.join(top, name))
                    except OSError:  # gone meanwhile (an upgrade): a stamp no entry has
                        digest.update(os.urandom(16))
                        continue
                    digest.update(f"{top}/{name}:{info.st_size}:{info.st_mtime_ns}\0".encode())
    return digest.hexdigest()


# ----------------------------------------------------------------- HclRoot <-> JSON


class _NotJson(Exception):
    """A value JSON cannot carry exactly (the root is then not cached)."""


_TAG = "\0"  # a key no JSON object of ours starts with: marks an encoded non-JSON value


def encode_root(root: HclRoot) -> dict:
    return {
        "directory": root.directory,
        "resources": [_encode_resource(resource) for resource in root.resources],
        "problems": [[p.path, p.message, p.line, p.kind] for p in root.problems],
        "files": root.files,
        "read_files": root.read_files,
        "parse_files": list(root.parse_seconds),
        "calls": [[list(key), arguments] for key, arguments in root.calls.items()],
        "outputs": [[list(key), references] for key, references in root.outputs.items()],
        "sensitive": root.sensitive,
        "module_folders": root.module_folders,
        "looked_at": root.looked_at,
    }


def decode_root(data: dict) -> HclRoot:
    root = HclRoot(data["directory"])
    root.resources = [_decode_resource(item) for item in data["resources"]]
    root.problems = [InputProblem(path, message, line, kind) for path, message, line, kind in data["problems"]]
    root.files = list(data["files"])
    root.read_files = list(data["read_files"])
    root.parse_seconds = dict.fromkeys(data["parse_files"], 0.0)
    root.parse_cached = dict.fromkeys(data["parse_files"], True)
    root.calls = {(key[0], key[1]): arguments for key, arguments in data["calls"]}
    root.outputs = {(key[0], key[1]): references for key, references in data["outputs"]}
    root.sensitive = list(data["sensitive"])
    root.module_folders = list(data["module_folders"])
    root.looked_at = list(data["looked_at"])
    return root


_SCALARS = ("address", "mode", "type", "name", "module", "file", "line", "end_line", "expansion_unknown")


def _encode_resource(resource: HclResource) -> dict:
    """Paths (tuples of keys and list indexes, as the evaluator makes them)
    go to JSON as they are, as lists; values and documents through _data."""
    encoded: dict[str, Any] = {name: getattr(resource, name) for name in _SCALARS}
    for name in _SCALARS:
        if encoded[name].__class__ not in (str, int):
            raise _NotJson(name)
    encoded["index"] = _data(resource.index)
    encoded["values"] = _data(resource.values)
    encoded["unknown"] = list(resource.unknown.items())
    encoded["computed"] = resource.computed
    encoded["references"] = list(resource.references.items())
    encoded["sources"] = list(resource.sources.items())
    encoded["lines"] = list(resource.lines.items())
    encoded["non_literal"] = list(resource.non_literal)
    encoded["written"] = list(resource.written.items())
    encoded["documents"] = [(path, _data(document)) for path, document in resource.documents.items()]
    encoded["callers"] = resource.callers
    return encoded


def _decode_resource(data: dict) -> HclResource:
    resource = HclResource(**{name: data[name] for name in _SCALARS if name != "expansion_unknown"}, index=None)
    resource.expansion_unknown = data["expansion_unknown"]
    resource.index = _undata(data["index"])
    resource.values = _undata(data["values"])
    resource.unknown = {tuple(path): reason for path, reason in data["unknown"]}
    resource.computed = [tuple(path) for path in data["computed"]]
    resource.references = {tuple(path): refs for path, refs in data["references"]}
    resource.sources = {tuple(path): found for path, found in data["sources"]}
    resource.lines = {tuple(path): tuple(where) for path, where in data["lines"]}
    resource.non_literal = {tuple(path) for path in data["non_literal"]}
    resource.written = {tuple(path): tuple(where) for path, where in data["written"]}
    resource.documents = {tuple(path): _undata(document) for path, document in data["documents"]}
    resource.callers = tuple(tuple(where) for where in data["callers"])
    return resource


def _data(value: Any) -> Any:
    """Plain data (values, JSON documents with Unknown markers) as JSON: an
    Unknown marker, and an object with a key starting with the tag, are
    encoded as tagged objects; anything else JSON cannot carry exactly is
    refused."""
    kind = value.__class__
    if value is None or kind is str or kind is int or kind is bool:
        return value
    if kind is float:
        if value != value or value in (float("inf"), float("-inf")):
            raise _NotJson("a float JSON has no number for")
        return value
    if kind is list:
        return [_data(item) for item in value]
    if kind is dict:
        if any(key.__class__ is not str for key in value):
            raise _NotJson("an object key that is not a string")
        if any(key.startswith(_TAG) for key in value):
            return {_TAG: "object", "items": [[key, _data(item)] for key, item in value.items()]}
        return {key: _data(item) for key, item in value.items()}
    if kind is Unknown:
        return {_TAG: "unknown", "reason": value.reason, "tail": value.tail}
    raise _NotJson(f"a {kind.__name__}")


def _undata(value: Any) -> Any:
    kind = value.__class__
    if kind is list:
        return [_undata(item) for item in value]
    if kind is dict:
        tag = value.get(_TAG)
        if tag is None:
            return {key: _undata(item) for key, item in value.items()}
        if tag == "unknown":
            return Unknown(value["reason"], value["tail"])
        if tag == "object":
            return {key: _undata(item) for key, item in value["items"]}
        raise ValueError(f"unknown tag {tag!r}")
    return value
