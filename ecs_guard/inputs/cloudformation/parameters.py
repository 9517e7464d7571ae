"""A template's parameters: their values and where each was written.

A parameter's value comes from a parameters file (``--cfn-parameters
FILE``) when it gives one, else from its ``Default`` in the template (a
value written there: a finding through it points at the default), else it
is not known: it is set at deploy time, and what is set then is never
guessed. Two file forms are read: the AWS CLI's
``[{"ParameterKey": ..., "ParameterValue": ...}]`` and the
``{"Parameters": {...}}`` object that CodePipeline and Copilot use.

List parameters (``CommaDelimitedList``, ``List<...>``) are lists of
strings, as CloudFormation passes them to the resources. A parameter marked
``NoEcho`` is known to hold a secret: its value is only ever read where a
rule judges secrets (container environment values), which never print it.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any

from ecs_guard.inputs.problems import InputError


@dataclass(frozen=True)
class Parameter:
    name: str
    value: Any  # str, list[str], or None when not known
    known: bool
    from_default: bool  # the value is the template's Default (located there)
    no_echo: bool
    reason: str = ""  # why the value is not known


def read_parameters_file(path: str, label: str | None = None) -> dict[str, str]:
    """{name: value} of a parameters file; InputError for a file that is neither form.
    `label` names the file in messages (default: as given to --cfn-parameters)."""
    label = label or f"--cfn-parameters {path}"
    try:
        with open(path, encoding="utf-8-sig") as stream:
            data = json.load(stream)
    except OSError as error:
        raise InputError(f"{label}: cannot read the file ({error.strerror or error})") from None
    except ValueError as error:
        line = getattr(error, "lineno", None)
        raise InputError(f"{label}: invalid JSON", line) from None
    if isinstance(data, dict) and isinstance(data.get("Parameters"), dict):
        pairs = data["Parameters"].items()
    elif isinstance(data, list) and all(isinstance(p, dict) and "ParameterKey" in p for p in data):
        pairs = ((p["ParameterKey"], p.get("ParameterValue")) for p in data)
    else:
        raise InputError(
            f'{label}: expected [{{"ParameterKey": ..., "ParameterValue": ...}}] or {{"Parameters": {{...}}}}'
        )
    return {str(name): _text(value) for name, value in pairs if value is not None}


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return str(value)


def template_parameters(declared: Any, given: dict[str, str]) -> dict[str, Parameter]:
    """Every parameter the template declares, with its value (`given`: a parameters file's)."""
    found: dict[str, Parameter] = {}
    if not isinstance(declared, dict):
        return found
    for name, spec in declared.items():
        spec = spec if isinstance(spec, dict) else {}
        kind = str(spec.get("Type", "String"))
        no_echo = str(spec.get("NoEcho", "")).lower() == "true"
        if name in given:
            found[name] = Parameter(name, _typed(given[name], kind), True, False, no_echo)
        elif "Default" in spec and spec["Default"] is not None:
            found[name] = Parameter(name, _typed(spec["Default"], kind), True, True, no_echo)
        else:
            reason = f"parameter {name} has no default and no value in a parameters file (set at deploy time)"
            found[name] = Parameter(name, None, False, False, no_echo, reason)
    return found


def _typed(value: Any, kind: str) -> Any:
    """A parameter value as CloudFormation hands it to resources."""
    if kind == "CommaDelimitedList" or (kind.startswith("List<") and not kind.startswith("List<Number")):
        if isinstance(value, list):
            return [str(v) for v in value]
        return [part.strip() for part in str(value).split(",")] if str(value) else []
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, int) and kind == "Number" else str(value)


PARAMETERS_SUFFIX = ".params.json"
_TEMPLATE_SUFFIXES = (".stack.yml", ".stack.yaml", ".yml", ".yaml", ".template", ".json")


def parameters_beside(path: str) -> str | None:
    """The parameters file lying beside a template, or None: ``NAME.params.json``
    for ``NAME.yaml`` / ``.yml`` / ``.json`` / ``.template``, and for
    ``NAME.stack.yml`` as AWS Copilot's ``svc package --output-dir`` writes
    them (``api-test.stack.yml`` and ``api-test.params.json``)."""
    lowered = path.lower()
    for suffix in _TEMPLATE_SUFFIXES:
        if lowered.endswith(suffix) and not lowered.endswith(PARAMETERS_SUFFIX):
            beside = path[: -len(suffix)] + PARAMETERS_SUFFIX
            return beside if os.path.isfile(beside) else None
    return None
