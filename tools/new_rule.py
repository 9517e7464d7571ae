#!/usr/bin/env python3
"""Scaffold a new rule: its module in rules/, its case file in
fixtures/rules/, and its row in the catalogue (docs/RULES.md).

    python tools/new_rule.py EG605 container-memory-limit --target Container --severity medium

Then, by hand: the check and the docstring in the module, the cases (every
input kind needs a failing and a passing case; the skeleton's cases expect
nothing yet, so tests/test_catalogue.py fails until they are written), the
row's "fires when" and peers in docs/RULES.md; and, generated:
`python tools/make_plans.py EG605` (the plan cases) and
`python -m ecs_guard.docs_gen` (docs/rules/ and the README's table).
CONTRIBUTING.md, "Adding a rule", walks through it.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGETS = ("Container", "TaskDefinition", "Service", "TaskSet", "Cluster")
SEVERITIES = ("critical", "high", "medium", "low", "info")

MODULE = '''"""{id} {name}."""

from __future__ import annotations

from ecs_guard.model import {target}
from ecs_guard.results import Severity
from ecs_guard.rule import rule


@rule(id="{id}", name="{name}", severity=Severity.{severity_upper}, target={target}, peers={{}})
def {function}({var}: {target}):
    """## What it does
    Flags a {what} that TODO.

    ## Why is this bad?
    TODO

    ## Example
    ```json
    TODO
    ```

    ## Use instead
    ```json
    TODO
    ```

    ## References
    - https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html
    """
    value = {var}.TODO_FIELD  # the model field this rule judges (ecs_guard/model.py)
    if not value.known:
        yield value.not_evaluated()  # never a pass: an unknown value is "not evaluated"
    elif value.value is None:
        yield value.finding(f"TODO: what is wrong with {{{var}.name.value!r}}")
'''

TASK_DEFINITION_CASES = """rule: {id}
cases:
  - name: plan-fails
    kind: plan
    tf: |
      resource "aws_ecs_task_definition" "web" {{
        family                   = "web"
        requires_compatibilities = ["FARGATE"]
        network_mode             = "awsvpc"
        cpu                      = "256"
        memory                   = "512"
        container_definitions = jsonencode([
          {{ name = "web", image = "123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/web:1.4.2" }}
        ])
      }}
    expect: []  # TODO: {{resource: aws_ecs_task_definition.web, container: web, line: 1}}

  - name: plan-passes
    kind: plan
    tf: |
      TODO
    expect: []

  - name: hcl-fails
    kind: hcl
    tf: |
      resource "aws_ecs_task_definition" "web" {{
        family                   = "web"
        requires_compatibilities = ["FARGATE"]
        network_mode             = "awsvpc"
        cpu                      = "256"
        memory                   = "512"
        container_definitions = jsonencode([
          {{ name = "web", image = "123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/web:1.4.2" }}
        ])
      }}
    expect: []  # TODO: {{resource: aws_ecs_task_definition.web, container: web, line: 8}}

  - name: hcl-passes
    kind: hcl
    tf: |
      TODO
    expect: []

  - name: taskdef-fails
    kind: taskdef
    files:
      taskdef.json: |
        {{
          "family": "web",
          "containerDefinitions": [
            {{"name": "web", "image": "123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/web:1.4.2"}}
          ]
        }}
    expect: []  # TODO: {{resource: "family:web", container: web, line: 4, file: taskdef.json}}

  - name: taskdef-passes
    kind: taskdef
    files:
      taskdef.json: |
        TODO
    expect: []

  - name: snapshot-fails
    kind: snapshot
    files:
      describe-task-definition.json: |
        {{"taskDefinition": {{
          "taskDefinitionArn": "arn:aws:ecs:ap-northeast-2:123456789012:task-definition/web:1",
          "family": "web", "revision": 1, "status": "ACTIVE",
          "containerDefinitions": [
            {{"name": "web", "image": "123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/web:1.4.2"}}
          ]
        }}}}
    expect: []  # TODO: {{resource: "arn:aws:ecs:ap-northeast-2:123456789012:task-definition/web:1", container: web, line: 5}}

  - name: snapshot-passes
    kind: snapshot
    files:
      describe-task-definition.json: |
        TODO
    expect: []
