"""CloudFormation intrinsic functions, evaluated as far as the template decides them.

The result is plain data with ``Unknown(reason)`` markers (unknown.py)
wherever a value is only known at deploy time, as the HCL front end gives
for Terraform, so the same builders read both. What each value met on the
way is written into a ``Trace``: the resources it refers to (spelled as
Terraform references, ``aws_iam_role.TaskRole.arn``, so the shared linker
follows them), whether it was written literally, and the parameter whose
``Default`` it is (a finding through it points there).

- ``Ref``/``Fn::GetAtt`` to a resource: not known (the ARN or id exists
  after deployment), a reference to that resource;
- ``Ref`` to a parameter: its value (parameters.py), or not known;
- ``AWS::NoValue``: the property is absent (ABSENT, dropped by the caller);
  ``AWS::Partition`` is ``aws`` and ``AWS::URLSuffix`` ``amazonaws.com``
  (the commercial partition, so that AWS managed policy ARNs written with
  them are recognised); other pseudo parameters are not known;
- ``Fn::ImportValue``: not known (a value exported by another stack);
- ``Fn::Sub``/``Fn::Join``: the string when every part is known, else not
  known; ``parts()`` gives the known parts for a caller that can judge a
  string by its known end (EG201: ``!Sub "${Repo}:latest"``);
- ``Fn::If``: the branch its condition selects when the condition is
  known (or assumed: `assumed` fixes conditions, so that the adapter can
  build the template once per way its undecided conditions can go, and
  the engine compare the rules' verdicts, ecs_guard/alternatives.py);
  when not, the branches' common value, or not known (never one branch
  picked), and the condition is recorded in `undecided`; conditions
  (``Fn::Equals``/``And``/``Or``/``Not``, ``Condition``) are evaluated
  over known parameter values;
- ``Fn::Select``, ``Fn::Split``, ``Fn::FindInMap``, ``Fn::Base64``;
  ``Fn::Select`` of ``Fn::GetAZs``: "availability zone N of the region"
  (distinct indexes are distinct zones, the same index the same zone);
  ``Fn::GetAZs`` alone, ``Fn::Cidr`` and the rest: not known.

Reasons name parameters, resources and functions, never a value.
"""

from __future__ import annotations

import base64
import re
from typing import Any

from ecs_guard.inputs.cloudformation.parameters import Parameter
from ecs_guard.inputs.unknown import Unknown, first_unknown

ABSENT = Unknown("AWS::NoValue")  # compared by identity: the property is not there
_PSEUDO_KNOWN = {"AWS::Partition": "aws", "AWS::URLSuffix": "amazonaws.com"}
_SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_MAX_DEPTH = 64


class Trace:
    """What evaluating one value met."""

    __slots__ = ("default_of", "literal", "references")

    def __init__(self) -> None:
        self.references: list[str] = []
        self.literal = True
        self.default_of: str | None = None  # a bare Ref to a parameter whose Default is the value


def is_intrinsic(node: Any) -> bool:
    if type(node) is not dict or len(node) != 1:
        return False
    key = next(iter(node))
    return key == "Ref" or key.startswith("Fn::") or key == "Condition"


