"""One Terraform module directory: its .tf and .tf.json files parsed, its
override files merged over them, and its declarations indexed (variables, locals, resources, data sources, module
calls, outputs).

A file that does not parse is reported (file and line, one line) and left
out; the rest of the module is still read, and a reference into what the
broken file declared says so when it cannot be resolved.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from ecs_guard.inputs.problems import InputProblem
from ecs_guard.inputs.terraform.hcl.parse import HclSyntaxError, ParsedFile, parse_file
from ecs_guard.inputs.terraform.hcl.syntax import Attribute, Block
from ecs_guard.inputs.terraform.source.json_syntax import parse_tf_json_cached
from ecs_guard.inputs.terraform.source.overrides import is_override_file, merge_overrides
from ecs_guard.location import display_path


@dataclass(frozen=True)
class Declaration:
    block: Block
    file: str  # display path of the file it is in


@dataclass(frozen=True)
class LocalValue:
    attribute: Attribute
    file: str


@dataclass
class ModuleSource:
    directory: Path
    files: list[ParsedFile] = field(default_factory=list)
    broken_files: list[str] = field(default_factory=list)
    problems: list[InputProblem] = field(default_factory=list)
    variables: dict[str, Declaration] = field(default_factory=dict)
    locals: dict[str, LocalValue] = field(default_factory=dict)
    resources: dict[tuple[str, str], Declaration] = field(default_factory=dict)
    data: dict[tuple[str, str], Declaration] = field(default_factory=dict)
    module_calls: dict[str, Declaration] = field(default_factory=dict)
    outputs: dict[str, Declaration] = field(default_factory=dict)

    def missing_reason(self) -> str:
        """Added to "not declared" reasons when a file could not be read."""
        if not self.broken_files:
            return ""
        return f" ({', '.join(self.broken_files)} could not be parsed)"


def read_text(path: Path) -> str:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return handle.read().replace("\r\n", "\n")


def load_module(directory: Path, use_cache: bool = True) -> ModuleSource:
    """Parse the module's .tf and .tf.json files (lexical order), merge its
    override files over them (overrides.py), and index the declarations."""
    module = ModuleSource(directory)
    paths = sorted([*directory.glob("*.tf"), *directory.glob("*.tf.json")], key=lambda p: p.name)
    primaries: list[ParsedFile] = []
    overrides: list[ParsedFile] = []
    for path in paths:
        parsed = _parse(module, path, use_cache)
        if parsed is not None:
            (overrides if is_override_file(path.name) else primaries).append(parsed)
    module.problems.extend(merge_overrides(primaries, overrides))
    for parsed in primaries:
        module.files.append(parsed)
        _index(module, parsed, parsed.path)
    module.files.extend(overrides)  # read too: their parse times and paths are reported
    return module


def _parse(module: ModuleSource, path: Path, use_cache: bool) -> ParsedFile | None:
    """One file parsed (HCL or JSON syntax by its name), or None and a problem."""
    display = display_path(path)
    try:
        text = read_text(path)
        if path.name.endswith(".json"):
            started = time.perf_counter()
            body, cached = parse_tf_json_cached(text, use_cache)
            return ParsedFile(display, body, time.perf_counter() - started, cached)
        return parse_file(Path(display), text, use_cache)
    except OSError as error:
        module.problems.append(InputProblem(display, f"cannot read: {error.strerror or error}"))
    except UnicodeDecodeError:
        module.problems.append(InputProblem(display, "not UTF-8 text"))
    except HclSyntaxError as error:
        module.problems.append(InputProblem(display, error.message, error.line))
    module.broken_files.append(display)
    return None


def _index(module: ModuleSource, parsed: ParsedFile, display: str) -> None:
    for block in parsed.body.blocks:
        kind, labels = block.type, block.labels
        if kind == "locals":
            for attribute in block.body.attributes:
                _add(
                    module,
                    module.locals,
                    attribute.name,
                    LocalValue(attribute, attribute.file or display),
                    f'local value "{attribute.name}"',
                    display,
                    attribute.line,
                )
        elif kind == "variable" and len(labels) == 1:
            _add(
                module,
                module.variables,
                labels[0],
                Declaration(block, display),
                f'variable "{labels[0]}"',
                display,
                block.line,
            )
        elif kind == "output" and len(labels) == 1:
            _add(
                module,
                module.outputs,
                labels[0],
                Declaration(block, display),
                f'output "{labels[0]}"',
                display,
                block.line,
            )
        elif kind == "module" and len(labels) == 1:
            _add(
                module,
                module.module_calls,
                labels[0],
                Declaration(block, display),
                f'module "{labels[0]}"',
                display,
                block.line,
            )
        elif kind == "resource" and len(labels) == 2:
            _add(
                module,
                module.resources,
                (labels[0], labels[1]),
                Declaration(block, display),
                f"{labels[0]}.{labels[1]}",
                display,
                block.line,
            )
        elif kind == "data" and len(labels) == 2:
            _add(
                module,
                module.data,
                (labels[0], labels[1]),
                Declaration(block, display),
                f"data.{labels[0]}.{labels[1]}",
                display,
                block.line,
            )


def _add(module: ModuleSource, table: dict, key, value, what: str, file: str, line: int) -> None:
    if key in table:
        module.problems.append(
            InputProblem(file, f"{what} is declared twice; the first declaration is used", line, "not-understood")
        )
        return
    table[key] = value
