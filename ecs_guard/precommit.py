"""What to scan for a list of changed files (``ecs-guard scan --changed FILE...``).

A pre-commit hook is handed the staged files, but a file is rarely an input
on its own: a .tf file is one part of a Terraform module, and a module is
evaluated as part of the root that calls it; a describe-services file is
resolved together with the rest of its snapshot. Scanning the files alone
would miss what crosses files (a role in another file, a module input), and
scanning the whole repository would be slow. So each changed file is mapped
to the smallest input that keeps cross-file resolution as a full scan does:

- ``.tf`` / ``.tf.json`` / ``.tfvars`` / ``.tfvars.json`` in folder D: the
  Terraform roots D belongs to. When some module in the repository calls D
  with a local source (``source = "../modules/x"``), D is a child module and
  is scanned through the roots that call it (callers of callers, up to
  modules nobody calls); otherwise D is a root itself. A .tfvars file in a
  folder without .tf files belongs to no root and is skipped.
- JSON inside an audit snapshot (a folder above it, or its own, holds the
  ``ecs-guard-audit.json`` manifest): that whole snapshot folder, also for a
  deleted or broken file, which changes what the snapshot holds.
- a snapshot file (AWS CLI output): its folder, the estate it is resolved in.
- a task definition file: its folder when that folder holds snapshot files
  (so it gets its roles from them), else the file alone.
- a Terraform plan: the file.
- a CloudFormation template (YAML that passes the template pre-filter, or
  JSON recognised as one): the file, which the scan reads with the
  parameters file beside it; a changed ``NAME.params.json``: its template;
  any file of a CDK ``cdk.out`` folder: that folder (read through its
  manifest.json).
- any other JSON (package.json, editor settings, JSON with comments, a
  deleted file): nothing; pre-commit hands over every staged .json file, and
  those are not ours to judge.

Callers are found without parsing HCL: a regular expression over the text of
every .tf file of the repository (module blocks and the first ``source``
attribute in them). That costs milliseconds for hundreds of files, where
parsing them would cost seconds; a false match only makes the hook scan a
root more. The repository is the folder holding ``.git`` above the file.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from ecs_guard.inputs import detect
from ecs_guard.inputs.cloudformation import detect as template_detect
from ecs_guard.inputs.cloudformation.parameters import PARAMETERS_SUFFIX
from ecs_guard.inputs.walk import skipped_directories
from ecs_guard.location import display_path

TERRAFORM_SUFFIXES = (".tf", ".tf.json")
VARIABLE_SUFFIXES = (".tfvars", ".tfvars.json")
YAML_TEMPLATE_SUFFIXES = (".yaml", ".yml", ".template")
# The templates a NAME.params.json may lie beside (cloudformation/parameters.py)
TEMPLATE_SUFFIXES = (".stack.yml", ".stack.yaml", ".yaml", ".yml", ".template", ".json")
JSON_KINDS = ("plan", "taskdef", "snapshot", "cloudformation", "cdk-manifest", "cfn-parameters")
AUDIT_MANIFEST = "ecs-guard-audit.json"


@dataclass(frozen=True)
class Target:
    """One input to scan, and the changed files it was chosen for (for --verbose)."""

    path: str  # display path of the folder or file scanned
    kind: str  # "Terraform root", "snapshot", "task definition", "Terraform plan"
    changed: tuple[str, ...] = ()
    argument: str = ""  # what the scan is given, when not `path` (see scan_argument)


@dataclass
class ScanPlan:
    """The paths to scan for a set of changed files, and the files that need none."""

    targets: list[Target] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (display path, why)

    @property
    def paths(self) -> list[str]:
        """The scan's arguments."""
        return [target.argument or target.path for target in self.targets]

    def describe(self) -> list[str]:
        """One line per target and per skipped file, for --verbose."""
        lines = [f"scan {t.path} ({t.kind}, for {', '.join(t.changed)})" for t in self.targets]
        return lines + [f"skip {path}: {why}" for path, why in self.skipped]


