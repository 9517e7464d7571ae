"""The configuration file: where it is, what it says, and what it means for a scan.

One file configures a project (docs/configuration.md): ``.ecs-guard.yaml``
(or ``.yml``), or the ``[tool.ecs-guard]`` table of pyproject.toml. It is
found from the working directory upward, stopping at the git root, and the
nearest folder that has one wins (as in ruff): a sub-project's own file
beats the repository's. ``--config FILE`` names one explicitly.

A config file is validated against ecs_guard/schemas/config.schema.json
before anything runs. An invalid one is a usage error (exit code 2) in one
line that names the file and the key: a CI job must not pass because a typo
silently turned an ignore into nothing. A missing one is fine: the defaults
apply.

Command-line flags replace the config's value of the same key (`--select`
replaces ``select``, ...): what is typed wins, and nothing merges in ways
one has to look up.
"""

from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ecs_guard.location import display_path
from ecs_guard.results import Severity

if TYPE_CHECKING:
    import datetime

YAML_NAMES = (".ecs-guard.yaml", ".ecs-guard.yml")
PYPROJECT = "pyproject.toml"
PYPROJECT_TABLE = ("tool", "ecs-guard")
SCHEMA = Path(__file__).resolve().parent / "schemas" / "config.schema.json"
FAIL_ON_NONE = "none"


class ConfigError(Exception):
    """The config file cannot be read or is invalid: one line, naming file and key."""


@dataclass(frozen=True)
class Ignore:
    """One entry of ``ignores``: findings of `rule` (an ID or a prefix) whose
    file matches `path` and whose resource matches `resource` are suppressed,
    with `reason`, until `expires` (the first day it no longer applies)."""

    rule: str
    reason: str
    path: str | None = None
    resource: str | None = None
    expires: datetime.date | None = None
    key: str = "ignores[0]"  # where it is in the config file, for messages

    def expired(self, today: datetime.date) -> bool:
        return self.expires is not None and today >= self.expires

    def describe(self) -> str:
        """``EG201 path 'legacy/**' resource 'aws_ecs_service.*'``, for messages."""
        parts = [self.rule]
        if self.path:
            parts.append(f"path '{self.path}'")
        if self.resource:
            parts.append(f"resource '{self.resource}'")
        return " ".join(parts)


@dataclass(frozen=True)
class Config:
    """A config file's settings, or the defaults when there is none.

    ``file`` is the display path of the file (None: no config);
    ``directory`` the absolute folder that ``ignores[].path`` and
    ``baseline`` are relative to (the config's, else the working directory).
    """

    file: str | None = None
    directory: str = field(default_factory=os.getcwd)
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    severity: dict[str, Severity] = field(default_factory=dict)
    fail_on: str | None = None
    ignores: list[Ignore] = field(default_factory=list)
    baseline: str | None = None  # relative to the working directory (or absolute)
    exclude: list[str] = field(default_factory=list)  # globs, relative to exclude_base
    exclude_base: str = field(default_factory=os.getcwd)  # the config's folder, or the working directory for flags

    def with_flags(
        self,
        *,
        select: list[str],
        ignore: list[str],
        fail_on: str | None,
        baseline: str | None = None,
        exclude: list[str] | None = None,
    ) -> Config:
        """The settings of a run: each flag given on the command line replaces the config's value
        (``--exclude`` globs are relative to the working directory, the config's to its folder)."""
        return dataclasses.replace(
            self,
            select=select or self.select,
            ignore=ignore or self.ignore,
            fail_on=fail_on or self.fail_on,
            baseline=baseline or self.baseline,
            exclude=exclude or self.exclude,
            exclude_base=os.getcwd() if exclude else self.exclude_base,
        )

    def exclusions(self, written: tuple[str, ...] = ()):
        """What walks leave out besides the default folders (ecs_guard.inputs.exclude);
        `written`: the report files of this run."""
        from ecs_guard.inputs.exclude import Exclude, Exclusions

        return Exclusions((Exclude(glob, self.exclude_base) for glob in self.exclude), written)

    def fail_on_severity(self, default: str) -> Severity | None:
        """The --fail-on threshold; None never fails on findings."""
        value = self.fail_on or default
        return None if value == FAIL_ON_NONE else Severity.parse(value)

    def rules(self) -> list:
        """The rules to run: selected, with the configured severities."""
        from ecs_guard.rule import select_rules

        return [self._with_severity(r, r.id) for r in select_rules(self.select or None, self.ignore)]

    def severity_for(self, rule_id: str) -> Severity | None:
        """The configured severity of a rule: the longest matching ID or prefix wins."""
        matches = [code for code in self.severity if rule_id.startswith(code)]
        return self.severity[max(matches, key=len)] if matches else None

    def apply_severities(self, report) -> None:
        """Give every finding of an overridden rule the configured severity,
        also findings for which the rule chose its own (EG102's `bridge` is
        low): the user said how much this rule matters to them."""
        if not self.severity:
            return
        report.findings[:] = [self._with_severity(f, f.rule_id) for f in report.findings]

    def _with_severity(self, rule_or_finding, rule_id: str):
        severity = self.severity_for(rule_id)
        return dataclasses.replace(rule_or_finding, severity=severity) if severity else rule_or_finding


