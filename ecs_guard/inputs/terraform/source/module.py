"""One Terraform module directory: its .tf files parsed and its
declarations indexed (variables, locals, resources, data sources, module
calls, outputs).

A file that does not parse is reported (file and line, one line) and left
out; the rest of the module is still read, and a reference into what the
broken file declared says so when it cannot be resolved.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ecs_guard.inputs.problems import InputProblem
from ecs_guard.inputs.terraform.hcl.parse import HclSyntaxError, ParsedFile, parse_file
from ecs_guard.inputs.terraform.hcl.syntax import Attribute, Block
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
    module = ModuleSource(directory)
    for path in sorted(directory.glob("*.tf")):
        display = display_path(path)
        if path.name == "override.tf" or path.name.endswith("_override.tf"):
            module.problems.append(
                InputProblem(
                    display,
                    "override files are not merged by ecs-guard; this file was not scanned",
                    None,
                    "not-understood",
                )
            )
            continue
        try:
            parsed = parse_file(Path(display), read_text(path), use_cache)
        except OSError as error:
            module.problems.append(InputProblem(display, f"cannot read: {error.strerror or error}"))
            module.broken_files.append(display)
            continue
        except UnicodeDecodeError:
            module.problems.append(InputProblem(display, "not UTF-8 text"))
            module.broken_files.append(display)
            continue
        except HclSyntaxError as error:
            module.problems.append(InputProblem(display, error.message, error.line))
            module.broken_files.append(display)
            continue
        module.files.append(parsed)
        _index(module, parsed, display)
    for path in sorted(directory.glob("*.tf.json")):
        module.problems.append(
            InputProblem(
                display_path(path),
                "Terraform JSON syntax (.tf.json) is not scanned by ecs-guard",
                None,
                "not-understood",
            )
        )
    return module


def _index(module: ModuleSource, parsed: ParsedFile, display: str) -> None:
    for block in parsed.body.blocks:
        kind, labels = block.type, block.labels
        if kind == "locals":
            for attribute in block.body.attributes:
                _add(
                    module,
                    module.locals,
                    attribute.name,
                    LocalValue(attribute, display),
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