def plan_scan(changed: Iterable[str]) -> ScanPlan:
    """The targets for `changed` (paths as given: relative to the working
    directory or absolute; deleted files allowed)."""
    chosen: dict[str, tuple[str, list[str]]] = {}  # absolute path -> (kind, changed files)
    plan = ScanPlan()
    graphs: dict[str, ModuleGraph] = {}
    for name in dict.fromkeys(changed):  # each file once, in the order given
        path = os.path.abspath(name)
        shown = display_path(path)
        found, why = _targets_of(path, graphs)
        if not found:
            plan.skipped.append((shown, why))
        for target, kind in found:
            chosen.setdefault(target, (kind, []))[1].append(shown)
    for target in _outermost(chosen):
        kind, files = chosen[target]
        plan.targets.append(Target(display_path(target), kind, tuple(files), scan_argument(target, kind)))
    return plan


def scan_argument(target: str, kind: str) -> str:
    """A Terraform root is given to the scan as one of its .tf files: a
    named .tf file stands for its folder's root module, where a folder would
    be walked, with every other root and JSON file below it (a root at the
    top of the repository would mean the whole repository)."""
    if kind != "Terraform root":
        return ""
    try:
        with os.scandir(target) as entries:
            names = sorted(entry.name for entry in entries if entry.name.endswith(".tf") and _is_file(entry))
    except OSError:
        names = []
    return display_path(os.path.join(target, names[0])) if names else ""


def _targets_of(path: str, graphs: dict[str, ModuleGraph]) -> tuple[list[tuple[str, str]], str]:
    """([(absolute target, kind)], why there is none)."""
    name = os.path.basename(path).lower()
    if _in_skipped_directory(path):
        return [], "in a folder ecs-guard does not scan"
    if name.endswith(TERRAFORM_SUFFIXES + VARIABLE_SUFFIXES):
        folder = os.path.dirname(path)
        if name.endswith(VARIABLE_SUFFIXES) and not holds_terraform(folder):
            return [], "a variables file in a folder without .tf files (no root reads it)"
        top = repository_top(folder)
        roots = graphs.setdefault(top, ModuleGraph(top)).roots_of(folder)  # built once, on first use
        if not roots:
            return [], "no .tf files left in its folder and no module calls it"
        return [(root, "Terraform root") for root in roots], ""
    if name.endswith(".json"):
        return _json_targets(path)
    if name.endswith(YAML_TEMPLATE_SUFFIXES):
        return _yaml_template_targets(path)
    return [], "not a file ecs-guard reads"


def _json_targets(path: str) -> tuple[list[tuple[str, str]], str]:
    folder = os.path.dirname(path)
    snapshot = audit_snapshot_of(folder)
    if snapshot is not None:
        return [(snapshot, "snapshot")], ""
    if not os.path.lexists(path):
        return [], "deleted"
    if _in_cdk_assembly(folder):
        return [(folder, "CDK assembly")], ""
    kind = json_input_kind(path)
    if kind == "cloudformation":
        return [(path, "CloudFormation template")], ""
    if kind == "cfn-parameters":
        template = template_of_parameters(path)
        if template is None:
            return [], "a CloudFormation parameters file with no template beside it (NAME.params.json)"
        return [(template, "CloudFormation template")], ""
    if kind == "plan":
        return [(path, "Terraform plan")], ""
    if kind == "snapshot":
        return [(folder, "snapshot")], ""
    if kind == "taskdef":
        if folder_holds_snapshot(folder, path):
            return [(folder, "snapshot")], ""
        return [(path, "task definition")], ""
    return [], "not an ECS input"


def _outermost(chosen: dict[str, tuple[str, list[str]]]) -> list[str]:
    """The targets that lie in no walked target folder: a walk scans
    everything below the folder, so a target below it would be read twice."""
    folders = [path for path, (kind, _) in chosen.items() if kind != "Terraform root" and os.path.isdir(path)]
    kept = []
    for path in sorted(chosen):
        if not any(path != folder and path.startswith(folder.rstrip(os.sep) + os.sep) for folder in folders):
            kept.append(path)
    return kept


def _in_skipped_directory(path: str) -> bool:
    parts = os.path.relpath(path, repository_top(os.path.dirname(path))).split(os.sep)
    skipped = skipped_directories()
    return any(part in skipped for part in parts[:-1])


# ----------------------------------------------------------------- places


