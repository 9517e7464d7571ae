"""A resource's identity includes its Terraform root (RULES.md v1.2, "Where
a finding points"; issue 9 item 11).

envs/prod and envs/staging both call modules/app: two task definitions,
written at the same line of the same file. Every output names them with
their root, their fingerprints differ, a baseline or an ignore of one never
hides the other; inline suppressions written in the module still apply to
every caller; resources written in the root's own folder keep the address
(and fingerprint) they always had.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json

import pytest
from test_hcl_root import write_module as write

from ecs_guard import cli
from ecs_guard.config import Config, Ignore
from ecs_guard.fingerprint import fingerprints_by_identity
from ecs_guard.reporters import json_report, sarif
from ecs_guard.scan import configured_scan

MODULE = """
variable "image" {
  type = string
}

resource "aws_ecs_task_definition" "this" {
  family                   = "app"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512
  container_definitions = jsonencode([{
    name      = "app"
    image     = var.image
    essential = true
  }])
}
"""

PROD = "envs/prod: module.app.aws_ecs_task_definition.this"
STAGING = "envs/staging: module.app.aws_ecs_task_definition.this"


def caller(image: str) -> str:
    return f'module "app" {{\n  source = "../../modules/app"\n  image  = "{image}"\n}}\n'


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path.parent / f"{tmp_path.name}-cache"))


@pytest.fixture
def tree(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(
        tmp_path,
        {
            "modules/app/main.tf": MODULE,
            "envs/prod/main.tf": caller("nginx:latest"),
            "envs/staging/main.tf": caller("nginx:latest"),
        },
    )
    return tmp_path


def eg201(*ignores: Ignore) -> Config:
    """EG201 only, with these ignores (relative to the working directory, the tree)."""
    return dataclasses.replace(Config().with_flags(select=["EG201"], ignore=[], fail_on=None), ignores=list(ignores))


def rendered(reporter, report) -> str:
    stream = io.StringIO()
    reporter.render(report, stream)
    return stream.getvalue()


# ----------------------------------------------------------------- names and fingerprints


def test_a_module_called_by_two_roots_gives_two_resources_named_with_their_root(tree):
    report = configured_scan(["."], eg201())
    # located where each root writes the image (RULES.md "Where a finding
    # points"), with the module's line that uses it as the related location
    assert sorted(
        (f.resource, f.root, f.location.path, [r.path for r in f.location.related]) for f in report.findings
    ) == [
        (PROD, "envs/prod", "envs/prod/main.tf", ["modules/app/main.tf"]),
        (STAGING, "envs/staging", "envs/staging/main.tf", ["modules/app/main.tf"]),
    ]


def test_every_output_names_the_root_and_the_fingerprints_differ(tree, capsys):
    report = configured_scan(["."], eg201())
    prints = fingerprints_by_identity(report.all_findings)
    assert len(set(prints.values())) == 2
    assert all(p.endswith(":1") for p in prints.values())  # not twins told apart by a counter

    doc = json.loads(rendered(json_report, report))
    assert sorted((f["resource"], f["root"]) for f in doc["findings"]) == [
        (PROD, "envs/prod"),
        (STAGING, "envs/staging"),
    ]

    run = json.loads(rendered(sarif, report))["runs"][0]
    names = sorted(r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] for r in run["results"])
    assert names == [PROD, STAGING]
    assert sorted(r["message"]["text"].split(" (container")[0] for r in run["results"]) == [PROD, STAGING]
    assert len({r["partialFingerprints"]["ecsGuard/v1"] for r in run["results"]}) == 2

    assert cli.main(["scan", ".", "--select", "EG201"]) == 1
    out = capsys.readouterr().out
    assert f"envs/prod/main.tf  {PROD}" in out and f"envs/staging/main.tf  {STAGING}" in out


def test_a_root_scanned_alone_names_its_resources_as_the_whole_repository_does(tree):
    """The name depends on where the resource is written, not on which other
    roots a scan reads: a pre-commit run over envs/staging alone matches a
    baseline taken over the whole repository."""
    whole = configured_scan(["."], eg201())
    alone = configured_scan(["envs/staging"], eg201())
    by_resource = {
        f.resource: p for f, p in ((f, fingerprints_by_identity(whole.findings)[id(f)]) for f in whole.findings)
    }
    (finding,) = alone.findings
    assert finding.resource == STAGING
    assert fingerprints_by_identity(alone.findings)[id(finding)] == by_resource[STAGING]


def test_resources_written_in_the_roots_own_folder_keep_their_address_and_fingerprint(tmp_path, monkeypatch):
    """Existing baselines of single roots stay valid: a root's own resources,
    and those of a module below the root's folder, are not renamed, and their
    fingerprint is the recipe's over the plain address (docs/sarif.md)."""
    monkeypatch.chdir(tmp_path)
    write(
        tmp_path,
        {
            "app/main.tf": MODULE.replace("var.image", '"nginx:latest"').replace(
                'variable "image"', 'variable "unused"'
            )
            + 'module "worker" {\n  source = "./modules/worker"\n}\n',
            "app/modules/worker/main.tf": MODULE.replace("var.image", '"nginx:latest"')
            .replace('"app"', '"worker"')
            .replace('variable "image"', 'variable "unused"'),
        },
    )
    report = configured_scan(["."], eg201())
    assert sorted((f.resource, f.root) for f in report.findings) == [
        ("aws_ecs_task_definition.this", ""),
        ("module.worker.aws_ecs_task_definition.this", ""),
    ]
    prints = fingerprints_by_identity(report.findings)
    for f in report.findings:
        identity = "|".join(("EG201", f.location.path, f.resource, f.container or "", " ".join(f.message.split())))
        assert prints[id(f)] == hashlib.sha256(identity.encode()).hexdigest() + ":1"


