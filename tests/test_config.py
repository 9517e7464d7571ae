"""The config file: where it is found, what it may say, and the one-line
errors that name the key when it says something wrong."""

from __future__ import annotations

import datetime
import json
import re
import textwrap
from pathlib import Path

import jsonschema
import pytest
from model_factory import make_task_definition

from ecs_guard.config import SCHEMA, Config, ConfigError, Ignore, load_config
from ecs_guard.engine import run
from ecs_guard.model import Inventory
from ecs_guard.results import Severity
from ecs_guard.rule import all_rules, get_rule


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """A git checkout (a folder with .git) with a sub-folder as the working directory."""
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    work = tmp_path / "repo" / "infra" / "prod"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    return tmp_path / "repo"


def test_the_schema_is_a_valid_json_schema():
    jsonschema.Draft202012Validator.check_schema(json.loads(SCHEMA.read_text()))


# ----------------------------------------------------------------- finding the file


def test_no_config_file_means_the_defaults(repo):
    config = load_config()
    assert config == Config(directory=config.directory)
    assert config.file is None and config.ignores == [] and config.fail_on is None


@pytest.mark.parametrize("name", [".ecs-guard.yaml", ".ecs-guard.yml"])
def test_a_yaml_file_in_the_working_directory(repo, name):
    write(Path.cwd() / name, "fail-on: high\n")
    config = load_config()
    assert (config.file, config.fail_on) == (name, "high")


def test_a_yaml_file_in_a_parent_folder_up_to_the_git_root(repo):
    write(repo / ".ecs-guard.yaml", "select: [EG6]\n")
    config = load_config()
    assert config.select == ["EG6"]
    assert config.file == (repo / ".ecs-guard.yaml").resolve().as_posix()  # outside the working directory: absolute
    assert config.directory == str(repo.resolve())


def test_the_search_stops_at_the_git_root(repo):
    write(repo.parent / ".ecs-guard.yaml", "select: [EG6]\n")  # above the checkout: another project's
    assert load_config().file is None


def test_pyproject_table_is_used_when_there_is_no_yaml(repo):
    write(
        repo / "pyproject.toml",
        """\
        [project]
        name = "x"

        [tool.ecs-guard]
        ignore = ["EG4"]
        """,
    )
    config = load_config()
    assert config.ignore == ["EG4"] and config.file.endswith("pyproject.toml")


def test_a_pyproject_without_the_table_is_skipped(repo):
    write(Path.cwd() / "pyproject.toml", '[project]\nname = "x"\ndependencies = ["ecs-guard"]\n')
    write(repo / ".ecs-guard.yaml", "fail-on: low\n")
    assert load_config().fail_on == "low"


def test_the_nearest_folder_wins_and_yaml_beats_pyproject_in_one_folder(repo):
    write(repo / ".ecs-guard.yaml", "fail-on: low\n")
    write(Path.cwd() / "pyproject.toml", '[tool.ecs-guard]\nfail-on = "high"\n')
    assert load_config().fail_on == "high"
    write(Path.cwd() / ".ecs-guard.yaml", "fail-on: medium\n")
    assert load_config().fail_on == "medium"


def test_an_explicit_config_file(repo, tmp_path):
    other = write(tmp_path / "elsewhere" / "strict.yaml", "fail-on: info\n")
    write(Path.cwd() / ".ecs-guard.yaml", "fail-on: low\n")
    assert load_config(str(other)).fail_on == "info"


def test_an_explicit_config_file_that_is_missing_is_an_error(repo):
    with pytest.raises(ConfigError, match=r"^nope\.yaml: no such config file$"):
        load_config("nope.yaml")


def test_an_explicit_pyproject_without_the_table_is_an_error(repo):
    write(Path.cwd() / "pyproject.toml", '[project]\nname = "ecs-guard-user"\n')
    with pytest.raises(ConfigError, match=r"pyproject.toml: has no \[tool.ecs-guard\] table"):
        load_config("pyproject.toml")


# ----------------------------------------------------------------- what it says

FULL_YAML = """\
    select: [eg2, EG6]
    ignore: [EG603]
    severity:
      EG6: low
      EG602: critical
    fail-on: medium
    baseline: baselines/ecs.json
    ignores:
      - rule: EG201
        path: "legacy/**"
        resource: "aws_ecs_task_definition.*"
        reason: rebuilt nightly from a pinned base
        expires: 2027-01-31
      - rule: EG6
        reason: "  sandbox only  "
    """