# ----------------------------------------------------------------- finding the file


def load_config(explicit: str | None = None, start: str | os.PathLike | None = None) -> Config:
    """The config named by --config, else the nearest one found from `start`
    (default: the working directory) upward, else the defaults."""
    if explicit is not None:
        path = Path(explicit)
        if not path.is_file():
            raise ConfigError(f"{explicit}: no such config file")
        config = read_config(path)
        if config is None:
            raise ConfigError(f"{display_path(path)}: has no [tool.ecs-guard] table")
        return config
    for path in candidate_files(Path(start) if start is not None else Path.cwd()):
        config = read_config(path)
        if config is not None:
            return config
    return Config()


def candidate_files(start: Path):
    """.ecs-guard.yaml, .ecs-guard.yml and pyproject.toml, folder by folder
    from `start` up to the git root (a folder holding .git) or the filesystem root."""
    folder = start.resolve()
    while True:
        for name in (*YAML_NAMES, PYPROJECT):
            if (folder / name).is_file():
                yield folder / name
        if (folder / ".git").exists() or folder.parent == folder:
            return
        folder = folder.parent


def read_config(path: Path) -> Config | None:
    """The Config in one file; None for a pyproject.toml without [tool.ecs-guard]."""
    shown = display_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{shown}: cannot read: {getattr(error, 'strerror', None) or error}") from None
    if path.suffix == ".toml":
        data, prefix = _toml_settings(text, shown, pyproject=path.name == PYPROJECT)
        if data is None:
            return None
    else:
        data, prefix = _yaml_settings(text, shown), ""
    return _config(data, shown, prefix, str(path.resolve().parent))


def _yaml_settings(text: str, shown: str) -> Any:
    import yaml

    try:
        data = yaml.load(text, Loader=_loader())
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or "not valid YAML"
        raise ConfigError(f"{shown}{where}: invalid YAML: {problem}") from None
    return {} if data is None else data


