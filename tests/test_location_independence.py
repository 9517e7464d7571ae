"""The config file and the baseline mean the same whatever the working directory."""

from __future__ import annotations

import json
import os

import pytest
from input_helpers import TASKDEFS

from ecs_guard.baseline import baseline_document
from ecs_guard.cli import main
from ecs_guard.config import load_config
from ecs_guard.scan import configured_scan

TASKDEF = (TASKDEFS / "register-input.json").read_text()


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """REPO/.git, REPO/.ecs-guard.yaml (only EG602), REPO/infra/taskdef.json; the working directory elsewhere."""
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / ".ecs-guard.yaml").write_text("select: [EG602]\n")
    (root / "infra").mkdir()
    (root / "infra" / "taskdef.json").write_text(TASKDEF)
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    return root


def _scan_json(capsys, *argv: str) -> tuple[int, dict, str]:
    code = main(["scan", *argv, "--format", "json"])
    out, err = capsys.readouterr()
    return code, json.loads(out), err


def test_the_config_is_found_from_the_scanned_path_not_the_working_directory(repo, capsys):
    code, report, _ = _scan_json(capsys, str(repo / "infra"))
    assert [r["id"] for r in report["rules"]] == ["EG602"]
    assert {f["rule_id"] for f in report["findings"]} == {"EG602"}
    assert code == 1


def test_verbose_names_the_config_file_that_applied(repo, capsys):
    main(["scan", str(repo / "infra" / "taskdef.json"), "--verbose", "--format", "json"])
    err = capsys.readouterr().err
    assert f"ecs-guard: config: {(repo / '.ecs-guard.yaml').as_posix()}" in err
    (repo / ".ecs-guard.yaml").unlink()
    main(["scan", str(repo / "infra"), "--verbose", "--format", "json"])
    assert "ecs-guard: config: none found from " in capsys.readouterr().err


def test_a_baseline_written_at_the_root_matches_from_a_subfolder(repo, capsys, monkeypatch):
    monkeypatch.chdir(repo)
    assert main(["baseline", "infra", "-o", ".ecs-guard-baseline.json"]) == 0
    capsys.readouterr()
    monkeypatch.chdir(repo / "infra")
    code, report, err = _scan_json(capsys, ".", "--baseline", "../.ecs-guard-baseline.json")
    assert code == 0 and report["findings"] == [] and report["baseline"]["findings_not_shown"] >= 1
    assert "warning" not in err
    written = json.loads((repo / ".ecs-guard-baseline.json").read_text())
    assert {e["file"] for e in written["findings"]} == {"infra/taskdef.json"}  # relative to the baseline's folder


def test_a_baseline_written_from_a_subfolder_matches_from_the_root_and_from_elsewhere(repo, capsys, monkeypatch):
    monkeypatch.chdir(repo / "infra")
    assert main(["baseline", ".", "-o", "../.ecs-guard-baseline.json"]) == 0
    capsys.readouterr()
    monkeypatch.chdir(repo)
    code, report, _ = _scan_json(capsys, "infra", "--baseline", ".ecs-guard-baseline.json")
    assert code == 0 and report["findings"] == []
    monkeypatch.chdir(repo.parent / "elsewhere")
    code, report, _ = _scan_json(capsys, str(repo / "infra"), "--baseline", str(repo / ".ecs-guard-baseline.json"))
    assert code == 0 and report["findings"] == []


def test_an_existing_baseline_with_paths_from_the_repository_root_still_matches(repo, capsys, monkeypatch):
    """Written before paths were made relative to the baseline: from the root, kept in a subfolder."""
    monkeypatch.chdir(repo)
    old = baseline_document(configured_scan(["infra"], load_config()))  # paths as seen from the root
    (repo / "ci").mkdir()
    (repo / "ci" / "baseline.json").write_text(json.dumps(old))
    for folder, target, baseline in ((repo, "infra", "ci/baseline.json"), (repo / "infra", ".", "../ci/baseline.json")):
        os.chdir(folder)
        code, report, err = _scan_json(capsys, target, "--baseline", baseline)
        assert code == 0 and report["findings"] == [], folder
        assert "warning" not in err


def test_a_baseline_of_which_no_entry_matches_gives_a_warning(repo, capsys, monkeypatch):
    monkeypatch.chdir(repo)
    main(["baseline", "infra", "-o", "baseline.json"])
    capsys.readouterr()
    (repo / "infra" / "taskdef.json").rename(repo / "infra" / "moved.json")
    code, report, err = _scan_json(capsys, "infra", "--baseline", "baseline.json")
    assert code == 1 and report["findings"]
    assert "ecs-guard: warning: none of the 1 entry of baseline baseline.json matched" in err
