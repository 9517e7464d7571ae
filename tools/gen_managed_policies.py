"""Generate ecs_guard/data/aws_managed_policies.json, the table of AWS managed
policies that EG301/EG302 judge an attached AWS managed policy by.

Usage (from the repository root)::

    python tools/gen_managed_policies.py [SOURCE] [--output PATH] [--check]

SOURCE is the dataset of AWS managed policy documents (default
``../shared/data/aws-managed-policies.json``, relative to the repository
root): iann0036/iam-dataset's ``aws/managedpolicies/*.json`` merged into one
file, with the dataset's commit in its ``source`` block.

The rules only ask one question of a policy: does one of its ``Allow``
statements have an Action ``*`` or ``service:*`` (alone or among others), or
a ``NotAction``? So the table keeps, per policy, only the ``Allow``
statements that can answer yes, and in them only the wildcard actions (the
finding quotes them) or the whole NotAction list. A policy with no such
statement is kept with an empty list: "known and safe" is not "not in the
table", which the rules report as not evaluated. Resources and conditions are
dropped: the rules do not read them.

The output is deterministic (policies sorted by name, statements and actions
in document order, one policy per line so a refresh diffs readably), so a
test can compare the packaged table with a fresh regeneration.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SOURCE_IN_SHARED = Path("shared", "data", "aws-managed-policies.json")
DEFAULT_OUTPUT = ROOT / "ecs_guard" / "data" / "aws_managed_policies.json"
FORMAT = 1

# The same test as rules/_iam.py is_wildcard_action (a test keeps them equal).
_WILDCARD_ACTION = re.compile(r"^(\*|[^:]+:\*)$")
_ARN = re.compile(r"^arn:aws:iam::aws:policy(?P<path>/(?:.+/)?)(?P<name>[^/]+)$")


class SourceError(Exception):
    """The source file is not the dataset this generator knows."""


def default_source() -> Path:
    """$ECS_GUARD_POLICY_SOURCE, else ../shared/data/aws-managed-policies.json
    beside the repository root, else the same under a further ancestor (a git
    worktree checked out one folder deeper, as /work/wt/NAME beside /work/shared).
    The first candidate when none exists, so the error names the usual place."""
    if os.environ.get("ECS_GUARD_POLICY_SOURCE"):
        return Path(os.environ["ECS_GUARD_POLICY_SOURCE"])
    candidates = [ancestor / SOURCE_IN_SHARED for ancestor in ROOT.parents]
    return next((c for c in candidates if c.is_file()), candidates[0])


def is_wildcard_action(action: str) -> bool:
    """`*`, or every action of one service (`s3:*`); `s3:Get*` is not."""
    return bool(_WILDCARD_ACTION.match(action.strip()))


def build_table(source: dict[str, Any]) -> dict[str, Any]:
    """The packaged table (a JSON-ready dict) made from the parsed source."""
    try:
        raw_policies: dict[str, Any] = source["policies"]
        meta: dict[str, Any] = source["source"]
    except (KeyError, TypeError):
        raise SourceError("no 'policies' and 'source' objects: not the merged iam-dataset file") from None
    policies: dict[str, dict[str, Any]] = {}
    other_commits: dict[str, str] = {}
    dates: list[str] = []
    for key in sorted(raw_policies):
        entry = raw_policies[key]
        name = _policy_name(key, entry)
        if name in policies and key != name:
            continue  # a stray copy (e.g. "X.json" beside "X"): the entry under its own name wins
        policies[name] = _policy(name, entry)
        if entry.get("source_commit"):
            other_commits[name] = entry["source_commit"]
        dates += [d for d in (entry.get("createdate"), entry.get("updatedate")) if d]
    return {
        "format": FORMAT,
        "source": {
            "repository": meta.get("repository"),
            "path": meta.get("path"),
            "commit": meta.get("commit"),
            "license": meta.get("license"),
            "date": _newest_date(dates),
            "date_is": "the newest create or update date of a policy in the dataset",
            "documents_from_other_commits": dict(sorted(other_commits.items())),
        },
        "generated_by": "tools/gen_managed_policies.py",
        "absent": sorted(source.get("absent") or []),
        "policies": dict(sorted(policies.items())),
    }


def _policy_name(key: str, entry: dict[str, Any]) -> str:
    """The policy's name: from its ARN when it has one, else its key without
    a stray `.json` (the dataset's file name leaked into one key)."""
    match = _ARN.match(entry.get("arn") or "")
    if match:
        if match.group("name") != key:
            raise SourceError(f"policy {key!r} has the ARN of {match.group('name')!r}")
        return key
    return key[: -len(".json")] if key.endswith(".json") else key


def _policy(name: str, entry: dict[str, Any]) -> dict[str, Any]:
    """{"path": "/service-role/" or None when the dataset has no ARN,
    ["deprecated": true,] "statements": [...]} for one policy."""
    match = _ARN.match(entry.get("arn") or "")
    document = entry.get("document")
    if not isinstance(document, dict):
        raise SourceError(f"policy {name!r} has no document object")
    policy: dict[str, Any] = {"path": match.group("path") if match else None}
    if entry.get("deprecated"):
        policy["deprecated"] = True
    policy["statements"] = [s for s in map(_wildcard_statement, _statements(name, document)) if s]
    return policy


def _statements(name: str, document: dict[str, Any]) -> list[dict[str, Any]]:
    found = document.get("Statement")
    statements = [found] if isinstance(found, dict) else found
    if not isinstance(statements, list) or not all(isinstance(s, dict) for s in statements):
        raise SourceError(f"policy {name!r}: Statement is not an object or a list of objects")
    return statements


def _wildcard_statement(statement: dict[str, Any]) -> dict[str, list[str]] | None:
    """The part of one statement the rules judge: {"not_actions": [...]} for
    an Allow with NotAction, {"actions": [the wildcard ones]} for an Allow
    with a wildcard action, else None."""
    if str(statement.get("Effect", "")).lower() != "allow":
        return None
    if "NotAction" in statement:
        return {"not_actions": _strings(statement["NotAction"])}
    wildcards = [a for a in _strings(statement.get("Action", [])) if is_wildcard_action(a)]
    return {"actions": list(dict.fromkeys(wildcards))} if wildcards else None


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    raise SourceError(f"an Action/NotAction is neither a string nor a list of strings: {value!r}")


def _newest_date(dates: list[str]) -> str:
    """YYYY-MM-DD of the newest timestamp (`...Z` and `...+00:00` forms)."""
    if not dates:
        raise SourceError("no policy has a create or update date")
    parsed = (datetime.fromisoformat(d.replace("Z", "+00:00")).astimezone(timezone.utc) for d in dates)
    return max(parsed).date().isoformat()


def render(table: dict[str, Any]) -> str:
    """The table as text: a compact header, then one policy per line."""
    head = {k: v for k, v in table.items() if k != "policies"}
    lines = [json.dumps(head, sort_keys=False, separators=(",", ":"))[:-1] + ',"policies":{']
    items = list(table["policies"].items())
    for i, (name, policy) in enumerate(items):
        comma = "," if i < len(items) - 1 else ""
        lines.append(f"{json.dumps(name)}:{json.dumps(policy, separators=(',', ':'))}{comma}")
    lines.append("}}")
    return "\n".join(lines) + "\n"


def generate(source_path: Path) -> str:
    """The packaged table's text for the source file at `source_path`."""
    with source_path.open(encoding="utf-8") as stream:
        return render(build_table(json.load(stream)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "source", nargs="?", type=Path, default=None, help=f"the merged iam-dataset file (default: {default_source()})"
    )
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="where to write (default: %(default)s)")
    parser.add_argument("--check", action="store_true", help="exit 1 if the output is not up to date; write nothing")
    args = parser.parse_args(argv)
    args.source = args.source or default_source()
    try:
        text = generate(args.source)
    except (OSError, ValueError, SourceError) as error:
        print(f"{args.source}: {error}", file=sys.stderr)
        return 2
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != text:
            print(
                f"{args.output} is not up to date with {args.source}: run tools/gen_managed_policies.py",
                file=sys.stderr,
            )
            return 1
        return 0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    table = json.loads(text)
    print(
        f"{args.output}: {len(table['policies'])} policies, "
        f"{sum(1 for p in table['policies'].values() if p['statements'])} with a wildcard statement, "
        f"{len(text.encode())} bytes, data as of {table['source']['date']}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
