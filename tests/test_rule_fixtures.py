"""Runs every case of fixtures/rules/*.yaml through the whole scanner and
checks the rule's findings (rule, resource, container, line, file) and
not-evaluated results exactly. Terraform source (kind hcl) is read with a
private parse cache, as a first run would."""

from __future__ import annotations

import pytest
from fixture_cases import all_cases

from ecs_guard.rule import get_rule
from ecs_guard.scan import scan

CASES = all_cases()


def _finding_key(item: dict, default_file: str) -> tuple:
    return (item["resource"], item.get("container"), item["line"], item.get("file", default_file))


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_rule_case(case, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    folder = tmp_path / "case"
    folder.mkdir()
    case.write(folder)
    monkeypatch.chdir(folder)
    default_file = case.default_file
    report = scan(["."], rules=[get_rule(case.rule)])

    assert not report.errors, report.errors
    assert not report.unreadable, report.unreadable
    got = sorted(((f.resource, f.container, f.location.line, f.location.path) for f in report.findings), key=repr)
    want = sorted((_finding_key(e, default_file) for e in case.expect), key=repr)
    assert got == want
    assert {f.rule_id for f in report.findings} <= {case.rule}

    got_ne = sorted(((n.resource, n.container) for n in report.not_evaluated), key=repr)
    want_ne = sorted(((n["resource"], n.get("container")) for n in case.not_evaluated), key=repr)
    assert got_ne == want_ne, f"not evaluated: {[(n.resource, n.container, n.reason) for n in report.not_evaluated]}"
