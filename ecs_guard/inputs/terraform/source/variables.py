"""Input variables: type constraints and the root module's .tfvars files.

Precedence, lowest first, as Terraform applies it: the variable's default,
terraform.tfvars, terraform.tfvars.json, *.auto.tfvars and
*.auto.tfvars.json in lexical order, then the var files given explicitly
(-var-file), in the order given. TF_VAR_ environment variables are not
read: a pre-commit hook's result should not depend on the shell it ran in.
"""

from __future__ import annotations

from pathlib import Path

from ecs_guard.inputs.problems import InputProblem
from ecs_guard.inputs.terraform.hcl.evaluate import Scope, evaluate
from ecs_guard.inputs.terraform.hcl.jsondoc import parse_document
from ecs_guard.inputs.terraform.hcl.parse import HclSyntaxError, parse_file
from ecs_guard.inputs.terraform.hcl.syntax import Call, Literal, ObjectExpr, TupleExpr, Variable
from ecs_guard.inputs.terraform.hcl.values import Val
from ecs_guard.inputs.terraform.source.module import Declaration, read_text
from ecs_guard.location import display_path


class NoReferences:
    """The context of expressions that may not reference anything
    (defaults, .tfvars values, type constraints)."""

    def reference(self, root, steps, scope, node):
        return None

    def read_file(self, path, scope):
        raise OSError("file() is not allowed here")

    def parse_template(self, text):
        raise OSError("templatefile() is not allowed here")


def constant(node, file: str) -> Val:
    return evaluate(node, Scope(NoReferences(), file))


def type_spec(node, file: str):
    """A type constraint expression in Terraform's JSON type notation."""
    if node is None:
        return "dynamic"
    if isinstance(node, Variable):
        return {"any": "dynamic"}.get(node.name, node.name)
    if isinstance(node, Literal) and isinstance(node.value, str):  # legacy "string", "list", "map"
        return {"list": ["list", "dynamic"], "map": ["map", "dynamic"]}.get(node.value, node.value)
    if isinstance(node, Call):
        if node.name in ("list", "set", "map") and len(node.args) == 1:
            return [node.name, type_spec(node.args[0], file)]
        if node.name == "tuple" and node.args and isinstance(node.args[0], TupleExpr):
            return ["tuple", [type_spec(item, file) for item in node.args[0].items]]
        if node.name == "object" and node.args and isinstance(node.args[0], ObjectExpr):
            attributes, optional, defaults = {}, [], {}
            for item in node.args[0].items:
                name = str(item.key.value) if isinstance(item.key, Literal) else str(item.key)
                value = item.value
                if isinstance(value, Call) and value.name == "optional" and value.args:
                    optional.append(name)
                    if len(value.args) > 1:
                        defaults[name] = constant(value.args[1], file)
                    value = value.args[0]
                attributes[name] = type_spec(value, file)
            return ["object", attributes, optional, defaults]
    return "dynamic"


def declared_type(declaration: Declaration):
    attribute = declaration.block.body.attribute("type")
    return type_spec(attribute.expr if attribute else None, declaration.file)


def default_value(declaration: Declaration) -> Val | None:
    attribute = declaration.block.body.attribute("default")
    if attribute is None:
        return None
    file = attribute.file or declaration.file  # an override file's default is located there
    return constant(attribute.expr, file).at(file, attribute.line)


def var_file_paths(root: Path, explicit: list[Path]) -> list[Path]:
    """The .tfvars files Terraform would load for `root`, lowest precedence first."""
    automatic = [root / "terraform.tfvars", root / "terraform.tfvars.json"]
    automatic += sorted([*root.glob("*.auto.tfvars"), *root.glob("*.auto.tfvars.json")], key=lambda p: p.name)
    return [path for path in automatic if path.is_file()] + list(explicit)


def load_var_files(paths: list[Path], use_cache: bool = True) -> tuple[dict[str, Val], list[InputProblem], list[str]]:
    """(values by name, later files winning; problems; files read)."""
    values: dict[str, Val] = {}
    problems: list[InputProblem] = []
    files: list[str] = []
    for path in paths:
        display = display_path(path)
        try:
            text = read_text(path)
        except (OSError, UnicodeDecodeError) as error:
            problems.append(InputProblem(display, f"cannot read var file: {getattr(error, 'strerror', None) or error}"))
            continue
        files.append(display)
        if path.name.endswith(".json"):
            try:
                document = parse_document(Val(text, display, 1, origin=(display, 1)))
            except ValueError as error:
                problems.append(InputProblem(display, f"not valid JSON: {error}"))
                continue
            if not document.is_object:
                problems.append(InputProblem(display, "a .tfvars.json file must hold a JSON object"))
                continue
            values.update(document.value)
            continue
        try:
            parsed = parse_file(Path(display), text, use_cache)
        except HclSyntaxError as error:
            problems.append(InputProblem(display, error.message, error.line))
            continue
        for attribute in parsed.body.attributes:
            values[attribute.name] = constant(attribute.expr, display).at(display, attribute.line)
        for block in parsed.body.blocks:
            problems.append(
                InputProblem(
                    display,
                    f'a var file holds only assignments, not "{block.type}" blocks',
                    block.line,
                    "not-understood",
                )
            )
    return values, problems, files