"""

SERVICE_CASES = """rule: {id}
not_applicable:
  taskdef: a task definition file has no {what}s
cases:
  - name: plan-fails
    kind: plan
    tf: |
      TODO  # a {what} that breaks the rule
    expect: []  # TODO

  - name: plan-passes
    kind: plan
    tf: |
      TODO
    expect: []

  - name: hcl-fails
    kind: hcl
    tf: |
      TODO
    expect: []  # TODO

  - name: hcl-passes
    kind: hcl
    tf: |
      TODO
    expect: []

  - name: snapshot-fails
    kind: snapshot
    files:
      describe-services.json: |
        TODO
    expect: []  # TODO

  - name: snapshot-passes
    kind: snapshot
    files:
      describe-services.json: |
        TODO
    expect: []
"""


def catalogue_row(rule_id: str, name: str, severity: str) -> str:
    return f"| {rule_id} | {name} | TODO: when it fires | {severity} | TODO: peers, or — |"


def add_to_catalogue(text: str, rule_id: str, row: str) -> str:
    """The row, after the last row of its section's table (EG6xx after EG604)."""
    section = rule_id[:3]
    rows = [m for m in re.finditer(r"^\| (EG\d{3}) \|.*$", text, re.M) if m.group(1).startswith(section)]
    if not rows:
        raise SystemExit(f"docs/RULES.md has no {section}xx table: add the section first")
    if any(m.group(1) == rule_id for m in rows):
        raise SystemExit(f"{rule_id} is already in docs/RULES.md")
    end = rows[-1].end()
    return text[:end] + "\n" + row + text[end:]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("rule_id", metavar="EGnnn")
    parser.add_argument("name", help="kebab-case, e.g. container-memory-limit")
    parser.add_argument("--target", choices=TARGETS, required=True)
    parser.add_argument("--severity", choices=SEVERITIES, default="medium")
    args = parser.parse_args(argv)
    if not re.fullmatch(r"EG\d{3}", args.rule_id):
        parser.error("the ID looks like EG605")
    if not re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*", args.name):
        parser.error("the name is kebab-case, like container-memory-limit")
    function = args.name.replace("-", "_")
    module = ROOT / "rules" / f"{args.rule_id.lower()}_{function}.py"
    cases = ROOT / "fixtures" / "rules" / f"{args.rule_id}.yaml"
    catalogue = ROOT / "docs" / "RULES.md"
    for path in (module, cases):
        if path.exists():
            raise SystemExit(f"{path.relative_to(ROOT)} exists already")
    what = {
        "Container": "container",
        "TaskDefinition": "task definition",
        "Service": "service",
        "TaskSet": "task set",
        "Cluster": "cluster",
    }[args.target]
    var = {"Container": "c", "TaskDefinition": "td", "Service": "service", "TaskSet": "task_set", "Cluster": "cluster"}[
        args.target
    ]
    fields = {
        "id": args.rule_id,
        "name": args.name,
        "target": args.target,
        "function": function,
        "var": var,
        "what": what,
        "severity_upper": args.severity.upper(),
    }
    template = TASK_DEFINITION_CASES if args.target in ("Container", "TaskDefinition") else SERVICE_CASES
    text = catalogue.read_text(encoding="utf-8")
    updated = add_to_catalogue(text, args.rule_id, catalogue_row(args.rule_id, args.name, args.severity))
    module.write_text(MODULE.format(**fields), encoding="utf-8")
    cases.write_text(template.format(**fields), encoding="utf-8")
    catalogue.write_text(updated, encoding="utf-8")
    for path in (module, cases, catalogue):
        print(f"wrote {path.relative_to(ROOT)}")
    print(
        f"next: write the check and the cases (every TODO), then python tools/make_plans.py {args.rule_id} "
        "and python -m ecs_guard.docs_gen"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
