"""The baseline: fingerprints of the findings a project has, so that a scan
reports only new ones; the fingerprints are SARIF's and hold no line."""

from __future__ import annotations

import io
import json
import os

import pytest
from model_factory import make_task_definition
from sample_reports import make_rule, sample_report

from ecs_guard import cli
from ecs_guard.baseline import BaselineError, apply_baseline, baseline_document, read_baseline, write_baseline
from ecs_guard.cli import common
from ecs_guard.config import Config, Ignore
from ecs_guard.engine import run
from ecs_guard.fingerprint import fingerprinted
from ecs_guard.model import Inventory
from ecs_guard.reporters import sarif
from ecs_guard.results import Severity
from ecs_guard.suppress import apply_suppressions


def ecs_guard(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def sarif_prints(report) -> set[str]:
    stream = io.StringIO()
    sarif.render(report, stream)
    return {r["partialFingerprints"]["ecsGuard/v1"] for r in json.loads(stream.getvalue())["runs"][0]["results"]}


def twins_report(count: int):
    """`count` findings that differ only in a digit of their message: one hash, :1 .. :count."""

    def many(td):
        for i in range(count):
            yield td.family.finding(f"statement {i} allows *")

    return run(Inventory(task_definitions=[make_task_definition()]), [make_rule("EG993", many)])


# ----------------------------------------------------------------- the file


def test_the_document_holds_the_reported_findings_sorted_with_sarifs_fingerprints():
    report = sample_report()
    doc = baseline_document(report)
    assert doc["schema_version"] == 1 and doc["tool"]["name"] == "ecs-guard"
    assert [(e["rule_id"], e["resource"], e["file"]) for e in doc["findings"]] == [
        ("EG602", "family:web", "web.json"),
        ("EG991", "family:web", "web.json"),
    ]
    assert {e["fingerprint"] for e in doc["findings"]} == sarif_prints(report)


def test_write_and_read_round_trip(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # paths are written relative to the baseline's folder: here, the working directory
    path = tmp_path / "baseline.json"
    assert write_baseline(sample_report(), str(path)) == 2
    assert read_baseline(str(path)) == sarif_prints(sample_report())
    assert path.read_text().endswith("}\n")
    assert [p.name for p in tmp_path.iterdir()] == ["baseline.json"]  # no temporary file left


def test_suppressed_findings_are_not_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    report = sample_report()
    apply_suppressions(report, Config(ignores=[Ignore("EG602", "accepted")]))
    assert [e["rule_id"] for e in baseline_document(report)["findings"]] == ["EG991"]


@pytest.mark.parametrize(
    "text, message",
    [
        (None, "no such file"),
        ("{not json", "not valid JSON"),
        ('["a"]', "not an ecs-guard baseline"),
        ('{"schema_version": 1}', "not an ecs-guard baseline"),
        ('{"schema_version": 2, "findings": []}', "schema_version 2 is not 1"),
        ('{"schema_version": 1, "findings": [{"rule_id": "EG201"}]}', "findings[0] has no fingerprint"),
    ],
)
def test_a_missing_or_invalid_baseline_is_an_error_naming_the_file(tmp_path, text, message):
    path = tmp_path / "baseline.json"
    if text is not None:
        path.write_text(text)
    with pytest.raises(BaselineError) as raised:
        read_baseline(str(path))
    assert str(raised.value).startswith(f"baseline {path}: ") and message in str(raised.value)


# ----------------------------------------------------------------- applying it


def test_findings_in_the_baseline_are_left_out_and_counted():
    baseline = {e["fingerprint"] for e in baseline_document(sample_report())["findings"] if e["rule_id"] == "EG602"}
    report = sample_report()
    apply_baseline(report, baseline, "baseline.json")
    assert [f.rule_id for f in report.findings] == ["EG991"]
    assert [f.rule_id for f in report.baselined] == ["EG602"]
    assert report.baseline_file == "baseline.json"
    assert common.exit_code(report, Severity.HIGH) == 3  # sample_report has an unreadable input; EG602 no longer counts


def test_fingerprints_do_not_change_when_lines_move():
    baseline = {e["fingerprint"] for e in baseline_document(sample_report(privileged_line=7))["findings"]}
    report = sample_report(privileged_line=40)
    apply_baseline(report, baseline, "baseline.json")
    assert report.findings == [] and len(report.baselined) == 2


def test_a_new_twin_of_a_baselined_finding_is_new():
    baseline = {e["fingerprint"] for e in baseline_document(twins_report(2))["findings"]}
    report = twins_report(3)
    apply_baseline(report, baseline, "baseline.json")
    assert len(report.baselined) == 2 and len(report.findings) == 1
    [(_, fingerprint)] = [pair for pair in fingerprinted(report.all_findings) if pair[0] is report.findings[0]]
    assert fingerprint.endswith(":3")


def test_sarif_of_a_baselined_scan_keeps_the_fingerprints_and_says_what_was_left_out():
    before = sarif_prints(twins_report(3))
    baseline = {e["fingerprint"] for e in baseline_document(twins_report(2))["findings"]}
    report = twins_report(3)
    apply_baseline(report, baseline, "baseline.json")
    stream = io.StringIO()
    sarif.render(report, stream)
    run_ = json.loads(stream.getvalue())["runs"][0]
    [result] = run_["results"]
    assert result["partialFingerprints"]["ecsGuard/v1"] in before - baseline  # the same :3 as without a baseline
    [note] = [n for n in run_["invocations"][0]["toolExecutionNotifications"] if n["descriptor"]["id"] == "baselined"]
    assert note["level"] == "note" and note["message"]["text"].startswith("2 findings in the baseline baseline.json")


# ----------------------------------------------------------------- through the command line

TASK_DEFINITION = {
    "family": "web",
    "containerDefinitions": [
        {"name": "web", "image": "nginx:latest", "privileged": True},
    ],
}


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "taskdef.json").write_text(json.dumps(TASK_DEFINITION, indent=2) + "\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_baseline_command_writes_the_default_file(capsys, project):
    code, out, err = ecs_guard(capsys, "baseline", "--select", "EG201,EG602")
    assert (code, err) == (0, "")
    assert out == "Wrote 2 findings to .ecs-guard-baseline.json.\n"
    doc = json.loads((project / ".ecs-guard-baseline.json").read_text())
    assert [(e["rule_id"], e["file"]) for e in doc["findings"]] == [
        ("EG201", "taskdef.json"),
        ("EG602", "taskdef.json"),
    ]


def test_scan_with_the_baseline_survives_reindenting_and_inserted_lines(capsys, project):
    assert ecs_guard(capsys, "baseline", "--select", "EG201,EG602", "-o", "base.json")[0] == 0
    moved = {"family": "web", "cpu": "256", "memory": "512", "networkMode": "awsvpc", **TASK_DEFINITION}
    (project / "taskdef.json").write_text("\n\n" + json.dumps(moved, indent=8) + "\n")
    code, out, _ = ecs_guard(capsys, "scan", "--select", "EG201,EG602", "--baseline", "base.json", "--format", "json")
    doc = json.loads(out)
    assert code == 0 and doc["findings"] == []
    assert doc["baseline"] == {"file": "base.json", "findings_not_shown": 2}
    assert doc["summary"]["inputs_not_understood"] == 0  # base.json is no input


def test_scan_with_the_baseline_reports_only_new_findings(capsys, project):
    assert ecs_guard(capsys, "baseline", "--select", "EG201,EG602")[0] == 0
    grown = dict(
        TASK_DEFINITION,
        containerDefinitions=TASK_DEFINITION["containerDefinitions"]
        + [{"name": "sidecar", "image": "envoy:1.30", "privileged": True}],
    )
    (project / "taskdef.json").write_text(json.dumps(grown, indent=2) + "\n")
    code, out, _ = ecs_guard(capsys, "scan", "--select", "EG201,EG602", "--baseline", ".ecs-guard-baseline.json")
    assert code == 1
    assert "EG602  container 'sidecar' runs privileged" in out and "'web' runs privileged" not in out
    assert out.splitlines()[-1].startswith(
        "1 finding (0 critical, 1 high, 0 medium, 0 low, 0 info); 0 not evaluated; 2 in baseline; "
    )


def test_the_baseline_named_in_the_config_is_used_and_written(capsys, project):
    (project / ".ecs-guard.yaml").write_text("select: [EG201, EG602]\nbaseline: ci/ecs-baseline.json\n")
    code, _, err = ecs_guard(capsys, "scan")
    assert code == 2 and "baseline ci/ecs-baseline.json: no such file" in err
    (project / "ci").mkdir()
    code, out, _ = ecs_guard(capsys, "baseline")
    assert code == 0 and out == "Wrote 2 findings to ci/ecs-baseline.json.\n"
    code, out, _ = ecs_guard(capsys, "scan")
    assert code == 0 and "2 in baseline" in out


def test_baseline_into_a_missing_folder_is_exit_2_before_scanning(capsys, project):
    code, out, err = ecs_guard(capsys, "baseline", "-o", "no/such/dir/base.json")
    assert (code, out) == (2, "")
    assert err.startswith("ecs-guard: error: cannot write no/such/dir/base.json") and err.count("\n") == 1


def test_baseline_of_an_incomplete_scan_is_written_and_exits_3(capsys, project):
    (project / "broken.json").write_text('{"family": "x",\n')
    code, out, err = ecs_guard(capsys, "baseline", "--select", "EG602")
    assert code == 3
    assert out == "Wrote 1 finding to .ecs-guard-baseline.json.\n"
    assert "ecs-guard: warning: not read: broken.json" in err


@pytest.mark.parametrize(
    "content, fragment",
    [
        (None, "no such file"),
        ("[]", "not an ecs-guard baseline"),
    ],
)
def test_scan_with_a_missing_or_invalid_baseline_is_exit_2(capsys, project, content, fragment):
    if content is not None:
        (project / "base.json").write_text(content)
    code, out, err = ecs_guard(capsys, "scan", "--baseline", "base.json")
    assert (code, out) == (2, "")
    assert err.startswith("ecs-guard: error: baseline base.json: ") and fragment in err and err.count("\n") == 1


def test_the_baseline_is_json_sorted_and_stable(capsys, project):
    ecs_guard(capsys, "baseline", "-o", "one.json")
    ecs_guard(capsys, "baseline", "-o", "two.json")
    first = (project / "one.json").read_text()
    assert first == (project / "two.json").read_text()
    entries = json.loads(first)["findings"]
    assert len(entries) > 2
    assert entries == sorted(entries, key=lambda e: (e["file"], e["resource"], e["rule_id"], e["fingerprint"]))


def test_a_new_baseline_file_gets_the_usual_permissions(tmp_path):
    umask = os.umask(0o022)
    try:
        write_baseline(sample_report(), str(tmp_path / "baseline.json"))
    finally:
        os.umask(umask)
    assert (tmp_path / "baseline.json").stat().st_mode & 0o777 == 0o644