def _loader():
    """A safe YAML loader that leaves dates as text: PyYAML would turn
    ``expires: 2027-01-01`` into a date and fail on ``2027-13-01`` with a
    message that names no key; as text, the schema names the key."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return Loader


def _toml_settings(text: str, shown: str, pyproject: bool) -> tuple[Any, str]:
    """(settings, key prefix for messages); (None, _) for a pyproject.toml
    that does not configure ecs-guard."""
    if pyproject and "ecs-guard" not in text:  # most pyproject.toml files: no need to parse them
        return None, ""
    tomllib = _tomllib(shown)
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{shown}: invalid TOML: {error}") from None
    if not pyproject:
        return _dates_as_text(document), ""
    table: Any = document
    for key in PYPROJECT_TABLE:
        table = table.get(key) if isinstance(table, dict) else None
    return (None, "") if table is None else (_dates_as_text(table), ".".join(PYPROJECT_TABLE) + ".")


def _tomllib(shown: str):
    try:
        import tomllib  # type: ignore[import-not-found]  # not in the stdlib of mypy's target, Python 3.10
    except ModuleNotFoundError:  # Python 3.10
        try:
            import tomli as tomllib
        except ModuleNotFoundError:
            raise ConfigError(
                f"{shown}: reading TOML on Python 3.10 needs the tomli package (pip install tomli)"
            ) from None
    return tomllib


def _dates_as_text(value: Any) -> Any:
    """TOML has date values (``expires = 2027-01-01``); the schema checks text."""
    if isinstance(value, dict):
        return {k: _dates_as_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_dates_as_text(v) for v in value]
    import datetime  # here, not at import: only a config file has dates

    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    return value


# ----------------------------------------------------------------- validating


def _config(data: Any, shown: str, prefix: str, directory: str) -> Config:
    import datetime

    _validate(data, shown, prefix)
    _check_rule_codes(data, shown, prefix)
    ignores = [
        Ignore(
            rule=entry["rule"].upper(),
            reason=entry["reason"].strip(),
            path=entry.get("path"),
            resource=entry.get("resource"),
            expires=datetime.date.fromisoformat(entry["expires"]) if "expires" in entry else None,
            key=f"{prefix}ignores[{i}]",
        )
        for i, entry in enumerate(data.get("ignores", []))
    ]
    baseline = data.get("baseline")
    return Config(
        file=shown,
        directory=directory,
        select=[code.upper() for code in data.get("select", [])],
        ignore=[code.upper() for code in data.get("ignore", [])],
        severity={code.upper(): Severity.parse(value) for code, value in data.get("severity", {}).items()},
        fail_on=data.get("fail-on"),
        ignores=ignores,
        baseline=display_path(os.path.join(directory, baseline)) if baseline else None,
        exclude=list(data.get("exclude", [])),
        exclude_base=directory,
    )


def _validate(data: Any, shown: str, prefix: str) -> None:
    import jsonschema

    validator_class = jsonschema.Draft202012Validator
    validator = validator_class(
        json.loads(SCHEMA.read_text(encoding="utf-8")), format_checker=validator_class.FORMAT_CHECKER
    )
    errors = sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
    if errors:
        key, problem = _explain(errors[0])
        where = (prefix + key) if key else prefix.rstrip(".")
        raise ConfigError(f"{shown}: {where}: {problem}" if where else f"{shown}: {problem}")


def _explain(error) -> tuple[str, str]:
    """(key path, what is wrong) for one schema error, in words about the config."""
    path = list(error.absolute_path)
    kind, instance = error.validator, error.instance
    if "propertyNames" in error.schema_path:  # a severity key that is no rule code
        return _key_path([*path, instance]), "not a rule code (EG followed by digits: EG6, EG602)"
    if kind == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        extra = [k for k in instance if k not in allowed]
        return _key_path(path + extra[:1]), f"unknown key (expected one of: {', '.join(allowed)})"
    if kind == "required":
        missing = next(k for k in error.validator_value if k not in instance)
        return _key_path([*path, missing]), "required, but missing"
    if kind == "format":
        return _key_path(path), f"{instance!r} is not a valid date (YYYY-MM-DD)"
    if kind == "pattern" and error.validator_value == "\\S":
        return _key_path(path), "must not be empty"
    if kind == "pattern":
        return _key_path(path), f"{instance!r} is not a rule code (EG followed by digits: EG6, EG602)"
    if kind == "enum":
        return _key_path(path), f"{instance!r} is not one of: {', '.join(error.validator_value)}"
    if kind == "type":
        return _key_path(path), f"expected {_TYPE_WORDS[error.validator_value]}, got {_type_word(instance)}"
    if kind == "minLength":
        return _key_path(path), "must not be empty"
    return _key_path(path), error.message


_TYPE_WORDS = {"array": "a list", "object": "a mapping of keys to values", "string": "text"}


def _type_word(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "nothing" if value is None else type(value).__name__


def _key_path(path: list) -> str:
    """``ignores[0].expires`` from ['ignores', 0, 'expires']."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _check_rule_codes(data: dict, shown: str, prefix: str) -> None:
    """Codes the schema accepts but that match no rule (EG999): a typo that
    would select, ignore or suppress nothing."""
    from ecs_guard.rule import unknown_rule_codes

    places = [(f"{key}[{i}]", code) for key in ("select", "ignore") for i, code in enumerate(data.get(key, []))]
    places += [(f"severity.{code}", code) for code in data.get("severity", {})]
    places += [(f"ignores[{i}].rule", entry["rule"]) for i, entry in enumerate(data.get("ignores", []))]
    for key, code in places:
        if unknown_rule_codes([code]):
            raise ConfigError(
                f"{shown}: {prefix}{key}: unknown rule code {code.upper()} (`ecs-guard rules` lists them)"
            )
