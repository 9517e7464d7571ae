"""Reads fixtures/rules/EGnnn.yaml: the good and bad cases of one rule, in
every input kind (sqlfluff-style case files).

Format:

    rule: EG101
    not_applicable:            # input kinds where the rule cannot fire, with why
      taskdef: a task definition file has no services
    cases:
      - name: plan-public-ip   # unique in the file; plan JSON lives in plans/EG101/<name>.json
        kind: plan             # plan | hcl | taskdef | snapshot | cloudformation
        tf: |                  # plan cases: the Terraform the committed plan was made from
          resource "aws_ecs_service" "app" { ... }
        expect:                # every finding of this rule, exactly
          - {resource: aws_ecs_service.app, line: 1}
        not_evaluated:         # every not-evaluated result of this rule, exactly (default none)
          - {resource: ..., container: web}
      - name: taskdef-fails
        kind: taskdef          # taskdef and snapshot cases: the files, written into one folder
        files:
          taskdef.json: |
            {"family": "web", "containerDefinitions": [...]}
        expect:
          - {resource: "family:web", container: web, line: 3, file: taskdef.json}
      - name: hcl-public-ip
        kind: hcl              # Terraform source: `tf` is main.tf, `files` more files (modules, .tfvars)
        tf: |
          resource "aws_ecs_service" "app" { ... }
        expect:                # line (and file, default main.tf) of the attribute or key the finding is on
          - {resource: aws_ecs_service.app, line: 12}
          - {resource: 'module.api.aws_ecs_service.this["green"]', line: 9, file: modules/api/main.tf}

      - name: cfn-public-ip
        kind: cloudformation   # `files`: the template (and anything beside it), like taskdef cases
        files:
          template.yaml: |
            Resources: ...
        expect:                # line of the property (or of the parameter Default, or the logical ID)
          - {resource: Service, line: 12}

Plan cases' `files` are extra Terraform sources of the plan (its modules),
already in the committed plan; hcl cases' `files` are written beside main.tf.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
RULE_FIXTURES = ROOT / "fixtures" / "rules"
PLAN_DIR = RULE_FIXTURES / "plans"
KINDS = ("plan", "hcl", "taskdef", "snapshot", "cloudformation")


@dataclass
class Case:
    rule: str
    name: str
    kind: str
    files: dict[str, str]
    expect: list[dict]
    not_evaluated: list[dict]
    tf: str | None = None
    source: Path = field(default=RULE_FIXTURES)

    @property
    def id(self) -> str:
        return f"{self.rule}-{self.name}"

    @property
    def plan_path(self) -> Path:
        return PLAN_DIR / self.rule / f"{self.name}.json"

    @property
    def default_file(self) -> str | None:
        """The file an expectation without `file:` is in."""
        if self.kind in ("plan", "hcl"):
            return "plan.json" if self.kind == "plan" else "main.tf"
        return next(iter(self.files)) if len(self.files) == 1 else None

    def write(self, folder: Path) -> None:
        """Lay the case's inputs out in `folder`: the plan as plan.json, Terraform
        source as main.tf, other files by name."""
        if self.kind == "plan":  # its `files` are extra Terraform sources, already in the plan
            (folder / "plan.json").write_bytes(self.plan_path.read_bytes())
            return
        if self.kind == "hcl":
            (folder / "main.tf").write_text(self.tf or "")
        for name, text in self.files.items():
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)


def rule_files() -> list[Path]:
    return sorted(RULE_FIXTURES.glob("EG*.yaml"))


def load_file(path: Path) -> tuple[dict, list[Case]]:
    data = yaml.safe_load(path.read_text())
    cases = [
        Case(
            rule=data["rule"],
            name=c["name"],
            kind=c["kind"],
            files=c.get("files") or {},
            expect=c.get("expect") or [],
            not_evaluated=c.get("not_evaluated") or [],
            tf=c.get("tf"),
            source=path,
        )
        for c in data.get("cases") or []
    ]
    return data, cases


def all_cases() -> list[Case]:
    return [case for path in rule_files() for case in load_file(path)[1]]