# ----------------------------------------------------------------- baselines


def test_a_baseline_taken_while_only_prod_used_latest_does_not_hide_stagings_new_latest(tree, capsys):
    (tree / "envs/staging/main.tf").write_text(caller("nginx:1.27"))
    assert cli.main(["baseline", ".", "--select", "EG201"]) == 0
    baseline = json.loads((tree / ".ecs-guard-baseline.json").read_text())
    assert [e["resource"] for e in baseline["findings"]] == [PROD]

    (tree / "envs/staging/main.tf").write_text(caller("nginx:latest"))
    capsys.readouterr()
    # the pre-commit shape: only the changed root is scanned
    assert cli.main(["scan", "envs/staging", "--select", "EG201", "--baseline", ".ecs-guard-baseline.json"]) == 1
    assert STAGING in capsys.readouterr().out
    # and the whole repository: prod's finding is in the baseline, staging's is new
    assert (
        cli.main(["scan", ".", "--select", "EG201", "--baseline", ".ecs-guard-baseline.json", "--format", "json"]) == 1
    )
    doc = json.loads(capsys.readouterr().out)
    assert [f["resource"] for f in doc["findings"]] == [STAGING]
    assert doc["baseline"]["findings_not_shown"] == 1


# ----------------------------------------------------------------- suppressions


def test_an_inline_suppression_in_the_module_applies_to_every_caller(tree):
    (tree / "modules/app/main.tf").write_text(
        MODULE.lstrip("\n").replace(
            "    image     = var.image", "    image     = var.image # ecs-guard:ignore EG201 callers pin by digest"
        )
    )
    report = configured_scan(["."], eg201())
    assert report.findings == []
    assert sorted(s.finding.resource for s in report.suppressed) == [PROD, STAGING]


def test_a_config_path_glob_can_target_one_root(tree):
    report = configured_scan(
        ["."], eg201(Ignore(rule="EG201", reason="staging follows latest", path="envs/staging/**"))
    )
    assert [f.resource for f in report.findings] == [PROD]
    assert [s.finding.resource for s in report.suppressed] == [STAGING]


def test_a_config_path_glob_of_the_module_still_covers_every_root(tree):
    report = configured_scan(["."], eg201(Ignore(rule="EG201", reason="shared", path="modules/**")))
    assert report.findings == [] and len(report.suppressed) == 2


def test_config_resource_globs_match_with_and_without_the_root(tree):
    old_style = configured_scan(["."], eg201(Ignore(rule="EG201", reason="known", resource="module.app.*")))
    assert old_style.findings == [] and len(old_style.suppressed) == 2
    one_root = configured_scan(["."], eg201(Ignore(rule="EG201", reason="known", resource="envs/prod: *")))
    assert [f.resource for f in one_root.findings] == [STAGING]