def test_every_key_is_read(repo):
    write(repo / ".ecs-guard.yaml", FULL_YAML)
    config = load_config()
    assert config.select == ["EG2", "EG6"] and config.ignore == ["EG603"]
    assert config.severity == {"EG6": Severity.LOW, "EG602": Severity.CRITICAL}
    assert config.fail_on == "medium"
    first, second = config.ignores
    assert (first.rule, first.path, first.resource, first.reason, first.expires, first.key) == (
        "EG201",
        "legacy/**",
        "aws_ecs_task_definition.*",
        "rebuilt nightly from a pinned base",
        datetime.date(2027, 1, 31),
        "ignores[0]",
    )
    assert (second.rule, second.path, second.resource, second.reason, second.expires) == (
        "EG6",
        None,
        None,
        "sandbox only",
        None,
    )


def test_paths_are_relative_to_the_config_files_folder(repo):
    write(repo / ".ecs-guard.yaml", "baseline: baselines/ecs.json\n")
    assert load_config().baseline == (repo / "baselines" / "ecs.json").resolve().as_posix()
    write(Path.cwd() / ".ecs-guard.yaml", "baseline: ecs.json\n")
    assert load_config().baseline == "ecs.json"  # below the working directory: relative


def test_the_same_settings_in_pyproject(repo):
    write(
        repo / "pyproject.toml",
        """\
        [tool.ecs-guard]
        select = ["EG6"]
        fail-on = "high"
        severity = { EG602 = "low" }

        [[tool.ecs-guard.ignores]]
        rule = "EG601"
        path = "**/*.json"
        reason = "the image sets a user"
        expires = 2027-01-31
        """,
    )
    config = load_config()
    assert (config.select, config.fail_on, config.severity) == (["EG6"], "high", {"EG602": Severity.LOW})
    [ignore] = config.ignores
    assert (ignore.rule, ignore.path, ignore.expires) == ("EG601", "**/*.json", datetime.date(2027, 1, 31))
    assert ignore.key == "tool.ecs-guard.ignores[0]"


def test_an_empty_yaml_file_is_the_defaults(repo):
    write(Path.cwd() / ".ecs-guard.yaml", "# nothing configured yet\n")
    config = load_config()
    assert config.file == ".ecs-guard.yaml" and config.select == [] and config.ignores == []


def test_an_ignore_expires_on_its_date():
    ignore = Ignore("EG201", "ok", expires=datetime.date(2027, 1, 31))
    assert not ignore.expired(datetime.date(2027, 1, 30))
    assert ignore.expired(datetime.date(2027, 1, 31))
    assert not Ignore("EG201", "ok").expired(datetime.date(2999, 1, 1))


# ----------------------------------------------------------------- errors that name the key


@pytest.mark.parametrize(
    "text, message",
    [
        (
            "ignores:\n  - {rule: EG201, reason: x, expires: 2027-13-01}\n",
            "ignores[0].expires: '2027-13-01' is not a valid date (YYYY-MM-DD)",
        ),
        (
            "ignores:\n  - {rule: EG201, reason: x, expires: '31/01/2027'}\n",
            "ignores[0].expires: '31/01/2027' is not a valid date (YYYY-MM-DD)",
        ),
        ("ignores:\n  - {rule: EG201, reason: ok}\n  - {rule: EG202}\n", "ignores[1].reason: required, but missing"),
        ("ignores:\n  - {rule: EG201, reason: '   '}\n", "ignores[0].reason: must not be empty"),
        ("ignores:\n  - {reason: x}\n", "ignores[0].rule: required, but missing"),
        (
            "ignores:\n  - {rule: EG201, reason: x, resouce: y}\n",
            "ignores[0].resouce: unknown key (expected one of: expires, path, reason, resource, rule)",
        ),
        (
            "ignores:\n  - {rule: image-latest-tag, reason: x}\n",
            "ignores[0].rule: 'image-latest-tag' is not a rule code (EG followed by digits: EG6, EG602)",
        ),
        ("ignores:\n  - {rule: EG999, reason: x}\n", "ignores[0].rule: unknown rule code EG999"),
        (
            "selct: [EG1]\n",
            "selct: unknown key (expected one of: baseline, exclude, fail-on, ignore, ignores, select, severity)",
        ),
        ("select: EG1\n", "select: expected a list, got text"),
        ("select: [EG1, EG998]\n", "select[1]: unknown rule code EG998"),
        ("ignore: [EG1, 5]\n", "ignore[1]: expected text, got a number"),
        ("severity: {EG602: severe}\n", "severity.EG602: 'severe' is not one of: critical, high, medium, low, info"),
        ("severity: {XX1: high}\n", "severity.XX1: not a rule code"),
        ("severity: {EG990: high}\n", "severity.EG990: unknown rule code EG990"),
        ("fail-on: severe\n", "fail-on: 'severe' is not one of: critical, high, medium, low, info, none"),
        ("baseline: ''\n", "baseline: must not be empty"),
        ("- select\n", ".ecs-guard.yaml: expected a mapping of keys to values, got a list"),
        ("select: [EG1\n", ".ecs-guard.yaml:2: invalid YAML"),
    ],
)
def test_an_invalid_yaml_config_names_the_file_and_the_key(repo, text, message):
    write(Path.cwd() / ".ecs-guard.yaml", text)
    with pytest.raises(ConfigError) as raised:
        load_config()
    error = str(raised.value)
    assert error.startswith(".ecs-guard.yaml:") and "\n" not in error
    assert message in error