class Evaluator:
    """Evaluates the intrinsics of one template.

    `kinds` maps each resource's logical ID to the Terraform kind its
    records have (or a placeholder kind for resources ecs-guard does not
    model), for the reference strings."""

    def __init__(
        self,
        template: dict,
        parameters: dict[str, Parameter],
        kinds: dict[str, str],
        assumed: dict[str, bool] | None = None,
    ):
        self.parameters = parameters
        self.kinds = kinds
        conditions = template.get("Conditions")
        self.condition_specs: dict = conditions if isinstance(conditions, dict) else {}
        mappings = template.get("Mappings")
        self.mappings: dict = mappings if isinstance(mappings, dict) else {}
        self._conditions: dict[str, bool | None] = dict(assumed or {})
        self._condition_reasons: dict[str, str] = {}
        # Conditions not known whose Fn::If branches differ, with why they are not known
        self.undecided: dict[str, str] = {}

    # ----------------------------------------------------------------- values

    def evaluate(self, node: Any, trace: Trace, secret_ok: bool = False, depth: int = 0) -> Any:
        """`node` with its intrinsics evaluated (ABSENT for AWS::NoValue).
        `secret_ok`: the value is judged only as a possible secret (never
        printed), so a NoEcho parameter's value may be read."""
        if depth > _MAX_DEPTH:
            trace.literal = False
            return Unknown("intrinsic functions nested too deeply")
        kind = type(node)
        if kind is dict:
            if is_intrinsic(node):
                name, argument = next(iter(node.items()))
                return self._function(name, argument, trace, secret_ok, depth + 1)
            result = {}
            for key, item in node.items():
                value = self.evaluate(item, trace, secret_ok, depth + 1)
                if value is not ABSENT:
                    result[key] = value
            return result
        if kind is list:
            items = [self.evaluate(item, trace, secret_ok, depth + 1) for item in node]
            return [item for item in items if item is not ABSENT]
        return node

    def _function(self, name: str, argument: Any, trace: Trace, secret_ok: bool, depth: int) -> Any:
        if name == "Ref":
            return self._ref(argument, trace, secret_ok, bare=depth == 1)
        if name == "Fn::GetAtt":
            return self._get_att(argument, trace)
        if name in ("Fn::Sub", "Fn::Join"):
            parts = self.parts({name: argument}, trace, secret_ok, depth)
            if parts is None:
                trace.literal = False
                return Unknown(f"{name} with arguments ecs-guard does not read")
            missing = next((p for p in parts if p.__class__ is Unknown), None)
            return missing if missing is not None else "".join(parts)
        if name == "Fn::If":
            return self._if(argument, trace, secret_ok, depth)
        if name == "Fn::ImportValue":
            trace.literal = False
            return Unknown("Fn::ImportValue: a value exported by another stack, not in the scanned files")
        if name == "Fn::Select":
            return self._select(argument, trace, secret_ok, depth)
        if name == "Fn::Split" and isinstance(argument, list) and len(argument) == 2:
            delimiter = self.evaluate(argument[0], trace, secret_ok, depth)
            text = self.evaluate(argument[1], trace, secret_ok, depth)
            if isinstance(delimiter, str) and isinstance(text, str) and delimiter:
                return text.split(delimiter)
            return text if text.__class__ is Unknown else Unknown("Fn::Split of a value not known")
        if name == "Fn::FindInMap":
            return self._find_in_map(argument, trace, secret_ok, depth)
        if name == "Fn::Base64":
            text = self.evaluate(argument, trace, secret_ok, depth)
            return base64.b64encode(text.encode()).decode() if isinstance(text, str) else text
        trace.literal = False
        return Unknown(f"{name} is not evaluated by ecs-guard")

    def _ref(self, target: Any, trace: Trace, secret_ok: bool, bare: bool) -> Any:
        if not isinstance(target, str):
            trace.literal = False
            return Unknown("Ref to something that is not a name")
        if target == "AWS::NoValue":
            return ABSENT
        if target in _PSEUDO_KNOWN:
            return _PSEUDO_KNOWN[target]
        if target.startswith("AWS::"):
            trace.literal = False
            return Unknown(f"{target} is known at deploy time")
        parameter = self.parameters.get(target)
        if parameter is not None:
            return self._parameter(parameter, trace, secret_ok, bare)
        kind = self.kinds.get(target)
        trace.literal = False
        if kind is None:
            return Unknown(f"Ref {target}: no such parameter or resource in the template")
        trace.references.append(f"{kind}.{target}")
        return Unknown(f"Ref {target}: known after the stack is deployed")

    def _parameter(self, parameter: Parameter, trace: Trace, secret_ok: bool, bare: bool) -> Any:
        if not parameter.known:
            trace.literal = False
            return Unknown(parameter.reason)
        if parameter.no_echo and not secret_ok:
            trace.literal = False
            return Unknown(f"parameter {parameter.name} is NoEcho: its value is not read here")
        if parameter.from_default and bare:
            trace.default_of = parameter.name
        return parameter.value

    def _get_att(self, argument: Any, trace: Trace) -> Any:
        if isinstance(argument, str):
            argument = argument.split(".", 1)
        trace.literal = False
        if not isinstance(argument, list) or len(argument) != 2 or not isinstance(argument[0], str):
            return Unknown("Fn::GetAtt with arguments ecs-guard does not read")
        target, attribute = argument
        kind = self.kinds.get(target)
        if kind is None:
            return Unknown(f"Fn::GetAtt {target}: no such resource in the template")
        trace.references.append(f"{kind}.{target}")
        return Unknown(f"Fn::GetAtt {target}.{attribute}: known after the stack is deployed")

    def parts(self, node: Any, trace: Trace, secret_ok: bool = False, depth: int = 0) -> list | None:
        """The parts of a Fn::Sub / Fn::Join string, each a str or an Unknown
        (None: not such a function, or not a form it reads). A plain string
        is one part."""
        if isinstance(node, str):
            return [node]
        if not is_intrinsic(node):
            return None
        name, argument = next(iter(node.items()))
        if name == "Fn::Sub":
            return self._sub(argument, trace, secret_ok, depth)
        if name == "Fn::Join":
            if not (isinstance(argument, list) and len(argument) == 2 and isinstance(argument[0], str)):
                return None
            items = self.evaluate(argument[1], trace, secret_ok, depth + 1)
            if items.__class__ is Unknown:
                return [items]
            if not isinstance(items, list):
                return None
            parts: list = []
            for index, item in enumerate(items):
                if index:
                    parts.append(argument[0])
                parts.append(item if item.__class__ is Unknown else _text(item))
            return parts
        return None

    def _sub(self, argument: Any, trace: Trace, secret_ok: bool, depth: int) -> list | None:
        variables: dict = {}
        if isinstance(argument, list) and len(argument) == 2 and isinstance(argument[1], dict):
            argument, variables = argument
        if not isinstance(argument, str):
            return None
        parts: list = []
        position = 0
        for match in _SUB_VARIABLE.finditer(argument):
            parts.append(argument[position : match.start()])
            position = match.end()
            name = match.group(1).strip()
            if name.startswith("!"):
                parts.append("${" + name[1:] + "}")
            elif name in variables:
                value = self.evaluate(variables[name], trace, secret_ok, depth + 1)
                parts.append(value if value.__class__ is Unknown else _text(value))
            elif "." in name and name.split(".", 1)[0] in self.kinds:
                parts.append(self._get_att(name, trace))
            else:
                value = self._ref(name, trace, secret_ok, bare=False)
                parts.append(value if value.__class__ is Unknown else _text(value))
        parts.append(argument[position:])
        return [p for p in parts if p != ""]

    def _if(self, argument: Any, trace: Trace, secret_ok: bool, depth: int) -> Any:
        if not (isinstance(argument, list) and len(argument) == 3 and isinstance(argument[0], str)):
            trace.literal = False
            return Unknown("Fn::If with arguments ecs-guard does not read")
        condition = self.condition(argument[0])
        if condition is not None:
            return self.evaluate(argument[1 if condition else 2], trace, secret_ok, depth)
        first = self.evaluate(argument[1], trace, secret_ok, depth)
        second = self.evaluate(argument[2], trace, secret_ok, depth)
        if first == second and first_unknown(first) is None:
            return first
        trace.literal = False
        reason = self.condition_reason(argument[0])
        self.undecided[argument[0]] = reason
        return Unknown(f"Fn::If on condition {argument[0]}, which is not known ({reason}), and its branches differ")

    def _select(self, argument: Any, trace: Trace, secret_ok: bool, depth: int) -> Any:
        if not (isinstance(argument, list) and len(argument) == 2):
            trace.literal = False
            return Unknown("Fn::Select with arguments ecs-guard does not read")
        index = self.evaluate(argument[0], trace, secret_ok, depth)
        source = argument[1]
        if isinstance(index, str) and index.isdigit():
            index = int(index)
        if is_intrinsic(source) and next(iter(source)) == "Fn::GetAZs" and isinstance(index, int):
            trace.literal = False
            return f"availability zone {index} of the region"
        items = self.evaluate(source, trace, secret_ok, depth)
        if items.__class__ is Unknown:
            return items
        if index.__class__ is Unknown:
            return index
        if isinstance(items, list) and isinstance(index, int) and 0 <= index < len(items):
            return items[index]
        trace.literal = False
        return Unknown("Fn::Select index out of range")

    def _find_in_map(self, argument: Any, trace: Trace, secret_ok: bool, depth: int) -> Any:
        if not (isinstance(argument, list) and len(argument) in (3, 4)):
            trace.literal = False
            return Unknown("Fn::FindInMap with arguments ecs-guard does not read")
        keys = [self.evaluate(a, trace, secret_ok, depth) for a in argument[:3]]
        missing = next((k for k in keys if k.__class__ is Unknown), None)
        if missing is not None:
            return missing
        found: Any = self.mappings
        for key in keys:
            found = found.get(_text(key)) if isinstance(found, dict) else None
        if found is None and len(argument) == 4 and isinstance(argument[3], dict):
            found = argument[3].get("DefaultValue")
        if found is None:
            trace.literal = False
            return Unknown(f"Fn::FindInMap: no entry in mapping {_text(keys[0])}")
        return self.evaluate(found, trace, secret_ok, depth)

    # ----------------------------------------------------------------- conditions

    def condition(self, name: str) -> bool | None:
        """Whether condition `name` holds; None when it is not known."""
        if name in self._conditions:
            return self._conditions[name]
        self._conditions[name] = None  # a condition that refers to itself stays not known
        self._condition_reasons[name] = f"condition {name} refers to itself"
        reasons: list[str] = []
        result = self._truth(self.condition_specs.get(name), reasons, 0)
        self._conditions[name] = result
        self._condition_reasons[name] = reasons[0] if reasons else f"condition {name} is not defined"
        return result

    def condition_reason(self, name: str) -> str:
        self.condition(name)
        return self._condition_reasons.get(name, f"condition {name} is not known")

    def _truth(self, node: Any, reasons: list[str], depth: int) -> bool | None:
        if depth > _MAX_DEPTH or not is_intrinsic(node):
            if isinstance(node, bool):
                return node
            return None
        name, argument = next(iter(node.items()))
        if name == "Condition" and isinstance(argument, str):
            result = self.condition(argument)
            if result is None:
                reasons.append(self._condition_reasons.get(argument, f"condition {argument} is not known"))
            return result
        if name == "Fn::Equals" and isinstance(argument, list) and len(argument) == 2:
            trace = Trace()
            left, right = (self.evaluate(a, trace) for a in argument)
            unknown = first_unknown(left) or first_unknown(right)
            if unknown is not None:
                reasons.append(unknown.reason)
                return None
            return _text(left) == _text(right) if not isinstance(left, list) else left == right
        if name in ("Fn::And", "Fn::Or") and isinstance(argument, list):
            values = [self._truth(a, reasons, depth + 1) for a in argument]
            if name == "Fn::And":
                return False if False in values else (None if None in values else True)
            return True if True in values else (None if None in values else False)
        if name == "Fn::Not" and isinstance(argument, list) and len(argument) == 1:
            value = self._truth(argument[0], reasons, depth + 1)
            return None if value is None else not value
        reasons.append(f"{name} is not a condition function ecs-guard reads")
        return None


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
