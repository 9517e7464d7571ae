"""CDK cloud assemblies: the committed fixtures/cdk/service/cdk.out was
synthesised by the real aws-cdk-lib (tools/synth_cdk.py). It is read through
its manifest.json (stacks and their nested stack), findings name the construct
beside the logical ID, and the files of cdk.out that are no input are never
"not understood"."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from ecs_guard.config import Config
from ecs_guard.inputs import load
from ecs_guard.scan import configured_scan

ASSEMBLY = Path(__file__).resolve().parent.parent / "fixtures" / "cdk" / "service" / "cdk.out"
PARENT = "cdk.out/WebServiceStack.template.json"
NESTED = "cdk.out/WebServiceStackWorkersD388C6B4.nested.template.json"


def copied(tmp_path, monkeypatch) -> Path:
    """The assembly with the files the CDK also writes (and that are not committed) beside it."""
    target = tmp_path / "cdk.out"
    shutil.copytree(ASSEMBLY, target)
    (target / "tree.json").write_text(json.dumps({"version": "tree-0.1", "tree": {"id": "App", "path": ""}}))
    (target / "WebServiceStack.assets.json").write_text(json.dumps({"version": "55.0.0", "files": {}}))
    (target / "WebServiceStack.metadata.json").write_text(json.dumps({"/WebServiceStack": []}))
    (target / "cdk.out").write_text('{"version":"55.0.0"}')
    monkeypatch.chdir(tmp_path)
    return target


def test_the_synthesised_assembly_gives_the_expected_findings(tmp_path, monkeypatch):
    copied(tmp_path, monkeypatch)
    report = configured_scan(["."], Config())
    assert report.problems == []  # tree.json, *.assets.json, *.metadata.json: not ours, not "not understood"
    assert sorted(report.files) == [PARENT, NESTED]
    got = sorted((f.rule_id, f.resource, f.location.path) for f in report.findings)
    assert got == [
        ("EG101", "WebService7F8A1763 (WebServiceStack/WebService/Service)", PARENT),
        ("EG201", "WebTask51ED7374 (WebServiceStack/WebTask)", PARENT),
        ("EG408", "ClusterEB0386A7 (WebServiceStack/Cluster)", PARENT),
        ("EG601", "WebTask51ED7374 (WebServiceStack/WebTask)", PARENT),
        ("EG601", "WorkerTaskCBB1FEE3 (WebServiceStack/Workers/WorkerTask)", NESTED),
        ("EG603", "WebTask51ED7374 (WebServiceStack/WebTask)", PARENT),
        ("EG603", "WorkerTaskCBB1FEE3 (WebServiceStack/Workers/WorkerTask)", NESTED),
    ]
    # the service is linked to its target group and autoscaling (EG401, EG403 and EG406 pass)
    assert not any(f.rule_id in ("EG401", "EG403", "EG406") for f in report.findings)
    assert report.not_evaluated == []
    # the worker's image has no tag: suppressed through the construct's Metadata (addMetadata)
    [suppressed] = report.suppressed
    assert (suppressed.finding.rule_id, suppressed.finding.location.path) == ("EG201", NESTED)
    assert suppressed.suppression.justification == "the worker image is rebuilt and scanned nightly"


def test_findings_are_at_the_property_line_of_the_generated_template(tmp_path, monkeypatch):
    copied(tmp_path, monkeypatch)
    report = configured_scan(["."], Config())
    [image] = [f for f in report.findings if f.rule_id == "EG201"]
    lines = (tmp_path / PARENT).read_text().splitlines()
    assert lines[image.location.line - 1].strip().startswith('"Image": "public.ecr.aws/nginx/nginx:latest"')


def test_naming_the_manifest_reads_the_assembly_and_naming_a_template_reads_it_alone(tmp_path, monkeypatch):
    copied(tmp_path, monkeypatch)
    assert sorted(load(["cdk.out/manifest.json"]).files) == [PARENT, NESTED]
    inventory = load([PARENT])
    assert inventory.files == [PARENT]
    assert [td.address for td in inventory.task_definitions] == ["WebTask51ED7374 (WebServiceStack/WebTask)"]


def test_a_template_missing_from_the_assembly_is_a_problem_naming_the_manifest(tmp_path, monkeypatch):
    target = copied(tmp_path, monkeypatch)
    (target / "WebServiceStackWorkersD388C6B4.nested.template.json").unlink()
    inventory = load(["."])
    assert [(p.path, p.message) for p in inventory.problems] == [
        (
            PARENT,
            "WebServiceStackWorkersD388C6B4.nested.template.json: named in the assembly, but there is no such file",
        )
    ]
    assert inventory.files == [PARENT]  # the rest is scanned