@pytest.mark.parametrize(
    "text, message",
    [
        ('[tool.ecs-guard]\nfail-on = "loud"\n', "pyproject.toml: tool.ecs-guard.fail-on: 'loud' is not one of"),
        (
            '[[tool.ecs-guard.ignores]]\nrule = "EG201"\nreason = "x"\nexpires = 2027-01-31T10:00:00\n',
            "pyproject.toml: tool.ecs-guard.ignores[0].expires: '2027-01-31T10:00:00' is not a valid date",
        ),
        (
            "[tool]\necs-guard = 5\n",
            "pyproject.toml: tool.ecs-guard: expected a mapping of keys to values, got a number",
        ),
        ("[tool.ecs-guard]\nfail-on = \n", "pyproject.toml: invalid TOML"),
    ],
)
def test_an_invalid_pyproject_table_names_the_key_with_its_table(repo, text, message):
    write(Path.cwd() / "pyproject.toml", text)
    with pytest.raises(ConfigError, match="^" + re.escape(message)):
        load_config()


# ----------------------------------------------------------------- flags and severities


def test_command_line_flags_replace_the_configs_values():
    config = Config(select=["EG6"], ignore=["EG603"], fail_on="high", baseline="base.json")
    unchanged = config.with_flags(select=[], ignore=[], fail_on=None)
    assert (unchanged.select, unchanged.ignore, unchanged.fail_on, unchanged.baseline) == (
        ["EG6"],
        ["EG603"],
        "high",
        "base.json",
    )
    flagged = config.with_flags(select=["EG2"], ignore=["EG202"], fail_on="none", baseline="other.json")
    assert (flagged.select, flagged.ignore, flagged.fail_on, flagged.baseline) == (
        ["EG2"],
        ["EG202"],
        "none",
        "other.json",
    )
    assert flagged.fail_on_severity("info") is None
    assert unchanged.fail_on_severity("info") is Severity.HIGH
    assert Config().fail_on_severity("info") is Severity.INFO


def test_rules_are_selected_and_carry_the_configured_severity():
    config = Config(select=["EG6"], ignore=["EG604"], severity={"EG6": Severity.INFO, "EG602": Severity.CRITICAL})
    rules = {r.id: r.severity for r in config.rules()}
    runtime_rules = [r.id for r in all_rules() if r.id.startswith("EG6") and r.id != "EG604" and r.enabled_by_default]
    assert {"EG601", "EG602", "EG603"} <= set(runtime_rules)
    assert rules == {rule_id: Severity.CRITICAL if rule_id == "EG602" else Severity.INFO for rule_id in runtime_rules}
    assert get_rule("EG602").severity is Severity.HIGH  # the catalogue itself is untouched


def test_a_configured_severity_also_replaces_a_findings_own_severity():
    config = Config(severity={"EG102": Severity.MEDIUM})
    report = run(Inventory(task_definitions=[make_task_definition(network_mode="bridge")]), [get_rule("EG102")])
    assert [f.severity for f in report.findings] == [Severity.LOW]  # EG102 says: bridge is low
    config.apply_severities(report)
    assert [f.severity for f in report.findings] == [Severity.MEDIUM]


def test_without_tomllib_or_tomli_a_pyproject_config_is_a_clear_error(repo, monkeypatch):
    """Python 3.10 has no tomllib: ecs-guard then needs tomli, and says so in one line."""
    import sys

    monkeypatch.setitem(sys.modules, "tomllib", None)
    monkeypatch.setitem(sys.modules, "tomli", None)
    write(Path.cwd() / "pyproject.toml", '[tool.ecs-guard]\nfail-on = "high"\n')
    with pytest.raises(ConfigError, match=r"^pyproject.toml: reading TOML on Python 3.10 needs the tomli package"):
        load_config()
    write(Path.cwd() / "pyproject.toml", '[project]\nname = "x"\n')  # no ecs-guard table: never parsed
    assert load_config().file is None