def repository_top(folder: str) -> str:
    """The nearest folder at or above `folder` that holds .git (a folder in a
    clone, a file in a worktree or submodule); else the working directory
    when `folder` is below it, else `folder` itself."""
    current = os.path.abspath(folder)
    while True:
        if os.path.exists(os.path.join(current, ".git")):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            break
        current = parent
    cwd = os.getcwd()
    inside = os.path.abspath(folder) == cwd or os.path.abspath(folder).startswith(cwd.rstrip(os.sep) + os.sep)
    return cwd if inside else os.path.abspath(folder)


def holds_terraform(folder: str) -> bool:
    try:
        with os.scandir(folder) as entries:
            return any(entry.name.lower().endswith(TERRAFORM_SUFFIXES) and _is_file(entry) for entry in entries)
    except OSError:
        return False


def audit_snapshot_of(folder: str) -> str | None:
    """The folder at or above `folder` (within the repository) that holds an
    audit manifest: the root of a snapshot that `ecs-guard audit` wrote."""
    top = repository_top(folder)
    current = os.path.abspath(folder)
    while True:
        if os.path.isfile(os.path.join(current, AUDIT_MANIFEST)):
            return current
        if current == top or os.path.dirname(current) == current:
            return None
        current = os.path.dirname(current)


# ----------------------------------------------------------------- JSON inputs


def json_input_kind(path: str) -> str | None:
    """One of JSON_KINDS ("plan", "taskdef", "cloudformation"...), or None for JSON that is no input (or
    not JSON at all). Decided by content, as the scan decides it; a plan is
    told from a state by its keys, without parsing it."""
    try:
        with open(path, "rb") as stream:
            head = stream.read(detect.HEAD_BYTES)
            head_text = head.decode("utf-8", "ignore")
            if detect.looks_like_terraform_json(head_text):
                is_plan = detect.mentions_plan_keys(head_text) or detect.mentions_plan_keys(
                    stream.read().decode("utf-8", "ignore")
                )
                return "plan" if is_plan else None
            data = json.loads(head + stream.read())  # bytes: UTF-8 with or without a BOM
    except (OSError, ValueError, RecursionError):
        return None
    shape = detect.classify(data)
    return shape.kind if shape is not None and shape.kind in JSON_KINDS else None


# ----------------------------------------------------------------- CloudFormation


def _yaml_template_targets(path: str) -> tuple[list[tuple[str, str]], str]:
    """A YAML template is scanned on its own (with the parameters file beside it,
    which the scan finds); other YAML (workflows, manifests) is not ours."""
    if not os.path.lexists(path):
        return [], "deleted"
    try:
        with open(path, "rb") as stream:
            head = stream.read(template_detect.HEAD_BYTES)
    except OSError:
        return [], "cannot be read"
    if not template_detect.looks_like_template(head):
        return [], "not a CloudFormation template"
    return [(path, "CloudFormation template")], ""


def template_of_parameters(path: str) -> str | None:
    """The template a ``NAME.params.json`` lies beside (the scan reads them together)."""
    stem = path[: -len(PARAMETERS_SUFFIX)] if path.lower().endswith(PARAMETERS_SUFFIX) else None
    if stem is None:
        return None
    for suffix in TEMPLATE_SUFFIXES:
        if os.path.isfile(stem + suffix):
            return stem + suffix
    return None


def _in_cdk_assembly(folder: str) -> bool:
    """A CDK cloud assembly (cdk.out) is scanned whole, through its manifest.json."""
    try:
        with open(os.path.join(folder, "manifest.json"), "rb") as stream:
            head = stream.read(4096)
    except OSError:
        return False
    return b'"artifacts"' in head and b'"version"' in head


def folder_holds_snapshot(folder: str, but: str) -> bool:
    """Whether a .json file in `folder` other than `but` is a snapshot file."""
    try:
        with os.scandir(folder) as entries:
            candidates = sorted(e.path for e in entries if e.name.lower().endswith(".json") and _is_file(e))
    except OSError:
        return False
    return any(
        json_input_kind(candidate) == "snapshot" for candidate in candidates if os.path.abspath(candidate) != but
    )


def _is_file(entry: os.DirEntry) -> bool:
    try:
        return entry.is_file()
    except OSError:
        return False


# ----------------------------------------------------------------- module calls

