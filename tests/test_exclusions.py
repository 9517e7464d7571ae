"""What a walk leaves out (default folders, --exclude, the config's exclude), counted
in the report, and how it survives symlink loops."""

from __future__ import annotations

import json
import os

import pytest
from input_helpers import TASKDEFS

from ecs_guard.cli import main
from ecs_guard.inputs import load
from ecs_guard.inputs.exclude import Exclude, Exclusions

TASKDEF = (TASKDEFS / "register-input.json").read_text()
DEFAULT_SKIPPED = (".git", ".terraform", ".terragrunt-cache", "node_modules", ".venv", "venv", "site-packages")


@pytest.fixture
def tree(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _write(path, text: str = TASKDEF):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def _json_report(capsys, *argv: str) -> dict:
    main(["scan", *argv, "--format", "json"])
    return json.loads(capsys.readouterr().out)


def test_tool_folders_are_skipped_by_default_and_counted(tree, capsys):
    _write(tree / "app" / "taskdef.json")
    for folder in DEFAULT_SKIPPED:
        _write(tree / "app" / folder / "copy" / "taskdef.json")
    _write(tree / "lib" / "python3.12" / "site-packages" / "pkg" / "data.json", "{ not json")
    report = _json_report(capsys, ".")
    assert report["files"] == ["app/taskdef.json"]
    assert report["summary"]["inputs_not_understood"] == report["summary"]["inputs_unreadable"] == 0
    counted = [folder for folder in DEFAULT_SKIPPED if folder != ".git"]  # in every repository: not counted
    assert sorted(report["skipped"]) == sorted(
        [f"app/{folder}/" for folder in counted] + ["lib/python3.12/site-packages/"]
    )
    assert report["summary"]["paths_skipped"] == len(counted) + 1


def test_the_console_summary_counts_skipped_folders_and_verbose_lists_them(tree, capsys):
    _write(tree / "taskdef.json")
    _write(tree / ".terragrunt-cache" / "abc" / "taskdef.json")
    main(["scan", "."])
    summary = capsys.readouterr().out.strip().splitlines()[-1]
    assert "; 1 skipped" in summary
    main(["scan", ".", "--verbose"])
    out = capsys.readouterr().out
    assert "\n  .terragrunt-cache/\n" in out


def test_exclude_globs_match_names_at_any_depth_and_paths_from_the_working_directory(tree, capsys):
    for path in ("keep/taskdef.json", "legacy/taskdef.json", "deep/legacy/taskdef.json", "infra/old/taskdef.json"):
        _write(tree / path)
    _write(tree / "infra" / "new" / "old" / "taskdef.json")  # infra/old is a path glob: this one stays
    report = _json_report(capsys, ".", "--exclude", "legacy", "--exclude", "infra/old")
    assert report["files"] == ["infra/new/old/taskdef.json", "keep/taskdef.json"]
    assert sorted(report["skipped"]) == ["deep/legacy/", "infra/old/", "legacy/"]


def test_exclude_globs_skip_files_and_trailing_slash_means_folders_only():
    exclusions = Exclusions([Exclude("*.generated.json", "/repo"), Exclude("build/", "/repo")])
    assert exclusions.excludes("/repo/a/x.generated.json", "x.generated.json", folder=False)
    assert not exclusions.excludes("/repo/a/x.json", "x.json", folder=False)
    assert exclusions.excludes("/repo/build", "build", folder=True)
    assert not exclusions.excludes("/repo/build", "build", folder=False)  # a file named build
    assert not Exclusions()


def test_the_configs_exclude_is_relative_to_the_config_and_a_flag_replaces_it(tree, capsys):
    (tree / ".git").mkdir()
    (tree / ".ecs-guard.yaml").write_text("exclude: [infra/legacy]\n")
    _write(tree / "infra" / "legacy" / "taskdef.json")
    _write(tree / "infra" / "live" / "taskdef.json")
    os.chdir(tree / "infra")
    report = _json_report(capsys, ".")
    assert report["files"] == ["live/taskdef.json"] and report["skipped"] == ["legacy/"]
    report = _json_report(capsys, ".", "--exclude", "live")
    assert report["files"] == ["legacy/taskdef.json"] and report["skipped"] == ["live/"]


def test_an_empty_exclude_glob_in_the_config_is_a_usage_error(tree, capsys):
    (tree / ".ecs-guard.yaml").write_text("exclude: ['  ']\n")
    assert main(["scan", "."]) == 2
    assert "exclude[0]: must not be empty" in capsys.readouterr().err


def test_a_named_file_is_scanned_even_when_an_exclusion_matches_it(tree, capsys):
    _write(tree / "legacy" / "taskdef.json")
    report = _json_report(capsys, "legacy/taskdef.json", "--exclude", "legacy")
    assert report["files"] == ["legacy/taskdef.json"]


def test_two_folders_linked_to_each_other_are_walked_once(tree):
    _write(tree / "x" / "taskdef.json")
    _write(tree / "y" / "other.json", TASKDEF.replace('"checkout"', '"other"', 1))
    os.symlink("../y", tree / "x" / "to_y")
    os.symlink("../x", tree / "y" / "to_x")
    inventory = load(["."])
    assert sorted(td.address for td in inventory.task_definitions) == ["family:checkout", "family:other"]
    assert len(inventory.files) == 2 and inventory.problems == []


def test_a_loop_of_file_symlinks_is_one_clear_problem_each(tree):
    _write(tree / "taskdef.json")
    os.symlink("b.json", tree / "a.json")
    os.symlink("a.json", tree / "b.json")
    inventory = load(["."])
    assert inventory.files == ["taskdef.json"]
    assert [(p.path, p.kind) for p in inventory.problems] == [("a.json", "unreadable"), ("b.json", "unreadable")]
