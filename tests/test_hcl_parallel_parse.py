"""Parsing many .tf files in worker processes (ecs_guard/inputs/terraform/hcl/parallel_parse.py):
the same report as a serial run, broken files still named, no processes when
they would not pay."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ecs_guard.inputs.terraform.hcl.parse import HclSyntaxError, parse_cache, parse_cache_key, parse_hcl
from ecs_guard.inputs.terraform.hcl.syntax import to_json
from ecs_guard.inputs.terraform.source import parallel_parse
from ecs_guard.inputs.terraform.source.module import read_text

pytestmark = pytest.mark.slow  # end to end: real processes (deselect with -m "not slow")

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "hcl"


@pytest.fixture
def repository(tmp_path) -> Path:
    """Several roots, local modules, a broken file, and a file that is not UTF-8."""
    top = tmp_path / "repo"
    for name in ("ecs_stack", "modules", "bad_hcl", "expressions", "container_module", "unknowns"):
        shutil.copytree(FIXTURES / name, top / name)
    (top / "bad_hcl" / "latin1.tf").write_bytes(b'locals {\n  name = "caf\xe9"\n}\n')
    return top


def _scan(folder: Path, cache: Path, workers: str) -> tuple[int, dict]:
    environment = dict(os.environ, XDG_CACHE_HOME=str(cache), ECS_GUARD_PARSE_WORKERS=workers)
    run = subprocess.run(
        [sys.executable, "-m", "ecs_guard", "scan", "repo", "--format", "json"],
        cwd=folder.parent,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    # the JSON report is on stdout; stderr holds only the summary and the
    # inputs not read (the problems behind exit 3), never a traceback
    assert "Traceback" not in run.stderr and "internal error" not in run.stderr, run.stderr
    return run.returncode, json.loads(run.stdout)


def _tf_files(top: Path) -> list[Path]:
    return sorted(top.rglob("*.tf"))


def test_parallel_and_serial_cold_scans_give_the_same_report(repository, tmp_path):
    serial = _scan(repository, tmp_path / "serial-cache", "1")
    parallel = _scan(repository, tmp_path / "parallel-cache", "4")
    assert parallel == serial
    code, report = serial
    assert code == 3 and report["findings"] and report["input_problems"]


def test_a_file_that_fails_in_a_worker_is_still_a_named_problem(repository, tmp_path):
    _, report = _scan(repository, tmp_path / "cache", "2")
    problems = {(Path(p["file"]).name, p["line"], p["message"]) for p in report["input_problems"]}
    assert ("broken.tf", 10, "syntax error: unexpected '}'") in problems
    assert ("latin1.tf", None, "not UTF-8 text") in problems


def test_workers_fill_the_parse_cache_and_leave_broken_files_out(repository, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv(parallel_parse.WORKERS_VARIABLE, "2")
    folders = sorted({path.parent for path in _tf_files(repository)})
    parsed = parallel_parse.warm_parse_cache(folders)
    keys = {
        path.name if path.parent.name == "bad_hcl" else str(path): parse_cache_key("hcl", read_text(path))
        for path in _tf_files(repository)
        if path.name != "latin1.tf"
    }
    cache = parse_cache()
    not_cached = {name for name, key in keys.items() if not cache.has(key)}
    assert not_cached == {"broken.tf", "dup.tf"}
    assert parsed == len(set(keys.values())) - 2 >= 8  # each text once, every good one by a worker
    # everything cached now: a second pass starts no process
    assert parallel_parse.warm_parse_cache(folders) == 0


def test_workers_cache_the_syntax_a_serial_parse_gives_for_every_fixture_file(tmp_path, monkeypatch):
    """Workers are forked with the parser already loaded (shared, not loaded
    again): what they cache is, node for node and line for line, what the
    scan's own process parses from the same text."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv(parallel_parse.WORKERS_VARIABLE, "2")
    files = [path for path in sorted(ROOT.glob("**/*.tf")) if ".git" not in path.parts]
    parsed = parallel_parse.warm_parse_cache(sorted({path.parent for path in files}))
    cache = parse_cache()
    compared = 0
    for path in files:
        text = read_text(path)
        entry = cache.get(parse_cache_key("hcl", text))
        try:
            expected = to_json(parse_hcl(text))
        except HclSyntaxError:
            assert entry is None, path  # a broken file is left for the serial run to report
            continue
        assert entry == expected, path
        compared += 1
    assert compared >= 40 and parsed >= 30  # (copies of one text are parsed once)


def test_few_files_or_a_forced_serial_run_start_no_process(repository, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv(parallel_parse.WORKERS_VARIABLE, raising=False)
    small = [repository / "ecs_stack"]
    assert len(list(small[0].glob("*.tf"))) <= parallel_parse.THRESHOLD
    assert parallel_parse.warm_parse_cache(small) == 0
    assert not cache_entries(tmp_path / "cache")
    monkeypatch.setenv(parallel_parse.WORKERS_VARIABLE, "1")
    assert parallel_parse.warm_parse_cache(sorted({p.parent for p in _tf_files(repository)})) == 0
    assert not cache_entries(tmp_path / "cache")


def test_a_cache_that_cannot_be_written_means_a_serial_run(repository, tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    monkeypatch.setenv(parallel_parse.WORKERS_VARIABLE, "2")
    assert parallel_parse.warm_parse_cache(sorted({p.parent for p in _tf_files(repository)})) == 0


def cache_entries(cache: Path) -> list[Path]:
    return [path for path in cache.rglob("parsed/*/*") if path.is_file()]


def test_how_many_workers():
    count = parallel_parse.worker_count
    many = parallel_parse.THRESHOLD + 1
    assert count(parallel_parse.THRESHOLD, 2, None) == 0  # a small scan stays serial
    assert count(many, 2, None) == 2
    assert count(many, 1, None) == 1  # one CPU: serial
    assert count(100, 16, None) == parallel_parse.MAX_WORKERS
    assert count(3, 1, 4) == 3  # forced: one per file at most
    assert count(100, 1, 4) == 4
    assert count(100, 4, 1) == 1
