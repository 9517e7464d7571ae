"""Values of the wrong type anywhere in a JSON input (issue 10, item 8): the
file is a named problem (exit code 3), never an internal error, and the
rest of the scan goes on. A small mutation fuzzer over the snapshot, task
definition and plan fixtures keeps it so."""

from __future__ import annotations

import contextlib
import io
import json
import random
import shutil
from pathlib import Path

import pytest

from ecs_guard import cli

ROOT = Path(__file__).resolve().parents[1]
SHOP = ROOT / "fixtures" / "snapshots" / "shop-account"


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(list(argv))
    return code, out.getvalue(), err.getvalue()


def mutate(data, path: tuple, value):
    node = data
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    return data


def test_a_cluster_arn_that_is_a_number_is_a_named_problem_and_the_rest_is_scanned(tmp_path):
    folder = tmp_path / "shop"
    shutil.copytree(SHOP, folder)
    clusters = folder / "describe-clusters.json"
    clusters.write_text(
        json.dumps(mutate(json.loads(clusters.read_text()), ("clusters", 0, "clusterArn"), 12), indent=2)
    )
    output = tmp_path / "report.json"
    code, _, err = run("scan", "--format", "json", "-o", str(output), str(folder))
    assert code == 3, err
    assert "internal error" not in err
    report = json.loads(output.read_text())
    problems = [(Path(p["file"]).name, p["line"], p["message"], p["kind"]) for p in report["input_problems"]]
    assert problems == [
        ("describe-clusters.json", 4, "clusters[0].clusterArn: expected a string, found a number", "unreadable")
    ]
    assert len(report["findings"]) > 20  # the services, task definitions... of the other files


def test_a_container_name_that_is_a_number_is_a_named_problem(tmp_path):
    source = ROOT / "fixtures" / "taskdefs" / "describe-output.json"
    data = mutate(json.loads(source.read_text()), ("taskDefinition", "containerDefinitions", 0, "name"), 10**30)
    (tmp_path / "taskdef.json").write_text(json.dumps(data))
    for output_format in ("json", "sarif", "console", "github", "junit"):
        code, out, err = run("scan", "--format", output_format, str(tmp_path))
        assert code == 3, (output_format, err)
        assert "internal error" not in err and "Traceback" not in err
    code, out, _ = run("scan", "--format", "json", str(tmp_path))
    assert [p["message"] for p in json.loads(out)["input_problems"]] == [
        "taskDefinition.containerDefinitions[0].name: expected a string, found a number"
    ]


# ----------------------------------------------------------------- mutation fuzzing

WRONG_VALUES = [7, -1, 1.5, 10**30, True, False, None, "", "x", [], [1, "a"], {}, {"k": 1}]
FUZZ_RUNS = 150


def fuzz_sources() -> list[Path]:
    fixtures = ROOT / "fixtures"
    return sorted(
        [
            *fixtures.glob("snapshots/shop-account/*.json"),
            *fixtures.glob("snapshots/iam-pieces/*.json"),
            *fixtures.glob("taskdefs/*.json"),
            *fixtures.glob("rules/plans/EG50*/*.json"),
        ]
    )


def json_paths(node, prefix: tuple = ()):
    if prefix:
        yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from json_paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from json_paths(value, (*prefix, index))


def test_values_of_the_wrong_type_never_make_an_internal_error(tmp_path):
    rng = random.Random(1)  # deterministic (this seed makes main before issue 10 fail): a failure names its case
    sources = fuzz_sources()
    assert len(sources) > 20
    texts = {source: source.read_text() for source in sources}
    failures = []
    for run_number in range(FUZZ_RUNS):
        source = rng.choice(sources)
        data = json.loads(texts[source])
        path = rng.choice(list(json_paths(data)))
        value = rng.choice(WRONG_VALUES)
        folder = tmp_path / f"run{run_number}"
        if source.parent == SHOP:
            shutil.copytree(SHOP, folder)  # a snapshot file is read with its neighbours
        else:
            folder.mkdir()
        (folder / source.name).write_text(json.dumps(mutate(data, path, value), indent=1))
        code, out, err = run("scan", "--format", "json", str(folder))
        if code not in (0, 1, 3) or "internal error" in err or "Traceback" in err:
            failures.append((source.name, path, value, code, err.strip()[-300:]))
        else:
            json.loads(out)  # a whole report every time
        shutil.rmtree(folder)
    assert failures == []


def test_the_check_made_while_parsing_agrees_with_the_walk_that_says_where():
    """FieldTypes (run by json.loads on every object) tells whether a file has
    a field of the wrong type; wrong_type walks the file only then, to say
    where. On every mutation of the fixtures, they agree, with one checker
    reused for every text (a wrong file does not taint the next)."""
    from ecs_guard.inputs.jsondocs.types import FieldTypes, wrong_type

    rng = random.Random(2)
    sources = fuzz_sources()
    flagged = 0
    field_types = FieldTypes()  # one for every text, as a scan keeps one for every file
    for _ in range(400):
        data = json.loads(rng.choice(sources).read_text())
        path = rng.choice(list(json_paths(data)))
        text = json.dumps(mutate(data, path, rng.choice(WRONG_VALUES)))
        parsed = field_types.loads(text)
        assert parsed == json.loads(text)
        assert field_types.wrong == (wrong_type(parsed) is not None), path
        flagged += field_types.wrong
    assert 40 < flagged < 400  # both answers were met


def test_the_check_made_while_parsing_still_checks_after_many_distinct_keys():
    """The keys FieldTypes remembers are bounded (input chooses them): once
    the memory is full and cleared, a known key of the wrong type is still found."""
    from ecs_guard.inputs.jsondocs.types import FieldTypes

    many = {f"key{n}": 1 for n in range(12_000)}
    field_types = FieldTypes()
    json.loads(json.dumps([{"clusterArn": "a"}, many, {"clusterArn": 5, "other": 1}]), object_hook=field_types.see)
    assert field_types.wrong