_COMMENT_OR_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"|#[^\n]*|//[^\n]*|/\*.*?\*/', re.S)
_MODULE_HEADER = re.compile(r'(?m)^\s*module\s+(?:"[^"\n]*"|[A-Za-z_][\w-]*)\s*\{')
_NEXT_BLOCK = re.compile(
    r"(?m)^\s*(?:resource|data|module|variable|output|locals|provider|terraform|moved|import|"
    r"removed|check)\b[^\n=]*\{"
)
_SOURCE = re.compile(r'(?<![\w.])source\s*=\s*"([^"\n]*)"')


def local_module_sources(text: str) -> list[str]:
    """The local sources (``./x``, ``../x``) of the module blocks in a .tf
    file's text: for each ``module`` block, the first ``source = "..."``
    before the next top-level block. Comments are blanked first, strings kept."""
    code = _COMMENT_OR_STRING.sub(lambda m: m.group(0) if m.group(0).startswith('"') else " ", text)
    sources = []
    for header in _MODULE_HEADER.finditer(code):
        following = _NEXT_BLOCK.search(code, header.end())
        block = code[header.end() : following.start() if following else len(code)]
        source = _SOURCE.search(block)
        if source and _is_local(source.group(1)):
            sources.append(source.group(1))
    return sources


def local_module_sources_json(text: str) -> list[str]:
    """The same for a .tf.json file: ``{"module": {"name": {"source": "./x"}}}``."""
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        return []
    modules = document.get("module") if isinstance(document, dict) else None
    blocks = modules if isinstance(modules, list) else [modules]  # the block may be a list of objects
    sources = []
    for group in blocks:
        for call in group.values() if isinstance(group, dict) else []:
            for body in call if isinstance(call, list) else [call]:
                source = body.get("source") if isinstance(body, dict) else None
                if isinstance(source, str) and _is_local(source):
                    sources.append(source)
    return sources


def _is_local(source: str) -> bool:
    """A local path, as Terraform reads it: "./..." or "../..." (or "." / "..")."""
    return source in (".", "..") or source.startswith(("./", "../"))


class ModuleGraph:
    """Which folders call which, through local module sources, in one repository.
    Built on first use by reading every .tf file below `top` once."""

    def __init__(self, top: str):
        self.top = top
        self._callers: dict[str, set[str]] | None = None  # real path of a module -> folders calling it

    def callers(self, folder: str) -> set[str]:
        if self._callers is None:
            self._callers = self._build()
        return self._callers.get(os.path.realpath(folder), set())

    def roots_of(self, folder: str) -> list[str]:
        """The roots that evaluate `folder`: the folder itself when nothing
        calls it (and it holds .tf files), else the uppermost callers."""
        folder = os.path.abspath(folder)
        roots, seen, pending = set(), {os.path.realpath(folder)}, [folder]
        while pending:
            module = pending.pop()
            callers = self.callers(module)
            if not callers and holds_terraform(module):
                roots.add(module)
            for caller in callers:
                if os.path.realpath(caller) not in seen:
                    seen.add(os.path.realpath(caller))
                    pending.append(caller)
        if not roots and holds_terraform(folder):  # modules calling each other in a circle
            roots.add(folder)
        return sorted(roots)

    def _build(self) -> dict[str, set[str]]:
        callers: dict[str, set[str]] = {}
        for folder, sources in self._module_calls():
            for source in sources:
                callee = os.path.realpath(os.path.join(folder, source))
                callers.setdefault(callee, set()).add(folder)
        return callers

    def _module_calls(self) -> Iterable[tuple[str, list[str]]]:
        """(folder, local sources called from it) for every folder with .tf files."""
        skipped = skipped_directories()
        for folder, directories, files in os.walk(self.top):
            directories[:] = sorted(d for d in directories if d not in skipped)
            sources = []
            for name in files:
                lower = name.lower()
                if not lower.endswith(TERRAFORM_SUFFIXES):
                    continue
                try:
                    with open(os.path.join(folder, name), encoding="utf-8", errors="replace") as stream:
                        text = stream.read()
                except OSError:
                    continue
                if "module" in text:
                    sources += (
                        local_module_sources_json(text) if lower.endswith(".json") else local_module_sources(text)
                    )
            if sources:
                yield folder, sources
